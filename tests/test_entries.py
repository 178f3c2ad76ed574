"""Person entries: the values a plan compares are the same values the whole entry holds."""

from __future__ import annotations

from directory_service.entries import TreeIndex
from directory_service.importing.plan import DERIVED, MANAGED
from directory_service.model import STATUS_LEFT, Person
from directory_service.staff import generate_people
from directory_service.tree import build_tree


def test_person_sources_are_the_non_derived_part_of_the_entry():
    units = build_tree("2025")
    index = TreeIndex(units, "dc=gov,dc=vn")
    people = list(generate_people(units, 2_000, seed=3))
    people += [
        Person("p1", "", "", "Mai", "01-SNV", mail=["mai@hanoi.gov.vn"]),
        Person("p2", "Đặng", "", "Đức", "00004", "Chủ tịch", [], "0241234567", status=STATUS_LEFT),
        Person("p3", "Tôn Nữ", "Thị Thu", "Hà", "BTC-VP", "Chuyên viên", ["a@x.vn", "b@x.vn"]),
    ]
    compared = set(MANAGED) - set(DERIVED)
    for person in people:
        _, entry = index.person_entry(person)
        want = {k: v for k, v in entry.items() if k in compared}
        assert index.person_sources(person) == want, person
