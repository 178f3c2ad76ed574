"""Write the error report of an import: one line per rejected or flagged row, CSV or XLSX."""

from __future__ import annotations

from pathlib import Path

from directory_service.exports.spreadsheets import neutralise, to_csv, to_xlsx
from directory_service.importing.rows import Issue

HEADER = (
    "Dòng / Row", "Cột / Column", "Giá trị / Value", "Trạng thái / Status",
    "Lý do", "Reason", "Gợi ý / Suggestion",
)  # fmt: skip
WHOLE_ROW = "cả dòng / whole row"  # the column of an issue about a whole row or entry
_WHOLE_ROW_COLUMNS = frozenset({"", "*"})


def report_rows(issues: list[Issue]) -> list[tuple]:
    """Return the header and one formula-safe line per issue, in source row order."""
    rows: list[tuple] = [HEADER]
    for i in sorted(issues, key=lambda i: (i.row, i.column)):
        status = "Bị loại / rejected" if i.rejected else "Lưu ý / flagged"
        column = WHOLE_ROW if i.column in _WHOLE_ROW_COLUMNS else i.column
        cells = (column, i.value, status, i.reason_vi, i.reason_en, i.suggestion)
        rows.append((i.row, *(neutralise(str(c)) for c in cells)))
    return rows


def write_report(path: str | Path, issues: list[Issue]) -> Path:
    """Write the report to path: XLSX when the name ends in .xlsx, otherwise CSV."""
    path = Path(path)
    rows = report_rows(issues)
    data = to_xlsx(rows, "Báo cáo lỗi") if path.suffix.lower() == ".xlsx" else to_csv(rows)
    path.write_bytes(data)
    return path
