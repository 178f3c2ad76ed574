"""LDIF produced for slapadd: parses back to exactly the entries it was made from."""

from __future__ import annotations

import io

import ldif

from directory_service.entries.ldif_text import entry_ldif, ldif_chunks
from directory_service.server.loading import (
    directory_entries,
    load_directory,
    name_ordered_chunks,
)


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


def _name_keys(people):
    return [(a["givenName"][-1].lower(), a["cn"][1 if len(a["cn"]) > 1 else 0].lower())
            for a in people]  # fmt: skip


def test_name_ordered_chunks_sort_people_window_by_window_and_pass_units_at_once():
    _, entries = directory_entries("dc=gov,dc=vn", {}, "2025", 3_000, 5)
    entries = list(entries)
    counted = []
    data = b"".join(name_ordered_chunks(entries, counted.append, window=1_000, batch=300))
    out = parse(data)
    assert sorted(dn for dn, _ in out) == sorted(dn for dn, _ in entries)  # all, once each
    assert sum(counted) == len(entries) and max(counted) == 300
    is_person = [b"govdirPerson" in a["objectClass"] for _, a in out]
    people = [a for (_, a), p in zip(out, is_person, strict=True) if p]
    keys = _name_keys(people)
    windows = [keys[i : i + 1_000] for i in range(0, len(keys), 1_000)]
    assert all(w == sorted(w) for w in windows) and keys != sorted(keys)
    assert len(windows) == 3 and len({k[0] for k in windows[0][:100]}) < 20  # names grouped
    # Units keep their order and each comes before all of its people (parents first).
    position = {dn: n for n, (dn, _) in enumerate(out)}
    units = [dn for (dn, _), p in zip(out, is_person, strict=True) if not p]
    assert units == [dn for dn, a in entries if b"govdirPerson" not in a["objectClass"]]
    for dn, _ in out:
        assert position[dn.split(",", 1)[1]] < position[dn] if dn.count(",") > 2 else True


def test_name_order_windows_double_from_the_first_up_to_the_largest():
    _, entries = directory_entries("dc=gov,dc=vn", {}, "2025", 5_000, 8)
    people = [(dn, a) for dn, a in entries if b"govdirPerson" in a["objectClass"]]
    out = parse(b"".join(name_ordered_chunks(people, window=1_600, batch=100, first=200)))
    assert sorted(dn for dn, _ in out) == sorted(dn for dn, _ in people)
    keys = _name_keys(a for _, a in out)
    sizes = [200, 400, 800, 1_600, 1_600, 400]  # the last window holds what is left
    assert sum(sizes) == len(keys)
    start = 0
    for size in sizes:
        window = keys[start : start + size]
        assert window == sorted(window), size
        start += size
    # Each window is its own sort: the next one starts again from the front of the alphabet.
    assert keys[199] > keys[200] and keys[599] > keys[600]


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
    from directory_service.directory.settings import ConnectionSettings
    from directory_service.directory.store import Directory
    from directory_service.reference.admin_units import communes, districts, provinces
    from directory_service.server.config import SlapdLayout
    from directory_service.server.slapd import Slapd, free_port, hash_password

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


def test_a_nul_in_a_name_does_not_cut_into_the_ldif_of_its_entry():
    attrs = {"objectClass": [b"govdirPerson"], "cn": [b"L\0e An", b"l\0e an"],
             "givenName": [b"A\0n"], "mail": [b"an@hanoi.gov.vn"]}  # fmt: skip
    data = b"".join(name_ordered_chunks([("uid=x1,ou=01,dc=gov,dc=vn", attrs)], window=10))
    assert data == entry_ldif("uid=x1,ou=01,dc=gov,dc=vn", attrs)
