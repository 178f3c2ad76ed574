"""Looking units up by the beginnings of their name words, against a plain scan of every unit."""

from __future__ import annotations

import pytest

from directory_service.text import fold_key
from directory_service.tree import build_tree
from directory_service.unit_words import UnitWords, has_phrase


@pytest.fixture(scope="module")
def names():
    return {u.code: tuple(fold_key(u.name).split()) for u in build_tree("2025")}


@pytest.mark.parametrize("prefix", ["so", "tai", "chinh", "ubnd", "ha", "phuong", "xyzq", "d"])
def test_starting_finds_what_a_scan_finds(names, prefix):
    index = UnitWords(names)
    scanned = [c for c, words in names.items() if any(w.startswith(prefix) for w in words)]
    assert index.in_order(index.starting(prefix)) == scanned
    assert index.starting(prefix) is index.starting(prefix)  # remembered


@pytest.mark.parametrize(
    "phrase",
    [["so", "tai", "chinh"], ["van", "phong", "ubnd"], ["ha", "noi"], ["tai", "so"], ["ph", "ba"]],
)
def test_with_phrase_finds_what_a_scan_finds(names, phrase):
    index = UnitWords(names)
    scanned = [c for c, words in names.items() if has_phrase(words, phrase)]
    assert index.with_phrase(phrase) == scanned


def test_phrase_words_must_be_in_a_row():
    index = UnitWords({"A": ("so", "tai", "chinh"), "B": ("tai", "chinh", "so"), "C": ("so", "x")})
    assert index.with_phrase(["so", "tai"]) == ["A"]
    assert index.with_phrase(["tai", "ch"]) == ["A", "B"]
    assert index.with_phrase(["chinh", "so"]) == ["B"]
    assert index.in_order(index.starting("s")) == ["A", "B", "C"]
