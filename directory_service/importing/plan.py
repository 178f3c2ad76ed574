"""Plan an import: diff normalised records against what the directory holds for the unit."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

import ldap.filter

from ..entries import PERSON_CLASSES, TreeIndex
from ..model import STATUS_ACTIVE, STATUS_LEFT, Person, Unit
from ..store import Directory, UnitInfo, first_value, shown_name
from ..text import fold_key
from . import messages as m
from .rows import MAIL, NAME, Issue, Record

# The attributes an import owns; anything else on an entry is left as it is.
MANAGED = (
    "cn", "displayName", "sn", "givenName", "govdirMiddleName", "mail", "title",
    "telephoneNumber", "ou", "o", "st", "govdirUnitCode", "govdirUnitPath", "govdirStatus",
    "govdirNameWord", "govdirNamePrefix", "govdirTitlePrefix",
)  # fmt: skip

Attrs = dict[str, list[bytes]]
# Derived from the name parts only; a plan compares the parts and rewrites these with them.
NAME_DERIVED = ("cn", "govdirNameWord", "govdirNamePrefix")
NAME_SOURCES = ("displayName", "sn", "givenName", "govdirMiddleName")
# Derived from the unit code (and the tree); rewritten with it.
UNIT_DERIVED = ("ou", "o", "st", "govdirUnitPath")
UNIT_SOURCES = ("govdirUnitCode",)
TITLE_DERIVED = ("govdirTitlePrefix",)
TITLE_SOURCES = ("title",)
_DERIVATIONS = (
    (NAME_SOURCES, NAME_DERIVED), (UNIT_SOURCES, UNIT_DERIVED), (TITLE_SOURCES, TITLE_DERIVED),
)  # fmt: skip
DERIVED = tuple(name for _, derived in _DERIVATIONS for name in derived)
COMPARED = tuple(name for name in MANAGED if name not in DERIVED)
MAIL_BATCH = 100  # addresses looked up directory-wide per search (an OR of equality terms)
HOLDER_ATTRS = ["uid", "mail", "displayName", "cn", "govdirUnitCode", "govdirUnitPath"]
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

    kind: str  # unit (a new unit), add, modify, move, retire
    dn: str
    attrs: Attrs  # the whole entry (unit, add), or the replaced attributes (modify, retire)
    row: int | None = None
    new_dn: str | None = None  # for move: where the entry goes (modify follows at new_dn)
    name: str = ""


@dataclass
class Plan:
    """Everything an import would change, in a safe order: units, moves, modifies, adds, retires.

    issues holds the rows the plan itself rejected (an address someone outside the target
    holds) or flagged (a person renamed through their address).
    """

    target: str
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def rejected_rows(self) -> set[int]:
        """Return the source rows the plan left out."""
        return {i.row for i in self.issues if i.rejected}

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
    for sources, derived in _DERIVATIONS:
        if any(name in diff for name in sources):
            diff.update((name, new.get(name, _NONE)) for name in derived)
    return diff


def _differences(old: Attrs, new: Attrs) -> Attrs:
    """Return the managed attributes whose values (in order) differ, with their new values.

    Values derived from the name (cn's folded and partly accented forms, govdirNameWord,
    govdirNamePrefix), from the unit (ou, o, st, govdirUnitPath) or from the title
    (govdirTitlePrefix) are not read from the directory: they are rewritten whenever what they
    derive from changes.
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


def mail_filter(addresses: list[str]) -> str:
    """Return the filter for the people holding any of these addresses (escaped)."""
    terms = "".join(ldap.filter.filter_format("(mail=%s)", [a]) for a in addresses)
    return f"(&(objectClass=govdirPerson)(|{terms}))"


def holders_outside(
    directory: Directory, target: str, addresses: Iterable[str]
) -> dict[str, tuple[str, Attrs]]:
    """Return the people outside the target's subtree holding these addresses, by address.

    Addresses are looked up directory-wide, MAIL_BATCH to a search; keys are lower case.
    """
    wanted = list(dict.fromkeys(a.lower() for a in addresses))
    inside = target.lower()
    found: dict[str, tuple[str, Attrs]] = {}
    for start in range(0, len(wanted), MAIL_BATCH):
        chunk = wanted[start : start + MAIL_BATCH]
        asked = set(chunk)
        entries, _ = directory.search(mail_filter(chunk), HOLDER_ATTRS)
        for dn, attrs in entries:
            attrs = _canonical(attrs)
            if inside in (v.decode().lower() for v in attrs.get("govdirUnitPath", ())):
                continue
            for address in _key_mail(attrs):
                if address in asked:
                    found.setdefault(address, (dn, attrs))
    return found


def _common_parent(index: TreeIndex, target: str, code: str) -> str | None:
    """Return "CODE name" of the lowest unit above both the target and a unit, if any."""
    if code not in index.paths:
        return None
    common = None
    for ours, theirs in zip(index.paths[target], index.paths[code], strict=False):
        if ours != theirs:
            break
        common = ours
    return f"{common} {index.units[common].name}" if common else None


def elsewhere_issue(
    index: TreeIndex, target: str, rec: Record, address: str, holder: tuple[str, Attrs] | str
) -> Issue:
    """Return the rejection of a row whose address a person outside the target holds.

    holder is the person's entry, or (when only that is known) the code of their unit.
    """
    if isinstance(holder, str):
        code, fields = holder, {}
    else:
        dn, attrs = holder
        code = first_value(attrs, "govdirUnitCode")
        fields = {"holder": shown_name(attrs) or dn}
    unit = index.units.get(code)
    suggestion = m.elsewhere_suggestion(_common_parent(index, target, code))
    key = m.MAIL_ELSEWHERE if fields else m.MAIL_ELSEWHERE_UNIT
    return m.issue(
        rec.row, MAIL, address, key, suggestion, **fields,
        unit=f"{code} {unit.name}" if unit else code, target=f"{target} {index.units[target].name}",
    )  # fmt: skip


def clash_issues(
    index: TreeIndex, target: str, rec: Record, addresses: Iterable[str],
    holders: dict[str, tuple[str, Attrs]] | dict[str, str],
) -> list[Issue]:  # fmt: skip
    """Return the rejections of those of a row's addresses that holders (by lower case) hold."""
    return [elsewhere_issue(index, target, rec, a, holders[a.lower()])
            for a in addresses if a.lower() in holders]  # fmt: skip


def renamed_issue(rec: Record, old: Attrs, address: str) -> Issue:
    """Return the flag of a row that renames the person its address belongs to."""
    old_name = shown_name(old)
    return m.issue(rec.row, NAME, rec.full_name, m.RENAMED, m.SUGGEST_RENAMED, False,
                   old=old_name, new=rec.full_name, mail=address)  # fmt: skip


@dataclass
class _Row:
    """A record with the changes the plan made for it and the addresses it newly claims."""

    rec: Record
    changes: list[Change]
    claimed: list[str]
    renamed_from: Attrs | None = None  # the old entry, when the row renames it by address
    by_address: str = ""


def unit_changes(index: TreeIndex, units: Iterable[Unit], rows: dict[str, int]) -> list[Change]:
    """Return the changes creating new units, each with the first row naming it."""
    changes = []
    for unit in units:
        dn, attrs = index.unit_entry(unit)
        changes.append(Change("unit", dn, attrs, rows.get(unit.code), name=unit.name))
    return changes


def make_plan(
    directory: Directory,
    target: str,
    records: Iterable[Record],
    retire: bool = False,
    index: TreeIndex | None = None,
    existing: list[tuple[str, Attrs]] | None = None,
    new_units: Iterable[Unit] = (),
) -> Plan:
    """Return the changes that make the target unit's subtree hold exactly these records.

    new_units are units the import creates (under the target); those that anyone lands in are
    planned first. A row claiming an address that a person outside the target holds is left
    out and reported.
    """
    index = index or tree_index(directory)
    new_units = list(new_units)
    for unit in new_units:
        if unit.code not in index.units:
            index.add(unit)
    if existing is None:
        existing = existing_people(directory, target)
    existing = [(dn, _canonical(attrs)) for dn, attrs in existing]
    by_mail: dict[str, tuple[str, Attrs]] = {}
    by_uid: dict[str, tuple[str, Attrs]] = {}
    for dn, attrs in existing:
        for address in _key_mail(attrs):
            by_mail.setdefault(address, (dn, attrs))
        by_uid[attrs["uid"][0].decode()] = (dn, attrs)
    names: dict[tuple[str, str], tuple[str, Attrs]] | None = None

    def by_name(rec: Record) -> tuple[str, Attrs] | None:
        # Built on first use: most rows are recognised by their address.
        nonlocal names
        if names is None:
            names = {}
            for dn, attrs in existing:
                key = _name_unit_key(shown_name(attrs), first_value(attrs, "govdirUnitCode"))
                names.setdefault(key, (dn, attrs))
        return names.get(_name_unit_key(rec.full_name, rec.unit_code))

    plan = Plan(target)
    seen: set[str] = set()
    rows: list[_Row] = []
    for rec in records:
        address = ""
        match = by_uid.get(rec.uid) if rec.uid else None
        if match is None:
            address = next((a for a in rec.mail if a.lower() in by_mail), "")
            match = by_mail[address.lower()] if address else by_name(rec)
        if match and match[0] in seen:
            match = None  # two rows matched one entry: the second becomes a new person
        uid = match[1]["uid"][0].decode() if match else (rec.uid or new_uid())
        dn = index.dn_of(uid, rec.unit_code)
        if match is None:
            wanted = {"objectClass": PERSON_CLASSES, "uid": [uid.encode()],
                      **wanted_attrs(index, rec)}  # fmt: skip
            rows.append(_Row(rec, [Change("add", dn, wanted, rec.row, name=rec.full_name)],
                             list(rec.mail)))  # fmt: skip
            continue
        old_dn, old = match
        seen.add(old_dn)
        changes = []
        if old_dn.lower() != dn.lower():
            changes.append(Change("move", old_dn, {}, rec.row, new_dn=dn, name=rec.full_name))
        # Most rows of a re-import are unchanged: compare the source values first, and build
        # the whole entry (cn forms, name words, unit values) only for a row that differs.
        sources = rec.sources if rec.sources is not None else source_attrs(index, rec)
        diff = _changed(old, sources)
        if diff:
            diff = _with_derived(diff, wanted_attrs(index, rec))
        if diff:
            changes.append(Change("modify", dn, diff, rec.row, name=rec.full_name))
            row = _Row(rec, changes, [])
            if "mail" in diff:
                had = set(_key_mail(old))
                row.claimed = [a for a in rec.mail if a.lower() not in had]
            if address and "displayName" in diff:
                row.renamed_from, row.by_address = old, address
            rows.append(row)
        elif changes:
            rows.append(_Row(rec, changes, []))
        else:
            plan.unchanged += 1
    held = holders_outside(directory, target, (a for row in rows for a in row.claimed))
    moves, modifies, adds = [], [], []
    first_rows: dict[str, int] = {}  # unit code -> the first row landing in it
    for row in rows:
        clashes = clash_issues(index, target, row.rec, row.claimed, held)
        if clashes:
            # Nothing is written for the row: two entries would hold one address.
            plan.issues += clashes
            continue  # a matched person stays as they are (and is not retired)
        if row.renamed_from is not None:
            flag = renamed_issue(row.rec, row.renamed_from, row.by_address)
            row.rec.flags.append(flag)
            plan.issues.append(flag)
        first_rows.setdefault(row.rec.unit_code, row.rec.row)
        for change in row.changes:
            {"move": moves, "modify": modifies, "add": adds}[change.kind].append(change)
    retires = []
    if retire:
        for dn, attrs in existing:
            if dn not in seen and first_value(attrs, "govdirStatus") != STATUS_LEFT:
                left = {"govdirStatus": [STATUS_LEFT.encode()]}
                name = shown_name(attrs)
                retires.append(Change("retire", dn, left, name=name))
    # A new unit is made only for the people who land in it.
    units = unit_changes(index, [u for u in new_units if u.code in first_rows], first_rows)
    plan.changes = units + moves + modifies + adds + retires
    return plan


def new_uid() -> str:
    """Return a fresh, random, stable person id."""
    return "p" + secrets.token_hex(5)
