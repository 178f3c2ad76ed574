"""Looking units up by the beginnings of their name words, against a plain scan of every unit."""

from __future__ import annotations

import random

import pytest

from directory_service.directory.unit_words import UnitWords
from directory_service.reference.tree import build_tree
from directory_service.text import search_words


@pytest.fixture(scope="module")
def names():
    return {u.code: tuple(search_words(u.name)) for u in build_tree("2025")}


def has_phrase(name_words: tuple[str, ...], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(
        all(name_words[i + k].startswith(phrase[k]) for k in range(n))
        for i in range(len(name_words) - n + 1)
    )


def scanned_run(names, words: list[str], most: int):
    """The longest run of 2+ words naming 1 to most units, found by scanning every unit."""
    for length in range(len(words), 1, -1):
        for start in range(len(words) - length + 1):
            phrase = words[start : start + length]
            codes = [c for c, name in names.items() if has_phrase(name, phrase)]
            if 0 < len(codes) <= most:
                return start, length, codes
    return None


@pytest.mark.parametrize("prefix", ["so", "tai", "chinh", "ubnd", "ha", "phuong", "xyzq", "d"])
def test_starting_finds_what_a_scan_finds(names, prefix):
    scanned = [c for c, words in names.items() if any(w.startswith(prefix) for w in words)]
    assert UnitWords(names).starting(prefix) == scanned


QUERIES = [
    "giam doc so tai chinh",
    "so tai chinh ha noi",
    "truong phong phong van hoa - xa hoi",  # the dash is not a word on either side
    "chanh van phong hdnd va ubnd van phong hdnd va ubnd",
    "chuyen vien trung tam phuc vu hanh chinh cong",
    "annv@hanoi.gov.vn so noi vu",
    "nguyen van an",
]


def test_longest_run_finds_what_a_scan_finds(names):
    names = dict(list(names.items())[::3])  # a third of the country: the scans take a while
    index = UnitWords(names)
    rng = random.Random(4)
    vocabulary = sorted({w for words in names.values() for w in words})
    queries = [search_words(q) for q in QUERIES]
    queries += [[rng.choice(vocabulary)[: rng.randint(2, 6)] for _ in range(rng.randint(2, 5))]
                for _ in range(12)]  # fmt: skip
    found = 0
    for words in queries:
        for most in (200, 5):
            expected = scanned_run(names, words, most)
            assert index.longest_run(words, most) == expected, (words, most)
            found += expected is not None
    assert found >= 4  # the comparison covered runs that name units, not only misses


def test_runs_are_words_in_a_row_and_the_longest_first_wins():
    index = UnitWords({"A": ("so", "tai", "chinh"), "B": ("tai", "chinh", "so"), "C": ("so", "x")})
    assert index.longest_run(["so", "tai"], 10) == (0, 2, ["A"])
    assert index.longest_run(["tai", "ch", "so"], 10) == (0, 3, ["B"])
    assert index.longest_run(["tai", "ch"], 1) is None  # two units: more than one
    assert index.longest_run(["chinh", "x"], 10) is None
    assert index.starting("s") == ["A", "B", "C"]
