"""The shapes rows take on their way through an import: as read, as normalised, as rejected."""

from __future__ import annotations

from dataclasses import dataclass, field

# Canonical columns every reader maps its headers to.
NUMBER = "stt"  # Số thứ tự
NAME = "name"  # Họ và tên (full name)
FAMILY = "family"  # Họ (when a file splits names)
MIDDLE = "middle"  # Tên đệm
GIVEN = "given"  # Tên
TITLE = "title"  # Chức vụ / chức danh
UNIT = "unit"  # Đơn vị công tác (as written in the file)
UNIT_CODE = "unit_code"  # Mã đơn vị (when a file has codes)
MAIL = "mail"  # Địa chỉ thư điện tử (may hold several)
PHONE = "phone"  # Điện thoại
NOTE = "note"  # Ghi chú
UID = "uid"  # our stable id (exports and LDIF carry it)
COLUMNS = (NUMBER, NAME, FAMILY, MIDDLE, GIVEN, TITLE, UNIT, UNIT_CODE, MAIL, PHONE, NOTE, UID)


@dataclass
class SourceRow:
    """One data row as read from a file: its row number there and its cells by canonical column."""

    number: int  # 1-based row (line for CSV, row for sheets and HTML tables, entry for LDIF)
    values: dict[str, str]
    raw: dict[str, str] = field(default_factory=dict)  # cells by the file's own header text


@dataclass(slots=True)
class Issue:
    """Why a row was rejected or flagged, in Vietnamese and English, with a suggestion."""

    row: int
    column: str
    value: str
    reason_vi: str
    reason_en: str
    suggestion: str = ""
    rejected: bool = True  # False: the row is kept but flagged (e.g. a personal-domain address)


@dataclass(slots=True)
class Record:
    """A normalised, valid person from an import, ready to be planned against the directory."""

    row: int
    family: str
    middle: str
    given: str
    title: str
    unit_code: str
    mail: list[str]
    phone: str | None = None
    uid: str | None = None
    flags: list[Issue] = field(default_factory=list)
    sources: dict[str, list[bytes]] | None = None  # what a plan compares (source_attrs), if built

    @property
    def full_name(self) -> str:
        """Return the name as written: family, middle, given."""
        return " ".join(p for p in (self.family, self.middle, self.given) if p)
