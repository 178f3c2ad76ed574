"""Sort the rows below a header into people, sections, subtotals, footers and unreadable rows.

Agency lists group people under section rows ("II. VĂN PHÒNG"), count them in subtotal rows
("Cộng: 25 người") and end with a signature block ("Người lập biểu", "KT. GIÁM ĐỐC", "Hà Nội,
ngày 5 tháng 3 năm 2025").  Only the people become SourceRows; a section's text rides along in
raw["section"] because it often names the unit; the footer ends the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from directory_service.importing.read.headers import Header, column_letter
from directory_service.importing.rows import (
    FAMILY,
    MAIL,
    NAME,
    NOTE,
    NUMBER,
    PHONE,
    Issue,
    SourceRow,
)
from directory_service.text import fold_key

SECTION = "section"  # raw key holding the current section heading
_JOINED = frozenset({MAIL, PHONE, NOTE})  # columns whose repeats are all kept, joined by "; "

_ROMAN = re.compile(
    r"^(?=[IVXLC])M*(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})\.?$|^[A-Z]\.?$"
)
_LEADING_ROMAN = re.compile(r"^([IVXLC]+|[A-Z])[.:)]\s")
_ROW_NUMBER = re.compile(r"^\d+\.?$")
_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,2}|[A-Z])\)?$")
_SUBTOTAL = re.compile(r"^(tổng cộng|tổng số|cộng)(?=[\s:.(]|$)|^tổng\s*(?=[:\d(]|$)")
_FOOTER = re.compile(
    r"^(nguoi lap|noi nhan|xac nhan cua|(kt|tm|tl|tuq)\.\s*\S|q\.\s*(giam doc|chu tich|chanh))"
    r"|^([^,]{1,40},\s*)?ngay\b.{0,16}\bthang\b.{0,12}\bnam\b"
)
_SIGNER = re.compile(
    r"^(pho )?(giam doc|chu tich|thu truong|bo truong|tong cuc truong|cuc truong|vu truong"
    r"|chanh van phong|truong phong|truong ban)\b"
)
# Vietnamese mobile numbers (9 digits after the 0) and landlines (10 after it) whose leading zero a
# spreadsheet dropped by storing them as numbers.
_PHONE_WITHOUT_ZERO = re.compile(r"^([35789]\d{8}|2\d{9})$")


def restore_phone(value: str) -> str:
    """Put back the leading zero a spreadsheet dropped from a Vietnamese phone number."""
    return "0" + value if _PHONE_WITHOUT_ZERO.match(value) else value


def is_footer(cells: list[str], name_index: int | None) -> bool:
    """Return whether a row starts the signature block that ends a list."""
    unnamed = name_index is None or name_index >= len(cells) or not cells[name_index]
    for i, value in enumerate(cells):
        if not value:
            continue
        key = fold_key(value)
        if _FOOTER.match(key):
            return True
        # "GIÁM ĐỐC" in capitals, right of an empty name cell, is a signer, not a person's title.
        right_of_names = name_index is None or i > name_index
        if unnamed and right_of_names and value.isupper() and _SIGNER.match(key):
            return True
    return False


def _section_text(cells: list[tuple[int, str]], number_index: int | None) -> str | None:
    """Return the heading a section row announces, or None when the row is not a section."""
    distinct = list(dict.fromkeys(v for _, v in cells))
    if len(distinct) == 1:
        return distinct[0]
    if len(distinct) == 2 and cells[0][0] in (number_index, 0) and _ROMAN.match(distinct[0]):
        mark, text = distinct[0].rstrip("."), distinct[1]
        return text if _LEADING_ROMAN.match(text) else f"{mark}. {text}"
    return None


def _unreadable(number: int, cells: list[str]) -> Issue:
    """Return the Issue for a row holding characters that did not decode."""
    preview = " | ".join(c for c in cells if c)[:200]
    return Issue(
        row=number,
        column="",
        value=preview,
        reason_vi="Dòng có ký tự không đọc được (sai bảng mã); dòng bị bỏ qua",
        reason_en="The row holds characters that cannot be read (wrong encoding); row skipped",
        suggestion="Lưu lại tệp ở dạng Unicode (UTF-8) / Save the file again as Unicode (UTF-8)",
    )


def _source_row(
    number: int, cells: list[str], keys: list[str], columns: list[tuple[int, str, bool]],
    phones: list[int], section: str | None,
) -> SourceRow:  # fmt: skip
    """Build the SourceRow of a person's row from its cells (columns: index, column, repeated)."""
    width = len(keys)
    filled = cells[:width] if len(cells) >= width else cells + [""] * (width - len(cells))
    for i in phones:
        filled[i] = restore_phone(filled[i])
    raw = dict(zip(keys, filled, strict=True))
    values: dict[str, str] = {}
    for i, column, repeated in columns:
        value = filled[i]
        if not repeated:
            values[column] = value
            continue
        before = values.get(column, "")
        if column in _JOINED and before and value:
            values[column] = f"{before}; {value}"
        else:
            values[column] = before or value
    for i in range(width, len(cells)):
        if cells[i]:
            raw[f"({column_letter(i)})"] = cells[i]
    if section:
        raw[SECTION] = section
    return SourceRow(number=number, values=values, raw=raw)


def body_rows(
    rows: Iterator[tuple[int, list[str] | Issue]], header: Header, issues: list[Issue]
) -> Iterator[SourceRow]:
    """Yield the people among rows below a header, noting unreadable rows in issues."""
    number_index = header.index_of(NUMBER)
    name_index = header.index_of(NAME)
    if name_index is None:
        name_index = header.index_of(FAMILY)
    keys = list(header.keys)
    named = header.columns
    columns = [(i, c, named.count(c) > 1) for i, c in enumerate(named) if c is not None]
    phones = [i for i, c in enumerate(named) if c == PHONE]
    section: str | None = None
    for number, cells in rows:
        if isinstance(cells, Issue):
            issues.append(cells)
            continue
        filled = [(i, v) for i, v in enumerate(cells) if v]
        if not filled:
            continue
        if any("\ufffd" in v for _, v in filled):
            issues.append(_unreadable(number, cells))
            continue
        if not any("@" in v for _, v in filled):
            numbered = number_index is not None and number_index < len(cells)
            if not (numbered and _ROW_NUMBER.match(cells[number_index])):
                if is_footer(cells, name_index):
                    return
            if _SUBTOTAL.match(filled[0][1].lower()):
                continue
            if len(filled) >= 3 and all(_COLUMN_NUMBER.match(v) for _, v in filled):
                continue  # the "(1) (2) (3)" row under a header
            text = _section_text(filled, number_index)
            if text is not None:
                if not _ROW_NUMBER.match(text):  # a number with nothing else: an empty line
                    section = text
                continue
        yield _source_row(number, cells, keys, columns, phones, section)
