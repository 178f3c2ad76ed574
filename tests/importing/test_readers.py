"""Reading agency lists: layouts, header wording, encodings and delimiters."""

from __future__ import annotations

import codecs
import unicodedata

import pytest

from directory_service.importing.read import ImportFormatError, read_rows
from directory_service.importing.read.headers import match_header
from directory_service.importing.read.layout import SECTION
from directory_service.importing.rows import (
    FAMILY,
    GIVEN,
    MAIL,
    MIDDLE,
    NAME,
    NOTE,
    NUMBER,
    PHONE,
    TITLE,
    UNIT,
    UNIT_CODE,
)
from tests.importing.agency_files import (
    HEADER,
    NAMES,
    PEOPLE,
    csv_text,
    messy_rows,
    to_cp1258,
    to_legacy,
    write_xlsx,
)


def _read_all(path, **options):
    table = read_rows(path, **options)
    return table, list(table.rows)


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- Layout: title rows, sections, subtotals, footers ----------------------------------------


def test_messy_list_reads_people_with_the_files_row_numbers(tmp_path):
    table, rows = _read_all(write_xlsx(tmp_path / "ds.xlsx", messy_rows()))
    assert (table.kind, table.encoding, table.header_row) == ("xlsx", "unicode", 6)
    assert [r.number for r in rows] == [8, 9, 13, 14, 16]
    assert [r.values[NAME] for r in rows] == NAMES
    assert rows[0].values == {
        NUMBER: "1",
        NAME: "Nguyễn Văn An",
        TITLE: "Giám đốc",
        UNIT: "Sở Nội vụ",
        MAIL: "an.nv@angiang.gov.vn",
        PHONE: "0912345678",
        NOTE: "",
    }
    assert rows[3].values[PHONE] == "02963123456"
    assert rows[4].values[NOTE] == "Mới"
    assert [r.raw["section"] for r in rows] == [
        "I. LÃNH ĐẠO SỞ",
        "I. LÃNH ĐẠO SỞ",
        "II. VĂN PHÒNG",
        "II. VĂN PHÒNG",
        "III",
    ]
    assert table.issues == []


def test_footer_stops_the_list_and_signers_are_not_people(tmp_path):
    rows = [
        HEADER,
        PEOPLE[0],
        ["", "", "", "", "", ""],
        ["", "", "", "An Giang, ngày 10 tháng 3 năm 2025", "", ""],
        ["", "", "", "GIÁM ĐỐC", "", ""],
        ["", "Nguyễn Văn An", "", "", "", ""],
        PEOPLE[1],
    ]
    _, read = _read_all(_write(tmp_path, "a.csv", csv_text(rows).encode()))
    assert [r.values[NAME] for r in read] == NAMES[:1]


@pytest.mark.parametrize("marker", ["Nơi nhận:", "NGƯỜI LẬP", "TM. ỦY BAN NHÂN DÂN"])
def test_each_footer_marker_ends_the_list(tmp_path, marker):
    rows = [HEADER, PEOPLE[0], [marker], PEOPLE[1]]
    _, read = _read_all(_write(tmp_path, "a.csv", csv_text(rows).encode()))
    assert len(read) == 1


def test_giam_doc_as_a_title_is_not_a_footer(tmp_path):
    rows = [HEADER[1:3], ["Nguyễn Văn An", "GIÁM ĐỐC"], ["Trần Thị Bình", "Giám đốc"]]
    rows = [[*r, "x"] for r in rows]
    rows[0][2] = "Đơn vị"
    _, read = _read_all(_write(tmp_path, "a.csv", csv_text(rows).encode()))
    assert [r.values[TITLE] for r in read] == ["GIÁM ĐỐC", "Giám đốc"]


def test_two_row_merged_header_and_merged_unit_cells(tmp_path):
    rows = [
        ["DANH SÁCH CÁN BỘ"],
        ["STT", "Họ và tên", "Đơn vị", "Liên hệ", None, "Ghi chú"],
        [None, None, None, "Email", "Điện thoại", None],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        [1, "Nguyễn Văn An", "Văn phòng", "an.nv@angiang.gov.vn", 912345678],
        [2, "Trần Thị Bình", None, "binh.tt@angiang.gov.vn"],
    ]
    merges = ("A2:A3", "B2:B3", "C2:C3", "D2:E2", "F2:F3", "C5:C6")
    table, read = _read_all(write_xlsx(tmp_path / "h.xlsx", rows, merges))
    assert table.header == [
        "STT",
        "Họ và tên",
        "Đơn vị",
        "Liên hệ / Email",
        "Liên hệ / Điện thoại",
        "Ghi chú",
    ]
    assert table.columns["Liên hệ / Email"] == MAIL
    assert table.columns["Liên hệ / Điện thoại"] == PHONE
    assert table.header_row == 3
    assert [(r.number, r.values[MAIL], r.values[UNIT]) for r in read] == [
        (5, "an.nv@angiang.gov.vn", "Văn phòng"),
        (6, "binh.tt@angiang.gov.vn", "Văn phòng"),
    ]
    assert read[0].values[PHONE] == "0912345678"


def test_two_row_header_splitting_the_name(tmp_path):
    rows = [
        ["STT", "Họ và tên", None, "Chức vụ", "Email"],
        [None, "Họ và tên đệm", "Tên", None, None],
        [1, "Nguyễn Văn", "An", "Chuyên viên", "an.nv@angiang.gov.vn"],
    ]
    table, read = _read_all(write_xlsx(tmp_path / "h.xlsx", rows, ("B1:C1",)))
    assert read[0].values[FAMILY] == "Nguyễn Văn"
    assert read[0].values[GIVEN] == "An"
    assert NAME not in read[0].values


# --- Header wording --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "column"),
    [
        ("STT", NUMBER),
        ("TT", NUMBER),
        ("Số TT", NUMBER),
        ("Họ và tên", NAME),
        ("HỌ TÊN", NAME),
        ("Họ, tên", NAME),
        ("Tên cán bộ", NAME),
        ("Họ", FAMILY),
        ("Họ và tên đệm", FAMILY),
        ("Tên đệm", MIDDLE),
        ("Tên", GIVEN),
        ("Chức vụ", TITLE),
        ("Chức danh", TITLE),
        ("Chức vụ, chức danh", TITLE),
        ("Đơn vị công tác", UNIT),
        ("Đơn vị", UNIT),
        ("Cơ quan", UNIT),
        ("Phòng ban", UNIT),
        ("Tên đơn vị", UNIT),
        ("Mã đơn vị", UNIT_CODE),
        ("Địa chỉ thư điện tử", MAIL),
        ("Địa chỉ thư điện tử (email)", MAIL),
        ("Thư điện tử", MAIL),
        ("Email", MAIL),
        ("E-mail", MAIL),
        ("Email công vụ", MAIL),
        ("Hộp thư", MAIL),
        ("Địa chỉ email", MAIL),
        ("Thư công vụ", MAIL),
        ("Điện thoại", PHONE),
        ("SĐT", PHONE),
        ("Số điện thoại", PHONE),
        ("ĐT cơ quan", PHONE),
        ("Ghi chú", NOTE),
        ("Ngày sinh", None),
        ("DANH SÁCH ĐỊA CHỈ THƯ ĐIỆN TỬ", None),
    ],
)
def test_heading_wording(heading, column):
    assert match_header(heading) == column


def test_varied_wording_and_split_names_in_one_file(tmp_path):
    header = ["Số TT", "Họ và tên đệm", "Tên", "Chức danh", "Phòng ban", "Mã đơn vị", "Thư công vụ"]
    header += ["SĐT", "Quê quán"]
    person = [
        "1",
        "Nguyễn Văn",
        "An",
        "Chuyên viên",
        "Văn phòng",
        "VP01",
        "an@x.gov.vn",
        "",
        "An Giang",
    ]
    table, read = _read_all(_write(tmp_path, "a.csv", csv_text([header, person]).encode()))
    assert table.columns == {
        "Số TT": NUMBER,
        "Họ và tên đệm": FAMILY,
        "Tên": GIVEN,
        "Chức danh": TITLE,
        "Phòng ban": UNIT,
        "Mã đơn vị": UNIT_CODE,
        "Thư công vụ": MAIL,
        "SĐT": PHONE,
    }
    assert read[0].values[UNIT_CODE] == "VP01"
    assert read[0].raw["Quê quán"] == "An Giang"  # unknown headings are kept in raw


def test_repeated_mail_columns_are_joined(tmp_path):
    rows = [
        ["Họ và tên", "Email", "Email cá nhân"],
        ["Nguyễn Văn An", "an@x.gov.vn", "an@gmail.com"],
    ]
    _, read = _read_all(_write(tmp_path, "a.csv", csv_text(rows).encode()))
    assert read[0].values[MAIL] == "an@x.gov.vn; an@gmail.com"
    assert read[0].raw["Email cá nhân"] == "an@gmail.com"


# --- Encodings -------------------------------------------------------------------------------


def _list_text(delimiter=",", title="DANH SACH"):
    return csv_text([[title], [], [*HEADER, "Ghi chú"], *PEOPLE], delimiter)


def test_utf8_without_and_with_bom(tmp_path):
    for name, data in (
        ("plain.csv", _list_text().encode()),
        ("bom.csv", codecs.BOM_UTF8 + _list_text().encode()),
    ):
        table, read = _read_all(_write(tmp_path, name, data))
        assert table.encoding == "utf-8"
        assert table.header[0] == "STT"
        assert [r.values[NAME] for r in read] == NAMES


def test_utf16_with_bom(tmp_path):
    table, read = _read_all(_write(tmp_path, "u16.csv", _list_text("\t").encode("utf-16")))
    assert table.encoding == "utf-16"
    assert [r.values[NAME] for r in read] == NAMES


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path, codec):
    # Saved by a program that writes no byte-order mark: the zero bytes tell the byte order.
    data = _list_text("\t").encode(codec)
    assert not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    table, read = _read_all(_write(tmp_path, "u16.txt", data))
    assert (table.kind, table.encoding) == ("csv", "utf-16")
    assert table.header[:2] == ["STT", "Họ và tên"]
    assert [r.values[NAME] for r in read] == NAMES
    assert read[4].values[UNIT] == "Phòng Tổ chức"


def test_nfd_text_becomes_nfc(tmp_path):
    data = unicodedata.normalize("NFD", _list_text()).encode()
    _, read = _read_all(_write(tmp_path, "nfd.csv", data))
    assert [r.values[NAME] for r in read] == NAMES
    assert all(unicodedata.is_normalized("NFC", v) for r in read for v in r.values.values())


def test_cp1258(tmp_path):
    table, read = _read_all(_write(tmp_path, "cp.csv", to_cp1258(_list_text(";"))))
    assert table.encoding == "cp1258"
    assert [r.values[NAME] for r in read] == NAMES
    assert read[4].values[UNIT] == "Phòng Tổ chức"


@pytest.mark.parametrize("font", ["tcvn3", "vni"])
def test_legacy_font_text_is_detected_and_converted(tmp_path, font):
    data = to_legacy(_list_text(), font).encode("latin-1")
    table, read = _read_all(_write(tmp_path, f"{font}.csv", data))
    assert table.encoding == font
    assert table.header[1:5] == ["Họ và tên", "Chức vụ", "Đơn vị công tác", "Địa chỉ thư điện tử"]
    assert [r.values[NAME] for r in read] == NAMES
    assert read[0].values[TITLE] == "Giám đốc"


@pytest.mark.parametrize("font", ["tcvn3", "vni"])
def test_a_two_person_legacy_list_is_detected_by_its_header(tmp_path, font):
    data = to_legacy(csv_text([HEADER, PEOPLE[4], PEOPLE[0]]), font).encode("latin-1")
    table, read = _read_all(_write(tmp_path, f"{font}.csv", data))
    assert table.encoding == font
    assert [r.values[NAME] for r in read] == ["Đỗ Minh Đức", "Nguyễn Văn An"]


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258"])
def test_plain_ascii_header_leaves_the_choice_to_the_text(tmp_path, encoding):
    header = ["STT", "Ho va ten", "Chuc vu", "Don vi", "Email", "Dien thoai"]
    text = csv_text([header, *PEOPLE])
    data = to_cp1258(text) if encoding == "cp1258" else to_legacy(text, encoding).encode("latin-1")
    table, read = _read_all(_write(tmp_path, "a.csv", data))
    assert table.encoding == encoding
    assert [r.values[NAME] for r in read] == NAMES


def test_legacy_text_saved_as_utf8(tmp_path):
    data = to_legacy(_list_text(), "tcvn3").encode("utf-8")  # .VnTime text pasted into Excel
    table, read = _read_all(_write(tmp_path, "u.csv", data))
    assert table.encoding == "tcvn3"
    assert [r.values[NAME] for r in read] == NAMES


def test_legacy_cells_in_a_spreadsheet(tmp_path):
    rows = [[to_legacy(str(v), "vni") for v in row] for row in [HEADER, *PEOPLE]]
    table, read = _read_all(write_xlsx(tmp_path / "vni.xlsx", rows))
    assert table.encoding == "vni"
    assert [r.values[NAME] for r in read] == NAMES


# Legacy-font people pasted into a list that is Unicode otherwise, the way an old document's
# names end up in a new spreadsheet: (name, title, unit, font of those cells).
PASTED = [
    ("Vũ Thị Lan", "Chuyên viên", "Văn phòng", "tcvn3"),
    ("Dương Văn Hưng", "Phó Trưởng phòng", "Sở Nội vụ", "tcvn3"),  # "ư" is a soft hyphen there
    ("Nguyễn Thị Thu", "Trưởng phòng", "Phòng Tổ chức", "tcvn3"),
    ("Lê Thị Hồng Nhung", "Chuyên viên", "Văn phòng", "vni"),
]
# Unicode names that are not plain Vietnamese syllables, or read as such in a legacy font too.
AS_WRITTEN = ["Y Blốk Êban", "H'Hen Niê", "Ksor Y Phôn", "Ngô Thị Thoa"]


def _pasted_rows() -> list[list[str]]:
    """Return a Unicode list with the PASTED people in their fonts and AS_WRITTEN ones after."""
    rows = [HEADER, *PEOPLE]
    for n, (name, title, unit, font) in enumerate(PASTED, 6):
        legacy = [to_legacy(v, font) for v in (name, title, unit)]
        rows.append([str(n), *legacy, f"p{n}@angiang.gov.vn", ""])
    for n, name in enumerate(AS_WRITTEN, 6 + len(PASTED)):
        rows.append([str(n), name, "Chuyên viên", "Văn phòng", f"p{n}@angiang.gov.vn", ""])
    return rows


def _check_pasted(table, read, first_row: int) -> None:
    """Check the PASTED people were read in Unicode and flagged, cell by cell, the rest not."""
    assert [r.values[NAME] for r in read] == NAMES + [p[0] for p in PASTED] + AS_WRITTEN
    pasted = read[len(PEOPLE) : len(PEOPLE) + len(PASTED)]
    assert [(r.values[TITLE], r.values[UNIT]) for r in pasted] == [p[1:3] for p in PASTED]
    flags = {(i.row, i.column): i for i in table.issues}
    expected = {}
    for n, (name, title, unit, font) in enumerate(PASTED, first_row):
        for column, value in ((NAME, name), (TITLE, title), (UNIT, unit)):
            expected[(n, column)] = (to_legacy(value, font), value, font.upper())
    assert set(flags) == set(expected)
    for key, (original, converted, font) in expected.items():
        flag = flags[key]
        assert (flag.value, flag.suggestion, flag.rejected) == (original, converted, False)
        assert f"from {font} to Unicode" in flag.reason_en and font in flag.reason_vi


def test_legacy_font_cells_in_a_unicode_csv_are_converted_and_flagged(tmp_path):
    path = _write(tmp_path, "pasted.csv", csv_text(_pasted_rows()).encode())
    table, read = _read_all(path)
    assert table.encoding == "utf-8"
    assert "\xad" in to_legacy("Dương", "tcvn3")  # the soft hyphen was in the file
    _check_pasted(table, read, first_row=7)
    table, read = _read_all(path, encoding="utf-8")  # forced: every cell as it is
    assert read[5].values[NAME] == to_legacy("Vũ Thị Lan", "tcvn3") and table.issues == []


def test_legacy_font_names_in_a_unicode_workbook_are_converted_and_flagged(tmp_path):
    table, read = _read_all(write_xlsx(tmp_path / "pasted.xlsx", _pasted_rows()))
    assert table.encoding == "unicode"
    _check_pasted(table, read, first_row=7)


def test_a_legacy_font_section_heading_names_the_unit_in_unicode(tmp_path):
    rows = [["STT", "Họ và tên", "Địa chỉ thư điện tử"], ["I", to_legacy("Văn phòng Sở", "tcvn3")]]
    rows += [["1", "Nguyễn Văn An", "an@angiang.gov.vn"]]
    table, [person] = _read_all(_write(tmp_path, "s.csv", csv_text(rows).encode()))
    assert person.raw[SECTION] == "I. Văn phòng Sở"
    [flag] = table.issues
    assert (flag.row, flag.column, flag.value) == (3, UNIT, to_legacy("I. Văn phòng Sở", "tcvn3"))


def test_the_export_quote_before_a_formula_character_is_not_read_as_data(tmp_path):
    rows = [
        HEADER,
        ["1", "Nguyễn Văn An", "'- Phó phòng", "'=Sở Nội vụ", "'-an@angiang.gov.vn", "'+84 912"],
        ["2", "Trần Thị Bình", "'Chuyên viên", "'@", "'@b.vn"],
    ]
    _, read = _read_all(_write(tmp_path, "q.csv", csv_text(rows).encode()))
    values = [[r.values[c] for c in (TITLE, UNIT, MAIL, PHONE)] for r in read]
    assert values == [
        ["- Phó phòng", "=Sở Nội vụ", "-an@angiang.gov.vn", "+84 912"],
        ["'Chuyên viên", "@", "@b.vn", ""],  # a quote before anything else is the file's own
    ]


def test_forced_encoding(tmp_path):
    ascii_header = ["STT", "Ho va ten", "Chuc vu", "Email"]
    rows = [
        ascii_header,
        ["1", to_legacy("Nguyễn Văn An", "vni"), to_legacy("Chuyên viên", "vni"), "an@x.vn"],
    ]
    path = _write(tmp_path, "f.csv", csv_text(rows).encode("latin-1"))
    table, read = _read_all(path, encoding="vni")
    assert table.encoding == "vni"
    assert read[0].values[NAME] == "Nguyễn Văn An"
    table, read = _read_all(path, encoding="cp1258")
    assert table.encoding == "cp1258"
    assert read[0].values[NAME] != "Nguyễn Văn An"


@pytest.mark.parametrize(("forced", "words"), [("utf-8", "utf-8"), ("utf-16", "utf-16")])
def test_wrong_forced_encoding_is_a_clear_error(tmp_path, forced, words):
    path = _write(tmp_path, "t.csv", to_legacy(_list_text(), "tcvn3").encode("latin-1"))
    with pytest.raises(ImportFormatError) as error:
        read_rows(path, encoding=forced)
    assert words in str(error.value)


def test_unknown_encoding_name(tmp_path):
    path = _write(tmp_path, "a.csv", _list_text().encode())
    with pytest.raises(ImportFormatError, match="viscii"):
        read_rows(path, encoding="viscii")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(tmp_path, delimiter):
    rows = [["DANH SÁCH, THÁNG 3; NĂM 2025"], [*HEADER, "Ghi chú"], *PEOPLE]
    rows[2] = [*PEOPLE[0][:5], "0912 345 678", "Trưởng phòng, kiêm nhiệm"]
    _, read = _read_all(_write(tmp_path, "d.csv", csv_text(rows, delimiter).encode()))
    assert [r.values[NAME] for r in read] == NAMES
    assert read[0].values[NOTE] == "Trưởng phòng, kiêm nhiệm"


def _tcvn3_capitals(text: str) -> str:
    """Return text in capitals as a .VnTimeH font is typed: lower-case codes for toned letters."""
    return "".join(ch.upper() if ch.isascii() else ch for ch in to_legacy(text.lower(), "tcvn3"))


def test_tcvn3_names_in_capitals_come_out_in_capitals(tmp_path):
    assert _tcvn3_capitals("Nguyễn Văn Đức") == "NGUYÔN V¨N ®øC"
    rows = [[to_legacy(v, "tcvn3") for v in HEADER]]
    rows += [[p[0], _tcvn3_capitals(p[1]), *(to_legacy(v, "tcvn3") for v in p[2:])] for p in PEOPLE]
    table, read = _read_all(_write(tmp_path, "caps.csv", csv_text(rows).encode("latin-1")))
    assert table.encoding == "tcvn3"
    assert [r.values[NAME] for r in read] == [n.upper() for n in NAMES]
    assert read[0].values[TITLE] == "Giám đốc"  # not in capitals: left as it is


def test_a_tcvn3_name_in_capitals_pasted_into_a_unicode_list(tmp_path):
    rows = [HEADER, *PEOPLE, ["6", _tcvn3_capitals("Trần Thị Hoàng Yến"), "Chuyên viên",
                              "Văn phòng", "yen@angiang.gov.vn", ""]]  # fmt: skip
    table, read = _read_all(_write(tmp_path, "pasted.csv", csv_text(rows).encode()))
    assert read[-1].values[NAME] == "TRẦN THỊ HOÀNG YẾN"
    assert [(i.column, i.suggestion) for i in table.issues] == [(NAME, "TRẦN THỊ HOÀNG YẾN")]
    # Two capitals in two words are not enough to tell: "Hå Lª" is Hồ Lê.
    rows[-1][1] = to_legacy("Hồ Lê", "tcvn3")
    table, read = _read_all(_write(tmp_path, "pasted2.csv", csv_text(rows).encode()))
    assert read[-1].values[NAME] == "Hồ Lê"
