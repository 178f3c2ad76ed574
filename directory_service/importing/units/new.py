"""Units an import creates (``govdir import --create-units``): their code, type and name.

A new unit's code is its parent's code, a hyphen and the initials of its folded name with the
usual abbreviations expanded ("Phòng Hành chính - Tổng hợp" under ``01-STP`` is
``01-STP-PHCTH``), the way the tree's own codes are made (``00004-PVHXH``). Where that code is
taken anywhere in the country, a short digest of the folded name (the key names are matched by)
follows (``01-STP-PHCTH-3F2A``).
The code depends only on the parent, the name and the codes that exist, so a dry run and the
apply after it agree; once created, the unit is matched by its name, so a re-run makes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Container

from directory_service import model
from directory_service.importing.read.cells import clean_cell
from directory_service.reference.unit_keys import unit_key
from directory_service.text import fold_key, nfc

MAX_INITIALS = 12
FALLBACK_INITIALS = "DV"  # đơn vị, for a name without letters or digits
# Folded first words of a unit name -> its type; the longest match wins, the default is Phòng.
_TYPES = {
    ("trung", "tam", "y", "te"): model.HEALTH,
    ("tram", "y", "te"): model.HEALTH,
    ("benh", "vien"): model.HEALTH,
    ("truong",): model.EDUCATION,
    ("van", "phong"): model.OFFICE,
    ("thanh", "tra"): model.INSPECTORATE,
    ("trung", "tam"): model.CENTRE,
    ("chi", "cuc"): model.AGENCY,
    ("tong", "cuc"): model.AGENCY,
    ("cuc",): model.AGENCY,
    ("vu",): model.DEPARTMENT,
    ("so",): model.PROVINCIAL_DEPARTMENT,
    ("phong",): model.DIVISION,
}


def unit_type(name: str) -> str:
    """Return the type a unit's name tells (Văn phòng, Thanh tra, Cục, Vụ, ...), else Phòng."""
    words = tuple(fold_key(name).split())
    for size in (4, 3, 2, 1):
        kind = _TYPES.get(words[:size])
        if kind is not None:
            return kind
    return model.DIVISION


def unit_name(text: str) -> str:
    """Return a new unit's name as the file writes it: NFC, spaces collapsed."""
    return nfc(clean_cell(text))


def _initials(name: str) -> str:
    words = unit_key(name)[1].split()
    letters = "".join(w if w.isdigit() else w[0] for w in words if w.isalnum())
    return letters.upper()[:MAX_INITIALS] or FALLBACK_INITIALS


def new_unit_code(parent_code: str, name: str, taken: Container[str]) -> str:
    """Return a code for a new unit that no unit has; taken holds every code, case-folded."""
    code = f"{parent_code}-{_initials(name)}"
    if code.casefold() not in taken:
        return code
    digest = hashlib.sha1(unit_key(name)[1].encode()).hexdigest().upper()
    for size in range(4, len(digest) + 1):
        candidate = f"{code}-{digest[:size]}"
        if candidate.casefold() not in taken:
            return candidate
    raise ValueError(f"no free code for a new unit {name!r} under {parent_code}")
