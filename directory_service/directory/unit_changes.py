"""Adding and renaming units on a signed-in admin's behalf (slapd decides whether they may).

A unit's name is copied onto its people (``ou``, and ``o`` below an agency) for mail clients to
show, so a rename rewrites those copies too, each person in its own modify: a rename cut short
by a lost connection leaves the unit renamed and is finished by saving the same form again.
"""

from __future__ import annotations

import ldap.filter

from directory_service.directory.accounts import ActingAs
from directory_service.directory.people import tree_index
from directory_service.directory.store import Directory
from directory_service.entries.build import name_bytes
from directory_service.model import Unit

_COPIED = ("ou", "o")


def add_unit(acting: ActingAs, directory: Directory, unit: Unit) -> str:
    """Add a unit under its parent as the signed-in person; return the new entry's DN."""
    index = tree_index(directory)
    index.add(unit)
    dn, attrs = index.unit_entry(unit)
    acting.add(dn, attrs)
    directory.forget_units()
    return dn


def rename_unit(
    acting: ActingAs, directory: Directory, code: str, name: str, english_name: str | None
) -> int:
    """Rename a unit and its people's copies of the name; return how many people changed."""
    unit = directory.unit(code)
    if unit is None:
        raise LookupError(f"không có đơn vị mã {code} / no unit with code {code}")
    english = [english_name.encode()] if english_name else []
    acting.modify(unit.dn, {"ou": name_bytes(name), "govdirEnglishName": english})
    directory.forget_units()
    index = tree_index(directory)
    people, _ = directory.search(
        f"(&(objectClass=govdirPerson)(govdirUnitPath={ldap.filter.escape_filter_chars(code)}))",
        ["govdirUnitCode", *_COPIED],
        base=unit.dn,
    )
    changed = 0
    for dn, attrs in people:
        unit_code = attrs.get("govdirUnitCode", [b""])[0].decode()
        if unit_code not in index.units:
            continue
        shared = index.shared_attrs(unit_code)
        wanted = {a: shared[a] for a in _COPIED if attrs.get(a, []) != shared[a]}
        if wanted:
            acting.modify(dn, wanted)
            changed += 1
    return changed


def set_unit_mail(acting: ActingAs, directory: Directory, code: str, mail: str | None) -> None:
    """Set (or clear, with None) a unit's mailbox as the signed-in person."""
    unit = directory.unit(code)
    if unit is None:
        raise LookupError(f"không có đơn vị mã {code} / no unit with code {code}")
    acting.modify(unit.dn, {"mail": [mail.encode()] if mail else []})
    directory.forget_units()
