"""Decide where each legacy unit goes in the 2025 tree, and what each 2025 unit keeps of it.

- a legacy commune goes into its default successor (the mapping's first code);
- a legacy district goes into the commune among its communes' successors that bears its name
  ("Quận Ba Đình" -> "Phường Ba Đình"), else the one that took most of its communes; an island
  district the mapping lists goes where the mapping says;
- a legacy province goes into the 2025 province that took most of its communes;
- a province department goes into the same department of that province, or the one it merged
  into in 2025 (``MERGED_DEPARTMENTS``: Sở Thông tin và Truyền thông -> Sở Khoa học và Công
  nghệ);
- a unit an import created under the legacy tree moves, with its code, under where its parent
  went.

Each 2025 unit keeps the names of the legacy units that went into it, and their codes unless
a unit holds that code today (``govdirFormerName``, ``govdirFormerCode``), so imports of lists
made before 1 July 2025 still find it. A 2025 unit with the code of a legacy unit that went
into it is that unit's continuation: its entry keeps the legacy entry's identity (entryUUID,
creation stamp) and the contact details its admins set.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from directory_service import model, text
from directory_service.entries.build import TreeIndex
from directory_service.model import Unit
from directory_service.reference import admin_units, tree
from directory_service.reference.unit_aliases import MERGED_DEPARTMENTS

COMMUNE_TYPES = frozenset({model.COMMUNE, model.WARD, model.TOWNSHIP, model.SPECIAL_ZONE})
PROVINCE_TYPES = frozenset({model.PROVINCE, model.CITY})
# What the 2025 tree says of a unit; everything else on a continued entry is kept.
REFERENCE_ATTRS = frozenset(
    name.lower()
    for name in (
        "objectClass", "ou", "govdirUnitCode", "govdirUnitType", "govdirUnitPath",
        "govdirMailDomain", "mail", "govdirAdminCode", "govdirEnglishName",
        "govdirFormerCode", "govdirFormerName",
    )
)  # fmt: skip
KEPT, RENAMED, MERGED, DISTRICT_GONE, MOVED = "kept", "renamed", "merged", "district", "moved"
_SHOWN = 10


class ReorganiseError(RuntimeError):
    """The reorganisation cannot run: slapd is running, or units or the mapping do not fit."""


class AlreadyReorganised(ReorganiseError):
    """The directory holds no legacy tree (it was reorganised already, or never was legacy)."""


@dataclass
class DirUnit:
    """A unit entry as read from the directory's dump."""

    dn: str
    attrs: dict[str, list[bytes]]

    def value(self, name: str) -> str:
        """Return the first value of an attribute as text ("" if it has none)."""
        values = self.attrs.get(name)
        return values[0].decode() if values else ""

    @property
    def code(self) -> str:
        """Return the unit's code."""
        return self.value("govdirUnitCode")

    @property
    def name(self) -> str:
        """Return the unit's (accented) name."""
        return self.value("ou")

    @property
    def type(self) -> str:
        """Return the unit's type."""
        return self.value("govdirUnitType")

    @property
    def path(self) -> tuple[str, ...]:
        """Return the codes from the top branch down to the unit."""
        return tuple(v.decode() for v in self.attrs.get("govdirUnitPath", ()))


@dataclass
class UnitMove:
    """Where one unit of the directory went: its successor and how."""

    old_code: str
    old_name: str
    old_type: str
    how: str  # KEPT, RENAMED, MERGED, DISTRICT_GONE or MOVED
    new_code: str
    new_name: str
    people: int = 0  # entries that were directly under it (filled while rewriting)


@dataclass
class Plan:
    """The 2025 local branch to write and where every entry under the legacy one goes."""

    index: TreeIndex  # the 2025 local branch and the moved units, for DNs and paths
    emit: dict[str, tuple[str, dict[str, list[bytes]]]]  # code -> entry, in tree order
    targets: dict[str, str]  # lower-cased DN of a unit of the directory -> code it went into
    moves: dict[str, UnitMove]  # by the old unit's lower-cased DN
    successor: dict[str, str]  # legacy-tree unit code -> the code of its successor
    branch_suffix: str  # ",<local branch DN>", lower-cased
    former: dict[str, Unit] = field(default_factory=dict)  # 2025 units given former values


def _problems(title: str, problems: list[str]) -> ReorganiseError:
    """Return an error listing the first few problems and how many there are."""
    shown = "\n  ".join(problems[:_SHOWN])
    more = f"\n  ... and {len(problems) - _SHOWN:,} more" if len(problems) > _SHOWN else ""
    return ReorganiseError(f"{title} ({len(problems):,}):\n  {shown}{more}")


def _new_province(commune_code: str) -> str:
    """Return the 2025 province of a 2025 commune."""
    return admin_units.lookup(commune_code, admin_units.STRUCTURE_2025).province


def _district_successor(
    district: admin_units.AdminUnit, communes: list[str], mapping: dict[str, tuple[str, ...]]
) -> str | None:
    """Return the commune a district's entries go into (see the module's rules), or None."""
    if district.code in mapping:
        return mapping[district.code][0]
    successors = [mapping[c][0] for c in communes if c in mapping]
    if not successors:
        return None
    name = text.fold(district.short_name).lower()
    for code in dict.fromkeys(successors):
        unit = admin_units.lookup(code, admin_units.STRUCTURE_2025)
        if text.fold(unit.short_name).lower() == name:
            return code
    return Counter(successors).most_common(1)[0][0]


def legacy_successors(mapping: dict[str, tuple[str, ...]]) -> tuple[dict[str, str], list[str]]:
    """Return legacy snapshot code -> 2025 code for communes, districts, provinces, departments.

    Also return the problems: legacy units the mapping gives no successor.
    """
    legacy = admin_units.STRUCTURE_LEGACY
    out: dict[str, str] = {}
    problems: list[str] = []
    by_district: dict[str, list[str]] = defaultdict(list)
    by_province: dict[str, Counter[str]] = defaultdict(Counter)
    for commune in admin_units.communes(legacy):
        by_district[commune.district].append(commune.code)
        if commune.code in mapping:
            out[commune.code] = mapping[commune.code][0]
            by_province[commune.province][_new_province(out[commune.code])] += 1
    for district in admin_units.districts(legacy):
        code = _district_successor(district, by_district[district.code], mapping)
        if code is not None:
            out[district.code] = code
            if not by_district[district.code]:
                by_province[district.province][_new_province(code)] += 1
    new_codes = {u.code for u in tree.build_tree(admin_units.STRUCTURE_2025)}
    for province in admin_units.provinces(legacy):
        if not by_province[province.code]:
            problems.append(f"{province.code} {province.name}: none of its communes is mapped")
            continue
        out[province.code] = new = by_province[province.code].most_common(1)[0][0]
        for suffix, *_ in tree.PROVINCE_DEPARTMENTS_LEGACY:
            successor = f"{new}-{MERGED_DEPARTMENTS.get(suffix, suffix)}"
            if successor in new_codes:
                out[f"{province.code}-{suffix}"] = successor
    return out, problems


def _classify(units: list[DirUnit]) -> tuple[list[DirUnit], list[DirUnit], list[str]]:
    """Split the local branch's units into legacy-tree ones and import-created ones."""
    legacy = tree.index_by_code(tree.build_tree(admin_units.STRUCTURE_LEGACY))
    old, created, problems = [], [], []
    for unit in units:
        if len(unit.path) < 2 or unit.path[0] != tree.LOCAL_BRANCH:
            continue
        ref = legacy.get(unit.code)
        if ref is not None and ref.type == unit.type:
            old.append(unit)
        elif unit.type in model.ADMINISTRATIVE_TYPES:
            problems.append(f"{unit.code} {unit.name}: not in the legacy snapshot")
        else:
            created.append(unit)
    return old, created, problems


def _how(unit: DirUnit, new: Unit) -> str:
    """Return how a legacy unit went into its successor."""
    if unit.type == model.DISTRICT:
        return DISTRICT_GONE
    if new.code != unit.code:
        return MERGED
    return KEPT if new.name == unit.name else RENAMED


def _continued(old: DirUnit | None, new_attrs: dict[str, list[bytes]]) -> dict[str, list[bytes]]:
    """Return a 2025 unit's entry, keeping its predecessor's identity and contact details."""
    if old is None:
        return new_attrs
    kept = {k: v for k, v in old.attrs.items() if k.lower() not in REFERENCE_ATTRS}
    return new_attrs | kept


def make_plan(units: list[DirUnit], mapping: dict[str, tuple[str, ...]], base_dn: str) -> Plan:
    """Return the plan of the reorganisation of a directory holding these units.

    Raises AlreadyReorganised when the directory holds no district, and ReorganiseError,
    listing them, when units or the mapping do not fit.
    """
    if not any(u.type == model.DISTRICT for u in units):
        raise AlreadyReorganised("the directory already holds the 2025 tree: nothing to do")
    old, created, problems = _classify(units)
    successor, unmapped = legacy_successors(mapping)
    for unit in old:
        if unit.code not in successor:
            problems.append(f"{unit.code} {unit.name}: the mapping gives it no successor")
    problems += unmapped
    whole = tree.build_tree(admin_units.STRUCTURE_2025)
    branch_unit = next(u for u in whole if u.code == tree.LOCAL_BRANCH)
    local = [branch_unit, *tree.descendants(whole, tree.LOCAL_BRANCH)]
    new_by_code = {u.code: u for u in local}
    taken = set(new_by_code) | {u.code for u in created}
    for unit in created:
        if unit.code in new_by_code:
            problems.append(f"{unit.code} {unit.name}: its code is a 2025 unit's")
    if problems:
        raise _problems("the directory's units do not fit the mapping", problems)

    names: dict[str, list[str]] = defaultdict(list)
    codes: dict[str, list[str]] = defaultdict(list)
    moves: dict[str, UnitMove] = {}
    targets: dict[str, str] = {}
    predecessor: dict[str, DirUnit] = {}
    for unit in sorted(old, key=lambda u: u.code):
        new = new_by_code[successor[unit.code]]
        targets[unit.dn.lower()] = new.code
        moves[unit.dn.lower()] = UnitMove(
            unit.code, unit.name, unit.type, _how(unit, new), new.code, new.name
        )
        if unit.name != new.name and unit.name not in names[new.code]:
            names[new.code].append(unit.name)
        if unit.code != new.code and unit.code not in taken:
            codes[new.code].append(unit.code)
        if unit.code == new.code:
            predecessor[new.code] = unit
    former = {}
    for code in sorted(set(names) | set(codes)):
        unit = new_by_code[code]
        former[code] = new_by_code[code] = dataclasses.replace(
            unit, former_codes=tuple(codes[code]), former_names=tuple(names[code])
        )
    index = TreeIndex(local, base_dn)
    emit = {}
    for unit in local:
        unit = new_by_code[unit.code]
        if unit.code == tree.LOCAL_BRANCH:
            continue  # the branch entry stays as it is
        dn, attrs = index.unit_entry(unit)
        emit[unit.code] = (dn, _continued(predecessor.get(unit.code), attrs))
    for unit in units:
        if unit.code == tree.LOCAL_BRANCH:
            targets[unit.dn.lower()] = unit.code  # a unit created right under the branch
    for unit in sorted(created, key=lambda u: len(u.path)):
        parent_dn = unit.dn.split(",", 1)[1].lower()
        parent = targets[parent_dn]
        index.add(Unit(unit.code, unit.name, unit.type, parent))
        targets[unit.dn.lower()] = unit.code
        attrs = dict(unit.attrs, govdirUnitPath=[c.encode() for c in index.paths[unit.code]])
        emit[unit.code] = (index.dns[unit.code], attrs)
        name = index.units[parent].name
        moves[unit.dn.lower()] = UnitMove(
            unit.code, unit.name, unit.type, MOVED, unit.code, f"{unit.name}, {name}"
        )
    branch = f",{index.dns[tree.LOCAL_BRANCH]}".lower()
    return Plan(index, emit, targets, moves, successor, branch, former)
