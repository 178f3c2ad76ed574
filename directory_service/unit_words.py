"""Find units by the folded words of their names: by a word's beginning, or by a run of words."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

CACHE_SIZE = 4096  # word beginnings remembered; the words people type repeat


class UnitWords:
    """The folded name words of every unit, sorted, so that a word's beginning is a bisection."""

    def __init__(self, names: dict[str, tuple[str, ...]]):
        self.names = names
        self._position = {code: i for i, code in enumerate(names)}
        by_word: dict[str, list[str]] = {}
        for code, words in names.items():
            for word in dict.fromkeys(words):
                by_word.setdefault(word, []).append(code)
        self._words = sorted(by_word)
        self._codes = [by_word[w] for w in self._words]
        self._cache: dict[str, frozenset[str]] = {}

    def starting(self, prefix: str) -> frozenset[str]:
        """Return the codes of units with a name word that starts with prefix."""
        found = self._cache.get(prefix)
        if found is None:
            codes: set[str] = set()
            i = bisect_left(self._words, prefix)
            while i < len(self._words) and self._words[i].startswith(prefix):
                codes.update(self._codes[i])
                i += 1
            found = frozenset(codes)
            if len(self._cache) < CACHE_SIZE:
                self._cache[prefix] = found
        return found

    def in_order(self, codes: Iterable[str]) -> list[str]:
        """Return codes in the order of the unit list."""
        return sorted(codes, key=self._position.__getitem__)

    def with_phrase(self, phrase: list[str]) -> list[str]:
        """Return the codes of units whose names hold phrase's words as prefixes, in a row."""
        sets = sorted((self.starting(w) for w in phrase), key=len)
        candidates = set(sets[0]).intersection(*sets[1:])
        return self.in_order(c for c in candidates if has_phrase(self.names[c], phrase))


def has_phrase(name_words: tuple[str, ...], phrase: list[str]) -> bool:
    """Return whether name_words holds a run of words starting with phrase's words in turn."""
    n = len(phrase)
    return any(
        all(name_words[i + k].startswith(phrase[k]) for k in range(n))
        for i in range(len(name_words) - n + 1)
    )
