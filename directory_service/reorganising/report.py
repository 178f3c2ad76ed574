"""Write the XLSX report of a reorganisation: what each unit became, aliases kept, rights."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from directory_service.exports.spreadsheets import neutralise
from directory_service.reorganising.plan import (
    DISTRICT_GONE,
    KEPT,
    MERGED,
    MOVED,
    RENAMED,
    Plan,
)
from directory_service.reorganising.rewrite import Right

HOW = {
    KEPT: "giữ nguyên / kept",
    RENAMED: "đổi tên / renamed",
    MERGED: "sáp nhập / merged",
    DISTRICT_GONE: "bỏ cấp huyện / district abolished",
    MOVED: "chuyển theo đơn vị cha / moved with its parent",
}
UNITS = (
    "Mã cũ / Old code", "Tên cũ / Old name", "Loại / Type", "Thay đổi / Change",
    "Mã mới / New code", "Tên mới / New name", "Số mục chuyển / Entries moved",
)  # fmt: skip
FORMER = (
    "Mã / Code", "Tên / Name", "Mã cũ được nhận / Former codes accepted",
    "Tên cũ được nhận / Former names accepted",
)  # fmt: skip
RIGHTS = (
    "Tài khoản / Account", "Quyền quản trị đã bỏ / Admin right dropped",
    "Đơn vị kế thừa / Successor", "Lý do / Reason",
)  # fmt: skip
RIGHT_REASON = (
    "đơn vị đã sáp nhập vào đơn vị lớn hơn: quản trị viên quốc gia cấp lại nếu cần / "
    "the unit went into a larger one: a national admin grants it again if need be"
)


def _cell(value):
    """Return a value as a cell: text formula-safe and without characters XLSX refuses."""
    return ILLEGAL_CHARACTERS_RE.sub("", neutralise(value)) if isinstance(value, str) else value


def _sheet(wb: Workbook, title: str, header: tuple, rows, widths: tuple[int, ...]) -> None:
    """Add a sheet with a header row and the rows."""
    ws = wb.create_sheet(title)
    for column, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + column)].width = width
    ws.freeze_panes = "A2"
    ws.append(list(header))
    for row in rows:
        ws.append([_cell(v) for v in row])


def summary_rows(plan: Plan, moved: int, rights: list[Right], dry_run: bool) -> list[tuple]:
    """Return the summary: counts of units by change, entries moved, rights dropped."""
    counts: dict[str, int] = {}
    for move in plan.moves.values():
        counts[move.how] = counts.get(move.how, 0) + 1
    rows: list[tuple] = [
        ("Chạy thử / Dry run" if dry_run else "Đã áp dụng / Applied", ""),
        ("Đơn vị cấp tỉnh, xã của cây 2025 / 2025 local units", len(plan.emit)),
    ]
    rows += [(HOW[how], counts.get(how, 0)) for how in HOW]
    rows += [
        ("Mục đã chuyển (người) / Entries moved (people)", moved),
        ("Đơn vị giữ mã, tên cũ / Units keeping former codes or names", len(plan.former)),
        ("Quyền quản trị đã bỏ / Admin rights dropped", len(rights)),
    ]
    return rows


def write_report(
    path: str | Path, plan: Plan, moved: int, rights: list[Right], dry_run: bool
) -> Path:
    """Write the report: a summary, every old unit and its successor, former values, rights."""
    path = Path(path)
    wb = Workbook(write_only=True)
    _sheet(wb, "Tóm tắt - Summary", ("Mục / Item", "Số / Count"),
           summary_rows(plan, moved, rights, dry_run), (60, 12))  # fmt: skip
    moves = sorted(plan.moves.values(), key=lambda m: (m.old_code.zfill(8), m.old_code))
    rows = ((m.old_code, m.old_name, m.old_type, HOW[m.how], m.new_code, m.new_name, m.people)
            for m in moves)  # fmt: skip
    _sheet(wb, "Đơn vị - Units", UNITS, rows, (12, 36, 10, 30, 12, 36, 12))
    rows = ((u.code, u.name, ", ".join(u.former_codes), "; ".join(u.former_names))
            for u in plan.former.values())  # fmt: skip
    _sheet(wb, "Mã tên cũ - Former", FORMER, rows, (12, 36, 30, 80))
    rows = ((r.account, r.code, r.successor, RIGHT_REASON) for r in rights)
    _sheet(wb, "Quyền - Rights", RIGHTS, rows, (60, 20, 20, 60))
    wb.save(path)
    return path
