"""Find units by the folded words of their names: by a word's beginning, or by a run of words."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

CACHE_SIZE = 4096  # word beginnings remembered; the words people type repeat


class UnitWords:
    """Units' folded name words, sorted to look a word's beginning up, and each name's endings."""

    def __init__(self, names: dict[str, tuple[str, ...]]):
        self._codes = list(names)
        by_word: dict[str, list[tuple[int, int]]] = {}
        # The codes of units by every run of 2+ whole words that ends their names.
        self.endings: dict[tuple[str, ...], list[str]] = {}
        for n, (code, words) in enumerate(names.items()):
            for position, word in enumerate(words):
                by_word.setdefault(word, []).append((n, position))
            for start in range(len(words) - 1):
                self.endings.setdefault(words[start:], []).append(code)
        self._words = sorted(by_word)
        self._places = [by_word[w] for w in self._words]
        self._cache: dict[str, frozenset[tuple[int, int]]] = {}
        self._starting: dict[str, list[str]] = {}

    def _where(self, prefix: str) -> frozenset[tuple[int, int]]:
        """Return (unit number, word position) of every name word that starts with prefix."""
        found = self._cache.get(prefix)
        if found is None:
            places: set[tuple[int, int]] = set()
            i = bisect_left(self._words, prefix)
            while i < len(self._words) and self._words[i].startswith(prefix):
                places.update(self._places[i])
                i += 1
            found = frozenset(places)
            if len(self._cache) < CACHE_SIZE:
                self._cache[prefix] = found
        return found

    def starting(self, prefix: str) -> list[str]:
        """Return the codes of units with a name word that starts with prefix, in list order."""
        codes = self._starting.get(prefix)
        if codes is None:
            codes = self._in_order({n for n, _ in self._where(prefix)})
            if len(self._starting) < CACHE_SIZE:
                self._starting[prefix] = codes
        return list(codes)

    def longest_run(self, words: list[str], most: int) -> tuple[int, int, list[str]] | None:
        """Return (start, length, codes) of the longest run of 2+ words naming 1 to most units.

        A run names the units whose names hold its words as prefixes, in a row; of runs as
        long, the first wins. Each start's matches are extended a word at a time, so every
        run costs a filtering of the matches of the one before.
        """
        where = [self._where(w) for w in words]
        best: tuple[int, int, list[str]] | None = None
        for start in range(len(words) - 1):
            first, second = where[start], where[start + 1]
            if len(first) <= len(second):
                found = {(n, p) for n, p in first if (n, p + 1) in second}
            else:
                found = {(n, p - 1) for n, p in second if (n, p - 1) in first}
            length = 2
            while found:
                if best is None or length > best[1]:
                    units = {n for n, _ in found}
                    if len(units) <= most:
                        best = (start, length, self._in_order(units))
                if start + length == len(words):
                    break
                following = where[start + length]
                found = {(n, p) for n, p in found if (n, p + length) in following}
                length += 1
        return best

    def _in_order(self, numbers: Iterable[int]) -> list[str]:
        """Return the codes of unit numbers in the order of the unit list."""
        return [self._codes[n] for n in sorted(numbers)]
