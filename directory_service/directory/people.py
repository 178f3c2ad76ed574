"""Writing one person on a signed-in person's behalf: add, change, mark as left.

The entry is built from the attributes' one definition (``entries``), exactly as the importer
builds it, and written with the signer's proxied authorization: slapd decides whether they may.
"""

from __future__ import annotations

from directory_service.directory.accounts import ActingAs
from directory_service.directory.store import Directory, UnitInfo
from directory_service.entries.attributes import IDENTITY, PERSON
from directory_service.entries.build import TreeIndex
from directory_service.model import STATUS_LEFT, Person, Unit

# What a change rewrites: every attribute but the entry's identity (objectClass, uid).
_REWRITTEN = tuple(a.name for a in PERSON if a.source != IDENTITY)


def as_unit(info: UnitInfo) -> Unit:
    """Return the model Unit of a unit read from the directory."""
    parent = info.path[-2] if len(info.path) > 1 else None
    return Unit(
        info.code, info.name, info.type, parent, info.domain, info.mail,
        former_codes=info.former_codes, former_names=info.former_names,
    )  # fmt: skip


def tree_index(directory: Directory) -> TreeIndex:
    """Return a TreeIndex of the units the directory holds (for building person entries)."""
    units = sorted(directory.units().values(), key=lambda u: len(u.path))
    return TreeIndex((as_unit(u) for u in units), directory.base_dn)


def add_person(acting: ActingAs, index: TreeIndex, person: Person) -> str:
    """Add a person as the signed-in person; return the new entry's DN."""
    dn, attrs = index.person_entry(person)
    acting.add(dn, attrs)
    return dn


def update_person(acting: ActingAs, index: TreeIndex, dn: str, person: Person) -> None:
    """Rewrite a person's entry (same unit) from their values, as the signed-in person."""
    _, attrs = index.person_entry(person)
    acting.modify(dn, {name: attrs.get(name, []) for name in _REWRITTEN})


def mark_left(acting: ActingAs, dn: str) -> None:
    """Mark a person as having left, as the signed-in person (their entry stays)."""
    acting.modify(dn, {"govdirStatus": [STATUS_LEFT.encode()]})
