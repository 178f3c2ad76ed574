"""Tests for importing.check.normalise: one row in, a Record and its issues out."""

from __future__ import annotations

import unicodedata

import pytest

from directory_service.importing.check.addresses import split_cell
from directory_service.importing.check.normalise import (
    DuplicateTracker,
    normalise_phone,
    normalise_row,
    title_case,
)
from directory_service.importing.rows import Issue, SourceRow
from directory_service.importing.units.match import UnitMatcher
from directory_service.reference.tree import build_tree

OFFICIAL = "annv@hanoi.gov.vn"


@pytest.fixture(scope="module")
def hanoi():
    """Return a matcher for imports into Hà Nội (code 01)."""
    return UnitMatcher(build_tree("2025"), "01")


@pytest.fixture(scope="module")
def finance():
    """Return a matcher for imports into the Ministry of Finance (BTC)."""
    return UnitMatcher(build_tree("2025"), "BTC")


def row(number: int = 5, **values: str) -> SourceRow:
    """Return a synthetic source row; name and mail default to a valid person."""
    values.setdefault("name", "Nguyễn Văn An")
    values.setdefault("mail", OFFICIAL)
    return SourceRow(number, {k: v for k, v in values.items() if v is not None})


def find(issues: list[Issue], column: str, reason_en: str) -> Issue:
    """Return the one issue of a column whose English reason starts with reason_en."""
    found = [i for i in issues if i.column == column and i.reason_en.startswith(reason_en)]
    assert len(found) == 1, issues
    return found[0]


def assert_complete(issue: Issue) -> None:
    """Check an issue carries everything a report needs."""
    assert issue.row > 0 and issue.column and issue.reason_vi and issue.reason_en
    assert issue.suggestion


# --- a good row ---------------------------------------------------------------------------------


def test_valid_row_becomes_a_record(hanoi):
    source = row(
        7,
        name="NGUYỄN THỊ THU HÀ",
        title="  Phó   Chủ tịch ",
        unit="UBND phường Ba Đình",
        mail="HaNTT@HaNoi.Gov.Vn",
        phone="+84 24 3825 1234",
        uid="p-123",
    )
    record, issues = normalise_row(source, hanoi)
    assert issues == []
    assert (record.row, record.family, record.middle, record.given) == (
        7,
        "Nguyễn",
        "Thị Thu",
        "Hà",
    )
    assert record.full_name == "Nguyễn Thị Thu Hà"
    assert (record.title, record.unit_code, record.mail) == (
        "Phó Chủ tịch",
        "00004",
        ["hantt@hanoi.gov.vn"],
    )
    assert (record.phone, record.uid, record.flags) == ("024 3825 1234", "p-123", [])


# --- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
        ("TRẦN THỊ ÁNH TUYẾT", "Trần Thị Ánh Tuyết"),
        ("LÊ THỊ THUỶ", "Lê Thị Thuỷ"),
        ("ĐẶNG ĐÌNH ĐỨC", "Đặng Đình Đức"),
        ("H'HEN NIÊ", "H'Hen Niê"),
        ("phạm minh đức", "Phạm Minh Đức"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("NGUYỄN Văn an", "Nguyễn Văn An"),
        ("H'Hen NIÊ", "H'Hen Niê"),  # a mixed-case word is left as written
    ],
)
def test_title_case(written, expected):
    assert title_case(written) == expected


def test_all_caps_nfd_name_is_cleaned_and_split(hanoi):
    written = unicodedata.normalize("NFD", "  TÔN NỮ   THỊ  MAI \u200b")
    record, issues = normalise_row(row(name=written), hanoi)
    assert issues == []
    assert (record.family, record.middle, record.given) == ("Tôn Nữ", "Thị", "Mai")
    assert unicodedata.is_normalized("NFC", record.full_name)


def test_split_name_columns_are_used(hanoi):
    record, _ = normalise_row(row(name=None, family="Nguyễn", middle="Phúc", given="Bảo"), hanoi)
    assert (record.family, record.middle, record.given) == ("Nguyễn", "Phúc", "Bảo")
    record, _ = normalise_row(row(name=None, family="NGUYỄN VĂN", given="AN"), hanoi)
    assert (record.family, record.middle, record.given) == ("Nguyễn", "Văn", "An")
    record, _ = normalise_row(row(name=None, family="Tôn Nữ", given="Mai"), hanoi)
    assert (record.family, record.middle, record.given) == ("Tôn Nữ", "", "Mai")


NO_NAME = ("Thiếu họ và tên", "The name is missing")
DIGITS = ("Họ và tên có chữ số hoặc ký tự @", "The name contains digits or @")
CHARS = (
    "Họ và tên có ký tự không hợp lệ: ( )",
    "The name contains characters that are not allowed: ( )",
)
LONG = (
    "Họ và tên quá dài (hơn 80 ký tự hoặc 8 từ)",
    "The name is too long (over 80 characters or 8 words)",
)
LINES = (
    "Ô họ tên có nhiều dòng (nhiều người?)",
    "The name cell has several lines (several people?)",
)


@pytest.mark.parametrize(
    ("name", "reasons"),
    [
        ("", NO_NAME),
        ("   ", NO_NAME),
        ("Nguyễn Văn 2", DIGITS),
        ("Tổng cộng: 25", DIGITS),
        ("annv@hanoi.gov.vn", DIGITS),
        ("Nguyễn Văn An (Trưởng phòng)", CHARS),
        ("Nguyễn Văn An Trần Thị Bình Lê Văn Cường", LONG),
        ("Nguyễn " + "A" * 80, LONG),
        ("Nguyễn Văn An\nTrần Thị Bình", LINES),
    ],
)
def test_bad_names_are_rejected(hanoi, name, reasons):
    record, issues = normalise_row(row(12, name=name), hanoi)
    assert record is None
    [issue] = issues
    assert (issue.row, issue.column, issue.rejected) == (12, "name", True)
    assert (issue.reason_vi, issue.reason_en) == reasons
    assert issue.value == " ".join(name.split())
    assert_complete(issue)


@pytest.mark.parametrize(
    ("name", "chars"),
    [
        ("Vò ThÞ Lan", "Þ"),  # TCVN3, left as it was
        ("Vị ThÞ Lan", "Þ"),  # TCVN3 read as VNI
        ("Nguyễn Văn ð", "ð"),
        ("Nguy¸n V¨n An", "¸ ¨"),
        ("D\xad¬ng V¨n H\xadng", "¬ ¨"),  # TCVN3's "ư" is a soft hyphen: kept in the report
        ("Lê Thị Müller", "ü"),
        ("Trần Thị\u0300 Mai", "U+0300"),  # a second tone mark left over
    ],
)
def test_name_in_a_wrong_font_or_encoding_is_rejected_with_the_way_out(hanoi, name, chars):
    record, issues = normalise_row(row(9, name=name), hanoi)
    assert record is None
    [issue] = issues
    assert (issue.row, issue.column, issue.value) == (9, "name", name)
    assert issue.reason_en == (
        f"The name has characters outside the Vietnamese alphabet ({chars}): the text looks like"
        " a wrong font or encoding"
    )
    assert issue.reason_vi.startswith(f"Họ và tên có ký tự ngoài bảng chữ cái tiếng Việt ({chars})")
    for advice in ("--encoding tcvn3", "--encoding vni", "Unicode"):
        assert advice in issue.suggestion
    assert_complete(issue)


def test_a_wrong_font_is_reported_on_the_split_name_column_holding_it(hanoi):
    source = row(name=None, family="Vò", middle="ThÞ", given="Lan")
    _, [issue] = normalise_row(source, hanoi)
    assert (issue.column, issue.value) == ("middle", "Vò ThÞ Lan")
    assert "wrong font" in issue.reason_en


def test_name_with_at_suggests_swapped_columns(hanoi):
    _, [issue] = normalise_row(row(name="an@hanoi.gov.vn"), hanoi)
    assert "swapped" in issue.suggestion and "đổi chỗ" in issue.suggestion


def test_one_word_name_is_flagged_not_rejected(hanoi):
    record, issues = normalise_row(row(3, name="Mai"), hanoi)
    assert (record.family, record.middle, record.given) == ("", "", "Mai")
    issue = find(issues, "name", "The name has only one word")
    assert issue.reason_vi == "Họ và tên chỉ có một từ"
    assert (issue.row, issue.value, issue.rejected) == (3, "Mai", False)
    assert record.flags == [issue]
    assert_complete(issue)


def test_academic_title_is_removed_and_flagged(hanoi):
    record, issues = normalise_row(row(name="PGS.TS. Trần Văn Bình"), hanoi)
    assert record.full_name == "Trần Văn Bình"
    issue = find(issues, "name", "Removed an academic title before the name: PGS.TS.")
    assert issue.reason_vi == "Đã bỏ học hàm, học vị trước họ tên: PGS.TS."
    assert (issue.suggestion, issue.rejected) == ("Trần Văn Bình", False)


# --- addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "annv@hanoi.gov.vn; binhtt@hanoi.gov.vn",
        "annv@hanoi.gov.vn, binhtt@hanoi.gov.vn",
        "annv@hanoi.gov.vn / binhtt@hanoi.gov.vn",
        "annv@hanoi.gov.vn\nbinhtt@hanoi.gov.vn",
        "annv@hanoi.gov.vn binhtt@hanoi.gov.vn",
        "annv@hanoi.gov.vn và binhtt@hanoi.gov.vn",
        "mailto:AnNV@HaNoi.gov.vn;MAILTO:binhtt@hanoi.gov.vn",
        "annv @ hanoi.gov.vn ;  binhtt@hanoi .gov.vn",
        "<annv@hanoi.gov.vn>, annv@hanoi.gov.vn, binhtt@hanoi.gov.vn",
    ],
)
def test_several_addresses_in_one_cell(hanoi, cell):
    record, issues = normalise_row(row(mail=cell), hanoi)
    assert record.mail == ["annv@hanoi.gov.vn", "binhtt@hanoi.gov.vn"]
    assert issues == []


@pytest.mark.parametrize(
    ("cell", "fixed", "fix"),
    [
        ("annv@hanoi.gov,vn", "annv@hanoi.gov.vn", "annv@hanoi.gov,vn -> annv@hanoi.gov.vn"),
        ("annv@hanoi,gov.vn", "annv@hanoi.gov.vn", "annv@hanoi,gov.vn -> annv@hanoi.gov.vn"),
        ("annv@hanoi.gov.vn.", "annv@hanoi.gov.vn", "annv@hanoi.gov.vn. -> annv@hanoi.gov.vn"),
        ("annv@hanoi.govvn", "annv@hanoi.gov.vn", "hanoi.govvn -> hanoi.gov.vn"),
        ("annv@hanoi..gov.vn", "annv@hanoi.gov.vn", "hanoi..gov.vn -> hanoi.gov.vn"),
        ("an.nv@gmail.con", "an.nv@gmail.com", "gmail.con -> gmail.com"),
    ],
)
def test_certain_typos_are_fixed_and_flagged(hanoi, cell, fixed, fix):
    record, issues = normalise_row(row(8, mail=cell), hanoi)
    assert record.mail == [fixed]
    issue = find(issues, "mail", "Fixed a typo in the email address")
    assert issue.reason_en == f"Fixed a typo in the email address: {fix}"
    assert issue.reason_vi == f"Đã sửa lỗi gõ trong địa chỉ thư điện tử: {fix}"
    assert (issue.row, issue.value, issue.suggestion, issue.rejected) == (8, cell, fixed, False)


@pytest.mark.parametrize("cell", ["'-ba@hanoi.gov.vn", "'-ba@hanoi.gov.vn'", "`-ba@hanoi.gov.vn"])
def test_a_quote_before_an_address_is_not_part_of_it(cell):
    assert [c.address for c in split_cell(cell)] == ["-ba@hanoi.gov.vn"]
    assert [c.address for c in split_cell(f"an@hanoi.gov.vn; {cell}")][1] == "-ba@hanoi.gov.vn"
    assert [c.address for c in split_cell("o'neil@hanoi.gov.vn")] == ["o'neil@hanoi.gov.vn"]


def test_comma_between_two_addresses_is_not_a_typo():
    found = [c.address for c in split_cell("an@hanoi.gov.vn,vnbinh@hanoi.gov.vn")]
    assert found == ["an@hanoi.gov.vn", "vnbinh@hanoi.gov.vn"]


@pytest.mark.parametrize(
    "address", ["an.nv@gmail.com", "annv@yahoo.com.vn", "annv@hotmail.com", "annv@hn.vnn.vn"]
)
def test_personal_address_is_kept_last_and_flagged(hanoi, address):
    record, issues = normalise_row(row(4, unit="Sở Nội vụ", mail=f"{address}; {OFFICIAL}"), hanoi)
    assert record.mail == [OFFICIAL, address]
    domain = address.partition("@")[2]
    issue = find(issues, "mail", "Personal email address")
    assert issue.reason_en == f"Personal email address ({domain}), not an official one"
    assert issue.reason_vi == f"Địa chỉ thư điện tử cá nhân ({domain}), không phải địa chỉ công vụ"
    assert (issue.row, issue.value, issue.rejected) == (4, address, False)
    assert issue.suggestion == (
        "Dùng địa chỉ công vụ @hanoi.gov.vn / Use the official address @hanoi.gov.vn"
    )


def test_only_a_personal_address_still_lands(finance):
    record, issues = normalise_row(row(mail="annv@gmail.com", unit="Vụ Pháp chế"), finance)
    assert record.mail == ["annv@gmail.com"] and record.unit_code == "BTC-PC"
    assert find(issues, "mail", "Personal").suggestion.endswith("@mof.gov.vn")


NO_MAIL = ("Thiếu địa chỉ thư điện tử", "The email address is missing")
NO_AT = ("Địa chỉ thư điện tử thiếu ký tự @", "The email address has no @")
ACCENTED = (
    "Địa chỉ thư điện tử có chữ có dấu hoặc ký tự không hợp lệ",
    "The email address contains accented or non-ASCII characters",
)
LOCAL = (
    "Phần trước @ của địa chỉ thư điện tử không hợp lệ",
    "The part before @ of the email address is not valid",
)
DOMAIN = (
    "Tên miền của địa chỉ thư điện tử không hợp lệ",
    "The domain of the email address is not valid",
)
WRITE_AS = "Ghi theo dạng / Write it as: ten@hanoi.gov.vn"


@pytest.mark.parametrize(
    ("cell", "reasons", "suggestion"),
    [
        ("", NO_MAIL, "Fill in"),
        ("không có", NO_AT, "Fill in"),
        ("bình@hanoi.gov.vn", ACCENTED, "Có phải / Did you mean: binh@hanoi.gov.vn"),
        ("an..nv@hanoi.gov.vn", LOCAL, WRITE_AS),
        ("annv@@hanoi.gov.vn", LOCAL, WRITE_AS),
        ("annv@hanoi", DOMAIN, WRITE_AS),
        ("annv@hanoi.gov.v1", DOMAIN, WRITE_AS),
    ],
)
def test_row_without_a_valid_address_is_rejected(hanoi, cell, reasons, suggestion):
    record, issues = normalise_row(row(9, mail=cell), hanoi)
    assert record is None
    [issue] = issues
    assert (issue.row, issue.column, issue.rejected) == (9, "mail", True)
    assert (issue.reason_vi, issue.reason_en) == reasons
    assert suggestion in issue.suggestion
    assert_complete(issue)


def test_invalid_piece_next_to_a_valid_address_is_flagged(hanoi):
    record, issues = normalise_row(row(mail=f"{OFFICIAL}; an@hanoi"), hanoi)
    assert record.mail == [OFFICIAL]
    issue = find(issues, "mail", "The domain of the email address is not valid")
    assert (issue.value, issue.rejected) == ("an@hanoi", False)


# --- title, phone -------------------------------------------------------------------------------


def test_title_is_cleaned_but_not_expanded(hanoi):
    record, _ = normalise_row(row(title="  PCT  UBND\u00a0phường "), hanoi)
    assert record.title == "PCT UBND phường"


@pytest.mark.parametrize(
    ("cell", "numbers"),
    [
        ("+84 24 3825 1234", ["024 3825 1234"]),
        ("(+84) 912.345.678", ["0912 345 678"]),
        ("+84 (0) 24 3825 1234", ["024 3825 1234"]),
        ("0084 912 345 678", ["0912 345 678"]),
        ("0084912345678", ["0912345678"]),
        ("0912 345 678", ["0912 345 678"]),
        ("02438251234", ["02438251234"]),
        ("024.3825.1234", ["024 3825 1234"]),
        ("0912-345-678", ["0912 345 678"]),
        ("024 3825 1234; 0912 345 678", ["024 3825 1234", "0912 345 678"]),
        ("", []),
    ],
)
def test_phone_numbers(cell, numbers):
    assert normalise_phone(cell) == (numbers, [])


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("0912 345", ([], ["0912 345"])),  # 7 digits
        ("024 3825 1234 5678 9012", ([], ["024 3825 1234 5678 9012"])),  # 19
        ("0 912 345 678", (["0 912 345 678"], [])),
    ],
)
def test_plain_numbers_are_checked_for_their_digits(cell, expected):
    assert normalise_phone(cell) == expected


def test_bad_and_extra_phone_numbers_are_flagged(hanoi):
    record, issues = normalise_row(row(6, phone="0912 345 678 / 12 / 024 3825 1234"), hanoi)
    assert record.phone == "0912 345 678"
    bad = find(issues, "phone", "Invalid phone number")
    assert (bad.value, bad.reason_vi, bad.rejected) == (
        "12",
        "Số điện thoại không hợp lệ, đã bỏ qua",
        False,
    )
    extra = find(issues, "phone", "Only one phone number is kept")
    assert (extra.value, extra.suggestion) == ("024 3825 1234", "0912 345 678")


# --- units --------------------------------------------------------------------------------------


def test_unit_text_is_resolved(hanoi):
    record, issues = normalise_row(row(unit="Văn phòng HĐND và UBND phường Ba Đình"), hanoi)
    assert (record.unit_code, issues) == ("00004-VP", [])


def test_unit_code_column_wins_over_unit_text(hanoi):
    record, _ = normalise_row(row(unit_code="01-stp", unit="Sở Nội vụ"), hanoi)
    assert record.unit_code == "01-STP"


def test_section_heading_names_the_unit_when_the_row_does_not(hanoi):
    record, _ = normalise_row(row(), hanoi, section_unit="II. SỞ NỘI VỤ")
    assert record.unit_code == "01-SNV"
    record, _ = normalise_row(row(), hanoi, section_unit="Sở Tư pháp")
    assert record.unit_code == "01-STP"
    record, _ = normalise_row(row(unit="Sở Y tế"), hanoi, section_unit="Sở Tư pháp")
    assert record.unit_code == "01-SYT"


def test_row_without_any_unit_belongs_to_the_target(hanoi, finance):
    assert normalise_row(row(), hanoi)[0].unit_code == "01"
    assert normalise_row(row(mail="a@mof.gov.vn"), finance)[0].unit_code == "BTC"


def test_unknown_unit_is_rejected_with_the_closest_units(hanoi):
    record, issues = normalise_row(row(11, unit="Phuong Ba Dihn"), hanoi)
    assert record is None
    [issue] = issues
    assert (issue.row, issue.column, issue.value, issue.rejected) == (
        11,
        "unit",
        "Phuong Ba Dihn",
        True,
    )
    assert issue.reason_vi == "Không tìm thấy đơn vị này thuộc Thành phố Hà Nội"
    assert issue.reason_en == "No such unit under Thành phố Hà Nội"
    assert issue.suggestion.startswith("00004 Phường Ba Đình")


def test_unknown_section_heading_is_reported_on_the_unit_column(hanoi):
    record, [issue] = normalise_row(row(), hanoi, section_unit="Ban Quản lý dự án XYZ")
    assert record is None and (issue.column, issue.value) == ("unit", "Ban Quản lý dự án XYZ")


def test_unknown_unit_code_is_reported_on_its_column(hanoi):
    record, [issue] = normalise_row(row(unit_code="01-XYZ"), hanoi)
    assert record is None and issue.column == "unit_code"
    assert issue.suggestion


def test_unit_outside_the_target_is_rejected(hanoi):
    record, [issue] = normalise_row(row(unit_code="BTC-VP"), hanoi)
    assert record is None
    assert issue.reason_vi == "Đơn vị không thuộc Thành phố Hà Nội"
    assert issue.reason_en == "The unit is not under Thành phố Hà Nội"
    assert issue.suggestion == "BTC-VP Văn phòng Bộ, Bộ Tài chính"


def test_ambiguous_unit_is_rejected_with_both_suggested():
    matcher = UnitMatcher(build_tree("2025"), "19")
    record, [issue] = normalise_row(row(unit="UBND xa Van Lang"), matcher)
    assert record is None
    assert issue.reason_vi == "Tên đơn vị khớp với nhiều đơn vị thuộc Tỉnh Thái Nguyên"
    assert issue.reason_en == "The unit name matches several units under Tỉnh Thái Nguyên"
    assert "02143 Xã Văn Lang" in issue.suggestion and "05665 Xã Văn Lăng" in issue.suggestion


@pytest.mark.parametrize(
    ("unit", "now"),
    [
        ("Sở TT&TT", "01-SKHCN Sở Khoa học và Công nghệ, Thành phố Hà Nội"),
        ("Sở LĐ-TB&XH", "01-SNV Sở Nội vụ, Thành phố Hà Nội"),
        ("UBND phường Phúc Xá", "00097 Phường Hồng Hà"),
    ],
)
def test_old_unit_name_lands_on_the_successor_with_a_flag(hanoi, unit, now):
    record, issues = normalise_row(row(2, unit=unit), hanoi)
    assert record.unit_code == now.split()[0]
    [issue] = issues
    assert (issue.row, issue.column, issue.value, issue.rejected) == (2, "unit", unit, False)
    assert (
        issue.reason_en == f"Matched an old name (the unit was merged or renamed); it is now {now}"
    )
    assert issue.reason_vi == f"Khớp với tên cũ của đơn vị (đã sáp nhập hoặc đổi tên), nay là {now}"
    assert issue.suggestion == now
    assert record.flags == [issue]


def test_old_split_commune_suggests_the_other_successors(hanoi):
    _, [issue] = normalise_row(row(unit="Phường Cống Vị"), hanoi)
    assert issue.suggestion == (
        "00008 Phường Ngọc Hà (cũng có thể là / could also be 00025 Phường Giảng Võ)"
    )


def test_personal_address_suggestion_uses_the_rows_unit_domain(finance):
    _, issues = normalise_row(row(unit="Tổng cục Thuế", mail="x@gmail.com"), finance)
    assert find(issues, "mail", "Personal").suggestion.endswith("@mof.gov.vn")
    assert find(issues, "unit", "Matched an old name").value == "Tổng cục Thuế"


def test_every_problem_of_a_bad_row_is_reported_at_once(hanoi):
    source = row(20, name="Lê 3", mail="không có", unit="Sở Không Tồn Tại", phone="12")
    record, issues = normalise_row(source, hanoi)
    assert record is None
    assert [(i.column, i.rejected) for i in issues] == [
        ("name", True),
        ("unit", True),
        ("mail", True),
        ("phone", False),
    ]
    for issue in issues:
        assert issue.row == 20
        assert_complete(issue)


# --- duplicates ---------------------------------------------------------------------------------


def test_second_row_with_the_same_address_is_rejected(hanoi):
    tracker = DuplicateTracker()
    first, _ = normalise_row(row(3, name="Nguyễn Văn An"), hanoi)
    second, _ = normalise_row(
        row(9, name="Trần Thị Bình", mail=f"binh@hanoi.gov.vn; {OFFICIAL}"), hanoi
    )
    assert tracker.check(first) == []
    [issue] = tracker.check(second)
    assert (issue.row, issue.column, issue.value, issue.rejected) == (9, "mail", OFFICIAL, True)
    assert issue.reason_vi == "Địa chỉ thư điện tử trùng với dòng 3"
    assert issue.reason_en == "The email address is already on row 3"
    assert_complete(issue)
    # The rejected row's other address is not taken: a later row may use it.
    third, _ = normalise_row(row(12, name="Trần Thị Bình", mail="binh@hanoi.gov.vn"), hanoi)
    assert tracker.check(third) == []


def test_same_person_and_unit_with_another_address_is_flagged(hanoi):
    tracker = DuplicateTracker()
    first, _ = normalise_row(row(4, name="Nguyễn Thị Thuỷ", unit="Sở Y tế"), hanoi)
    again, _ = normalise_row(
        row(7, name="NGUYỄN THỊ THỦY", unit="01-SYT", mail="thuynt@hanoi.gov.vn"), hanoi
    )
    elsewhere, _ = normalise_row(
        row(8, name="Nguyễn Thị Thuỷ", unit="Sở Tư pháp", mail="thuynt2@hanoi.gov.vn"), hanoi
    )
    assert tracker.check(first) == []
    [issue] = tracker.check(again)
    assert (issue.row, issue.column, issue.value, issue.rejected) == (
        7,
        "name",
        "Nguyễn Thị Thủy",
        False,
    )
    assert issue.reason_vi == "Trùng họ tên và đơn vị với dòng 4 nhưng khác địa chỉ thư điện tử"
    assert issue.reason_en == "Same name and unit as row 4 but a different email address"
    assert again.flags == [issue]
    assert_complete(issue)
    assert tracker.check(elsewhere) == []


def test_checking_the_same_record_twice_is_harmless(hanoi):
    tracker = DuplicateTracker()
    record, _ = normalise_row(row(3), hanoi)
    assert tracker.check(record) == [] and tracker.check(record) == []


def test_an_issue_words_its_reason_from_its_fields_when_read():
    from directory_service.importing import messages as m
    from directory_service.importing.report import report_rows

    flag = m.issue(12, "name", "Lê Thị Hoa", m.DUPLICATE_PERSON, m.SUGGEST_SAME_PERSON, False,
                   first=7)  # fmt: skip
    assert flag.reason_vi == "Trùng họ tên và đơn vị với dòng 7 nhưng khác địa chỉ thư điện tử"
    assert flag.reason_en == "Same name and unit as row 7 but a different email address"
    worded = Issue(12, "name", "Lê Thị Hoa", flag.reason_vi, flag.reason_en,
                   m.SUGGEST_SAME_PERSON, False)  # fmt: skip
    assert flag == worded and flag != Issue(12, "name", "Lê Thị Hoa", "x", "y")
    assert "row 7 but" in repr(flag) and "rejected=False" in repr(flag)
    # Text with braces of its own and no fields is kept as it is.
    plain = Issue(3, "*", "{x}", "Lỗi {không rõ}", "Error {unknown}")
    assert (plain.reason_vi, plain.reason_en) == ("Lỗi {không rõ}", "Error {unknown}")
    assert report_rows([flag])[1][4:6] == (flag.reason_vi, flag.reason_en)
