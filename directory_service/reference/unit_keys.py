"""Turn unit names, as agencies write them, into comparable keys: accented and folded.

A unit name is lower-cased, split on anything that is not a letter or digit ("-", "&", ",", "."),
stripped of "và", and its abbreviations are expanded (UBND, HĐND, TP, VP, P., X., Sở TT&TT, ...).
Two keys come out: the accented key keeps the letters and tones (with the tone mark of each word
in one canonical place, so "Uỷ" and "Ủy" agree), the folded key is plain ASCII.
"""

from __future__ import annotations

import re
from functools import lru_cache

from directory_service import text

_SEPARATORS = re.compile(r"[^\w\u0300-\u036f]+|_")
_DROPPED = frozenset({"va"})  # "và" and its unaccented spelling, written or left out at will

# Abbreviations as folded token sequences ("và" already dropped), longest first at each word.
ABBREVIATIONS: dict[tuple[str, ...], str] = {
    ("ubnd",): "ủy ban nhân dân",
    ("hdnd",): "hội đồng nhân dân",
    ("tp",): "thành phố",
    ("vp",): "văn phòng",
    ("tw",): "trung ương",
    ("hcm",): "hồ chí minh",
    ("tphcm",): "thành phố hồ chí minh",
    ("vpcp",): "văn phòng chính phủ",
    ("x",): "xã",
    ("q",): "quận",
    ("h",): "huyện",
    ("tx",): "thị xã",
    ("tt", "tt"): "thông tin truyền thông",
    ("tttt",): "thông tin truyền thông",
    ("kh", "cn"): "khoa học công nghệ",
    ("khcn",): "khoa học công nghệ",
    ("kh", "dt"): "kế hoạch đầu tư",
    ("khdt",): "kế hoạch đầu tư",
    ("nn", "ptnt"): "nông nghiệp phát triển nông thôn",
    ("nnptnt",): "nông nghiệp phát triển nông thôn",
    ("nn", "mt"): "nông nghiệp môi trường",
    ("nnmt",): "nông nghiệp môi trường",
    ("tn", "mt"): "tài nguyên môi trường",
    ("tnmt",): "tài nguyên môi trường",
    ("ld", "tb", "xh"): "lao động thương binh xã hội",
    ("ldtb", "xh"): "lao động thương binh xã hội",
    ("ldtbxh",): "lao động thương binh xã hội",
    ("tb", "xh"): "thương binh xã hội",
    ("gd", "dt"): "giáo dục đào tạo",
    ("gddt",): "giáo dục đào tạo",
    ("vh", "tt", "dl"): "văn hóa thể thao du lịch",
    ("vhttdl",): "văn hóa thể thao du lịch",
    ("gtvt",): "giao thông vận tải",
}
# "P." is "phường" before a commune name but "phòng" before a division's: try phường first.
AMBIGUOUS_ABBREVIATIONS: dict[str, tuple[str, ...]] = {"p": ("phường", "phòng")}
_LONGEST = max(len(k) for k in ABBREVIATIONS)
_STARTS = frozenset(k[0] for k in ABBREVIATIONS) | frozenset(AMBIGUOUS_ABBREVIATIONS)


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    """Return one lower-case word folded to ASCII."""
    return text.fold(word).lower()


def accent_key(value: str) -> str:
    """Return text lower-cased with whitespace collapsed and tone marks placed canonically."""
    return " ".join(text.tone_key(w) for w in text.nfc(value).lower().split())


def _expand(words: list[str], folded: list[str], choice: int) -> list[str]:
    """Return the words with abbreviations expanded, taking alternative `choice` where ambiguous."""
    out: list[str] = []
    i = 0
    while i < len(words):
        if folded[i] not in _STARTS:
            out.append(words[i])
            i += 1
            continue
        for size in range(min(_LONGEST, len(words) - i), 0, -1):
            expansion = ABBREVIATIONS.get(tuple(folded[i : i + size]))
            if expansion is not None:
                out.extend(expansion.split())
                i += size
                break
        else:
            options = AMBIGUOUS_ABBREVIATIONS.get(folded[i])
            out.extend(options[min(choice, len(options) - 1)].split() if options else [words[i]])
            i += 1
    return out


@lru_cache(maxsize=262144)
def unit_keys(value: str) -> tuple[tuple[str, str], ...]:
    """Return the (accented key, folded key) readings of a unit name, the likeliest first."""
    lowered = _SEPARATORS.sub(" ", text.nfc(value).lower().replace("&", " và "))
    words = [w for w in lowered.split() if _fold_word(w) not in _DROPPED]
    folded = [_fold_word(w) for w in words]
    choices = max((len(AMBIGUOUS_ABBREVIATIONS.get(f, ())) for f in folded), default=0)
    readings: list[tuple[str, str]] = []
    for choice in range(max(choices, 1)):
        expanded = _expand(words, folded, choice) if _STARTS.intersection(folded) else words
        key = (
            " ".join(text.tone_key(w) for w in expanded),
            " ".join(_fold_word(w) for w in expanded),
        )
        if key not in readings:
            readings.append(key)
    return tuple(readings)


def unit_key(value: str) -> tuple[str, str]:
    """Return the likeliest (accented key, folded key) reading of a unit name."""
    return unit_keys(value)[0]


def folded_words(value: str) -> list[str]:
    """Return the folded words of a text as unit keys split them, "và" left out."""
    lowered = _SEPARATORS.sub(" ", text.nfc(value).lower().replace("&", " và "))
    return [f for f in (_fold_word(w) for w in lowered.split()) if f not in _DROPPED]


def form_keys(value: str) -> set[tuple[str, ...]]:
    """Return the folded word tuples a unit name is known by: as written, and expanded."""
    words = folded_words(value)
    keys = {tuple(words)}
    if _STARTS.intersection(words):
        choices = max(len(AMBIGUOUS_ABBREVIATIONS.get(w, ())) for w in words)
        for choice in range(max(choices, 1)):
            keys.add(tuple(_fold_word(w) for w in _expand(words, words, choice)))
    return keys


def word_groups(words: list[str]) -> list[tuple[int, int, tuple[tuple[str, ...], ...]]]:
    """Return (start, end, readings) for each run of folded words an abbreviation may stand for.

    Each word, or run of words such as "tt tt", is read as its expansions and as itself (a
    mailbox "vp.badinh" keeps its "vp"); every other word is read as itself.
    """
    out: list[tuple[int, int, tuple[tuple[str, ...], ...]]] = []
    i = 0
    while i < len(words):
        size, readings = 1, [(words[i],)]
        if words[i] in _STARTS:
            for n in range(min(_LONGEST, len(words) - i), 0, -1):
                expansion = ABBREVIATIONS.get(tuple(words[i : i + n]))
                if expansion is not None:
                    size, readings = n, [_folded(expansion), tuple(words[i : i + n])]
                    break
            else:
                options = AMBIGUOUS_ABBREVIATIONS.get(words[i], ())
                readings = [_folded(o) for o in options] + readings
        out.append((i, i + size, tuple(readings)))
        i += size
    return out


@lru_cache(maxsize=64)
def _folded(expansion: str) -> tuple[str, ...]:
    return tuple(_fold_word(w) for w in expansion.split())
