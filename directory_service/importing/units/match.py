"""Resolve the unit an import row names ("UBND phường Ba Đình", "Sở TT&TT", "01-SNV") to a code.

Rules, in order:

1. a unit code, compared case-insensitively ("01-snv"); a code outside the import's target is
   refused; an old department code ("01-STTTT"), or a code a unit keeps from the units merged
   into it (``govdirFormerCode``), maps to its successor as an old name;
2. a name among the target's subtree (the target included), compared after expanding the usual
   abbreviations (see :mod:`.unit_keys`): first with accents ("Văn Lăng" is not "Văn Lang"), then
   folded to ASCII. When one text names several units the lowest-ranked alias wins (see
   :mod:`.unit_aliases`: current names before short names before old names); units tied at that
   rank make the text ambiguous;
3. a list number in front ("1.", "II.") is ignored;
4. otherwise unknown, with up to three suggestions scored by difflib; a matcher made with
   ``create=True`` then lets the caller create the unit (:meth:`UnitMatcher.new_unit` and
   :meth:`UnitMatcher.add_unit`), and
   matches the texts naming it from then on.

Indexes are built once per matcher and results cached per distinct text, so a million rows that
name a hundred units cost a hundred lookups.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from directory_service import model
from directory_service.importing.read.cells import clean_cell
from directory_service.importing.units.new import new_unit_code, unit_name, unit_type
from directory_service.model import Unit
from directory_service.reference import tree, unit_aliases
from directory_service.reference.unit_keys import accent_key, unit_keys

# How a text matched, or why it did not.
CODE = "code"
NAME = "name"
OLD_CODE = "old-code"
OLD_NAME = "old-name"
AMBIGUOUS = "ambiguous"
OUTSIDE = "outside"
UNKNOWN = "unknown"
EMPTY = "empty"

MAX_SUGGESTIONS = 3
MIN_SCORE = 0.4
_CACHE_LIMIT = 100_000
_CANDIDATES = 300  # keys compared with difflib per unknown text, chosen by shared words
_FALLBACK_KEYS = 5_000  # below this many keys, compare them all when no word is shared

# A list number before a section heading or unit: "1.", "2)", "II.", "IV -" (not "X." = xã).
_ENUMERATION = re.compile(r"^(?:\d{1,2}|[IVX]{2,}|I|V)\s*[.)]\s+")

_Hits = dict[str, tuple[int, tuple[str, ...]]]  # code -> (best rank, other successor codes)


@dataclass(frozen=True)
class Suggestion:
    """A unit offered instead of, or besides, the one a text named, with a 0..1 score."""

    code: str
    name: str
    score: float

    def __str__(self) -> str:
        """Return the suggestion as a report shows it: code and name."""
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class MatchResult:
    """The unit a text resolved to (or None), how it matched, and suggestions."""

    text: str
    code: str | None
    how: str
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def matched(self) -> bool:
        """Return whether the text resolved to a unit."""
        return self.code is not None

    @property
    def old_name(self) -> bool:
        """Return whether the text resolved through an old (merged or renamed) name or code."""
        return self.how in (OLD_NAME, OLD_CODE)


class UnitMatcher:
    """Match unit texts from import rows against the units under an import's target unit."""

    def __init__(self, units: Iterable[Unit], target_code: str, create: bool = False) -> None:
        units = list(units)
        self.create = create  # unknown units may be created (govdir import --create-units)
        self.created: dict[str, Unit] = {}  # code -> unit, in the order they were created
        self._by_code = {unit.code: unit for unit in units}
        if target_code not in self._by_code:
            raise KeyError(f"unknown target unit {target_code!r}")
        self.target = self._by_code[target_code]
        subtree = [self.target, *tree.descendants(units, target_code)]
        self._subtree = {unit.code for unit in subtree}
        self._codes = {code.casefold(): code for code in self._by_code}
        self._old_codes = {
            old.casefold(): new
            for old, new in unit_aliases.old_codes(self._subtree, self._by_code).items()
        }
        self._accented: dict[str, _Hits] = {}
        self._folded: dict[str, _Hits] = {}
        for alias in unit_aliases.current_aliases(subtree, self._by_code):
            self._add(*alias)
        for alias in unit_aliases.old_aliases(self._subtree, self._by_code):
            self._add(*alias)
        # Codes and names kept on a unit by the 2025 reorganisation; a code some unit holds
        # today stays that unit's.
        for unit in subtree:
            for old in unit.former_codes:
                if old.casefold() not in self._codes:
                    self._old_codes.setdefault(old.casefold(), unit.code)
        for alias in unit_aliases.former_aliases(subtree, self._by_code):
            self._add(*alias)
        self._keys = list(self._folded)
        self._words: dict[str, list[int]] = {}
        for number, key in enumerate(self._keys):
            for word in set(key.split()):
                self._words.setdefault(word, []).append(number)
        self._cache: dict[str, MatchResult] = {}

    def _add(self, name: str, code: str, rank: int, others: tuple[str, ...]) -> None:
        """Index one alias under each of its readings, keeping each code's best rank."""
        for accented, folded in unit_keys(name):
            for index, key in ((self._accented, accented), (self._folded, folded)):
                hits = index.setdefault(key, {})
                if code not in hits or rank < hits[code][0]:
                    hits[code] = (rank, others)

    def new_unit(self, text: str, parent_code: str) -> Unit:
        """Return a unit named text (a list number in front dropped) for under a subtree unit.

        It is not known to the matcher until :meth:`add_unit` is given it.
        """
        parent = self._by_code[parent_code]
        name = unit_name(_ENUMERATION.sub("", clean_cell(text)))
        code = new_unit_code(parent_code, name, self._codes)
        return Unit(code, name, unit_type(name), parent_code, parent.domain)

    def add_unit(self, unit: Unit) -> None:
        """Learn a unit the import creates: its code, and its name for the texts that follow.

        Only the exact and folded indexes learn it (the suggestion keys are not rebuilt).
        """
        self._by_code[unit.code] = unit
        self._subtree.add(unit.code)
        self._codes[unit.code.casefold()] = unit.code
        for alias in unit_aliases.current_aliases([unit], self._by_code):
            self._add(*alias)
        self._cache.clear()  # texts seen before may name it now
        self.created[unit.code] = unit

    def create_unit(self, text: str, parent_code: str) -> Unit:
        """Return a new unit named text under a subtree unit, known to the matcher from now on."""
        unit = self.new_unit(text, parent_code)
        self.add_unit(unit)
        return unit

    def unit(self, code: str) -> Unit | None:
        """Return the unit with this code, anywhere in the tree, or None."""
        return self._by_code.get(code)

    def label(self, code: str) -> str:
        """Return a unit's name with its parent's where the name alone is not telling."""
        unit = self._by_code[code]
        parent = self._by_code.get(unit.parent) if unit.parent else None
        if unit.type in model.ADMINISTRATIVE_TYPES or parent is None or parent.type == model.BRANCH:
            return unit.name
        if parent.type in model.CENTRAL_AGENCY_TYPES and parent.name in unit.name:
            return unit.name
        return f"{unit.name}, {parent.name}"

    def contains(self, code: str) -> bool:
        """Return whether a unit code lies in the target's subtree (the target included)."""
        return code in self._subtree

    def match(self, value: str) -> MatchResult:
        """Return the unit a text names under the target, caching the result per distinct text."""
        result = self._cache.get(value)
        if result is None:
            result = self._match(value)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[value] = result
        return result

    def _match(self, value: str) -> MatchResult:
        """Resolve one text without the cache."""
        cleaned = clean_cell(value)
        if not cleaned:
            return MatchResult(cleaned, None, EMPTY)
        code = self._codes.get(cleaned.casefold())
        if code is not None:
            if code in self._subtree:
                return MatchResult(cleaned, code, CODE)
            return MatchResult(cleaned, None, OUTSIDE, (self._suggestion(code, 1.0),))
        code = self._old_codes.get(cleaned.casefold())
        if code is not None:
            return MatchResult(cleaned, code, OLD_CODE)
        readings = unit_keys(_ENUMERATION.sub("", cleaned))
        for position, index in ((0, self._accented), (1, self._folded)):
            for reading in readings:
                hits = index.get(reading[position])
                if hits:
                    return self._resolve(cleaned, hits)
        return MatchResult(cleaned, None, UNKNOWN, self._suggest(readings[0][1]))

    def _resolve(self, cleaned: str, hits: _Hits) -> MatchResult:
        """Return the match for an index hit: one unit at the best rank, or ambiguous."""
        best = min(rank for rank, _ in hits.values())
        codes = [code for code, (rank, _) in hits.items() if rank == best]
        if len(codes) == 1:
            code = codes[0]
            how = OLD_NAME if best >= unit_aliases.OLD else NAME
            others = [c for c in hits[code][1] if c in self._by_code]
            return MatchResult(cleaned, code, how, self._ranked(cleaned, others))
        return MatchResult(cleaned, None, AMBIGUOUS, self._ranked(cleaned, codes))

    def _suggestion(self, code: str, score: float) -> Suggestion:
        """Return a suggestion of one unit."""
        return Suggestion(code, self.label(code), round(score, 2))

    def _ranked(self, cleaned: str, codes: list[str]) -> tuple[Suggestion, ...]:
        """Return the best few of these units, scored by accented similarity to the text."""
        wanted = accent_key(cleaned)
        scored = []
        for code in codes:
            name = accent_key(self._by_code[code].name)
            scored.append((SequenceMatcher(None, wanted, name).ratio(), code))
        scored.sort(key=lambda item: -item[0])
        return tuple(self._suggestion(code, score) for score, code in scored[:MAX_SUGGESTIONS])

    def _candidates(self, words: list[str]) -> Iterable[int]:
        """Return the keys sharing the most words with a text, rarest words first."""
        shared: Counter[int] = Counter()
        for word in sorted(set(words), key=lambda w: len(self._words.get(w, ()))):
            shared.update(self._words.get(word, ()))
            if len(shared) >= _CANDIDATES:
                break
        if shared:
            return [number for number, _ in shared.most_common(_CANDIDATES)]
        return range(len(self._keys)) if len(self._keys) <= _FALLBACK_KEYS else ()

    def _suggest(self, folded: str) -> tuple[Suggestion, ...]:
        """Return up to three units whose names are closest to an unknown text."""
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(folded)
        best: dict[str, float] = {}
        for number in self._candidates(folded.split()):
            key = self._keys[number]
            matcher.set_seq1(key)
            if matcher.real_quick_ratio() < MIN_SCORE or matcher.quick_ratio() < MIN_SCORE:
                continue
            score = matcher.ratio()
            if score < MIN_SCORE:
                continue
            for code, (rank, _) in self._folded[key].items():
                # An old or short name counts a little less than the unit's current name.
                adjusted = score - 0.01 * rank
                if adjusted > best.get(code, 0.0):
                    best[code] = adjusted
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return tuple(self._suggestion(code, score) for code, score in ranked[:MAX_SUGGESTIONS])
