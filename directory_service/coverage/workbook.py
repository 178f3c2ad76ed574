"""The yearly report as a workbook: national summary, central agencies, provinces, communes, and
the units that have not submitted; Vietnamese headers with the English in brackets."""

from __future__ import annotations

import io

import openpyxl

from directory_service.coverage.figures import CENTRAL, COMMUNAL, PROVINCIAL, Coverage, Figures
from directory_service.coverage.rounds import NOT_SUBMITTED
from directory_service.exports.spreadsheets import neutralise

COLUMNS = [
    ("Mã (Code)", "code"),
    ("Tên (Name)", "name"),
    ("Số người (People)", "people"),
    ("Địa chỉ công vụ (Official)", "official"),
    ("Địa chỉ cá nhân (Personal)", "personal"),
    ("Địa chỉ sai (Invalid)", "invalid"),
    ("Tên miền khác (Other domain)", "other"),
    ("Không có địa chỉ (No address)", "no_address"),
    ("Đơn vị (Units expected)", "units_expected"),
    ("Đơn vị có người (Units with people)", "units_with_people"),
    ("Cập nhật lần cuối (Last update)", "last_update"),
    ("Trạng thái (Status)", "status"),
]
COMMUNE_COLUMNS = [
    ("Có Chủ tịch, Phó Chủ tịch (Leadership listed)", "leadership"),
    ("Có hộp thư đơn vị (Unit mailbox)", "mailbox"),
    ("Tỉnh (Province)", "parent"),
]
SHEETS = [
    ("Toàn quốc (National)", None),
    ("Trung ương (Central)", CENTRAL),
    ("Tỉnh (Provinces)", PROVINCIAL),
    ("Xã (Communes)", COMMUNAL),
]


def _row(figures: Figures, columns) -> list:
    values = []
    for _, key in columns:
        value = getattr(figures, key)
        if isinstance(value, bool):
            value = "có" if value else "không"
        values.append(neutralise(value) if isinstance(value, str) else value)
    return values


def report_workbook(coverage: Coverage) -> bytes:
    """Return the report as XLSX bytes."""
    book = openpyxl.Workbook(write_only=True)
    for title, level in SHEETS:
        sheet = book.create_sheet(title[:31])
        columns = COLUMNS + (COMMUNE_COLUMNS if level == COMMUNAL else [])
        sheet.append([h for h, _ in columns])
        rows = [coverage.national] if level is None else coverage.level(level)
        for figures in rows:
            sheet.append(_row(figures, columns))
    late = book.create_sheet("Chưa gửi (Not submitted)")
    late.append([h for h, _ in COLUMNS])
    for figures in coverage.units:
        if figures.status == NOT_SUBMITTED:
            late.append(_row(figures, COLUMNS))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
