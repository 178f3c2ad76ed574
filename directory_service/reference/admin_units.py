"""Read the pinned administrative-unit snapshots in ``directory_service/data``.

Two structures are available:

- ``"2025"``: since 1 July 2025, 34 provinces and 3,321 communes/wards/special zones, two tiers;
- ``"legacy"``: before that date, 63 provinces, districts and communes, three tiers.

The snapshots are generated once by ``tools/make_admin_snapshot.py`` from a named, pinned release
of the MIT-licensed ``vietnamadminunits`` package (see each file's metadata), which is not a
runtime dependency. Codes are the statistics office's; the same code may denote different units
in the two structures (province codes were reassigned in 2025), so always pass the structure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from directory_service import text

DATA_DIR = Path(__file__).resolve().parent / "data"
STRUCTURE_2025 = "2025"
STRUCTURE_LEGACY = "legacy"
STRUCTURES = (STRUCTURE_2025, STRUCTURE_LEGACY)
_FILES = {
    STRUCTURE_2025: "admin_units_2025.json",
    STRUCTURE_LEGACY: "admin_units_legacy.json",
}
MAPPING_FILE = "admin_units_2025_mapping.json"
_SECTIONS = ("provinces", "districts", "communes")


@dataclass(frozen=True)
class AdminUnit:
    """An administrative unit from a snapshot: a province, a legacy district or a commune."""

    code: str
    name: str  # full name with its kind word, e.g. "Phường Ba Đình", "Quận Ba Đình"
    short_name: str  # e.g. "Ba Đình"
    type: str  # a model unit-type constant (tinh, thanh-pho, huyen, xa, phuong, dac-khu, thi-tran)
    province: str | None = None  # the province code, for districts and communes
    district: str | None = None  # the district code, for legacy communes


def _check(structure: str) -> str:
    """Return the structure name, or raise ValueError for an unknown one."""
    if structure not in _FILES:
        raise ValueError(f"unknown structure {structure!r}; expected one of {STRUCTURES}")
    return structure


@cache
def _load(filename: str) -> dict:
    """Return the parsed JSON of one snapshot file (read once per process)."""
    with open(DATA_DIR / filename, encoding="utf-8") as handle:
        return json.load(handle)


@cache
def _units(structure: str, section: str) -> dict[str, AdminUnit]:
    """Return one section of a snapshot as AdminUnit records keyed by code, in code order."""
    data = _load(_FILES[_check(structure)])
    columns = data["columns"].get(section)
    if columns is None:
        return {}
    units = {}
    for code, row in data[section].items():
        fields = dict(zip(columns, row, strict=True))
        units[code] = AdminUnit(
            code=code,
            name=text.nfc(fields["name"]),
            short_name=text.nfc(fields["short_name"]),
            type=fields["type"],
            province=fields.get("province"),
            district=fields.get("district"),
        )
    return units


def metadata(structure: str = STRUCTURE_2025) -> dict:
    """Return a snapshot's metadata: source, source_version, license, generated, counts, ..."""
    data = _load(_FILES[_check(structure)])
    return {key: value for key, value in data.items() if key not in _SECTIONS}


def provinces(structure: str = STRUCTURE_2025) -> list[AdminUnit]:
    """Return the provinces and centrally-run cities of a structure, in code order."""
    return list(_units(structure, "provinces").values())


def districts(structure: str = STRUCTURE_LEGACY) -> list[AdminUnit]:
    """Return the districts of a structure in code order (none for 2025)."""
    return list(_units(structure, "districts").values())


def communes(structure: str = STRUCTURE_2025) -> list[AdminUnit]:
    """Return the communes, wards, townships and special zones of a structure, in code order."""
    return list(_units(structure, "communes").values())


def by_code(structure: str = STRUCTURE_2025) -> dict[str, AdminUnit]:
    """Return every province, district and commune of a structure keyed by code."""
    merged: dict[str, AdminUnit] = {}
    for section in _SECTIONS:
        merged.update(_units(structure, section))
    return merged


def lookup(code: str, structure: str = STRUCTURE_2025) -> AdminUnit | None:
    """Return the province, district or commune with this code in a structure, or None."""
    for section in _SECTIONS:
        unit = _units(structure, section).get(code)
        if unit is not None:
            return unit
    return None


def province_of(code: str, structure: str = STRUCTURE_2025) -> AdminUnit | None:
    """Return the province a province, district or commune code belongs to, or None."""
    unit = lookup(code, structure)
    if unit is None or unit.province is None:
        return unit
    return _units(structure, "provinces")[unit.province]


def mapping_metadata() -> dict:
    """Return the metadata of the legacy -> 2025 commune mapping file."""
    return {key: value for key, value in _load(MAPPING_FILE).items() if key != "mapping"}


@cache
def _mapping() -> dict[str, tuple[str, ...]]:
    """Return the legacy -> 2025 mapping with every value as a tuple, default successor first."""
    raw = _load(MAPPING_FILE)["mapping"]
    return {old: (new,) if isinstance(new, str) else tuple(new) for old, new in raw.items()}


def successors(legacy_code: str) -> tuple[str, ...]:
    """Return the 2025 commune codes a legacy commune (or island district) went into.

    The first code is the default successor; a unit split between several new communes has more
    than one. An unknown code gives an empty tuple.
    """
    return _mapping().get(legacy_code, ())
