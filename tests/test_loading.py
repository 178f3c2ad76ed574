"""LDIF produced for slapadd: parses back to exactly the entries it was made from."""

from __future__ import annotations

import io

import ldif

from directory_service.loading import directory_entries, entry_ldif, ldif_chunks


def parse(data: bytes) -> list[tuple[str, dict[str, list[bytes]]]]:
    records = ldif.LDIFRecordList(io.BytesIO(data))
    records.parse()
    return records.all_records


def test_awkward_values_round_trip_through_pythons_ldif_parser():
    attrs = {
        "cn": ["Nguyễn Văn An".encode(), b"Nguyen Van An"],
        "description": [b" leading space", b"trailing space ", b":colon", b"<angle", b"a: b"],
        "l": ["Đặng".encode(), b"line\nbreak", b"\x00nul"],
    }
    [(dn, parsed)] = parse(entry_ldif("uid=x,dc=gov,dc=vn", attrs))
    assert dn == "uid=x,dc=gov,dc=vn" and parsed == attrs


def test_directory_ldif_round_trips_and_is_reproducible():
    total, entries = directory_entries("dc=gov,dc=vn", {}, "2025", 500, 3)
    expected = list(entries)
    data = b"".join(ldif_chunks(expected, batch=97))
    assert len(expected) == total
    assert parse(data) == [(dn, {k: list(v) for k, v in a.items()}) for dn, a in expected]
    _, again = directory_entries("dc=gov,dc=vn", {}, "2025", 500, 3)
    assert b"".join(ldif_chunks(again)) == data
