"""Read the legacy -> 2025 commune mapping and check every entry against the snapshots."""

from __future__ import annotations

import json
from pathlib import Path

from directory_service.reference import admin_units

DEFAULT_MAPPING = admin_units.DATA_DIR / admin_units.MAPPING_FILE
_SHOWN = 10  # problems listed in an error; the count says how many more


class MappingError(ValueError):
    """The mapping file cannot be read, or names codes the snapshots do not know."""


def _problems_text(problems: list[str]) -> str:
    """Return the first few problems, one a line, and how many more there are."""
    shown = "\n  ".join(problems[:_SHOWN])
    more = f"\n  ... and {len(problems) - _SHOWN:,} more" if len(problems) > _SHOWN else ""
    return f"\n  {shown}{more}"


def load_mapping(path: str | Path | None = None) -> dict[str, tuple[str, ...]]:
    """Return legacy code -> 2025 commune codes (default successor first) from a mapping file.

    The file has the snapshot's format: {"mapping": {legacy code: new code or [codes]}}. Every
    key must be a legacy commune, or a legacy district (the island districts that had no
    communes), and every value a 2025 commune; otherwise MappingError lists the entries.
    """
    path = Path(path) if path else DEFAULT_MAPPING
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise MappingError(f"cannot read the mapping {path}: {e}") from e
    entries = raw.get("mapping") if isinstance(raw, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise MappingError(f'{path}: no "mapping" object of legacy code -> 2025 code')
    legacy = admin_units.STRUCTURE_LEGACY
    old_units = {u.code for u in admin_units.communes(legacy) + admin_units.districts(legacy)}
    new_communes = {u.code for u in admin_units.communes(admin_units.STRUCTURE_2025)}
    out: dict[str, tuple[str, ...]] = {}
    problems: list[str] = []
    for old, new in entries.items():
        codes = (new,) if isinstance(new, str) else tuple(new) if isinstance(new, list) else ()
        if old not in old_units:
            problems.append(f"{old}: not a commune or district of the legacy tree")
        elif not codes or not all(isinstance(c, str) for c in codes):
            problems.append(f"{old}: the successor must be a code or a list of codes")
        elif unknown := [c for c in codes if c not in new_communes]:
            problems.append(f"{old} -> {', '.join(unknown)}: not a commune of the 2025 tree")
        else:
            out[old] = codes
    if problems:
        raise MappingError(f"{path}: {len(problems):,} unknown entries:{_problems_text(problems)}")
    return out
