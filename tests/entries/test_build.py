"""Person entries: the values a plan compares are the same values the whole entry holds."""

from __future__ import annotations

from directory_service.demo.staff import generate_people
from directory_service.entries.build import PREFIX_MAX, TreeIndex, word_prefixes
from directory_service.importing.plan import DERIVED, MANAGED
from directory_service.model import STATUS_LEFT, Person
from directory_service.reference.tree import build_tree


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


def test_word_prefixes_are_each_words_beginnings_once_and_capped():
    assert word_prefixes(["nguyen", "van", "an"]) == [
        "ng", "ngu", "nguy", "nguye", "nguyen", "va", "van", "an",
    ]  # fmt: skip
    assert word_prefixes(["an", "anh", "y"]) == ["an", "anh"]  # one letter: no beginning
    long = "x" * 50
    assert word_prefixes([long])[-1] == "x" * PREFIX_MAX


def test_person_entry_holds_name_and_title_word_beginnings():
    index = TreeIndex(build_tree("2025"), "dc=gov,dc=vn")
    person = Person("p1", "Đặng", "Thị", "Đào", "01-SNV", "Phó Giám đốc (phụ trách)", [])
    _, entry = index.person_entry(person)
    assert entry["govdirNamePrefix"] == [b"da", b"dan", b"dang", b"th", b"thi", b"dao"]
    # Title words as search splits them: "(phụ" is the word "phu".
    assert b"phu" in entry["govdirTitlePrefix"] and b"giam" in entry["govdirTitlePrefix"]
    assert b"(p" not in entry["govdirTitlePrefix"]
    untitled = Person("p2", "Lê", "", "Na", "01-SNV")
    assert "govdirTitlePrefix" not in index.person_entry(untitled)[1]
