"""LDIF produced for slapadd: parses back to exactly the entries it was made from."""

from __future__ import annotations

import io

import ldif

from directory_service.loading import directory_entries, entry_ldif, ldif_chunks, load_directory


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


def test_each_unit_is_followed_by_its_people_and_parents_come_first():
    total, entries = directory_entries("dc=gov,dc=vn", {}, "2025", 5_000, 3)
    dns = [dn for dn, _ in entries]
    assert len(dns) == total == len(set(dns))
    seen = set()
    for dn in dns:
        parent = dn.split(",", 1)[1] if "," in dn else ""
        assert dn == "dc=gov,dc=vn" or parent in seen, dn
        seen.add(dn)
    # People are spread through the load order instead of coming after all 17,267 units.
    kinds = ["p" if dn.startswith("uid=") else "u" for dn in dns]
    assert kinds.index("p") < 200
    assert "".join(kinds[:2000]).count("p") > 200
    # A person comes right after their own unit or after another person of it.
    for i, dn in enumerate(dns):
        if kinds[i] == "p":
            unit = dn.split(",", 1)[1]
            assert dns[i - 1] == unit or dns[i - 1].split(",", 1)[1] == unit, dn


def test_legacy_three_tier_tree_loads_into_slapd(tmp_path):
    from directory_service.admin_units import communes, districts, provinces
    from directory_service.instance import ConnectionSettings
    from directory_service.slapd import Slapd, free_port, hash_password
    from directory_service.slapd_config import SlapdLayout
    from directory_service.store import Directory

    slapd = Slapd(SlapdLayout(tmp_path / "legacy"), free_port())
    slapd.initialise(hash_password("legacy-admin"))
    load_directory(
        slapd, {"addressbook": "a", "web": "w"}, "legacy", people=300, seed=2, quiet=True
    )
    slapd.start()
    try:
        settings = ConnectionSettings(
            slapd.uri, slapd.layout.root_dn, "legacy-admin", "dc=gov,dc=vn"
        )
        units = Directory(settings).units()
        for level, expected in ((provinces, 63), (districts, None), (communes, None)):
            codes = {u.code for u in level("legacy")}
            assert codes <= units.keys()
            assert expected is None or len(codes) == expected
        assert 690 <= len(districts("legacy")) <= 710 and len(communes("legacy")) > 10_000
        # Communes hang under their district, districts under their province.
        assert units["00001"].path[-3:] == ("01", "001", "00001")
    finally:
        slapd.stop()
