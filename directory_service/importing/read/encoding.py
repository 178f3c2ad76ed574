"""Text encodings of agency files: byte decodings, legacy-font (TCVN3, VNI) conversion, scoring.

A legacy-font file is read in two layers: its bytes are decoded (UTF-8, or Latin-1 for a plain
8-bit file), which yields the font's surface characters ("NguyÔn V¨n §øc"), and viparse's
charmap then turns those into Unicode Vietnamese.  Spreadsheet and HTML cells only need the second
layer.  Which layers apply is decided by the header row (see headers.py); the scores here break
ties when the header is plain ASCII.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from functools import cache, lru_cache

from viparse.normalize.encodings import get_charmap
from viparse.normalize.frequency import vietnamese_score as letter_score
from viparse.normalize.tables import convert

from directory_service.text import TONE_MARKS

# Names accepted by --encoding, in the order candidates are preferred when they score the same.
UTF8, UTF16, CP1258, TCVN3, VNI = "utf-8", "utf-16", "cp1258", "tcvn3", "vni"
ENCODINGS = (UTF8, UTF16, CP1258, TCVN3, VNI)
LEGACY_FONTS = (TCVN3, VNI)

Converter = Callable[[str], str]

_VOWELS = "aăâeêioôơuưy"
# Vietnamese syllables, tone marks removed: onset, vowel nucleus (with any glide), final.
_NUCLEI = (
    "iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê ui uô uơ uy ưa ưi ưu ươ yê "
    "a ă â e ê i o ô ơ u ư y"
).split()
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    rf"({'|'.join(_NUCLEI)})(ch|ng|nh|[cmnptk])?$"
)
_WORD = re.compile(r"[^\W\d_]+")


def _vietnamese_letters() -> frozenset[str]:
    """Return every non-ASCII letter of Vietnamese, upper and lower case, in NFC."""
    letters = {"đ", "Đ"}
    for vowel in _VOWELS:
        for base in (vowel, vowel.upper()):
            letters.add(base)
            letters.update(unicodedata.normalize("NFC", base + tone) for tone in TONE_MARKS)
    return frozenset(ch for ch in letters if not ch.isascii())


VIETNAMESE_LETTERS = _vietnamese_letters()


def is_syllable(word: str) -> bool:
    """Return whether a word is a well-formed Vietnamese syllable (at most one tone mark)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    bare = "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    if len(decomposed) - len(bare) > 1:
        return False
    return _SYLLABLE.match(unicodedata.normalize("NFC", bare)) is not None


# Spelling rules a syllable's shape alone does not catch: "k", "gh" and "ngh" come before the
# front vowels, "c" and "ng" before the others; no "u" or "o" after "qu"; "y" alone ends its
# syllable (but "quỳnh"); a capital only starts a word (or is all of it); and a syllable ending
# in -c, -ch, -p or -t takes only the rising (sắc) or the heavy (nặng) tone.
_FRONT = "ieêy"
_ABRUPT_FINALS = ("c", "ch", "p", "t")
_ABRUPT_TONES = "\u0301\u0323"


def is_spelt_right(word: str) -> bool:
    """Return whether a word is a Vietnamese syllable spelt as the orthography has it."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in decomposed if ch in TONE_MARKS]
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONE_MARKS))
    found = _SYLLABLE.match(bare)
    if len(tones) > 1 or found is None:
        return False
    if len(word) > 1 and not (word[1:].islower() or word.isupper()):
        return False  # "TuÊn", "NguyÔn": a capital inside a syllable is a font's letter
    onset, nucleus, final = found.groups()
    front = nucleus[0] in _FRONT
    if onset in ("k", "gh", "ngh") and not front or onset in ("c", "ng") and front:
        return False
    if onset == "qu" and nucleus[0] in "uưo" or nucleus == "y" and final and onset != "qu":
        return False
    return final not in _ABRUPT_FINALS or bool(tones) and tones[0] in _ABRUPT_TONES


# Characters that well-formed Vietnamese text never holds: the upper half of Latin-1 apart from
# Vietnamese letters (every TCVN3 and VNI surface character is there: "¨", "§", "Þ", the soft
# hyphen that is TCVN3's "ư") and combining marks left over after NFC.
_STRAY = re.compile(
    "["
    + "".join(re.escape(chr(c)) for c in range(0x80, 0x100) if chr(c) not in VIETNAMESE_LETTERS)
    + "\u0300-\u036f]"
)


# Characters a legacy-font cell cannot hold: beyond 8 bits, but for the two that viparse reads back
# as TCVN3 letters (a PDF's stand-ins for "ư" and "ã").
_BEYOND_8_BIT = re.compile("[^\x00-\xff\u2212\u2219]")

# Whitespace-separated words already looked at (a file repeats its words), and how many to keep.
_CHECKED_WORDS: dict[str, bool] = {}
_CHECKED_WORDS_MAX = 100_000


def reads_as_vietnamese(text: str) -> bool:
    """Return whether text is well-formed as it stands: accented words are syllables, no strays."""
    if _STRAY.search(text):
        return False
    checked = _CHECKED_WORDS
    for word in text.split():
        if word.isascii():
            continue
        good = checked.get(word)
        if good is None:
            good = all(is_spelt_right(w) for w in _WORD.findall(word) if not w.isascii())
            if len(checked) >= _CHECKED_WORDS_MAX:
                checked.clear()
            checked[word] = good
        if not good:
            return False
    return True


class DecodingError(ValueError):
    """Raised when bytes cannot be decoded with the encoding asked for."""


def identity(text: str) -> str:
    """Return text unchanged: the converter for text that is already Unicode."""
    return text


@cache
def converter(font: str | None) -> Converter:
    """Return the function that turns one cell of a legacy font's text into Unicode NFC."""
    if font is None:
        return identity
    charmap = get_charmap(font)
    if charmap is None:  # pragma: no cover - the names are viparse's own
        raise ValueError(f"unknown legacy font encoding {font!r}")

    def to_unicode(text: str) -> str:
        if text.isascii():
            return text
        converted = convert(text, charmap)
        return converted.upper() if in_capitals(text) else converted

    return to_unicode


def in_capitals(text: str) -> bool:
    """Return whether legacy-font text is written in capitals: "NGUYÔN V¡N §øC".

    The capitals fonts (.VnTimeH) show TCVN3's lower-case codes as capitals, so an all-capitals
    name keeps lower-case codes for its toned letters; what tells is that its plain letters are
    all capitals, and that some word has two or more of them ("Hå Lª", Hồ Lê, has one a word).
    """
    words = [[ch for ch in word if ch.isascii() and ch.isalpha()] for word in text.split()]
    return any(len(w) >= 2 for w in words) and all(ch.isupper() for w in words for ch in w)


@lru_cache(maxsize=4096)
def legacy_reading(text: str) -> tuple[str, str] | None:
    """Return (font, Unicode text) when a cell of Unicode text is TCVN3 or VNI text, else None.

    A cell is taken for legacy-font text when it holds only 8-bit characters, as those fonts do,
    is not well-formed Vietnamese as it stands and a font's reading of it is. When both fonts give
    one, the reading with more accented syllables wins, then the one whose letters are more
    frequent in Vietnamese (viparse's model).
    """
    if text.isascii() or max(text) > "\xff" and _BEYOND_8_BIT.search(text):
        return None  # "Trưởng phòng ½": Unicode letters beyond 8 bits, so Unicode
    if reads_as_vietnamese(text):
        return None
    best: tuple[int, float, int, str, str] | None = None
    for rank, font in enumerate(LEGACY_FONTS):
        converted = converter(font)(text)
        if converted != text and reads_as_vietnamese(converted):
            score = vietnamese_score(converted), letter_score(converted)
            reading = (*score, -rank, font, converted)
            best = reading if best is None or reading > best else best
    return None if best is None else (best[3], best[4])


def vietnamese_score(text: str) -> int:
    """Score how Vietnamese text reads: well-formed accented syllables less malformed ones."""
    # Mojibake is mostly made of real Vietnamese letters ("Nguyeón Vaờn"), so letters alone say
    # little; the shape of the syllables tells a right decoding from a wrong one.
    text = unicodedata.normalize("NFC", text)
    score = 0
    for word in _WORD.findall(text):
        if not word.isascii():
            score += 1 if is_syllable(word) else -1
    stray = sum(1 for ch in text if not ch.isascii() and not ch.isalpha() and not ch.isspace())
    return score - 2 * stray


def bom_encoding(head: bytes) -> str | None:
    """Return the Python codec a byte-order mark at the start of head calls for, if any."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def utf16_without_bom(head: bytes) -> str | None:
    """Return utf-16-le or utf-16-be when head looks like BOM-less UTF-16 text."""
    sample = head[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode_sample(sample: bytes, codec: str) -> str:
    """Decode the start of a file strictly, allowing a character cut off at its end."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    try:
        return decoder.decode(sample, final=False)
    except UnicodeDecodeError as exc:
        raise DecodingError(f"byte {exc.start} is not valid {codec}") from exc


def is_utf8(sample: bytes) -> bool:
    """Return whether the start of a file decodes as UTF-8."""
    try:
        decode_sample(sample, "utf-8")
    except DecodingError:
        return False
    return True


def byte_candidates(sample: bytes, forced: str | None) -> list[tuple[str, str | None, str]]:
    """Return (codec, legacy font, reported name) readings worth trying on a byte file."""
    bom = bom_encoding(sample)
    unicode_codec = bom or utf16_without_bom(sample) or ("utf-8-sig" if is_utf8(sample) else None)
    if forced == UTF8:
        return [("utf-8-sig", None, UTF8)]
    if forced == UTF16:
        return [(bom if bom == "utf-16" else utf16_without_bom(sample) or "utf-16", None, UTF16)]
    if forced == CP1258:
        return [("cp1258", None, CP1258)]
    if forced in LEGACY_FONTS:
        return [(unicode_codec or "latin-1", forced, forced)]
    if unicode_codec is not None:
        name = UTF16 if unicode_codec.startswith("utf-16") else UTF8
        return [(unicode_codec, None, name)] + [(unicode_codec, f, f) for f in LEGACY_FONTS]
    return [("cp1258", None, CP1258)] + [("latin-1", f, f) for f in LEGACY_FONTS]


def font_candidates(forced: str | None) -> list[str | None]:
    """Return the legacy fonts worth trying on text that is already Unicode (cells, HTML)."""
    if forced in LEGACY_FONTS:
        return [forced]
    if forced is not None:
        return [None]
    return [None, *LEGACY_FONTS]


def check_encoding_name(encoding: str | None) -> str | None:
    """Return the --encoding value in canonical spelling, or raise ValueError for an unknown one."""
    if encoding is None:
        return None
    name = encoding.strip().lower().replace("_", "-")
    name = {"utf8": UTF8, "utf-8-sig": UTF8, "utf16": UTF16, "windows-1258": CP1258}.get(name, name)
    name = {"tcvn": TCVN3, "abc": TCVN3, "vni-windows": VNI}.get(name, name)
    if name not in ENCODINGS:
        raise ValueError(encoding)
    return name
