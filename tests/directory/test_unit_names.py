"""Reading the units a query names: unit and place in any order, abbreviations, codes, mailboxes."""

from __future__ import annotations

import pytest

from directory_service.directory.store import UnitInfo
from directory_service.directory.unit_names import UnitNames
from directory_service.reference.tree import build_tree
from directory_service.text import fold_key


@pytest.fixture(scope="module")
def units() -> dict[str, UnitInfo]:
    """Return the 2025 tree as the directory lists it (path of codes from the top)."""
    paths: dict[str, tuple[str, ...]] = {}
    out = {}
    for u in build_tree("2025"):
        paths[u.code] = (*(paths[u.parent] if u.parent else ()), u.code)
        out[u.code] = UnitInfo(u.code, u.name, u.type, f"govdirUnitCode={u.code}", paths[u.code],
                               u.mail, u.domain, u.english_name, u.admin_code)  # fmt: skip
    return out


@pytest.fixture(scope="module")
def names(units) -> UnitNames:
    return UnitNames(units)


@pytest.mark.parametrize(
    "query, code",
    [
        ("sở nội vụ hà nội", "01-SNV"),
        ("so noi vu ha noi", "01-SNV"),
        ("hà nội sở nội vụ", "01-SNV"),
        ("Hà Nội, Sở Nội vụ", "01-SNV"),
        ("so noi vu thanh pho ha noi", "01-SNV"),
        ("Sở Nội vụ TP. Hà Nội", "01-SNV"),
        ("so tai chinh ha noi", "01-STC"),
        ("sở tài chính tp.hcm", "79-STC"),
        ("TP.HCM sở tài chính", "79-STC"),
        ("văn phòng bộ tài chính", "BTC-VP"),
        ("bộ tài chính văn phòng", "BTC-VP"),
        ("ubnd phường ba đình hà nội", "00004"),
        ("UBND P. Ba Đình", "00004"),
        ("ubnd phuong ba dinh", "00004"),
        ("hà nội ubnd phường ba đình", "00004"),
        ("Sở TT&TT Hà Nội", "01-SKHCN"),  # merged into Sở Khoa học và Công nghệ in 2025
        ("so thong tin va truyen thong ha noi", "01-SKHCN"),
        ("Bộ TC", "BTC"),
        ("ministry of finance", "BTC"),
        ("bo tai chinh", "BTC"),
        ("snv@hanoi", "01-SNV"),
        ("snv@hanoi.gov.vn", "01-SNV"),
        ("01-SNV", "01-SNV"),
        ("btc", "BTC"),
        ("Bộ Kế hoạch và Đầu tư", "BTC"),  # merged into Bộ Tài chính
    ],
)
def test_unit_and_place_name_one_unit(names, query, code):
    reading = names.read(query)
    assert reading is not None and reading.codes == [code], query
    assert reading.strong and reading.rest == []


def test_a_commune_division_with_its_commune_and_province(names, units):
    # "phòng kinh tế xã X tỉnh Y": three levels, the kind words of the places optional.
    division = next(u for u in units.values() if u.name == "Phòng Kinh tế")
    commune, province = units[division.path[-2]], units[division.path[-3]]
    for query in (
        f"phòng kinh tế {commune.name} {province.name}",
        f"{fold_key(province.name)} {fold_key(commune.name)} phong kinh te",
        f"phong kinh te {fold_key(commune.name)}",
    ):
        reading = names.read(query)
        assert reading is not None and division.code in reading.codes, query
        assert all(units[c].name == "Phòng Kinh tế" for c in reading.codes)
        assert reading.rest == []


def test_words_outside_the_units_are_left_for_people(names):
    reading = names.read("giám đốc sở nội vụ hà nội")
    assert reading.codes == ["01-SNV"] and reading.rest == ["giam", "doc"]
    reading = names.read("chủ tịch ubnd phường ba đình")
    assert reading.codes == ["00004"] and reading.rest == ["chu", "tich"]
    reading = names.read("nguyễn văn an bộ tài chính")
    assert reading.codes == ["BTC"] and reading.rest == ["nguyen", "van", "an"]
    reading = names.read("chuyen vien so tai chinh ha noi")
    assert reading.codes == ["01-STC"] and reading.rest == ["chuyen", "vien"]


def test_a_unit_without_its_place_names_every_one_of_that_name(names, units):
    reading = names.read("sở nội vụ")
    provinces = [u for u in units.values() if u.type in ("tinh", "thanh-pho")]
    assert reading.strong and len(reading.codes) == len(provinces)
    assert all(c.endswith("-SNV") for c in reading.codes)


def test_bare_place_names_are_weak(names):
    # "Thanh Hoa" is a given name as well as Tỉnh Thanh Hóa: alone, it does not take over.
    reading = names.read("nguyen thanh hoa")
    assert reading is not None and "38" in reading.codes and not reading.strong
    assert reading.rest == ["nguyen"]
    assert not names.read("ha noi").strong


@pytest.mark.parametrize("query", ["nguyen van", "tran thi hai", "le", "", "*)(", "a" * 300])
def test_people_names_name_no_unit(names, query):
    assert names.read(query) is None


def test_the_next_readings_come_after_the_best(names, units):
    readings = names.readings("ngo van hai ubnd tinh nghe an")
    assert len(readings) == 3 and readings[0].codes != ["40"]
    assert readings[1].codes == ["40"] and readings[1].rest == ["ngo", "van", "hai"]
