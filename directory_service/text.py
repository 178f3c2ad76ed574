"""Vietnamese text handling: NFC normalisation, diacritic folding, names and collation.

Collation follows the Vietnamese dictionary order (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s
t u ư v x y, with f j w z slotted in after e/ê, i, v and y) at three levels, like a real collation:

* primary: letters, case-insensitive; breve, circumflex, horn and đ make distinct letters; the
  tone marks are ignored; whitespace < punctuation and symbols < digits < letters < other scripts;
* secondary: the tone of each syllable, ordered none, huyền, hỏi, ngã, sắc, nặng.  The tone
  belongs to the syllable, not to a letter, so "Thuỷ" (old placement) and "Thủy" (new placement)
  get identical keys;
* tertiary: case, lower before upper.

Keys are tuples of short strings built with ``str.translate`` over lazily filled per-character
tables, so building one costs a handful of C-level passes over the text (it is called for every
person in the directory, about a million names).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from anyascii import anyascii

# Compound family names (họ kép) recognised by split_name, written in NFC lower case.
# "Nguyễn Phúc" is left out on purpose: Phúc is a common middle name after Nguyễn.
COMPOUND_FAMILY_NAMES = frozenset({"tôn nữ", "tôn thất", "công tôn", "tư mã", "âu dương"})


def nfc(text: str) -> str:
    """Return text in Unicode NFC, the form everything is stored in."""
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=1 << 16)  # names and unit names repeat a lot
def fold(text: str) -> str:
    """Return text transliterated to ASCII (đ -> d), case kept, for diacritic-free matching."""
    return anyascii(nfc(text))


def fold_key(text: str) -> str:
    """Return the lower-case folded text with whitespace collapsed, for matching and search keys."""
    return " ".join(fold(text).lower().split())


# The five tone marks (combining), in Vietnamese order: huyền, hỏi, ngã, sắc, nặng. Breve,
# circumflex and horn are not among them: ă, â, ơ are letters of their own.
TONE_MARKS = "\u0300\u0309\u0303\u0301\u0323"

# Letters, digits and the characters of an email address; everything else separates words.
_SEARCH_WORD = re.compile(r"[\w@.+-]+")


def search_words(text: str) -> list[str]:
    """Return text's folded words as search matches them, without the dots and dashes around."""
    return [w for w in (m.strip(".-+") for m in _SEARCH_WORD.findall(fold_key(text))) if w]


@lru_cache(maxsize=1 << 16)  # name words repeat a lot
def tone_key(word: str) -> str:
    """Return a lower-case word with its tone marks moved to its end: "Thuỷ" and "Thủy" agree."""
    word = word.lower()
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(ch for ch in decomposed if ch in TONE_MARKS)
    if not tones:
        return word
    return nfc("".join(ch for ch in decomposed if ch not in TONE_MARKS)) + tones


def clean(text: str) -> str:
    """Return text in NFC with runs of any whitespace collapsed to one space and ends stripped."""
    return " ".join(nfc(text).split())


def split_name(full_name: str) -> tuple[str, str, str]:
    """Split a Vietnamese full name into (family, middle, given), i.e. (họ, tên đệm, tên)."""
    words = nfc(full_name).split()
    if len(words) <= 1:
        return "", "", "".join(words)
    if len(words) >= 3 and f"{words[0]} {words[1]}".lower() in COMPOUND_FAMILY_NAMES:
        return f"{words[0]} {words[1]}", " ".join(words[2:-1]), words[-1]
    return words[0], " ".join(words[1:-1]), words[-1]


# --- Collation -------------------------------------------------------------------------------

# Letters in collation order; the index is the letter's primary rank.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_VOWELS = "aăâeêioôơuưy"
# Combining marks: the letter modifiers and the five tones (1 huyền .. 5 nặng).
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_TONES = {mark: rank for rank, mark in enumerate(TONE_MARKS, 1)}
_MODIFIED = {
    ("a", _BREVE): "ă",
    ("a", _CIRCUMFLEX): "â",
    ("e", _CIRCUMFLEX): "ê",
    ("o", _CIRCUMFLEX): "ô",
    ("o", _HORN): "ơ",
    ("u", _HORN): "ư",
}

# Primary ranks: one integer space, ordered by class and then within the class.
_IGNORABLE = -1  # a combining mark left standing alone after NFC: no primary weight
_SPACE = 0
_PUNCT = 1  # + code point
_DIGIT = _PUNCT + 0x110000  # + decimal value
_LETTER = _DIGIT + 10  # + index in _ALPHABET
_OTHER = _LETTER + len(_ALPHABET)  # + code point of the lower-case base letter

# A character's collation elements: (primary rank, secondary weights, is upper case).  Secondary
# weights are the tone (1..5) and, for non-Vietnamese accents, the mark's code point.
_CharInfo = tuple[int, tuple[int, ...], bool]


def _build_char_info() -> dict[str, _CharInfo]:
    """Build the collation elements of every Vietnamese and ASCII letter, digit and space."""
    table: dict[str, _CharInfo] = {" ": (_SPACE, (), False)}
    for value in range(10):
        table[str(value)] = (_DIGIT + value, (), False)
    for rank, letter in enumerate(_ALPHABET):
        tones = _TONES.items() if letter in _VOWELS else ()
        for upper in (False, True):
            base = letter.upper() if upper else letter
            table[base] = (_LETTER + rank, (), upper)
            for mark, tone in tones:
                table[nfc(base + mark)] = (_LETTER + rank, (tone,), upper)
    # Eth (U+00D0/U+00F0) looks like Đ/đ and turns up in its place in typed and converted data.
    table["\u00d0"], table["\u00f0"] = table["Đ"], table["đ"]
    return table


_CHAR_INFO = _build_char_info()


def _compute_char_info(ch: str) -> _CharInfo:
    """Work out the collation elements of a character missing from the precomputed table."""
    if ch.isspace():
        return (_SPACE, (), False)
    value = unicodedata.decimal(ch, None)
    if value is not None:
        return (_DIGIT + value, (), False)
    if unicodedata.combining(ch):
        return (_IGNORABLE, (_TONES.get(ch, ord(ch)),), False)
    if not ch.isalpha():
        return (_PUNCT + ord(ch), (), False)
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    upper = base.isupper() or ch.isupper()
    letter = base.lower() if len(base.lower()) == 1 else base
    weights = []
    for mark in marks:
        if (letter, mark) in _MODIFIED:
            letter = _MODIFIED[letter, mark]
        else:
            weights.append(_TONES.get(mark, ord(mark)))
    rank = _ALPHABET.find(letter)
    primary = _LETTER + rank if rank >= 0 else _OTHER + ord(letter)
    return (primary, tuple(weights), upper)


def _char_info(ch: str) -> _CharInfo:
    """Return the collation elements of one NFC character, computing and caching unknown ones."""
    info = _CHAR_INFO.get(ch)
    if info is None:
        info = _CHAR_INFO[ch] = _compute_char_info(ch)
    return info


def _primary_code(info: _CharInfo) -> str:
    """Encode a primary rank as a short string; the codes are prefix-free and order-preserving."""
    rank = info[0]
    if rank == _IGNORABLE:
        return ""
    if rank == _SPACE:
        return "\x01"
    if rank < _DIGIT:
        return "\x02" + chr(rank - _PUNCT)
    if rank < _LETTER:
        return chr(0x10 + rank - _DIGIT)
    if rank < _OTHER:
        return chr(0x20 + rank - _LETTER)
    return "\x60" + chr(rank - _OTHER)


def _secondary_code(info: _CharInfo) -> str:
    """Encode a character's marks; a non-letter ends the syllable and sorts before any tone."""
    rank, weights, _ = info
    if rank != _IGNORABLE and rank < _LETTER:
        return "\x01"
    return "".join(chr(1 + w) if w <= 5 else "\x07" + chr(w) for w in weights)


def _tertiary_code(info: _CharInfo) -> str:
    """Encode a character's case, lower before upper."""
    if info[0] == _IGNORABLE:
        return ""
    return "\x02" if info[2] else "\x01"


class _Translation(dict[int, str]):
    """A str.translate table that encodes each character's collation elements on first use."""

    def __init__(self, encode: Callable[[_CharInfo], str]) -> None:
        super().__init__()
        self._encode = encode
        for ch, info in _CHAR_INFO.items():
            self[ord(ch)] = encode(info)

    def __missing__(self, code_point: int) -> str:
        value = self[code_point] = self._encode(_char_info(chr(code_point)))
        return value


_PRIMARY = _Translation(_primary_code)
_SECONDARY = _Translation(_secondary_code)
_TERTIARY = _Translation(_tertiary_code)

# Keys of name parts and unit names seen so far, keyed by the raw text: a directory has far fewer
# distinct family names, middle names and given names than people.  Bounded by clearing.
_TEXT_KEYS: dict[str, tuple[str, str, str]] = {}
_TEXT_KEYS_LIMIT = 200_000


def word_sort_key(text: str) -> tuple[str, str, str]:
    """Return the Vietnamese sort key of arbitrary text, such as a unit name, read in order."""
    key = _TEXT_KEYS.get(text)
    if key is None:
        cleaned = clean(text)
        key = (
            cleaned.translate(_PRIMARY),
            cleaned.translate(_SECONDARY),
            cleaned.translate(_TERTIARY),
        )
        if len(_TEXT_KEYS) >= _TEXT_KEYS_LIMIT:
            _TEXT_KEYS.clear()
        _TEXT_KEYS[text] = key
    return key


def sort_key_parts(family: str, middle: str, given: str) -> tuple[str, ...]:
    """Return the Vietnamese sort key of an already split name: given, then family, then middle."""
    g, f, m = word_sort_key(given), word_sort_key(family), word_sort_key(middle)
    return (g[0], f[0], m[0], g[1], f[1], m[1], g[2], f[2], m[2])


def sort_key(full_name: str) -> tuple[str, ...]:
    """Return the Vietnamese sort key of a full name, ordering people by given name first."""
    return sort_key_parts(*split_name(full_name))
