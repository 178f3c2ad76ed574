"""Compare a person's attributes: what the directory holds against what a record wants."""

from __future__ import annotations

from directory_service.entries import attributes
from directory_service.entries.build import TreeIndex
from directory_service.importing.rows import Record
from directory_service.model import STATUS_ACTIVE, Person
from directory_service.text import fold_key

Attrs = dict[str, list[bytes]]
# What the plan owns, compares and rewrites comes from the attributes' one definition.
MANAGED = attributes.MANAGED
COMPARED = attributes.COMPARED
DERIVED = attributes.DERIVED_NAMES
_DERIVATIONS = attributes.DERIVATIONS

_CANONICAL = {name.lower(): name for name in ("uid", *MANAGED)}
_CANONICAL_NAMES = frozenset(_CANONICAL.values())
_NONE: list[bytes] = []


def canonical(attrs: Attrs) -> Attrs:
    """Return attrs with the managed attributes under the names MANAGED spells them."""
    if _CANONICAL_NAMES.issuperset(attrs):
        return attrs
    return {_CANONICAL.get(k.lower(), k): v for k, v in attrs.items()}


def key_mail(attrs: Attrs) -> list[str]:
    return [m.decode().lower() for m in attrs.get("mail", [])]


def name_unit_key(name: str, unit_code: str) -> tuple[str, str]:
    return fold_key(name), unit_code.lower()


def managed(attrs: Attrs) -> Attrs:
    return {k: v for k, v in attrs.items() if k in MANAGED}


def changed(old: Attrs, new: Attrs) -> Attrs:
    """Return the compared (not derived) attributes whose values differ, with their new values.

    ``old`` has canonical attribute names (see _canonical).
    """
    return {
        name: new.get(name, _NONE)
        for name in COMPARED
        if old.get(name, _NONE) != new.get(name, _NONE)
    }


def with_derived(diff: Attrs, new: Attrs) -> Attrs:
    """Return diff plus the derived values of new whose sources are in diff."""
    for sources, derived in _DERIVATIONS:
        if any(name in diff for name in sources):
            diff.update((name, new.get(name, _NONE)) for name in derived)
    return diff


def differences(old: Attrs, new: Attrs) -> Attrs:
    """Return the managed attributes whose values (in order) differ, with their new values.

    Values derived from the name (cn's folded and partly accented forms, govdirNameWord,
    govdirNamePrefix), from the unit (ou, o, st, govdirUnitPath) or from the title
    (govdirTitlePrefix) are not read from the directory: they are rewritten whenever what they
    derive from changes.
    """
    return with_derived(changed(old, new), new)


def record_person(rec: Record, uid: str) -> Person:
    """Return the active person an import record describes, with this uid."""
    return Person(uid, rec.family, rec.middle, rec.given, rec.unit_code, rec.title,
                  list(rec.mail), rec.phone, status=STATUS_ACTIVE)  # fmt: skip


def wanted_attrs(index: TreeIndex, rec: Record) -> Attrs:
    """Return the managed attributes the record's entry should have (they do not hold the uid)."""
    return managed(index.person_entry(record_person(rec, "-"))[1])


def source_attrs(index: TreeIndex, rec: Record) -> Attrs:
    """Return the managed attributes a plan compares: those the derived ones are built from."""
    return index.person_sources(record_person(rec, "-"))
