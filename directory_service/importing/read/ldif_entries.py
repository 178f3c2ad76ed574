"""Read people from LDIF (our own exports, or another directory's), one entry at a time.

python-ldap's LDIFParser pushes entries to handle(); to stream them as rows, and to report one
broken entry without losing the rest, the file is cut into entries at blank lines and each is
parsed on its own.  Names in our exports carry the accented value first and the folded one second,
so the first value of a name attribute is the one read.

People marked left (govdirStatus: left) are skipped and noted in the report, not read: our LDIF
export holds them (the CSV and XLSX exports do not), and re-importing an export must change
nothing, while an import makes everyone it reads active.  So a person left stays left, and is
retired (with --retire) if the directory still has them active.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import BinaryIO

from ldif import LDIFParser

from directory_service.importing.read.encoding import UTF8, converter
from directory_service.importing.read.table import Table, convert_legacy_cells
from directory_service.importing.rows import (
    FAMILY,
    GIVEN,
    MAIL,
    MIDDLE,
    NAME,
    PHONE,
    TITLE,
    UID,
    UNIT,
    UNIT_CODE,
    Issue,
    SourceRow,
)
from directory_service.model import STATUS_LEFT
from directory_service.text import clean

# LDIF attribute -> canonical column, in the order the first one present wins.
ATTRIBUTES = {
    "displayName": NAME,
    "cn": NAME,
    "sn": FAMILY,
    "givenName": GIVEN,
    "govdirMiddleName": MIDDLE,
    "title": TITLE,
    "ou": UNIT,
    "govdirUnitCode": UNIT_CODE,
    "mail": MAIL,
    "telephoneNumber": PHONE,
    "uid": UID,
}
_ALL_VALUES = frozenset({MAIL, PHONE})  # several addresses or numbers: all kept, "; "-joined
_PERSON_CLASSES = frozenset({"person", "organizationalperson", "inetorgperson", "govdirperson"})
SUGGEST_BROKEN = (
    'Sửa mục theo cú pháp LDIF (mỗi dòng "thuộc tính: giá trị", các mục cách nhau một dòng'
    ' trống) hoặc xuất lại tệp / Fix the entry\'s LDIF syntax (one "attribute: value" per line,'
    " entries separated by a blank line) or export the file again"
)
SUGGEST_CHANGE = (
    "Dùng tệp LDIF xuất từ thư mục (các mục, không phải lệnh thay đổi) / Use an LDIF export of"
    " the directory (entries, not change records)"
)
SUGGEST_LEFT = (
    "Nếu người này đã trở lại làm việc, sửa thành govdirStatus: active hoặc ghi vào danh sách"
    " / If the person is back at work, change it to govdirStatus: active or add them to a list"
)


class _EntryParser(LDIFParser):
    """Parse one LDIF entry and keep it."""

    def __init__(self, chunk: bytes) -> None:
        super().__init__(io.BytesIO(chunk), process_url_schemes=[])
        self.entries: list[tuple[str, dict[str, list[bytes]]]] = []

    def handle(self, dn: str, entry: dict[str, list[bytes]]) -> None:
        self.entries.append((dn, entry))


def _chunks(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Yield (first line number, bytes) of each blank-line separated record of an LDIF file."""
    lines: list[bytes] = []
    start = 0
    for number, line in enumerate(stream, start=1):
        if line.strip(b"\r\n") == b"":
            if lines:
                yield start, b"".join(lines)
                lines = []
            continue
        if not lines:
            start = number
        lines.append(line)
    if lines:
        yield start, b"".join(lines)


def _is_entry(chunk: bytes) -> bool:
    """Return whether a record holds an entry rather than only comments or the version line."""
    for line in chunk.splitlines():
        if line and not line.startswith((b"#", b" ")) and not line.lower().startswith(b"version:"):
            return True
    return False


def _texts(values: list[bytes]) -> list[str]:
    """Return the values that are text (a photo is not), decoded."""
    texts = []
    for value in values:
        if not isinstance(value, bytes):  # a value by URL ("jpegPhoto:< file:..."): not fetched
            continue
        try:
            texts.append(value.decode("utf-8"))
        except UnicodeDecodeError:
            continue
    return texts


def _row(
    number: int, dn: str, entry: dict[str, list[bytes]], to_text: Callable[[str], str]
) -> SourceRow | None:
    """Return the SourceRow of a person entry, or None for another kind of entry (a unit)."""
    attrs = {name.lower(): [to_text(t) for t in _texts(v)] for name, v in entry.items()}
    classes = {c.lower() for c in attrs.get("objectclass", [])}
    if classes and not classes & _PERSON_CLASSES:
        return None
    values: dict[str, str] = {}
    for name, column in ATTRIBUTES.items():
        texts = [t for t in attrs.get(name.lower(), []) if t]
        if column in values or not texts:
            continue
        values[column] = "; ".join(texts) if column in _ALL_VALUES else texts[0]
    if not values:
        return None
    raw = {"dn": dn} | {name: "; ".join(texts) for name, texts in attrs.items()}
    return SourceRow(number=number, values=values, raw=raw)


def _first(entry: dict[str, list[bytes]], name: str) -> str:
    """Return the first value of an attribute (named in any case) as text, or ""."""
    for key, values in entry.items():
        if key.lower() == name.lower():
            texts = _texts(values)
            return texts[0].strip() if texts else ""
    return ""


def _skipped(
    number: int, line: int, dn: str, entry: dict[str, list[bytes]], to_text: Callable[[str], str]
) -> Issue | None:
    """Return the Issue of an entry that is not read: a change record, or a person marked left."""
    where_vi, where_en = (
        f"Mục LDIF thứ {number} (dòng {line})",
        f"LDIF entry {number} (line {line})",
    )
    change = _first(entry, "changetype")
    if change:
        return Issue(
            row=number,
            column="changetype",
            value=change,
            reason_vi=f"{where_vi} là lệnh thay đổi {dn}, không phải một người; mục bị bỏ qua",
            reason_en=f"{where_en} is a change record for {dn}, not a person; entry skipped",
            suggestion=SUGGEST_CHANGE,
        )
    if _first(entry, "govdirStatus").lower() == STATUS_LEFT:
        name = to_text(_first(entry, "displayName") or _first(entry, "cn")) or dn
        return Issue(
            row=number,
            column="govdirStatus",
            value=STATUS_LEFT,
            reason_vi=f"{where_vi}: {name} đã nghỉ; không nhập, vì nhập sẽ đưa người này trở lại"
            " làm việc",
            reason_en=f"{where_en}: {name} is marked left; not imported, as importing would make"
            " them active again",
            suggestion=SUGGEST_LEFT,
            rejected=False,
        )
    return None


def _rows(
    open_binary: Callable[[], BinaryIO], forced: str | None, issues: list[Issue]
) -> Iterator[SourceRow]:
    """Yield the people of an LDIF file, noting broken entries in issues."""
    to_unicode = converter(forced)

    def to_text(value: str) -> str:
        return clean(to_unicode(value))

    number = 0
    with open_binary() as stream:
        for line, chunk in _chunks(stream):
            if not _is_entry(chunk):
                continue
            number += 1
            try:
                parser = _EntryParser(chunk)
                parser.parse()
            except (ValueError, UnicodeDecodeError, EOFError) as exc:
                issues.append(
                    Issue(
                        row=number,
                        column="",
                        value=chunk[:200].decode("utf-8", "replace"),
                        reason_vi=f"Mục LDIF thứ {number} (dòng {line}) không đọc được: {exc}",
                        reason_en=f"LDIF entry {number} (line {line}) cannot be read: {exc}",
                        suggestion=SUGGEST_BROKEN,
                    )
                )
                continue
            for dn, entry in parser.entries:
                skipped = _skipped(number, line, dn, entry, to_text)
                if skipped is not None:
                    issues.append(skipped)
                    continue
                row = _row(number, dn, entry, to_text)
                if row is not None:
                    yield row


def read_ldif(open_binary: Callable[[], BinaryIO], forced: str | None) -> Table:
    """Return the Table of an LDIF file's person entries."""
    issues: list[Issue] = []
    font = forced if forced in ("tcvn3", "vni") else None
    rows = _rows(open_binary, font, issues)
    return Table(
        kind="ldif",
        encoding=font or UTF8,
        header=list(ATTRIBUTES),
        columns=dict(ATTRIBUTES),
        rows=convert_legacy_cells(rows, issues) if forced is None else rows,
        issues=issues,
    )
