"""Find the header row of an agency list and map its wording to the canonical columns.

Headers are matched on folded lower-case text with punctuation dropped, so "Họ, tên", "HỌ TÊN" and
"Ho ten" are one heading.  A heading that starts with a known phrase of two words or more ("Địa chỉ
thư điện tử công vụ") maps like the phrase.  A two-row header (a merged "Họ và tên" spanning both
rows, "Liên hệ" over "Email" and "Điện thoại") is read as one row of combined headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from directory_service.importing.rows import (
    FAMILY,
    GIVEN,
    MAIL,
    MIDDLE,
    NAME,
    NOTE,
    NUMBER,
    PHONE,
    TITLE,
    UID,
    UNIT,
    UNIT_CODE,
)
from directory_service.text import fold_key

# How far down a sheet the header may sit (title rows, agency name, blank lines above it).
HEADER_SEARCH_ROWS = 30

_PHRASES = {
    NUMBER: ("STT", "TT", "Số TT", "Số thứ tự", "Thứ tự", "No", "#"),
    NAME: ("Họ và tên", "Họ tên", "Tên cán bộ", "Họ tên cán bộ", "Full name", "Name"),
    FAMILY: ("Họ", "Họ và tên đệm", "Họ và đệm", "Họ đệm", "Họ tên đệm", "Family name", "Surname"),
    MIDDLE: ("Tên đệm", "Đệm", "Middle name"),
    GIVEN: ("Tên", "Tên gọi", "Given name", "First name"),
    TITLE: ("Chức vụ", "Chức danh", "Chức vụ, chức danh", "Title", "Position", "Job title"),
    UNIT: (
        "Đơn vị công tác",
        "Đơn vị",
        "Cơ quan",
        "Phòng ban",
        "Phòng, ban",
        "Cơ quan, đơn vị",
        "Nơi công tác",
        "Tên đơn vị",
        "Tên cơ quan",
        "Bộ phận",
        "Unit",
        "Department",
        "Organization",
    ),
    UNIT_CODE: ("Mã đơn vị", "Mã cơ quan", "Mã ĐV", "Unit code"),
    MAIL: (
        "Địa chỉ thư điện tử",
        "Thư điện tử",
        "Email",
        "E-mail",
        "Mail",
        "Hộp thư",
        "Hộp thư điện tử",
        "Hộp thư công vụ",
        "Địa chỉ email",
        "Địa chỉ hộp thư",
        "Thư công vụ",
    ),
    PHONE: (
        "Điện thoại",
        "SĐT",
        "Số điện thoại",
        "Số ĐT",
        "ĐT",
        "ĐT cơ quan",
        "ĐTDĐ",
        "Di động",
        "Phone",
        "Telephone",
        "Mobile",
    ),
    NOTE: ("Ghi chú", "Note", "Notes"),
    UID: ("UID",),
}
NAME_PARTS = frozenset({FAMILY, MIDDLE, GIVEN})
_NON_WORD = re.compile(r"[^a-z0-9#]+")
_PARENTHESISED = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def header_key(text: str) -> str:
    """Return the folded lower-case words of a heading, punctuation dropped."""
    return " ".join(_NON_WORD.sub(" ", fold_key(text)).split())


_EXACT = {header_key(p): column for column, phrases in _PHRASES.items() for p in phrases}
# Single words that may start a longer heading ("Email công vụ"); "Tên" and "Họ" may not.
_PREFIXES = sorted(
    (k for k in _EXACT if " " in k or k in {"email", "sdt", "stt"}), key=len, reverse=True
)


def match_header(text: str) -> str | None:
    """Return the canonical column a heading names, or None for a heading we do not know."""
    if not text:
        return None
    for variant in (text, _PARENTHESISED.sub(" ", text)):
        key = header_key(variant)
        if not key:
            continue
        if key in _EXACT:
            return _EXACT[key]
        for prefix in _PREFIXES:
            if key.startswith(prefix + " "):
                return _EXACT[prefix]
    return None


@dataclass
class Header:
    """A found header: where it sits, its headings and the canonical column of each."""

    first: int  # index of its first row among the rows searched
    last: int  # index of its last row (first + 1 for a two-row header)
    keys: list[str]  # one unique heading per column, the file's own words
    columns: list[str | None]  # canonical column per column index

    @property
    def score(self) -> int:
        """Return how many columns the header maps, the measure of a good decoding."""
        return sum(1 for c in self.columns if c)

    def index_of(self, column: str) -> int | None:
        """Return the index of the first column mapped to a canonical column."""
        return self.columns.index(column) if column in self.columns else None


def column_letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def is_header(columns: list[str | None]) -> bool:
    """Return whether mapped columns make a header: a name and a mail, or a name and two more."""
    found = {c for c in columns if c}
    has_name = NAME in found or {FAMILY, GIVEN} <= found
    others = found - NAME_PARTS - {NAME}
    return has_name and (MAIL in found or len(others) >= 2)


def _pad(row: list[str], width: int) -> list[str]:
    """Return row widened with empty cells to width."""
    return row + [""] * (width - len(row))


def _spread(top: list[str], sub: list[str]) -> list[str]:
    """Carry a heading merged across columns over the empty cells it covers above a sub-row."""
    spread = list(top)
    for c in range(1, len(top)):
        if not top[c] and sub[c] and spread[c - 1] and sub[c - 1]:
            spread[c] = spread[c - 1]
    return spread


def _is_subheader(top: list[str], sub: list[str]) -> bool:
    """Return whether sub is the second row of a two-row header whose first row is top."""
    top_map = [match_header(t) for t in top]
    if not any(top_map) or any("@" in s for s in sub):
        return False
    own = [s if s != t else "" for t, s in zip(top, sub, strict=True)]
    if not any(own):
        return False
    spread = _spread(top, own)
    found = {c for c in top_map if c}
    for t_col, s in zip(top_map, own, strict=True):
        if t_col in (NAME, FAMILY, GIVEN) and s and match_header(s) not in NAME_PARTS:
            return False  # a person's name under the name heading: a data row
    for c, s in enumerate(own):
        if not s:
            continue
        if not top[c] and spread[c]:
            return True  # under a heading merged across columns ("Liên hệ")
        s_col = match_header(s)
        if s_col and (top_map[c] is None or (top_map[c] == NAME and s_col in NAME_PARTS)):
            if s_col not in found or s_col in NAME_PARTS:
                return True
    return False


def _combine(top: list[str], sub: list[str]) -> tuple[list[str], list[str | None]]:
    """Merge a two-row header into one heading per column, the more specific row winning."""
    own = [s if s != t else "" for t, s in zip(top, sub, strict=True)]
    spread = _spread(top, own)
    texts: list[str] = []
    columns: list[str | None] = []
    for t, s in zip(spread, own, strict=True):
        t_col, s_col = match_header(t), match_header(s)
        if t and s:
            texts.append(f"{t} / {s}")
            sub_wins = s_col and (t_col is None or (t_col == NAME and s_col in NAME_PARTS))
            columns.append(s_col if sub_wins else t_col)
        else:
            texts.append(s or t)
            columns.append(s_col if s else t_col)
    return texts, columns


def _unique_keys(texts: list[str]) -> list[str]:
    """Name blank headings by column letter and number repeated ones, so keys are unique."""
    keys: list[str] = []
    seen: set[str] = set()
    for c, text in enumerate(texts):
        key = text or f"({column_letter(c)})"
        n = 2
        base = key
        while key in seen:
            key = f"{base} ({n})"
            n += 1
        seen.add(key)
        keys.append(key)
    return keys


def find_header(rows: list[list[str]]) -> Header | None:
    """Return the first header among rows (cleaned cells), or None when there is none."""
    rows = rows[:HEADER_SEARCH_ROWS]
    for i, row in enumerate(rows):
        top_map = [match_header(t) for t in row]
        if not any(top_map):
            continue
        if i + 1 < len(rows):
            width = max(len(row), len(rows[i + 1]))
            top, sub = _pad(row, width), _pad(rows[i + 1], width)
            if _is_subheader(top, sub):
                texts, columns = _combine(top, sub)
                if is_header(columns):
                    return Header(i, i + 1, _unique_keys(texts), columns)
        if is_header(top_map):
            return Header(i, i, _unique_keys(list(row)), top_map)
    return None
