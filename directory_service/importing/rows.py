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


class Issue:
    """Why a row was rejected or flagged, in Vietnamese and English, with a suggestion.

    A reason may be a template that is worded when it is read, from fields (see
    :func:`messages.issue`): a million-row list can flag half its rows, and holding every
    flag's worded text took more memory than the rest of the import.
    """

    __slots__ = ("row", "column", "value", "_vi", "_en", "suggestion", "rejected", "_fields")

    def __init__(
        self,
        row: int,
        column: str,
        value: str,
        reason_vi: str,
        reason_en: str,
        suggestion: str = "",
        rejected: bool = True,  # False: the row is kept but flagged (a personal-domain address)
        fields: tuple[tuple[str, object], ...] = (),  # fill reason_vi and reason_en when read
    ) -> None:
        self.row, self.column, self.value = row, column, value
        self._vi, self._en, self._fields = reason_vi, reason_en, fields
        self.suggestion, self.rejected = suggestion, rejected

    @property
    def reason_vi(self) -> str:
        """Return the reason in Vietnamese."""
        return self._vi.format(**dict(self._fields)) if self._fields else self._vi

    @property
    def reason_en(self) -> str:
        """Return the reason in English."""
        return self._en.format(**dict(self._fields)) if self._fields else self._en

    def _shown(self) -> tuple:
        return (self.row, self.column, self.value, self.reason_vi, self.reason_en,
                self.suggestion, self.rejected)  # fmt: skip

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Issue):
            return NotImplemented
        return self._shown() == other._shown()

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it was

    def __repr__(self) -> str:
        names = ("row", "column", "value", "reason_vi", "reason_en", "suggestion", "rejected")
        shown = ", ".join(f"{n}={v!r}" for n, v in zip(names, self._shown(), strict=True))
        return f"Issue({shown})"


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
