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

from directory_service import model
from directory_service.model import Unit
from directory_service.reference import unit_aliases
from directory_service.reference.unit_keys import folded_words, form_keys, word_groups

if TYPE_CHECKING:
    from directory_service.directory.store import UnitInfo

STRONG, WEAK = 0, 1
PLACE, TARGET_ONLY = 0, 1  # a form that may, or may not, name the place of another unit
MAX_WORDS = 24  # words of a query read for units (a long query is not a unit's name)
MAX_RUN = 12  # words in one form: the longest names with their province
PLACE_CACHE = 65536  # forms whose place units are remembered
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


def _without_kind(name: str) -> Iterator[str]:
    """Yield "Kinh tế" for "Phòng Kinh tế": what is left after the kind, two words or more."""
    words = folded_words(name)
    for n in range(_KIND_WORDS, 0, -1):
        if " ".join(words[:n]) in _KINDS and len(words) - n >= 2:
            yield " ".join(words[n:])
            return


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


def _alias_kind(text: str, rank: int) -> tuple[int, int, int]:
    """Return (strength, rank, place) of an alias: bare short names weak, committees no places."""
    bare = rank in (unit_aliases.CURRENT_SHORT, unit_aliases.OLD_SHORT)
    committee = text.startswith(unit_aliases.COMMITTEE)
    return (WEAK if bare and not committee else STRONG), rank, (TARGET_ONLY if committee else PLACE)


def _forms(info: UnitInfo) -> Iterator[tuple[str, int]]:
    """Yield the texts of a unit's own forms (not its aliases), and whether they name places."""
    yield info.code, PLACE
    if info.mail:
        for form in _mail_forms(info.mail.lower()):
            # "ubnd" alone is every province's mailbox: a unit, never a place.
            yield form, PLACE if "@" in form else TARGET_ONLY
    if info.english_name:
        yield info.english_name, PLACE
    initials = _initials(info.name)
    if initials:
        yield initials, PLACE


class UnitNames:
    """Every unit's forms, looked up by folded word tuples, and the units' paths."""

    def __init__(self, units: dict[str, UnitInfo]):
        self._order = {code: n for n, code in enumerate(units)}
        self._paths = {code: u.path for code, u in units.items()}
        self._below: dict[str, list[str]] = {}  # code -> every unit under it
        for code, u in units.items():
            for above in u.path[:-1]:
                self._below.setdefault(above, []).append(code)
        self._place_cache: dict[tuple[str, ...], frozenset[str]] = {}
        self._best_cache: dict[tuple[str, ...], tuple[int, list[str]]] = {}
        # form -> {code: quality}: 8 * target only + 4 * strength + alias rank, lower is better
        self._forms: dict[tuple[str, ...], dict[str, int]] = {}
        by_code = {code: _as_unit(u) for code, u in units.items()}
        for text, code, rank, _ in unit_aliases.current_aliases(by_code.values(), by_code):
            self._add(text, code, *_alias_kind(text, rank))
        for text, code, rank, _ in unit_aliases.old_aliases(set(by_code), by_code):
            self._add(text, code, *_alias_kind(text, rank))
        for code, info in units.items():
            for text, place in _forms(info):
                self._add(text, code, STRONG, 0, place)
            parent = units.get(info.path[-2]) if len(info.path) >= 2 else None
            if parent is not None:
                for text in _without_parent_kind(info.name, parent.name):
                    self._add(text, code, STRONG)
            if info.type not in model.ADMINISTRATIVE_TYPES:
                for text in _without_kind(info.name):
                    self._add(text, code, WEAK)

    def _add(self, text: str, code: str, strength: int, rank: int = 0, place: int = PLACE) -> None:
        quality = place * 8 + strength * 4 + rank
        for key in form_keys(text):  # as written ("snv") and abbreviations expanded
            if 0 < len(key) <= MAX_RUN:
                codes = self._forms.setdefault(key, {})
                if quality < codes.get(code, quality + 1):
                    codes[code] = quality

    def in_order(self, codes: Iterable[str]) -> list[str]:
        """Return codes in the order of the unit list (the tree's order)."""
        return sorted(codes, key=self._order.__getitem__)

    def runs(self, words: list[str]) -> list[tuple[int, int, dict[str, int], frozenset[str]]]:
        """Return (start, end, codes with quality, codes it may be a place of) for each form.

        A People's Committee ("UBND tỉnh Bắc Ninh") is a unit, not the place of another.
        """
        groups = word_groups(words)
        found = []
        for a in range(len(groups)):
            for b in range(a + 1, len(groups) + 1):
                if groups[b - 1][1] - groups[a][0] > MAX_RUN:
                    break
                hits = []
                spellings = product(*(readings for _, _, readings in groups[a:b]))
                for n, spelling in enumerate(spellings):
                    if n == MAX_READINGS:
                        break
                    key = tuple(w for part in spelling for w in part)
                    if key in self._forms:
                        hits.append(key)
                if not hits:
                    continue
                # "hdnd" typed and spelled out often name the same units: one table, not merged
                hits = [k for i, k in enumerate(hits)
                        if all(self._forms[k] != self._forms[j] for j in hits[:i])]  # fmt: skip
                key = hits[0] if len(hits) == 1 else None
                if key is not None:  # the usual case: the table's own dict, not copied
                    codes, places = self._forms[key], self._places(key)
                else:
                    codes = {}
                    for key in hits:
                        for code, quality in self._forms[key].items():
                            codes[code] = min(codes.get(code, quality), quality)
                    places = frozenset().union(*(self._places(k) for k in hits))
                found.append((groups[a][0], groups[b - 1][1], codes, places, key))
        return found

    def _best(self, key: tuple[str, ...]) -> tuple[int, list[str]]:
        """Return the best quality among a form's units, and those units (cached)."""
        best = self._best_cache.get(key)
        if best is None:
            best = _best(self._forms[key], self._forms[key])
            if len(self._best_cache) < PLACE_CACHE:
                self._best_cache[key] = best
        return best

    def _places(self, key: tuple[str, ...]) -> frozenset[str]:
        """Return the units a form names that may be the place of another (cached)."""
        places = self._place_cache.get(key)
        if places is None:
            places = frozenset(
                c for c, q in self._forms[key].items() if q < TARGET_ONLY * 8 and c in self._below
            )  # only units with units under them can be places
            if len(self._place_cache) < PLACE_CACHE:
                self._place_cache[key] = places
        return places

    def read(self, query: str) -> UnitReading | None:
        """Return the likeliest reading of the units a query names, or None if it names none."""
        readings = self.readings(query, 1)
        return readings[0] if readings else None

    def readings(self, query: str, most: int = 3) -> list[UnitReading]:
        """Return the likeliest readings of the units a query names, best first.

        A reading is one run naming the unit and any other runs naming units above it. The
        reading covering the most words wins, then a strong one, then the one of fewer runs,
        then current names before old ones, then the one naming fewest units. Readings tied
        on all of these add their units up.
        """
        words = folded_words(query)[:MAX_WORDS]
        runs = self.runs(words)
        scored: dict[tuple, list[tuple[list[str], frozenset[int]]]] = defaultdict(list)
        for target in runs:
            for score, codes, used in self._with_places(target, runs):
                scored[score].append((codes, used))
        out = []
        for score in sorted(scored, reverse=True)[:most]:
            tied = scored[score]
            codes = self.in_order({c for cs, _ in tied for c in cs})
            out.append(UnitReading(codes, tied[0][1], words, score[1]))
        return out

    def _with_places(
        self, target: tuple, runs: list
    ) -> Iterator[tuple[tuple, list[str], frozenset[int]]]:
        """Yield (score, codes, positions used) for a run's units with the runs above them.

        The run's units are grouped by which of the other runs' units lie above them; each
        group is read with the widest set of those runs that do not overlap.
        """
        start, end, codes, _, key = target
        others = [r for r in runs if (r[1] <= start or r[0] >= end) and r[3]]
        above: dict[str, set[str]] = defaultdict(set)  # code -> the places named above it
        for place in frozenset().union(*(r[3] for r in others)):
            for code in self._below.get(place, ()):
                if code in codes:
                    above[code].add(place)
        groups: dict[frozenset[str], list[str]] = defaultdict(list)
        for code, places in above.items():
            groups[frozenset(places)].append(code)
        if not above:  # else the units without a place above cover fewer words: never best
            groups[frozenset()] = codes
        for places, found in groups.items():
            chosen = _widest([r for r in others if places & r[3]]) if places else []
            used = frozenset(range(start, end)).union(*(range(r[0], r[1]) for r in chosen))
            if found is codes and key is not None:
                quality, found = self._best(key)
            else:
                quality, found = _best(codes, found)
            strong = bool(chosen) or quality % 8 < WEAK * 4
            ranks = quality % 4 + sum(min(r[2][c] % 4 for c in places & r[3]) for r in chosen)
            score = (len(used), strong, -len(chosen), -ranks, -len(found))
            yield score, found, used


def _best(codes: dict[str, int], found: Iterable[str]) -> tuple[int, list[str]]:
    """Return the best quality of the found units, and those of them that have it."""
    quality = min(codes[c] for c in found)
    return quality, [c for c in found if codes[c] == quality]  # current names before old


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
