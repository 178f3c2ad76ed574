"""Units as the web shows them: sub-units, people counts (cached) and people in rank order."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import ldap.filter

from directory_service.directory.store import (
    PERSON_ATTRS,
    UNITS_LIMIT,
    Directory,
    PersonInfo,
    UnitInfo,
    person_from_entry,
)
from directory_service.model import (
    BRANCH,
    CITY,
    COMMUNE,
    DISTRICT,
    GOVERNMENT_AGENCY,
    MINISTERIAL_AGENCY,
    MINISTRY,
    PROVINCE,
    SPECIAL_ZONE,
    TOWNSHIP,
    WARD,
)
from directory_service.reference.positions import title_rank
from directory_service.text import sort_key_parts, word_sort_key

COUNT_TTL = 300.0  # seconds a subtree's people count is reused
COUNT_LIMIT = 100 * UNITS_LIMIT  # past the web account's soft limit: a branch holds everyone
UNIT_PEOPLE_LIMIT = 10_000  # people listed on one unit's page (a unit holds a few hundred)
LEADER_RANK_LIMIT = title_rank("Chuyên viên cao cấp")  # titles ranked above it lead a unit

# Sub-units are listed by kind, then by name: agencies before provinces, a province's
# departments and offices before its communes.
_GROUPS = {
    MINISTRY: 0,
    MINISTERIAL_AGENCY: 1,
    GOVERNMENT_AGENCY: 2,
    CITY: 3,
    PROVINCE: 3,
    DISTRICT: 5,
    COMMUNE: 6,
    WARD: 6,
    SPECIAL_ZONE: 6,
    TOWNSHIP: 6,
}
_OTHER_GROUP = 4


@dataclass(frozen=True)
class UnitPeople:
    """The people directly in a unit: leaders by rank, then staff by name."""

    leaders: list[PersonInfo]
    staff: list[PersonInfo]
    truncated: bool = False

    @property
    def everyone(self) -> list[PersonInfo]:
        """Return leaders then staff, in the order the page shows them."""
        return self.leaders + self.staff


def people_filter(attr: str, code: str) -> str:
    """Return the filter for the active people whose attr (unit code or path) holds code."""
    template = f"(&(objectClass=govdirPerson)(!(govdirStatus=left))({attr}=%s))"
    return ldap.filter.filter_format(template, [code])


def name_key(person: PersonInfo) -> tuple[str, ...]:
    """Return a person's Vietnamese name-order sort key."""
    return sort_key_parts(person.family, person.middle, person.given)


def order_people(people: list[PersonInfo], truncated: bool = False) -> UnitPeople:
    """Split people into leaders (by government rank, then name) and staff (by name)."""
    leaders = [p for p in people if title_rank(p.title) < LEADER_RANK_LIMIT]
    staff = [p for p in people if title_rank(p.title) >= LEADER_RANK_LIMIT]
    leaders.sort(key=lambda p: (title_rank(p.title), name_key(p)))
    staff.sort(key=name_key)
    return UnitPeople(leaders, staff, truncated)


def unit_order(unit: UnitInfo) -> tuple:
    """Return the sort key of a unit among its siblings: kind, then Vietnamese name order."""
    return _GROUPS.get(unit.type, _OTHER_GROUP), word_sort_key(unit.name)


class UnitTree:
    """The unit tree over one Directory: children, ancestors, people and cached people counts."""

    def __init__(self, directory: Directory, count_ttl: float = COUNT_TTL):
        self.directory = directory
        self.count_ttl = count_ttl
        self._counts: dict[str, tuple[int, float]] = {}
        self._index: tuple[dict, dict[str, list[UnitInfo]]] | None = None
        self._lock = threading.Lock()

    def unit(self, code: str) -> UnitInfo | None:
        """Return the unit with this code, or None."""
        return self.directory.unit(code)

    def _children_index(self) -> dict[str, list[UnitInfo]]:
        units = self.directory.units()
        index = self._index
        if index is None or index[0] is not units:
            kids: dict[str, list[UnitInfo]] = {}
            for u in units.values():
                if len(u.path) >= 2:
                    kids.setdefault(u.path[-2], []).append(u)
            for siblings in kids.values():
                siblings.sort(key=unit_order)
            self._index = index = (units, kids)
        return index[1]

    def children(self, code: str) -> list[UnitInfo]:
        """Return the units directly under a unit, by kind then name."""
        return list(self._children_index().get(code, ()))

    def has_children(self, code: str) -> bool:
        """Tell whether any unit sits directly under this one."""
        return bool(self._children_index().get(code))

    def ancestors(self, unit: UnitInfo) -> list[UnitInfo]:
        """Return the units above a unit, from its top branch down to its parent."""
        units = self.directory.units()
        return [units[c] for c in unit.path[:-1] if c in units]

    def people_count(self, code: str) -> int:
        """Return how many active people a unit's whole subtree holds, cached for count_ttl."""
        now = time.monotonic()
        with self._lock:
            cached = self._counts.get(code)
        if cached is not None and now - cached[1] < self.count_ttl:
            return cached[0]
        unit = self.unit(code)
        if unit is not None and unit.type == BRANCH:
            # A branch holds nearly everyone: add up its children (counted, and cached, anyway
            # next to it) and the few people directly in it, rather than fetch every DN again.
            count = self._count("govdirUnitCode", code)
            count += sum(self.people_count(c.code) for c in self.children(code))
        else:
            count = self._count("govdirUnitPath", code)
        with self._lock:
            self._counts[code] = (count, time.monotonic())
        return count

    def _count(self, attr: str, code: str) -> int:
        # "1.1" asks for no attributes: only the DNs come back, to be counted.
        entries, _ = self.directory.search(people_filter(attr, code), ["1.1"], limit=COUNT_LIMIT)
        return len(entries)

    def people(self, code: str) -> UnitPeople:
        """Return the active people directly in a unit, leaders first."""
        entries, truncated = self.directory.search(
            people_filter("govdirUnitCode", code), PERSON_ATTRS, limit=UNIT_PEOPLE_LIMIT
        )
        return order_people([person_from_entry(*e) for e in entries], truncated)
