"""People's LDIF records written straight from their values: the bytes entry_ldif writes."""

from __future__ import annotations

import dataclasses

from directory_service.demo.staff import generate_people
from directory_service.entries.build import TreeIndex
from directory_service.entries.ldif_text import entry_ldif
from directory_service.entries.records import PersonRecords
from directory_service.model import STATUS_LEFT, Person
from directory_service.reference.tree import build_tree
from directory_service.server.loading import name_key, name_ordered_chunks

BASE = "dc=gov,dc=vn"


def _both(index: TreeIndex, person: Person) -> tuple[bytes, bytes]:
    dn, attrs = index.person_entry(person)
    return PersonRecords(index).keyed(person), name_key(attrs) + entry_ldif(dn, attrs)


def test_records_of_synthetic_people_are_the_bytes_of_their_entries():
    units = build_tree("2025")
    index = TreeIndex(units, BASE)
    writer = PersonRecords(index)
    people = list(generate_people(units, 3_000, 11))
    for person in people:
        dn, attrs = index.person_entry(person)
        expected = entry_ldif(dn, attrs)
        assert writer.record(person) == expected
        assert writer.keyed(person) == name_key(attrs) + expected
    assert len({p.unit_code for p in people}) > 100  # many units' cached lines were used


def test_awkward_people_are_written_as_their_entries_are():
    units = build_tree("2025")
    index = TreeIndex(units, BASE)
    base = Person("p0a1b2c3d4", "Nguyễn", "Văn", "An", "01", "Chủ tịch", ["an@hanoi.gov.vn"])
    awkward = [
        base,
        dataclasses.replace(base, uid="a,b+c=d\\e #1"),  # escaped in the DN, base64 nowhere
        dataclasses.replace(base, uid=" lead"),  # a DN that RFC 2849 wants in base64
        dataclasses.replace(base, family="", middle="", given="Mai"),  # one word
        dataclasses.replace(base, middle=""),
        dataclasses.replace(base, title="", phone="024 3825 1234"),
        dataclasses.replace(base, mail=["an@hanoi.gov.vn", "", "an.nguyen@gmail.com"]),
        dataclasses.replace(base, mail=[]),
        dataclasses.replace(base, status=STATUS_LEFT),
        dataclasses.replace(base, title=" Phó giám đốc (phụ trách)"),  # leading space: base64
        dataclasses.replace(base, given="A\0n"),  # a NUL stays out of the sort key
        dataclasses.replace(base, family="Tôn Nữ", middle="Thị", given="Hà", unit_code="79"),
    ]
    for person in awkward:
        written, expected = _both(index, person)
        assert written == expected, person


def test_written_people_and_entries_sort_into_the_same_ldif():
    units = build_tree("2025")
    index = TreeIndex(units, BASE)
    writer = PersonRecords(index)
    people = list(generate_people(units, 2_000, 4))
    unit = index.unit_entry(units[0])
    as_entries = [unit, *(index.person_entry(p) for p in people)]
    as_written = [unit, *(writer.keyed(p) for p in people)]
    sizes = {"window": 700, "batch": 90, "first": 100}
    assert b"".join(name_ordered_chunks(as_written, **sizes)) == b"".join(
        name_ordered_chunks(as_entries, **sizes)
    )
