"""Read the units a query names: a unit and the places above it, in any order, abbreviated.

Every unit is known by its forms: its name, the names agencies write for it (the importer's
aliases: "UBND phường Ba Đình", "Sở Nội vụ Hà Nội", old names of merged units), its code, its
mailbox (whole, the part before "@", or with part of the domain), its English name and its
initials after its kind ("Bộ TC"). Forms are folded word tuples with abbreviations expanded,
so a query is read by looking its runs of words up, then keeping the runs that name a unit and
units above it ("sở nội vụ" + "hà nội"). Bare place names ("Ba Đình", "Thanh Hóa") are weak
forms: they are also people's names, so alone they do not take a query over.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING

from directory_service.model import Unit
from directory_service.reference import unit_aliases
from directory_service.reference.unit_keys import folded_words, form_keys, word_groups

if TYPE_CHECKING:
    from directory_service.directory.store import UnitInfo

STRONG, WEAK = 0, 1
MAX_WORDS = 16  # words of a query read for units (a long query is not a unit's name)
MAX_RUN = 12  # words in one form: the longest names with their province
MAX_READINGS = 64  # spellings of one run tried (each ambiguous abbreviation doubles them)
_KIND_WORDS = 2  # "Bộ", "Sở", "Văn phòng": the initials form keeps up to two words before them
_KINDS = frozenset({"bo", "so", "cuc", "vu", "van phong", "thanh tra", "phong", "trung tam"})


@dataclass(frozen=True)
class UnitReading:
    """The units a query names, which words name them, and the words left over."""

    codes: list[str]
    used: frozenset[int]  # positions of the query's words (folded_words) that name the units
    words: list[str]  # the query's folded words
    strong: bool  # named by a full form or with a place, not by a bare place name alone

    @property
    def rest(self) -> list[str]:
        """Return the words outside the unit's names, in query order."""
        return [w for i, w in enumerate(self.words) if i not in self.used]


def _as_unit(info: UnitInfo) -> Unit:
    """Return the model Unit of a directory unit, which the importer's aliases are built from."""
    parent = info.path[-2] if len(info.path) >= 2 else None
    return Unit(info.code, info.name, info.type, parent, info.domain, info.mail,
                info.admin_code, info.english_name)  # fmt: skip


def _initials(name: str) -> str | None:
    """Return a name's kind followed by the initials of the rest ("bo tc"), if it has both."""
    words = folded_words(name)
    for n in range(_KIND_WORDS, 0, -1):
        kind, rest = " ".join(words[:n]), words[n:]
        if kind in _KINDS and len(rest) >= 2:
            return f"{kind} {''.join(w[0] for w in rest)}"
    return None


def _without_parent_kind(name: str, parent: str) -> Iterator[str]:
    """Yield "Văn phòng" for the "Văn phòng Bộ" of a "Bộ ...": the kind said by the place typed."""
    words, kind = name.split(), parent.split()[0]
    if len(words) >= 3 and words[-1].lower() == kind.lower():
        yield " ".join(words[:-1])


def _mail_forms(mail: str) -> Iterator[str]:
    """Yield a mailbox's part before "@" and that part with each longer piece of the domain."""
    local, _, domain = mail.partition("@")
    labels = domain.split(".")
    yield local
    for n in range(1, len(labels) + 1):
        yield f"{local}@{'.'.join(labels[:n])}"


def _forms(info: UnitInfo) -> Iterator[tuple[str, int]]:
    """Yield the texts of a unit's own forms (not its aliases), with their strength."""
    yield info.code, STRONG
    if info.mail:
        for form in _mail_forms(info.mail.lower()):
            yield form, STRONG
    if info.english_name:
        yield info.english_name, STRONG
    initials = _initials(info.name)
    if initials:
        yield initials, STRONG


class UnitNames:
    """Every unit's forms, looked up by folded word tuples, and the units' paths."""

    def __init__(self, units: dict[str, UnitInfo]):
        self._order = {code: n for n, code in enumerate(units)}
        self._paths = {code: u.path for code, u in units.items()}
        self._forms: dict[tuple[str, ...], dict[str, int]] = {}
        by_code = {code: _as_unit(u) for code, u in units.items()}
        for text, code, rank, _ in unit_aliases.current_aliases(by_code.values(), by_code):
            self._add(text, code, WEAK if rank == unit_aliases.CURRENT_SHORT and
                      not text.startswith(unit_aliases.COMMITTEE) else STRONG)  # fmt: skip
        for text, code, rank, _ in unit_aliases.old_aliases(set(by_code), by_code):
            self._add(text, code, WEAK if rank == unit_aliases.OLD_SHORT else STRONG)
        for code, info in units.items():
            for text, strength in _forms(info):
                self._add(text, code, strength)
            parent = units.get(info.path[-2]) if len(info.path) >= 2 else None
            if parent is not None:
                for text in _without_parent_kind(info.name, parent.name):
                    self._add(text, code, STRONG)

    def _add(self, text: str, code: str, strength: int) -> None:
        for key in form_keys(text):  # as written ("snv") and abbreviations expanded
            if 0 < len(key) <= MAX_RUN:
                codes = self._forms.setdefault(key, {})
                if codes.get(code, WEAK) > strength or code not in codes:
                    codes[code] = strength

    def in_order(self, codes: Iterable[str]) -> list[str]:
        """Return codes in the order of the unit list (the tree's order)."""
        return sorted(codes, key=self._order.__getitem__)

    def runs(self, words: list[str]) -> list[tuple[int, int, dict[str, int]]]:
        """Return (start, end, codes with strength) for every run of words that is a form."""
        groups = word_groups(words)
        found = []
        for a in range(len(groups)):
            for b in range(a + 1, len(groups) + 1):
                if groups[b - 1][1] - groups[a][0] > MAX_RUN:
                    break
                codes: dict[str, int] = {}
                spellings = product(*(readings for _, _, readings in groups[a:b]))
                for n, spelling in enumerate(spellings):
                    if n == MAX_READINGS:
                        break
                    key = tuple(w for part in spelling for w in part)
                    for code, strength in self._forms.get(key, {}).items():
                        codes[code] = min(codes.get(code, strength), strength)
                if codes:
                    found.append((groups[a][0], groups[b - 1][1], codes))
        return found

    def read(self, query: str) -> UnitReading | None:
        """Return the likeliest reading of the units a query names, or None if it names none.

        A reading is one run naming the unit and any other runs naming units above it; the
        reading covering the most words wins, then a strong one, then the one naming fewest
        units. Readings tied on all three add their units up.
        """
        words = folded_words(query)[:MAX_WORDS]
        runs = self.runs(words)
        best: tuple | None = None
        readings: list[tuple[tuple, list[str], frozenset[int]]] = []
        for target in runs:
            for codes, used, strong in self._with_places(target, runs):
                score = (len(used), strong, -len(codes))
                if best is None or score > best:
                    best, readings = score, []
                if score == best:
                    readings.append((score, codes, used))
        if best is None:
            return None
        codes = self.in_order({c for _, cs, _ in readings for c in cs})
        return UnitReading(codes, readings[0][2], words, best[1])

    def _with_places(
        self, target: tuple[int, int, dict[str, int]], runs: list
    ) -> Iterator[tuple[list[str], frozenset[int], bool]]:
        """Yield (codes, positions used, strong) for a run's units with the runs above them."""
        start, end, codes = target
        others = [r for r in runs if r[1] <= start or r[0] >= end]
        places = {c for r in others for c in r[2]}
        by_places: dict[frozenset[str], list[str]] = defaultdict(list)
        for code in codes:
            above = frozenset(c for c in self._paths[code][:-1] if c in places)
            by_places[above].append(code)
        for above, found in by_places.items():
            chosen = _widest([r for r in others if above & r[2].keys()])
            used = frozenset(range(start, end)).union(*(range(r[0], r[1]) for r in chosen))
            strong = bool(chosen) or any(codes[c] == STRONG for c in found)
            yield found, used, strong


def _widest(runs: list) -> list:
    """Return the runs, not overlapping, that cover the most words (few runs: tried in turn)."""
    best: list = []
    best_len = 0
    for mask in range(1, 1 << min(len(runs), 10)):
        chosen = [r for i, r in enumerate(runs) if mask >> i & 1]
        spans = sorted((r[0], r[1]) for r in chosen)
        if any(a[1] > b[0] for a, b in zip(spans, spans[1:], strict=False)):
            continue
        covered = sum(b - a for a, b in spans)
        if covered > best_len:
            best, best_len = chosen, covered
    return best
