"""Make agency staff-list files for the reader tests: sheets, ODS, CSV, legacy-font text.

Every name and address here is invented.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
from viparse.normalize.encodings import get_charmap

HEADER = ["STT", "Họ và tên", "Chức vụ", "Đơn vị công tác", "Địa chỉ thư điện tử", "Điện thoại"]
PEOPLE = [
    ["1", "Nguyễn Văn An", "Giám đốc", "Sở Nội vụ", "an.nv@angiang.gov.vn", "0912345678"],
    ["2", "Trần Thị Bình", "Phó Giám đốc", "Sở Nội vụ", "binh.tt@angiang.gov.vn", ""],
    ["3", "Lê Hoàng Cường", "Chánh Văn phòng", "Văn phòng", "cuong.lh@angiang.gov.vn", ""],
    ["4", "Phạm Thị Dung", "Chuyên viên", "Văn phòng", "dung.pt@angiang.gov.vn", "02963123456"],
    ["5", "Đỗ Minh Đức", "Trưởng phòng", "Phòng Tổ chức", "duc.dm@angiang.gov.vn", ""],
]
NAMES = [p[1] for p in PEOPLE]


def messy_rows() -> list[list[object]]:
    """Return a list as agencies send it: title rows, sections, subtotals and a signature."""
    return [
        ["UBND TỈNH AN GIANG", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["SỞ NỘI VỤ", None, None, "Độc lập - Tự do - Hạnh phúc"],
        [],
        ["DANH SÁCH ĐỊA CHỈ THƯ ĐIỆN TỬ CÔNG VỤ CỦA CÁN BỘ, CÔNG CHỨC"],
        [],
        [*HEADER, "Ghi chú"],  # row 6
        ["I. LÃNH ĐẠO SỞ"],
        [1.0, "Nguyễn Văn An", "Giám đốc", "Sở Nội vụ", "an.nv@angiang.gov.vn", 912345678.0],
        [2.0, "Trần  Thị   Bình", "Phó Giám đốc", "Sở Nội vụ", "binh.tt@angiang.gov.vn"],
        ["Cộng: 2 người"],
        [],
        ["II", "VĂN PHÒNG"],  # row 12
        [3.0, "Lê Hoàng Cường", "Chánh Văn phòng", "Văn phòng", "cuong.lh@angiang.gov.vn"],
        [4.0, "Phạm Thị Dung", "Chuyên viên", "Văn phòng", "dung.pt@angiang.gov.vn", 2963123456.0],
        ["III"],
        [5.0, "Đỗ Minh Đức", "Trưởng phòng", "Phòng Tổ chức", "duc.dm@angiang.gov.vn", None, "Mới"],
        ["Tổng cộng", None, None, None, 5.0],
        [],
        [None, "Người lập biểu", None, None, "KT. GIÁM ĐỐC"],
        [None, None, None, None, "PHÓ GIÁM ĐỐC"],
        [],
        [None, "Hoàng Văn Em", None, None, "Trần Thị Bình"],
    ]


def write_xlsx(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Path:
    """Write rows to an XLSX workbook with openpyxl, merging the given ranges."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    for row in rows:
        sheet.append(list(row))
    for cells in merges:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def _ods_cell(value: object) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
        "</table:table-cell>"
    )


def write_ods(path: Path, rows: list[list[object]]) -> Path:
    """Write rows to a minimal but valid OpenDocument spreadsheet, by hand."""
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    body = "".join(
        f"<table:table-row>{''.join(_ods_cell(v) for v in row) or '<table:table-cell/>'}"
        "</table:table-row>"
        for row in rows
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="Danh sách">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def csv_text(rows: list[list[object]], delimiter: str = ",") -> str:
    """Return rows as delimited text, numbers written as a person would type them."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            ["" if v is None else f"{v:.0f}" if isinstance(v, float) else v for v in row]
        )
    return out.getvalue()


def _legacy_table(font: str) -> dict[str, str]:
    """Return Unicode letter -> legacy-font surface text, the inverse of viparse's charmap."""
    charmap = get_charmap(font)
    assert charmap is not None
    table: dict[str, str] = {}
    for legacy, letter in charmap.pairs:
        table.setdefault(letter, legacy)
    return table


def to_legacy(text: str, font: str) -> str:
    """Return text as a TCVN3 or VNI font shows it to a program that reads it as Latin-1."""
    table = _legacy_table(font)
    return "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def to_cp1258(text: str) -> bytes:
    """Encode text in Windows-1258: base letters precomposed, tone marks as combining marks."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        tones = "".join(m for m in decomposed if m in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in tones))
        out += (base + tones).encode("cp1258")
    return bytes(out)
