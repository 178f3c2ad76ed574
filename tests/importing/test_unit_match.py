"""Tests for directory_service.importing.units.match: unit texts from agency files to unit codes."""

from __future__ import annotations

import time

import pytest

from directory_service.importing.units import match as unit_match
from directory_service.importing.units.match import UnitMatcher
from directory_service.reference import admin_units
from directory_service.reference.tree import build_tree
from directory_service.reference.unit_keys import accent_key, unit_key


@pytest.fixture(scope="module")
def units():
    """Return the 2025 national tree."""
    return build_tree("2025")


@pytest.fixture(scope="module")
def hanoi(units):
    """Return a matcher for imports into Hà Nội (code 01)."""
    return UnitMatcher(units, "01")


@pytest.fixture(scope="module")
def finance(units):
    """Return a matcher for imports into the Ministry of Finance (BTC)."""
    return UnitMatcher(units, "BTC")


# --- codes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [("01-SNV", "01-SNV"), ("01-snv", "01-SNV"), (" 00004 ", "00004"), ("00004-vp", "00004-VP")],
)
def test_code_matches_exactly_and_case_insensitively(hanoi, text, code):
    result = hanoi.match(text)
    assert (result.code, result.how) == (code, unit_match.CODE)
    assert not result.old_name


def test_the_target_itself_matches(hanoi):
    assert hanoi.match("01").code == "01"
    assert hanoi.match("Thành phố Hà Nội").code == "01"


def test_code_outside_the_target_is_refused_and_named(hanoi, finance):
    result = hanoi.match("BTC-VP")
    assert result.code is None and result.how == unit_match.OUTSIDE
    assert [s.code for s in result.suggestions] == ["BTC-VP"]
    assert finance.match("01-SNV").how == unit_match.OUTSIDE


def test_old_department_code_maps_to_its_successor(hanoi):
    result = hanoi.match("01-STTTT")
    assert (result.code, result.how) == ("01-SKHCN", unit_match.OLD_CODE)
    assert result.old_name


# --- names as agencies write them ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("UBND phường Ba Đình", "00004"),
        ("Ủy ban nhân dân phường Ba Đình", "00004"),
        ("Uỷ ban nhân dân Phường Ba Đình", "00004"),  # old tone placement
        ("UỶ BAN NHÂN DÂN PHƯỜNG BA ĐÌNH", "00004"),
        ("Phường Ba Đình", "00004"),
        ("phuong ba dinh", "00004"),
        ("P. Ba Đình", "00004"),
        ("UBND thành phố", "01"),
        ("UBND TP Hà Nội", "01"),
        ("Văn phòng UBND thành phố", "01-VP"),
        ("VP UBND TP", "01-VP"),
        ("VP. UBND TP. Hà Nội", "01-VP"),
        ("Văn phòng Ủy ban nhân dân Thành phố Hà Nội", "01-VP"),
        ("Văn phòng HĐND và UBND phường Ba Đình", "00004-VP"),
        ("VP HĐND - UBND P. Ba Đình", "00004-VP"),
        ("Văn phòng HĐND & UBND phường Ba Đình", "00004-VP"),
        ("Văn phòng UBND phường Ba Đình", "00004-VP"),
        ("P. Kinh tế, Hạ tầng và Đô thị phường Ba Đình", "00004-PKT"),
        ("Phòng Văn hóa - Xã hội phường Ba Đình", "00004-PVHXH"),
        ("Sở Nội vụ", "01-SNV"),
        ("Sở Nội vụ Hà Nội", "01-SNV"),
        ("Sở Nội vụ thành phố Hà Nội", "01-SNV"),
        ("Sở KH&CN", "01-SKHCN"),
        ("Sở Khoa học & Công nghệ", "01-SKHCN"),
        ("Sở GD&ĐT", "01-SGDDT"),
        ("Sở GD-ĐT", "01-SGDDT"),
        ("Sở Giáo dục - Đào tạo", "01-SGDDT"),
        ("Sở VH-TT&DL", "01-SVHTTDL"),
        ("Sở Văn hóa Thể thao và Du lịch", "01-SVHTTDL"),
        ("Sở Văn hoá, Thể thao và Du lịch", "01-SVHTTDL"),
        ("Sở NN&MT", "01-SNNMT"),
        ("Thanh tra TP Hà Nội", "01-TT"),
        ("Sở Ngoại vụ", "01-SNGV"),
    ],
)
def test_names_as_agencies_write_them(hanoi, text, code):
    result = hanoi.match(text)
    assert (result.code, result.how) == (code, unit_match.NAME), result
    assert not result.old_name


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Sở TT&TT", "01-SKHCN"),
        ("Sở TTTT", "01-SKHCN"),
        ("Sở Thông tin và Truyền thông", "01-SKHCN"),
        ("Sở Thông tin và Truyền thông Hà Nội", "01-SKHCN"),
        ("Sở KH&ĐT", "01-STC"),
        ("Sở Kế hoạch và Đầu tư", "01-STC"),
        ("Sở TN&MT", "01-SNNMT"),
        ("Sở Tài nguyên và Môi trường", "01-SNNMT"),
        ("Sở NN&PTNT", "01-SNNMT"),
        ("Sở Nông nghiệp và Phát triển nông thôn", "01-SNNMT"),
        ("Sở LĐ-TB&XH", "01-SNV"),
        ("Sở Lao động - TB&XH", "01-SNV"),
        ("Sở Lao động - Thương binh và Xã hội", "01-SNV"),
        ("Sở Giao thông vận tải", "01-SXD"),
        ("Sở GTVT", "01-SXD"),
        # Phường Phúc Xá (legacy 00001, quận Ba Đình) went into Phường Hồng Hà (00097) in 2025.
        ("Phường Phúc Xá", "00097"),
        ("UBND phường Phúc Xá", "00097"),
        ("Phúc Xá", "00097"),
        ("Văn phòng HĐND và UBND phường Phúc Xá", "00097-VP"),
        # Two legacy Phường Quang Trung; the district tells them apart.
        ("Phường Quang Trung quận Hà Đông", "09556"),
        ("UBND phường Quang Trung, quận Đống Đa", "00235"),
    ],
)
def test_old_names_map_to_successors_and_say_so(hanoi, text, code):
    result = hanoi.match(text)
    assert (result.code, result.how) == (code, unit_match.OLD_NAME), result
    assert result.old_name


def test_old_commune_split_between_new_ones_offers_the_others(hanoi):
    # Phường Cống Vị went partly into Ngọc Hà (the default successor), partly into Giảng Võ.
    assert admin_units.successors("00007") == ("00008", "00025")
    result = hanoi.match("Phường Cống Vị")
    assert (result.code, result.how) == ("00008", unit_match.OLD_NAME)
    assert [s.code for s in result.suggestions] == ["00025"]


def test_current_name_beats_an_old_one_of_the_same_spelling(hanoi):
    # Legacy Phường Ngọc Hà (00016) mostly went into Ba Đình; today's Phường Ngọc Hà is 00008.
    assert admin_units.lookup("00016", "legacy").name == "Phường Ngọc Hà"
    result = hanoi.match("Phường Ngọc Hà")
    assert (result.code, result.how) == ("00008", unit_match.NAME)
    result = hanoi.match("Phường Giảng Võ")
    assert (result.code, result.how) == ("00025", unit_match.NAME)


def test_ambiguous_old_name_is_refused_with_both_successors(hanoi):
    result = hanoi.match("Phường Quang Trung")
    assert result.code is None and result.how == unit_match.AMBIGUOUS
    assert {s.code for s in result.suggestions} == {"09556", "00235"}


def test_name_shared_by_every_commune_is_ambiguous_in_a_province(hanoi, units):
    result = hanoi.match("Văn phòng HĐND và UBND")
    assert result.how == unit_match.AMBIGUOUS
    assert len(result.suggestions) == unit_match.MAX_SUGGESTIONS
    ward = UnitMatcher(units, "00004")
    assert ward.match("Văn phòng HĐND và UBND").code == "00004-VP"
    assert ward.match("UBND phường").code is None
    assert ward.match("Văn phòng UBND thành phố").how == unit_match.UNKNOWN


# --- accents: Văn Lang / Văn Lăng in Thái Nguyên (19) ------------------------------------------


@pytest.fixture(scope="module")
def thai_nguyen(units):
    """Return a matcher for Thái Nguyên, which has both Xã Văn Lang and Xã Văn Lăng."""
    return UnitMatcher(units, "19")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Xã Văn Lang", "02143"),
        ("Xã Văn Lăng", "05665"),
        ("UBND xã Văn Lăng", "05665"),
        ("XÃ VĂN LĂNG", "05665"),
    ],
)
def test_accented_name_resolves_a_folded_clash(thai_nguyen, text, code):
    assert thai_nguyen.match(text).code == code


@pytest.mark.parametrize("text", ["Xa Van Lang", "UBND xa Van Lang", "Van Lang"])
def test_unaccented_clash_is_ambiguous_with_both_suggested(thai_nguyen, text):
    result = thai_nguyen.match(text)
    assert result.code is None and result.how == unit_match.AMBIGUOUS
    assert {s.code for s in result.suggestions} == {"02143", "05665"}


# --- a ministry ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "how"),
    [
        ("BTC", "BTC", unit_match.CODE),
        ("btc-vp", "BTC-VP", unit_match.CODE),
        ("Bộ Tài chính", "BTC", unit_match.NAME),
        ("Văn phòng Bộ", "BTC-VP", unit_match.NAME),
        ("Văn phòng Bộ Tài chính", "BTC-VP", unit_match.NAME),
        ("Vụ Pháp chế", "BTC-PC", unit_match.NAME),
        ("Vụ Pháp chế, Bộ Tài chính", "BTC-PC", unit_match.NAME),
        ("Cuc Thue", "BTC-CT", unit_match.NAME),
        ("Tổng cục Thuế", "BTC-CT", unit_match.OLD_NAME),
        ("Tổng cục Hải quan", "BTC-HQ", unit_match.OLD_NAME),
        ("Bộ Kế hoạch và Đầu tư", "BTC", unit_match.OLD_NAME),
    ],
)
def test_ministry_units(finance, text, code, how):
    result = finance.match(text)
    assert (result.code, result.how) == (code, how), result


def test_ministry_does_not_know_province_units(finance):
    assert finance.match("Sở Nội vụ").how == unit_match.UNKNOWN
    assert finance.match("UBND phường Ba Đình").how == unit_match.UNKNOWN


# --- unknown units and suggestions --------------------------------------------------------------


def test_unknown_unit_gets_the_closest_units_scored(hanoi):
    result = hanoi.match("Phuong Ba Dihn")
    assert result.code is None and result.how == unit_match.UNKNOWN
    assert result.suggestions[0].code == "00004"
    assert result.suggestions[0].name == "Phường Ba Đình"
    assert str(result.suggestions[0]) == "00004 Phường Ba Đình"
    assert 1 <= len(result.suggestions) <= 3
    scores = [s.score for s in result.suggestions]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 1 for s in scores)


def test_abolished_district_suggests_the_ward_of_its_name(hanoi):
    result = hanoi.match("UBND quận Ba Đình")
    assert result.how == unit_match.UNKNOWN
    assert "00004" in [s.code for s in result.suggestions]


def test_suggestions_name_the_parent_of_offices(finance):
    result = finance.match("Kho bạc")
    assert result.how == unit_match.UNKNOWN
    assert str(result.suggestions[0]) == "BTC-KBNN Kho bạc Nhà nước, Bộ Tài chính"


def test_empty_text(hanoi):
    for text in ("", "   ", "\u200b"):
        result = hanoi.match(text)
        assert (result.code, result.how, result.suggestions) == (None, unit_match.EMPTY, ())


def test_island_district_maps_to_its_special_zone(units):
    matcher = UnitMatcher(units, "79")
    result = matcher.match("Huyện Côn Đảo")
    assert (result.code, result.how) == (admin_units.successors("755")[0], unit_match.OLD_NAME)
    assert matcher.match("UBND TP.HCM").code == "79"
    assert matcher.match("Sở Nội vụ TP Hồ Chí Minh").code == "79-SNV"


def test_legacy_tree_uses_its_own_names(units):
    legacy = UnitMatcher(build_tree("legacy"), "01")
    assert legacy.match("Phường Trúc Bạch").code == "00004"
    assert legacy.match("Sở Thông tin và Truyền thông").code == "01-STTTT"


def test_unknown_target_is_an_error(units):
    with pytest.raises(KeyError):
        UnitMatcher(units, "99")


# --- keys and speed -----------------------------------------------------------------------------


def test_keys_expand_abbreviations_and_ignore_punctuation():
    assert unit_key("Sở GD&ĐT") == unit_key("Sở Giáo dục và Đào tạo")
    assert unit_key("Sở LĐ-TB&XH") == unit_key("Sở Lao động - Thương binh và Xã hội")
    assert unit_key("VP UBND TP") == unit_key("Văn phòng Ủy ban nhân dân thành phố")
    assert unit_key("Sở TT&TT")[1] == "so thong tin truyen thong"
    assert accent_key("Thuỷ") == accent_key("Thủy") != accent_key("Thùy")


def test_results_are_cached_per_distinct_text(hanoi):
    text = "Văn phòng HĐND và UBND phường Ba Đình"
    first = hanoi.match(text)
    assert hanoi.match(text) is first
    start = time.perf_counter()
    for _ in range(100_000):
        hanoi.match(text)
    assert time.perf_counter() - start < 0.5


def test_a_province_matcher_builds_quickly(units):
    start = time.perf_counter()
    UnitMatcher(units, "79")
    assert time.perf_counter() - start < 10
