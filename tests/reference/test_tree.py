"""Check the national unit tree, the admin-unit snapshots and the central agency data."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from directory_service import model
from directory_service.reference import admin_units, agencies, tree

DATA = Path(admin_units.__file__).resolve().parent / "data"
PROVINCE_TYPES = {model.PROVINCE, model.CITY}
COMMUNE_TYPES_2025 = {model.COMMUNE, model.WARD, model.SPECIAL_ZONE}
MAIL_RE = re.compile(r"^[a-z0-9][a-z0-9.\-]*@[a-z0-9][a-z0-9.\-]*\.[a-z]{2,}$")

MINISTRIES = {
    "Bộ Quốc phòng": "mod.gov.vn",
    "Bộ Công an": "mps.gov.vn",
    "Bộ Ngoại giao": "mofa.gov.vn",
    "Bộ Nội vụ": "moha.gov.vn",
    "Bộ Tư pháp": "moj.gov.vn",
    "Bộ Tài chính": "mof.gov.vn",
    "Bộ Công Thương": "moit.gov.vn",
    "Bộ Nông nghiệp và Môi trường": "mae.gov.vn",
    "Bộ Xây dựng": "moc.gov.vn",
    "Bộ Văn hóa, Thể thao và Du lịch": "bvhttdl.gov.vn",
    "Bộ Khoa học và Công nghệ": "mst.gov.vn",
    "Bộ Giáo dục và Đào tạo": "moet.gov.vn",
    "Bộ Y tế": "moh.gov.vn",
    "Bộ Dân tộc và Tôn giáo": None,  # mail domain unverified: only checked to be present
}
MINISTERIAL_AGENCIES = {
    "Ngân hàng Nhà nước Việt Nam": "sbv.gov.vn",
    "Thanh tra Chính phủ": "thanhtra.gov.vn",
    "Văn phòng Chính phủ": "chinhphu.vn",
}
GOVERNMENT_AGENCIES = {
    "Viện Hàn lâm Khoa học và Công nghệ Việt Nam",
    "Viện Hàn lâm Khoa học xã hội Việt Nam",
    "Đài Truyền hình Việt Nam",
    "Đài Tiếng nói Việt Nam",
    "Thông tấn xã Việt Nam",
}
MANDATORY_2025 = {
    "SNV": "Sở Nội vụ",
    "STP": "Sở Tư pháp",
    "STC": "Sở Tài chính",
    "SCT": "Sở Công Thương",
    "SNNMT": "Sở Nông nghiệp và Môi trường",
    "SXD": "Sở Xây dựng",
    "SKHCN": "Sở Khoa học và Công nghệ",
    "SVHTTDL": "Sở Văn hóa, Thể thao và Du lịch",
    "SGDDT": "Sở Giáo dục và Đào tạo",
    "SYT": "Sở Y tế",
}
LEGACY_ONLY = {"STTTT", "SKHDT", "STNMT", "SNNPTNT", "SLDTBXH", "SGTVT"}


def raw(name: str) -> dict:
    """Return a data file parsed directly, independently of the modules under test."""
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def units() -> list[model.Unit]:
    """Return the 2025 tree."""
    return tree.build_tree("2025")


@pytest.fixture(scope="module")
def legacy() -> list[model.Unit]:
    """Return the legacy tree."""
    return tree.build_tree("legacy")


@pytest.fixture(scope="module")
def index(units) -> dict[str, model.Unit]:
    """Return the 2025 tree keyed by code."""
    return tree.index_by_code(units)


@pytest.fixture(scope="module")
def kids(units) -> dict[str | None, list[model.Unit]]:
    """Return the 2025 tree's children lists."""
    return tree.children(units)


def test_2025_has_34_provinces_and_3321_communes(units):
    counts = Counter(u.type for u in units)
    assert counts[model.PROVINCE] + counts[model.CITY] == 34
    assert sum(counts[t] for t in COMMUNE_TYPES_2025) == 3321
    snapshot = raw("admin_units_2025.json")
    assert (counts[model.COMMUNE], counts[model.WARD], counts[model.SPECIAL_ZONE]) == (
        2621,
        687,
        13,
    )
    assert len(snapshot["provinces"]) == 34 and len(snapshot["communes"]) == 3321


def test_every_snapshot_unit_is_reachable_by_code(index):
    snapshot = raw("admin_units_2025.json")
    for code, (name, _short, kind) in snapshot["provinces"].items():
        unit = index[code]
        assert (unit.name, unit.type, unit.admin_code, unit.parent) == (name, kind, code, "DP")
    for code, (name, _short, kind, province) in snapshot["communes"].items():
        unit = index[code]
        assert (unit.name, unit.type, unit.admin_code, unit.parent) == (name, kind, code, province)
    assert index["00004"].name == "Phường Ba Đình"
    assert index["01"].name == "Thành phố Hà Nội"


@pytest.mark.parametrize("structure", ["2025", "legacy"])
def test_codes_unique_and_parents_precede_children(structure):
    units = tree.build_tree(structure)
    codes = [u.code for u in units]
    assert len(codes) == len(set(codes))
    seen: set[str] = set()
    for unit in units:
        if unit.type == model.BRANCH:
            assert unit.parent is None
        else:
            assert unit.parent in seen, f"{unit.code}: parent {unit.parent} missing or later"
        seen.add(unit.code)
    assert [u.code for u in units if u.parent is None] == ["TW", "DP"]


@pytest.mark.parametrize("structure", ["2025", "legacy"])
def test_names_nfc_domains_and_unique_mailboxes(structure):
    units = tree.build_tree(structure)
    index = tree.index_by_code(units)
    for unit in units:
        assert unit.name and unicodedata.is_normalized("NFC", unit.name), unit.code
        assert unit.name == unit.name.strip() and "  " not in unit.name
        assert unit.domain, unit.code
        if unit.type == model.BRANCH:
            continue
        assert unit.mail and MAIL_RE.match(unit.mail), (unit.code, unit.mail)
        assert unit.mail.endswith("@" + unit.domain)
        parent = index[unit.parent]
        if parent.type != model.BRANCH:
            assert unit.domain == parent.domain, unit.code  # inherited down the tree
        if unit.type in model.ADMINISTRATIVE_TYPES:
            assert unit.admin_code == unit.code
    mails = Counter(u.mail for u in units if u.mail)
    assert [m for m, n in mails.items() if n > 1] == []


def test_folding_clashes_get_codes(units):
    # Văn Lang and Văn Lăng are both in Thái Nguyên and fold to the same label.
    clash = [u for u in units if u.type in COMMUNE_TYPES_2025 and u.domain == "thainguyen.gov.vn"]
    vanlang = [u for u in clash if u.mail.startswith("ubnd.vanlang")]
    assert len(vanlang) == 2
    assert {u.mail for u in vanlang} == {f"ubnd.vanlang{u.code}@thainguyen.gov.vn" for u in vanlang}


def test_central_agencies_and_domains(index, kids):
    central = kids["TW"]
    by_type = Counter(u.type for u in central)
    assert by_type == {model.MINISTRY: 14, model.MINISTERIAL_AGENCY: 3, model.GOVERNMENT_AGENCY: 5}
    by_name = {u.name: u for u in central}
    for name, domain in {**MINISTRIES, **MINISTERIAL_AGENCIES}.items():
        assert name in by_name, name
        expected = model.MINISTRY if name in MINISTRIES else model.MINISTERIAL_AGENCY
        assert by_name[name].type == expected
        if domain is not None:
            assert by_name[name].domain == domain, name
    assert GOVERNMENT_AGENCIES <= {u.name for u in central if u.type == model.GOVERNMENT_AGENCY}
    assert index["BTC"].name == "Bộ Tài chính" and index["BTC"].domain == "mof.gov.vn"
    assert index["BTC-VP"].mail == "vanphong@mof.gov.vn"
    bdttg = agencies.agency(by_name["Bộ Dân tộc và Tôn giáo"].code)
    assert bdttg.domain_evidence not in {"seen", "secondary"}  # REFERENCE.md found no domain


def test_central_units_have_agency_prefixed_codes(kids):
    for agency in kids["TW"]:
        units = kids.get(agency.code, [])
        assert len(units) >= 4, agency.code
        for unit in units:
            assert unit.code.startswith(agency.code + "-")
            assert unit.type in {model.OFFICE, model.DEPARTMENT, model.AGENCY, model.INSPECTORATE}
            assert kids.get(unit.code) is None
        suffixes = {u.code.removeprefix(agency.code + "-") for u in units}
        if agency.code != "VPCP":  # the Government Office is itself an office
            assert "VP" in suffixes, agency.code
        if agency.code != "BQP":  # defence personnel sits in its political department
            assert "TCCB" in suffixes, agency.code


def test_province_domains(index):
    assert index["01"].domain == "hanoi.gov.vn"
    assert index["79"].domain == "tphcm.gov.vn"
    assert index["48"].domain == "danang.gov.vn"
    assert index["46"].domain == "hue.gov.vn"
    assert index["79-SNV"].mail == "snv@tphcm.gov.vn"
    assert agencies.province_domain_by_name("Thừa Thiên Huế") == "thuathienhue.gov.vn"
    assert agencies.province_domain_by_name("Tỉnh Bà Rịa - Vũng Tàu") == "baria-vungtau.gov.vn"
    table = raw("province_domains.json")
    overrides = table["overrides"]
    for structure, count in (("2025", 34), ("legacy", 63)):
        rows = table["provinces"][structure]
        assert set(rows) == set(raw(f"admin_units_{structure}.json")["provinces"])
        assert len(rows) == count
        for short, domain, evidence in rows.values():
            if evidence == "override":
                assert overrides[short]["domain"] == domain
            else:
                assert domain == agencies.default_province_domain(short), short


def test_each_province_has_mandatory_departments(kids):
    for province in kids["DP"]:
        assert province.type in PROVINCE_TYPES
        offices = {u.code.split("-", 1)[1]: u for u in kids[province.code] if "-" in u.code}
        kind = "thành phố" if province.type == model.CITY else "tỉnh"
        assert offices["VP"].name == f"Văn phòng UBND {kind}"
        assert offices["TT"].name == f"Thanh tra {kind}"
        assert offices["TT"].type == model.INSPECTORATE
        for suffix, name in MANDATORY_2025.items():
            assert offices[suffix].name == name and offices[suffix].type == "so", suffix
        assert not LEGACY_ONLY & set(offices)
        assert len(offices) <= 15


def test_each_commune_has_its_four_units(units, kids):
    communes = [u for u in units if u.type in COMMUNE_TYPES_2025]
    assert len(communes) == 3321
    for commune in communes:
        sub = {u.code.removeprefix(commune.code + "-"): u for u in kids[commune.code]}
        assert set(sub) == {"VP", "PKT", "PVHXH", "TTHCC"}, commune.code
        assert sub["VP"].name == "Văn phòng HĐND và UBND"
        economy = (
            "Phòng Kinh tế"
            if commune.type == model.COMMUNE
            else ("Phòng Kinh tế, Hạ tầng và Đô thị")
        )
        assert sub["PKT"].name == economy
        assert sub["PVHXH"].name == "Phòng Văn hóa - Xã hội"
        assert sub["TTHCC"].name == "Trung tâm Phục vụ hành chính công"
        assert all(u.domain == commune.domain for u in sub.values())


def test_legacy_tree(legacy):
    snapshot = raw("admin_units_legacy.json")
    district_codes = set(snapshot["districts"])
    commune_codes = set(snapshot["communes"])
    counts = Counter(u.type for u in legacy)
    assert counts[model.PROVINCE] + counts[model.CITY] == 63
    assert counts[model.DISTRICT] == len(district_codes)
    assert 690 <= counts[model.DISTRICT] <= 710
    communes = counts[model.COMMUNE] + counts[model.WARD] + counts[model.TOWNSHIP]
    assert communes == len(commune_codes)
    assert 9_900 <= communes <= 10_100
    assert counts[model.SPECIAL_ZONE] == 0
    index = tree.index_by_code(legacy)
    for code, (_name, _short, _kind, province, district) in snapshot["communes"].items():
        assert index[code].parent == district and index[district].parent == province
    offices = {u.code.split("-", 1)[1] for u in legacy if u.parent == "01" and "-" in u.code}
    assert LEGACY_ONLY <= offices
    assert index["001"].name == "Quận Ba Đình" and index["001"].type == model.DISTRICT


@pytest.mark.parametrize("structure", ["2025", "legacy"])
def test_snapshot_metadata(structure):
    meta = admin_units.metadata(structure)
    assert meta["source"]["package"] == "vietnamadminunits"
    assert meta["source"]["url"] == "https://github.com/tranngocminhhieu/vietnamadminunits"
    assert meta["source_version"] == "1.0.4"
    assert meta["license"].startswith("MIT")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["generated"])
    assert meta["structure"].startswith(structure)
    data = raw(f"admin_units_{structure}.json")
    assert meta["counts"]["communes"] == len(data["communes"])


def test_admin_units_api():
    provinces = admin_units.provinces("2025")
    assert [p.code for p in provinces] == sorted(raw("admin_units_2025.json")["provinces"])
    assert {p.code for p in admin_units.communes("2025")} == set(
        raw("admin_units_2025.json")["communes"]
    )
    assert admin_units.districts("2025") == []
    assert len(admin_units.districts("legacy")) == len(raw("admin_units_legacy.json")["districts"])
    assert admin_units.lookup("00004").short_name == "Ba Đình"
    assert admin_units.province_of("00004").name == "Thành phố Hà Nội"
    assert admin_units.province_of("001", "legacy").code == "01"
    assert admin_units.lookup("nope") is None
    with pytest.raises(ValueError):
        admin_units.provinces("1999")


def test_mapping_points_into_2025():
    new = raw("admin_units_2025.json")["communes"]
    old = raw("admin_units_legacy.json")["communes"]
    for code in old:
        successors = admin_units.successors(code)
        assert successors and all(s in new for s in successors), code
    assert admin_units.successors("99999") == ()
    assert admin_units.mapping_metadata()["source_version"] == "1.0.4"


def test_unknown_structure_and_helpers(units):
    with pytest.raises(ValueError):
        tree.build_tree("1999")
    with pytest.raises(ValueError):
        tree.index_by_code(units + units[:1])
    below = tree.descendants(units, "01")
    assert below[0].parent == "01" and all(u.domain == "hanoi.gov.vn" for u in below)
    assert len(below) == len(tree.children(units)["01"]) + 4 * 126
