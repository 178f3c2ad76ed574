"""The 2025 reorganisation against a real slapd holding the legacy tree."""

from __future__ import annotations

import json

import ldap
import ldap.modlist
import pytest
from openpyxl import load_workbook

from directory_service.cli import main
from directory_service.directory.people import as_unit
from directory_service.directory.settings import ConnectionSettings
from directory_service.directory.store import Directory
from directory_service.entries.build import TreeIndex
from directory_service.importing import run_import
from directory_service.importing.units.match import OLD_CODE, OLD_NAME, UnitMatcher
from directory_service.model import Person, Unit
from directory_service.reference import admin_units
from directory_service.reference.tree import build_tree
from directory_service.reorganising import AlreadyReorganised, ReorganiseError, reorganise
from directory_service.reorganising.mapping import DEFAULT_MAPPING
from directory_service.server.slapd import Slapd, free_ports, hash_password
from directory_service.server.up import prepare
from tests.importing.agency_files import csv_text

PASSWORD = "mật khẩu thử 2025"
# Who is added to the legacy tree, where, and (from the snapshot's mapping) where they belong
# after 1 July 2025.
PEOPLE = {
    # uid: (unit, given name, mail)
    "ptcommune": ("00001", "An", "an.phucxa@hanoi.gov.vn"),  # Phường Phúc Xá -> Hồng Hà
    "ptdistrict": ("002", "Bình", "binh.hoankiem@hanoi.gov.vn"),  # Quận Hoàn Kiếm
    "ptmerged": ("02-STTTT", "Cường", "cuong.stttt@hagiang.gov.vn"),  # Hà Giang's Sở TT&TT
    "ptnational": ("00004", "Dũng", "dung.trucbach@hanoi.gov.vn"),  # Phường Trúc Bạch
    "ptcreated": ("00001-TDP", "Giang", "giang.tdp@hanoi.gov.vn"),  # a unit an import made
}
CREATED = Unit("00001-TDP", "Tổ dân phố số 1", "phong", "00001", "hanoi.gov.vn")


def _admin(state, slapd):
    conn = ldap.initialize(slapd.uri)
    conn.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    return conn


def build_legacy(data_dir):
    """Build a small legacy directory with people in a commune, a district, a merged province."""
    ldap_port, ldaps_port = free_ports(2)
    state, slapd = prepare(data_dir, ldap_port, ldaps_port, 300, structure="legacy", quiet=True)
    slapd.start()
    try:
        conn = _admin(state, slapd)
        index = TreeIndex(build_tree("legacy"), state.base_dn)
        index.add(CREATED)
        dn, attrs = index.unit_entry(CREATED)
        conn.add_s(dn, ldap.modlist.addModlist(attrs))
        for uid, (unit, given, mail) in PEOPLE.items():
            person = Person(uid, "Ứng", "Văn", given, unit, "Chuyên viên", [mail])
            dn, attrs = index.person_entry(person)
            attrs["userPassword"] = [hash_password(PASSWORD).encode()]
            if uid == "ptmerged":  # the admin of Hà Giang
                attrs["objectClass"] = [*attrs["objectClass"], b"govdirAccount"]
                attrs["govdirAdminOf"] = [b"02"]
            conn.add_s(dn, ldap.modlist.addModlist(attrs))
            if uid == "ptnational":
                group = f"cn=national-admins,{state.base_dn}"
                conn.modify_s(group, [(ldap.MOD_ADD, "member", [dn.encode()])])
        conn.unbind_s()
        own = ldap.initialize(slapd.uri)  # a write of their own, for the audit log
        mine = index.dn_of("ptcommune", "00001")
        own.simple_bind_s(mine, PASSWORD)
        own.modify_s(mine, [(ldap.MOD_REPLACE, "title", ["Thư ký".encode()])])
        own.unbind_s()
    finally:
        slapd.stop()
    return state, slapd


def entries(state, slapd) -> dict[str, tuple[str, dict]]:
    """Return every entry of the stopped database, by lower-cased DN (slapcat)."""
    out = {}
    slapd.dump("(objectClass=*)", lambda dn, attrs: out.__setitem__(dn.lower(), (dn, attrs)))
    return out


def by_uid(found: dict) -> dict[str, tuple[str, dict]]:
    """Return the person entries of a dump by uid."""
    return {a["uid"][0].decode(): (dn, a) for dn, a in found.values() if "uid" in a}


@pytest.fixture(scope="module")
def reorganised(tmp_path_factory):
    """Build the legacy directory, reorganise it, and return what was there before and after."""
    data_dir = tmp_path_factory.mktemp("legacy")
    state, slapd = build_legacy(data_dir)
    before = entries(state, slapd)
    report = data_dir / "report.xlsx"
    outcome = reorganise(slapd, hash_password(state.admin_password), False, report, say=str)
    after = entries(state, slapd)
    slapd.start()
    yield state, slapd, before, after, outcome
    slapd.stop()


def test_people_move_to_their_successors_with_the_same_identity(reorganised):
    state, slapd, before, after, _ = reorganised
    old, new = by_uid(before), by_uid(after)
    assert set(old) == set(new)  # nobody lost, nobody added
    expected = {
        "ptcommune": admin_units.successors("00001")[0],  # 00097 Phường Hồng Hà
        "ptdistrict": "00070",  # Quận Hoàn Kiếm's successor that bears its name
        "ptmerged": "08-SKHCN",  # Hà Giang went into Tuyên Quang; Sở TT&TT into Sở KH&CN
        "ptnational": admin_units.successors("00004")[0],  # Phường Ba Đình (code 00004)
        "ptcreated": "00001-TDP",  # moved with its parent, code kept
    }
    assert expected["ptcommune"] == "00097"
    for uid, code in expected.items():
        dn, attrs = new[uid]
        assert attrs["govdirUnitCode"] == [code.encode()], uid
        assert attrs["entryUUID"] == old[uid][1]["entryUUID"], uid
        assert attrs["userPassword"] == old[uid][1]["userPassword"], uid
        assert attrs["createTimestamp"] == old[uid][1]["createTimestamp"], uid
        assert dn != old[uid][0]
        path = [v.decode() for v in attrs["govdirUnitPath"]]
        assert path[0] == "DP" and path[-1] == code
        assert f"govdirUnitCode={code}," in dn
    assert [v.decode() for v in new["ptcreated"][1]["govdirUnitPath"]] == [
        "DP", "01", "00097", "00001-TDP"
    ]  # fmt: skip
    assert new["ptmerged"][1]["st"] == ["Tỉnh Tuyên Quang".encode()]
    # Everyone not in the local branch stays where they were, byte for byte.
    for uid, (dn, attrs) in old.items():
        if "govdirUnitCode=DP," not in dn:
            assert new[uid] == (dn, attrs)


def test_moved_people_still_sign_in_with_their_password(reorganised):
    state, slapd, _, after, _ = reorganised
    dn = by_uid(after)["ptcommune"][0]
    conn = ldap.initialize(slapd.uri)
    conn.simple_bind_s(dn, PASSWORD)
    assert conn.whoami_s() == f"dn:{dn}"
    conn.unbind_s()


def test_the_audit_log_follows_people_and_units_to_their_new_places(reorganised):
    state, slapd, _, after, _ = reorganised
    dn = by_uid(after)["ptcommune"][0]
    conn = _admin(state, slapd)
    found = conn.search_s("cn=accesslog", ldap.SCOPE_SUBTREE, f"(reqDN={dn})", ["reqType"])
    kinds = sorted(a["reqType"][0] for _, a in found)
    assert kinds == [b"add", b"modify"]  # added by the admin, then their own change
    mine = conn.search_s("cn=accesslog", ldap.SCOPE_SUBTREE, f"(reqAuthzID={dn})", ["reqDN"])
    assert [a["reqDN"] for _, a in mine] == [[dn.encode()]]
    created = conn.search_s("cn=accesslog", ldap.SCOPE_SUBTREE, "(reqType=add)", ["reqDN"])
    unit = "govdirUnitCode=00001-TDP,govdirUnitCode=00097,govdirUnitCode=01,govdirUnitCode=DP"
    assert f"{unit},{state.base_dn}".encode() in [a["reqDN"][0] for _, a in created]
    conn.unbind_s()


def test_the_tree_is_the_2025_one_with_no_district(reorganised):
    _, _, _, after, _ = reorganised
    types: dict[str, int] = {}
    for _, attrs in after.values():
        if b"govdirUnit" in attrs.get("objectClass", []):
            kind = attrs["govdirUnitType"][0].decode()
            types[kind] = types.get(kind, 0) + 1
    assert "huyen" not in types and "thi-tran" not in types
    assert types["tinh"] + types["thanh-pho"] == 34
    assert types["xa"] + types["phuong"] + types["dac-khu"] == 3321


def test_merged_units_keep_old_codes_and_names_and_continued_ones_their_uuid(reorganised):
    _, _, before, after, _ = reorganised
    units = {a["govdirUnitCode"][0].decode(): a for _, a in after.values() if "ou" in a
             and b"govdirUnit" in a["objectClass"]}  # fmt: skip
    old = {a["govdirUnitCode"][0].decode(): a for _, a in before.values() if "ou" in a
           and b"govdirUnit" in a["objectClass"]}  # fmt: skip
    assert b"02" in units["08"]["govdirFormerCode"]
    assert "Tỉnh Hà Giang".encode() in units["08"]["govdirFormerName"]
    assert b"02-STTTT" in units["08-SKHCN"]["govdirFormerCode"]
    assert b"001" in units["00004"]["govdirFormerCode"]  # Quận Ba Đình
    assert "Quận Ba Đình".encode() in units["00004"]["govdirFormerName"]
    assert "Phường Trúc Bạch".encode() in units["00004"]["govdirFormerName"]
    # 00004 is a code today: Trúc Bạch's code stays Ba Đình's own, not a former one.
    assert b"00004" not in units["00004"].get("govdirFormerCode", [])
    # A 2025 unit with a legacy unit's code continues that entry.
    assert units["08"]["entryUUID"] == old["08"]["entryUUID"]
    assert units["01-SNV"]["entryUUID"] == old["01-SNV"]["entryUUID"]


def test_group_members_follow_their_entries_and_merged_rights_are_dropped(reorganised):
    state, _, _, after, outcome = reorganised
    people = by_uid(after)
    group = after[f"cn=national-admins,{state.base_dn}".lower()][1]
    assert people["ptnational"][0].encode() in group["member"]
    assert "govdirAdminOf" not in people["ptmerged"][1]  # Hà Giang is no longer a unit
    assert outcome.rights == 1


def test_imports_with_old_codes_and_names_resolve_to_successors(reorganised, tmp_path):
    state, slapd, *_ = reorganised
    settings = ConnectionSettings(slapd.uri, f"cn=admin,{state.base_dn}",
                                  state.admin_password, state.base_dn)  # fmt: skip
    directory = Directory(settings)
    units = directory.units()
    matcher = UnitMatcher([as_unit(u) for u in units.values()], "08")
    for text, code, how in [
        ("02-STTTT", "08-SKHCN", OLD_CODE),
        ("Tỉnh Hà Giang", "08", OLD_NAME),
        ("UBND tỉnh Hà Giang", "08", OLD_NAME),
    ]:
        result = matcher.match(text)
        assert (result.code, result.how) == (code, how), text
    hanoi = UnitMatcher([as_unit(u) for u in units.values()], "01")
    assert hanoi.match("001").code == "00004"
    assert hanoi.match("UBND quận Ba Đình").code == "00004"
    path = tmp_path / "hagiang.csv"
    header = ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Email"]
    rows = [["1", "Lò Văn Khánh", "Chuyên viên", "Sở TT&TT tỉnh Hà Giang", "khanh@hagiang.gov.vn"],
            ["2", "Vàng Thị Mai", "Chuyên viên", "02-STTTT", "mai@hagiang.gov.vn"]]  # fmt: skip
    path.write_text(csv_text([header, *rows]), encoding="utf-8")
    outcome = run_import(directory, path, "02", dry_run=True)  # the old province code
    assert outcome.target == "08"
    assert not [(i.row, i.reason_en) for i in outcome.issues if i.rejected]
    assert [r.unit_code for r in outcome.records] == ["08-SKHCN", "08-SKHCN"]


def test_the_report_says_what_moved_where(reorganised):
    *_, outcome = reorganised
    wb = load_workbook(outcome.report)
    rows = {r[0]: r for r in wb["Đơn vị - Units"].iter_rows(min_row=2, values_only=True)}
    assert rows["02"][3:6] == ("sáp nhập / merged", "08", "Tỉnh Tuyên Quang")
    assert rows["001"][3:5] == ("bỏ cấp huyện / district abolished", "00004")
    assert rows["00001"][4:] == ("00097", "Phường Hồng Hà", 1)  # ptcommune (and the new unit)
    assert rows["002"][6] == 1  # ptdistrict
    assert rows["00001-TDP"][3] == "chuyển theo đơn vị cha / moved with its parent"
    former = {r[0]: r for r in wb["Mã tên cũ - Former"].iter_rows(min_row=2, values_only=True)}
    assert "02" in former["08"][2].split(", ")
    rights = list(wb["Quyền - Rights"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2]) for r in rights] == [("02", "08")]
    summary = dict(wb["Tóm tắt - Summary"].iter_rows(values_only=True))
    assert summary["Mục đã chuyển (người) / Entries moved (people)"] == outcome.moved


def test_agency_admins_cannot_change_former_codes(reorganised):
    state, slapd, _, after, _ = reorganised
    conn = _admin(state, slapd)
    admin_dn = by_uid(after)["ptcommune"][0]
    conn.modify_s(admin_dn, [(ldap.MOD_ADD, "objectClass", [b"govdirAccount"]),
                             (ldap.MOD_ADD, "govdirAdminOf", [b"01"])])  # fmt: skip
    conn.unbind_s()
    as_admin = ldap.initialize(slapd.uri)
    as_admin.simple_bind_s(admin_dn, PASSWORD)
    unit = f"govdirUnitCode=01-SNV,govdirUnitCode=01,govdirUnitCode=DP,{state.base_dn}"
    with pytest.raises(ldap.INSUFFICIENT_ACCESS):
        as_admin.modify_s(unit, [(ldap.MOD_ADD, "govdirFormerCode", [b"79-SNV"])])
    as_admin.modify_s(unit, [(ldap.MOD_REPLACE, "telephoneNumber", [b"024 0000 0000"])])
    as_admin.unbind_s()


def test_a_second_run_changes_nothing(tmp_path):
    state, slapd = build_legacy(tmp_path / "d")
    pw = hash_password(state.admin_password)
    reorganise(slapd, pw, False, tmp_path / "r1.xlsx", say=str)
    first = entries(state, slapd)
    with pytest.raises(AlreadyReorganised):
        reorganise(slapd, pw, False, tmp_path / "r2.xlsx", say=str)
    assert entries(state, slapd) == first
    assert main(["reorganise", "--data-dir", str(tmp_path / "d")]) == 0  # says so, exits 0
    assert entries(state, slapd) == first


def test_dry_run_writes_the_report_and_changes_nothing(tmp_path):
    state, slapd = build_legacy(tmp_path / "d")
    before = entries(state, slapd)
    report = tmp_path / "dry.xlsx"
    code = main(["reorganise", "--data-dir", str(tmp_path / "d"), "--dry-run",
                 "--report", str(report)])  # fmt: skip
    assert code == 0
    assert entries(state, slapd) == before
    rows = {r[0]: r for r in load_workbook(report)["Đơn vị - Units"].iter_rows(values_only=True)}
    assert rows["02"][4] == "08"
    assert not (tmp_path / "d" / "previous").exists()
    assert not (tmp_path / "d" / "reorganise.ldif").exists()


def test_bad_mapping_and_running_slapd_are_refused_and_change_nothing(tmp_path, capsys):
    data_dir = tmp_path / "d"
    state, slapd = build_legacy(data_dir)
    before = entries(state, slapd)
    raw = json.loads(DEFAULT_MAPPING.read_text(encoding="utf-8"))
    bad = dict(raw, mapping=dict(raw["mapping"], **{"99999": "00004", "00001": "12345"}))
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps(bad), encoding="utf-8")
    assert main(["reorganise", "--data-dir", str(data_dir), "--mapping", str(bad_file)]) == 2
    err = capsys.readouterr().err
    assert "99999: not a commune or district of the legacy tree" in err
    assert "00001 -> 12345: not a commune of the 2025 tree" in err
    short = dict(raw, mapping={k: v for k, v in raw["mapping"].items() if k != "00001"})
    short_file = tmp_path / "short.json"
    short_file.write_text(json.dumps(short), encoding="utf-8")
    with pytest.raises(ReorganiseError, match="00001 Phường Phúc Xá: the mapping gives it no"):
        reorganise(slapd, hash_password(state.admin_password), False, tmp_path / "r.xlsx",
                   mapping=short_file, say=str)  # fmt: skip
    slapd.start()
    try:
        assert main(["reorganise", "--data-dir", str(data_dir)]) == 2
        assert "is running: stop govdir up first" in capsys.readouterr().err
    finally:
        slapd.stop()
    assert main(["reorganise", "--data-dir", str(tmp_path / "nothing")]) == 2
    assert "no loaded instance" in capsys.readouterr().err
    assert entries(state, slapd) == before
    assert not (data_dir / "previous").exists()


def test_a_failed_or_killed_load_leaves_the_legacy_directory(tmp_path, monkeypatch):
    data_dir = tmp_path / "d"
    state, slapd = build_legacy(data_dir)
    before = entries(state, slapd)
    pw = hash_password(state.admin_password)
    real_load = Slapd.load

    def fail_half_way(self, chunks, *args, **kwargs):
        def some():
            for n, chunk in enumerate(chunks):
                if n == 5:
                    raise OSError("disk full")
                yield chunk

        return real_load(self, some(), *args, **kwargs)

    monkeypatch.setattr(Slapd, "load", fail_half_way)
    with pytest.raises(OSError, match="disk full"):
        reorganise(slapd, pw, False, tmp_path / "r.xlsx", say=str)
    monkeypatch.undo()
    assert entries(state, slapd) == before
    assert not (data_dir / "previous").exists()
    # What kill -9 during the load leaves: the old directories in previous/ and a new,
    # partly loaded database. The next start puts the legacy directory back.
    (data_dir / "previous").mkdir()
    for name in ("slapd.d", "db", "accesslog"):
        (data_dir / name).rename(data_dir / "previous" / name)
    slapd.initialise(pw)
    slapd.load([b"dn: dc=gov,dc=vn\nobjectClass: top\nobjectClass: dcObject\n"
                b"objectClass: organization\ndc: gov\no: gov\n\n"])  # fmt: skip
    state, slapd = prepare(data_dir)
    assert entries(state, slapd) == before
    assert not (data_dir / "previous").exists()
