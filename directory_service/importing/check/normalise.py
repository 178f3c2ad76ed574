"""Normalise and validate import rows: names, addresses, title, phone and unit.

:func:`normalise_row` turns one :class:`SourceRow` into a :class:`Record`, or into nothing, and
always returns every :class:`Issue` it found: rejections (the row does not land) and flags (the
row lands; the same issues are on ``Record.flags``). :class:`DuplicateTracker` then catches rows
that repeat an address or a person seen earlier in the same file.
"""

from __future__ import annotations

import re
import unicodedata

from directory_service.importing import messages as m
from directory_service.importing.check import addresses
from directory_service.importing.read.cells import clean_cell
from directory_service.importing.read.encoding import VIETNAMESE_LETTERS
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
    Record,
    SourceRow,
)
from directory_service.importing.units.match import AMBIGUOUS, OUTSIDE, UNKNOWN, UnitMatcher
from directory_service.model import Unit
from directory_service.reference.unit_keys import accent_key
from directory_service.text import clean, split_name

MAX_NAME_LENGTH = 80
MAX_NAME_WORDS = 8
PHONE_DIGITS = (8, 15)
# Letters, space, hyphen, apostrophes and the dot of "V. An".
_NOT_NAME = re.compile(r"[^\w '’.\-]|[\d_]")
# Characters neither ASCII nor in the Vietnamese alphabet; those of them that are letters, in the
# upper half of Latin-1 (where TCVN3 and VNI have theirs: "Þ", "¸", "§"), combining marks left
# over after NFC or U+FFFD are what a wrong font or encoding leaves in a name.
_NOT_VIETNAMESE = re.compile(f"[^\\x00-\\x7f’{''.join(sorted(VIETNAMESE_LETTERS))}]")
_DIGIT = re.compile(r"\d")
_ACADEMIC_PREFIX = re.compile(r"^(?:(?:p?gs|tskh|ts|ths|bs|ks|ls|ds|cn)\s*\.\s*)+", re.IGNORECASE)
_WORD_START = re.compile(r"(?:^|(?<=[\s\-'’]))\w")
_PHONE_SEPARATORS = re.compile(r"[;,/\n]+|\s+(?:và|hoặc|or)\s+", re.IGNORECASE)
_PHONE_COUNTRY = re.compile(r"^(?:\+\s*|00\s*)84\s*(?:0\s*)?")
# One number as most cells hold it: a 0 (not 00, which starts +84), digits and single spaces.
_PLAIN_PHONE = re.compile(r"0[1-9]\d*(?: \d+)*")


def _title_word(word: str) -> str:
    """Return a word in all capitals or all lower case capitalised, a mixed-case one unchanged."""
    if word != word.upper() and word != word.lower():
        return word  # "H'Hen", "McLeod": written with care already
    return _WORD_START.sub(lambda found: found.group(0).upper(), word.lower())


def title_case(name: str) -> str:
    """Return a name with each word capitalised: "NGUYỄN THỊ an" -> "Nguyễn Thị An"."""
    return " ".join(_title_word(word) for word in name.split(" "))


def _bad_name_characters(name: str) -> str:
    """Return the characters of a name that are neither letters nor allowed marks, once each."""
    return "".join(dict.fromkeys(_NOT_NAME.findall(name)))


def _is_wrong_font(ch: str) -> bool:
    """Return whether a character outside the Vietnamese alphabet looks like a font's mojibake."""
    return ch.isalpha() or ch <= "\xff" or unicodedata.combining(ch) > 0 or ch == "\ufffd"


def _wrong_font_characters(name: str) -> str:
    """Return the characters of a name that a wrong font or encoding left there, once each."""
    if name.isascii():
        return ""
    found = [ch for ch in _NOT_VIETNAMESE.findall(name) if _is_wrong_font(ch)]
    return "".join(dict.fromkeys(found))


def _shown(ch: str) -> str:
    """Return a character as a report shows it: itself, or its code point when unseen alone."""
    return ch if ch.isprintable() and not unicodedata.combining(ch) else f"U+{ord(ch):04X}"


_NAME_CELLS = (NAME, FAMILY, MIDDLE, GIVEN)
# Names found without any issue, by their cells as read: most rows of a large list repeat a
# name seen before. Filled up to NAME_CACHE names, the commonest come first.
NAME_CACHE = 65_536
_clean_names: dict[tuple[str | None, ...], tuple[str, str, str]] = {}


def _name(row: SourceRow) -> tuple[tuple[str, str, str] | None, list[Issue]]:
    """Return the row's (family, middle, given) and the issues with its name."""
    values = row.values
    cells = tuple(map(values.get, _NAME_CELLS))
    known = _clean_names.get(cells)
    if known is not None:
        return known, []
    name, issues = _checked_name(row)
    if name is not None and not issues and len(_clean_names) < NAME_CACHE:
        _clean_names[cells] = name
    return name, issues


def _checked_name(row: SourceRow) -> tuple[tuple[str, str, str] | None, list[Issue]]:
    """Return the row's (family, middle, given) and the issues with its name, checked anew."""
    values = row.values
    split = any(clean_cell(values.get(c)) for c in (FAMILY, MIDDLE, GIVEN))
    columns = (FAMILY, MIDDLE, GIVEN) if split else (NAME,)
    parts = [clean_cell(values.get(c)) for c in columns]
    issues: list[Issue] = []
    prefix = _ACADEMIC_PREFIX.match(parts[0])
    if prefix and parts[0][prefix.end() :].strip():
        found, rest = prefix.group(0).strip(), parts[0][prefix.end() :].strip()
        issue = m.issue(row.number, columns[0], parts[0], m.NAME_PREFIX, rest, False, prefix=found)
        issues.append(issue)
        parts[0] = rest
    written = " ".join(p for p in parts if p)
    column = columns[-1]

    def reject(key: str, suggestion: str = "", **fields: object) -> tuple[None, list[Issue]]:
        """Add the rejection to the issues, on the column holding the bad characters if any."""
        bad = _wrong_font_characters if key == m.NAME_FONT else _bad_name_characters
        found = [c for c, p in zip(columns, parts, strict=True) if p and bad(p)]
        where = found[0] if found and key != m.NAME_TOO_LONG else column
        value = written
        if key == m.NAME_FONT:  # as read, with any soft hyphen (TCVN3's "ư") left in
            value = " ".join(p for p in (clean(values.get(c) or "") for c in columns) if p)
        issues.append(m.issue(row.number, where, value, key, suggestion, **fields))
        return None, issues

    if not written:
        return reject(m.NAME_MISSING, m.SUGGEST_NAME_MISSING)
    if any("\n" in (values.get(c) or "").strip() for c in columns):
        return reject(m.NAME_LINES, m.SUGGEST_NAME_TOO_LONG)
    if "@" in written:
        return reject(m.NAME_DIGITS, m.SUGGEST_NAME_SWAPPED)
    if _DIGIT.search(written):
        return reject(m.NAME_DIGITS, m.SUGGEST_NAME_DIGITS)
    foreign = _wrong_font_characters(written)
    if foreign:
        shown = " ".join(_shown(ch) for ch in foreign)
        return reject(m.NAME_FONT, m.SUGGEST_NAME_FONT, chars=shown)
    bad = _bad_name_characters(written)
    if bad:
        return reject(m.NAME_CHARS, m.SUGGEST_NAME_CHARS, chars=" ".join(bad))
    if len(written) > MAX_NAME_LENGTH or len(written.split()) > MAX_NAME_WORDS:
        return reject(
            m.NAME_TOO_LONG, m.SUGGEST_NAME_TOO_LONG, length=MAX_NAME_LENGTH, words=MAX_NAME_WORDS
        )
    parts = [title_case(p) for p in parts]
    if split and parts[2] and parts[1]:
        family, middle, given = parts
    else:
        family, middle, given = split_name(" ".join(p for p in parts if p))
    if not family:
        issues.append(
            m.issue(row.number, column, given, m.NAME_ONE_WORD, m.SUGGEST_ONE_WORD, False)
        )
    return (family, middle, given), issues


def _mail(row: SourceRow, domain: str | None) -> tuple[list[str], list[Issue]]:
    """Return the row's valid addresses, official ones first, and the issues with its cell."""
    cell = row.values.get(MAIL) or ""
    candidates = addresses.split_cell(cell)
    if not any("@" in c.address for c in candidates):
        value = clean_cell(cell)
        key = m.MAIL_MISSING if not candidates else addresses.NO_AT
        return [], [m.issue(row.number, MAIL, value, key, m.SUGGEST_MAIL_MISSING)]
    valid = [c for c in candidates if c.problem is None]
    issues = []
    for c in candidates:
        if c.problem is not None:
            suggestion = addresses.problem_suggestion(c.problem, c.address, domain)
            issues.append(m.issue(row.number, MAIL, c.written, c.problem, suggestion))
            issues[-1].rejected = not valid
        elif c.fixes:
            fixed = "; ".join(c.fixes)
            issues.append(
                m.issue(row.number, MAIL, c.written, m.MAIL_FIXED, c.address, False, fix=fixed)
            )
    official, personal = [], []
    for address in dict.fromkeys(c.address for c in valid):
        (personal if addresses.is_personal(address) else official).append(address)
    for address in personal:
        suggestion = m.personal_suggestion(domain)
        domain_of = address.rpartition("@")[2]
        issues.append(
            m.issue(row.number, MAIL, address, m.MAIL_PERSONAL, suggestion, False, domain=domain_of)
        )
    return official + personal, issues


def normalise_phone(cell: str) -> tuple[list[str], list[str]]:
    """Return a phone cell's numbers (digits, spaces and a leading +; +84 as 0) and bad parts."""
    numbers: list[str] = []
    bad: list[str] = []
    if not cell:
        return numbers, bad
    if _PLAIN_PHONE.fullmatch(cell):
        if PHONE_DIGITS[0] <= len(cell) - cell.count(" ") <= PHONE_DIGITS[1]:
            return [cell], bad
    for part in _PHONE_SEPARATORS.split(unicodedata.normalize("NFKC", cell)):
        part = clean_cell(part)
        if not part:
            continue
        kept = " ".join(re.sub(r"[^\d+ ]", " ", part).split())
        kept = _PHONE_COUNTRY.sub("0", kept)
        digits = sum(ch.isdigit() for ch in kept)
        if "+" in kept or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
            bad.append(part)
        else:
            numbers.append(kept)
    return numbers, bad


def _phone(row: SourceRow) -> tuple[str | None, list[Issue]]:
    """Return the row's first valid phone number and flags for the rest of its phone cell."""
    numbers, bad = normalise_phone(row.values.get(PHONE) or "")
    issues = [
        m.issue(row.number, PHONE, part, m.PHONE_INVALID, m.SUGGEST_PHONE, False) for part in bad
    ]
    for extra in numbers[1:]:
        issues.append(m.issue(row.number, PHONE, extra, m.PHONE_EXTRA, numbers[0], False))
    return (numbers[0] if numbers else None), issues


def _unit_source(row: SourceRow, section_unit: str | None) -> tuple[str, str] | None:
    """Return (column, text) naming the row's unit: its code, its unit cell or its section."""
    for column, value in (
        (UNIT_CODE, row.values.get(UNIT_CODE)),
        (UNIT, row.values.get(UNIT)),
        (UNIT, section_unit),
    ):
        if clean_cell(value):
            return column, value or ""
    return None


def _unit(
    row: SourceRow, matcher: UnitMatcher, section_unit: str | None
) -> tuple[str | Unit | None, list[Issue]]:
    """Return the code of the row's unit (the target when none is given) and its issues.

    A unit to create (matcher.create) comes back as a Unit, for normalise_row to add.
    """
    source = _unit_source(row, section_unit)
    if source is None:
        return matcher.target.code, []
    column, value = source
    result = matcher.match(value)
    target = matcher.target.name
    listed = "; ".join(str(s) for s in result.suggestions)
    if result.code is not None:
        if not result.old_name:
            return result.code, []
        now = f"{result.code} {matcher.label(result.code)}"
        suggestion = now + (f" ({m.ALSO} {listed})" if listed else "")
        flag = m.issue(row.number, column, result.text, m.UNIT_OLD_NAME, suggestion, False, now=now)
        return result.code, [flag]
    if result.how == UNKNOWN and matcher.create and column == UNIT:
        return _new_unit(row, matcher, result.text, section_unit, listed)
    if result.how == AMBIGUOUS:
        key = m.UNIT_AMBIGUOUS
    elif result.how == OUTSIDE:
        key = m.UNIT_OUTSIDE
    else:
        key = m.UNIT_UNKNOWN
    suggestion = listed or m.SUGGEST_UNIT
    return None, [m.issue(row.number, column, result.text, key, suggestion, target=target)]


def _new_unit(
    row: SourceRow, matcher: UnitMatcher, text: str, section_unit: str | None, listed: str
) -> tuple[Unit, list[Issue]]:
    """Return the new unit for the unknown one a row names, and the flag saying so.

    It goes under the unit the row's section heading names when the row has a unit cell of its
    own and the heading is a known unit ("II. SỞ TƯ PHÁP" above "Phòng Hành chính"), otherwise
    directly under the target.
    """
    parent = matcher.target.code
    if section_unit and clean_cell(row.values.get(UNIT)):
        placed = matcher.match(section_unit)
        if placed.code is not None:
            parent = placed.code
    unit = matcher.new_unit(text, parent)
    where = f"{parent} {matcher.label(parent)}"
    flag = m.issue(row.number, UNIT, text, m.UNIT_NEW, m.new_unit_suggestion(listed), False,
                   code=unit.code, parent=where)  # fmt: skip
    return unit, [flag]


def normalise_row(
    row: SourceRow, matcher: UnitMatcher, section_unit: str | None = None
) -> tuple[Record | None, list[Issue]]:
    """Return a row as a Record (None when rejected) and every issue found, flags included.

    A new unit the row names (matcher.create) is added to the matcher only if the row lands.
    """
    name, issues = _name(row)
    found, unit_issues = _unit(row, matcher, section_unit)
    new_unit = found if isinstance(found, Unit) else None
    unit_code = new_unit.code if new_unit else found
    unit = new_unit or (matcher.unit(unit_code) if unit_code else matcher.target)
    mail, mail_issues = _mail(row, unit.domain if unit else None)
    phone, phone_issues = _phone(row)
    issues += unit_issues + mail_issues + phone_issues
    if name is None or unit_code is None or not mail or any(i.rejected for i in issues):
        if new_unit is not None:  # not made for a row that does not land: say only why
            issues = [i for i in issues if all(i is not u for u in unit_issues)]
        return None, issues
    if new_unit is not None:
        matcher.add_unit(new_unit)
    uid = clean_cell(row.values.get(UID)) or None
    title = clean_cell(row.values.get(TITLE))
    record = Record(row.number, *name, title, unit_code, mail, phone, uid, list(issues))
    return record, issues


def person_key(record: Record) -> str:
    """Return what tells two rows apart as people: the name's letters and tones, and the unit."""
    return f"{accent_key(record.full_name)}\t{record.unit_code}"  # one string: 1M rows fit


class DuplicateTracker:
    """Catch rows of one file that repeat an address or a person seen on an earlier row."""

    def __init__(self) -> None:
        self._mail: dict[str, int] = {}
        self._people: dict[str, int] = {}

    def check(self, record: Record, key: str | None = None) -> list[Issue]:
        """Return a record's duplicate issues, adding flags to it; remember it unless rejected.

        key is the record's person_key, when a worker process has computed it already.
        """
        issues = []
        for address in record.mail:
            first = self._mail.get(address)
            if first is not None and first != record.row:
                issues.append(
                    m.issue(
                        record.row,
                        MAIL,
                        address,
                        m.DUPLICATE_MAIL,
                        m.SUGGEST_DUPLICATE,
                        first=first,
                    )
                )
        if issues:
            return issues
        # Every address here is new (a repeated one returned above), so a person seen before
        # under the same name and unit had other addresses: flag it, it may be the same person.
        first = self._people.setdefault(key or person_key(record), record.row)
        if first != record.row:
            flag = m.issue(
                record.row, NAME, record.full_name, m.DUPLICATE_PERSON, m.SUGGEST_SAME_PERSON,
                False, first=first,
            )  # fmt: skip
            record.flags.append(flag)
            issues.append(flag)
        for address in record.mail:
            self._mail.setdefault(address, record.row)
        return issues
