"""A unit's list of people as rows, CSV (UTF-8 with BOM, for Excel) and XLSX, formula-safe."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from directory_service.directory.store import PersonInfo, UnitInfo

HEADER = ("STT", "Họ và tên", "Chức vụ", "Đơn vị", "Địa chỉ thư điện tử", "Điện thoại")
# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and CR,
# may shift it into one); a leading quote makes it plain text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_MAX = 31  # Excel's limit on a sheet name
_SHEET_TITLE_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def neutralise(value: str) -> str:
    """Return value prefixed with a quote when a spreadsheet would run it as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def unquote(value: str) -> str:
    """Return a cell read back without the quote that neutralise put before it."""
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_STARTS) else value


def list_rows(unit: UnitInfo, people: list[PersonInfo]) -> list[tuple]:
    """Return the header and one numbered, formula-safe row per person."""
    rows: list[tuple] = [HEADER]
    for n, p in enumerate(people, 1):
        cells = (p.name, p.title, unit.name, ", ".join(p.mail), p.phone or "")
        rows.append((n, *(neutralise(c) for c in cells)))
    return rows


def to_csv(rows: list[tuple]) -> bytes:
    """Return rows as CSV in UTF-8 with a byte-order mark, which Excel needs to read UTF-8."""
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rows: list[tuple], title: str = "Danh sách") -> bytes:
    """Return rows as an XLSX workbook of one sheet, every value stored as text or a number."""
    wb = Workbook()
    ws = wb.active
    ws.title = (title.translate(_SHEET_TITLE_FORBIDDEN).strip() or "Danh sách")[:_SHEET_TITLE_MAX]
    for row in rows:
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    ws.freeze_panes = "A2"
    for column, width in zip("ABCDEF", (6, 28, 28, 36, 36, 18), strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
