"""Read workbooks (XLSX, XLS, ODS) through python-calamine, one sheet at a time.

A sheet is loaded whole (calamine has no streaming reader); its rows are then turned into text
lazily.  Numbers come back as floats, so an STT of 1 reads "1.0" and a phone number loses its
leading zero: both are put right here.  Cells merged down several rows (a unit spanning the
people in it, "Họ và tên" spanning a two-row header) repeat their value in every row they cover.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetVisibleEnum

from directory_service.importing.read.cells import cell_cleaner
from directory_service.importing.read.encoding import font_candidates
from directory_service.importing.read.table import (
    ImportFormatError,
    NumberedRow,
    Table,
    choose_font,
    no_header_error,
    tabulate,
)

# Rows looked at when choosing a legacy-font reading of the cells.
_SAMPLE_ROWS = 200

Cell = object


def format_cell(value: Cell) -> str:
    """Return a cell's value as the text a person sees in the spreadsheet."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def fill_merged_down(rows: list[list[Cell]], ranges: list | None) -> None:
    """Repeat the value of each cell merged over several rows into the rows below it."""
    for (r0, c0), (r1, _c1) in ranges or ():
        if r1 <= r0 or r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c0:
                row.extend([""] * (c0 + 1 - len(row)))
            if row[c0] in ("", None):
                row[c0] = value


def _open_workbook(source: Path | bytes, kind: str) -> CalamineWorkbook:
    """Open a workbook, turning calamine's errors into an ImportFormatError."""
    try:
        if isinstance(source, bytes):
            return CalamineWorkbook.from_filelike(io.BytesIO(source))
        return CalamineWorkbook.from_path(str(source))
    except PasswordError:
        raise ImportFormatError(
            "Bảng tính được đặt mật khẩu; hãy gỡ mật khẩu rồi nhập lại",
            "The workbook is password-protected; remove the password and import it again",
        ) from None
    except Exception as exc:  # calamine raises several unrelated types for damaged files
        raise ImportFormatError(
            f"Không mở được bảng tính {kind.upper()}: tệp hỏng hoặc không đúng định dạng ({exc})",
            f"Cannot open the {kind.upper()} workbook: damaged or not that format ({exc})",
        ) from None


def _sheet_order(workbook: CalamineWorkbook, sheet: str | None) -> list[str]:
    """Return the sheets to look in: the one asked for, else visible sheets first."""
    names = workbook.sheet_names
    if sheet is not None:
        if sheet not in names:
            listed = ", ".join(names)
            raise ImportFormatError(
                f"Không có trang tính '{sheet}' (có: {listed})",
                f"There is no sheet '{sheet}' (the workbook has: {listed})",
            )
        return [sheet]
    visible = [m.name for m in workbook.sheets_metadata if m.visible == SheetVisibleEnum.Visible]
    return visible + [n for n in names if n not in visible]


def _numbered(rows: list[list[Cell]]) -> Iterator[NumberedRow]:
    """Yield a sheet's rows as text with their spreadsheet row numbers."""
    for index, row in enumerate(rows):
        yield index + 1, [format_cell(v) for v in row]


def read_workbook(source: Path | bytes, kind: str, sheet: str | None, forced: str | None) -> Table:
    """Return the Table of a workbook's sheet: the one named, else the first with a header."""
    workbook = _open_workbook(source, kind)
    try:
        fonts = font_candidates(forced)
        for name in _sheet_order(workbook, sheet):
            try:
                data = workbook.get_sheet_by_name(name)
                rows = data.to_python(skip_empty_area=False)  # row index + 1 is the Excel row
                merged = data.merged_cell_ranges
            except CalamineError as exc:
                raise ImportFormatError(
                    f"Trang tính '{name}' bị hỏng, không đọc được ({exc})",
                    f"The sheet '{name}' is damaged and cannot be read ({exc})",
                ) from None
            fill_merged_down(rows, merged)
            sample = [[format_cell(v) for v in row] for row in rows[:_SAMPLE_ROWS]]
            font, header = choose_font(sample, fonts)
            if header is not None:
                break
        else:
            listed = ", ".join(workbook.sheet_names)
            raise no_header_error(f" (trang tính: {listed})", f" (sheets: {listed})")
    except BaseException:
        workbook.close()
        raise
    return tabulate(
        _numbered(rows),
        cell_cleaner(font),
        kind=kind,
        encoding=font or "unicode",
        sheet=name,
        on_close=workbook.close,
        cell_fonts=forced is None and font is None,
    )
