"""Plan an import: diff normalised records against what the directory holds for the unit."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

import ldap.filter

from ..entries import PERSON_CLASSES, TreeIndex
from ..model import STATUS_ACTIVE, STATUS_LEFT, Person, Unit
from ..store import Directory, UnitInfo
from ..text import fold_key
from .rows import Record

# The attributes an import owns; anything else on an entry is left as it is.
MANAGED = (
    "cn", "displayName", "sn", "givenName", "govdirMiddleName", "mail", "title",
    "telephoneNumber", "ou", "o", "st", "govdirUnitCode", "govdirUnitPath", "govdirStatus",
    "govdirNameWord",
)  # fmt: skip

Attrs = dict[str, list[bytes]]
# Derived from the name parts only; a plan compares the parts and rewrites these with them.
NAME_DERIVED = ("cn", "govdirNameWord")
NAME_SOURCES = ("displayName", "sn", "givenName", "govdirMiddleName")
# Derived from the unit code (and the tree); rewritten with it.
UNIT_DERIVED = ("ou", "o", "st", "govdirUnitPath")
UNIT_SOURCES = ("govdirUnitCode",)
DERIVED = NAME_DERIVED + UNIT_DERIVED
COMPARED = tuple(name for name in MANAGED if name not in DERIVED)
_CANONICAL = {name.lower(): name for name in ("uid", *MANAGED)}
_CANONICAL_NAMES = frozenset(_CANONICAL.values())
_NONE: list[bytes] = []


def _canonical(attrs: Attrs) -> Attrs:
    """Return attrs with the managed attributes under the names MANAGED spells them."""
    if _CANONICAL_NAMES.issuperset(attrs):
        return attrs
    return {_CANONICAL.get(k.lower(), k): v for k, v in attrs.items()}


@dataclass
class Change:
    """One planned change to one person entry."""

    kind: str  # add, modify, move, retire
    dn: str
    attrs: Attrs  # full managed attributes wanted (add), or the replaced ones (modify/retire)
    row: int | None = None
    new_dn: str | None = None  # for move: where the entry goes (modify follows at new_dn)
    name: str = ""


@dataclass
class Plan:
    """Everything an import would change, in a safe order: moves, modifies, adds, retires."""

    target: str
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0

    def count(self, kind: str) -> int:
        """Return how many changes of this kind are planned."""
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def is_empty(self) -> bool:
        """Return whether applying the plan would change nothing."""
        return not self.changes


def tree_index(directory: Directory) -> TreeIndex:
    """Return a TreeIndex of the units the directory holds (for building person entries)."""
    units = sorted(directory.units().values(), key=lambda u: len(u.path))
    base = directory.base_dn
    return TreeIndex((as_unit(u) for u in units), base)


def as_unit(info: UnitInfo) -> Unit:
    """Return the model Unit of a unit read from the directory."""
    parent = info.path[-2] if len(info.path) > 1 else None
    return Unit(info.code, info.name, info.type, parent, info.domain, info.mail)


def _key_mail(attrs: Attrs) -> list[str]:
    return [m.decode().lower() for m in attrs.get("mail", [])]


def _name_unit_key(name: str, unit_code: str) -> tuple[str, str]:
    return fold_key(name), unit_code.lower()


def _managed(attrs: Attrs) -> Attrs:
    return {k: v for k, v in attrs.items() if k in MANAGED}


def _changed(old: Attrs, new: Attrs) -> Attrs:
    """Return the compared (not derived) attributes whose values differ, with their new values.

    ``old`` has canonical attribute names (see _canonical).
    """
    return {
        name: new.get(name, _NONE)
        for name in COMPARED
        if old.get(name, _NONE) != new.get(name, _NONE)
    }


def _with_derived(diff: Attrs, new: Attrs) -> Attrs:
    """Return diff plus the derived values of new whose sources are in diff."""
    for sources, derived in ((NAME_SOURCES, NAME_DERIVED), (UNIT_SOURCES, UNIT_DERIVED)):
        if any(name in diff for name in sources):
            diff.update((name, new.get(name, _NONE)) for name in derived)
    return diff


def _differences(old: Attrs, new: Attrs) -> Attrs:
    """Return the managed attributes whose values (in order) differ, with their new values.

    Values derived from the name (cn's folded and partly accented forms, govdirNameWord) or
    from the unit (ou, o, st, govdirUnitPath) are not read from the directory: they are
    rewritten whenever what they derive from changes.
    """
    return _with_derived(_changed(old, new), new)


def existing_people(directory: Directory, target: str) -> list[tuple[str, Attrs]]:
    """Return the person entries under the target unit, with every attribute a plan compares."""
    filt = ldap.filter.filter_format("(&(objectClass=govdirPerson)(govdirUnitPath=%s))", [target])
    attrs = ["uid", *COMPARED]
    entries, _ = directory.search(filt, attrs, limit=10_000_000)
    return entries


def record_person(rec: Record, uid: str) -> Person:
    """Return the active person an import record describes, with this uid."""
    return Person(uid, rec.family, rec.middle, rec.given, rec.unit_code, rec.title,
                  list(rec.mail), rec.phone, status=STATUS_ACTIVE)  # fmt: skip


def wanted_attrs(index: TreeIndex, rec: Record) -> Attrs:
    """Return the managed attributes the record's entry should have (they do not hold the uid)."""
    return _managed(index.person_entry(record_person(rec, "-"))[1])


def source_attrs(index: TreeIndex, rec: Record) -> Attrs:
    """Return the managed attributes a plan compares: those the derived ones are built from."""
    return index.person_sources(record_person(rec, "-"))


def make_plan(
    directory: Directory,
    target: str,
    records: Iterable[Record],
    retire: bool = False,
    index: TreeIndex | None = None,
    existing: list[tuple[str, Attrs]] | None = None,
) -> Plan:
    """Return the changes that make the target unit's subtree hold exactly these records."""
    index = index or tree_index(directory)
    if existing is None:
        existing = existing_people(directory, target)
    existing = [(dn, _canonical(attrs)) for dn, attrs in existing]
    by_mail: dict[str, tuple[str, Attrs]] = {}
    by_uid: dict[str, tuple[str, Attrs]] = {}
    for dn, attrs in existing:
        for m in _key_mail(attrs):
            by_mail.setdefault(m, (dn, attrs))
        by_uid[attrs["uid"][0].decode()] = (dn, attrs)
    names: dict[tuple[str, str], tuple[str, Attrs]] | None = None

    def by_name(rec: Record) -> tuple[str, Attrs] | None:
        # Built on first use: most rows are recognised by their address.
        nonlocal names
        if names is None:
            names = {}
            for dn, attrs in existing:
                name = attrs.get("displayName", attrs.get("cn", [b""]))[0].decode()
                unit = attrs.get("govdirUnitCode", [b""])[0].decode()
                names.setdefault(_name_unit_key(name, unit), (dn, attrs))
        return names.get(_name_unit_key(rec.full_name, rec.unit_code))

    plan = Plan(target)
    seen: set[str] = set()
    adds, moves, modifies = [], [], []
    for rec in records:
        match = (
            (by_uid.get(rec.uid) if rec.uid else None)
            or next((by_mail[m.lower()] for m in rec.mail if m.lower() in by_mail), None)
            or by_name(rec)
        )
        if match and match[0] in seen:
            match = None  # two rows matched one entry: the second becomes a new person
        uid = match[1]["uid"][0].decode() if match else (rec.uid or new_uid())
        dn = index.dn_of(uid, rec.unit_code)
        if match is None:
            wanted = {"objectClass": PERSON_CLASSES, "uid": [uid.encode()],
                      **wanted_attrs(index, rec)}  # fmt: skip
            adds.append(Change("add", dn, wanted, rec.row, name=rec.full_name))
            continue
        old_dn, old = match
        seen.add(old_dn)
        if old_dn.lower() != dn.lower():
            moves.append(Change("move", old_dn, {}, rec.row, new_dn=dn, name=rec.full_name))
        # Most rows of a re-import are unchanged: compare the source values first, and build
        # the whole entry (cn forms, name words, unit values) only for a row that differs.
        sources = rec.sources if rec.sources is not None else source_attrs(index, rec)
        diff = _changed(old, sources)
        if diff:
            diff = _with_derived(diff, wanted_attrs(index, rec))
        if diff:
            modifies.append(Change("modify", dn, diff, rec.row, name=rec.full_name))
        elif old_dn.lower() == dn.lower():
            plan.unchanged += 1
    retires = []
    if retire:
        for dn, attrs in existing:
            status = attrs.get("govdirStatus", [b""])[0].decode()
            if dn not in seen and status != STATUS_LEFT:
                retires.append(Change("retire", dn, {"govdirStatus": [STATUS_LEFT.encode()]}))
    plan.changes = moves + modifies + adds + retires
    return plan


def new_uid() -> str:
    """Return a fresh, random, stable person id."""
    return "p" + secrets.token_hex(5)
