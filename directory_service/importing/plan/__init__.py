"""Plan an import: the changes that make a unit's subtree hold exactly an agency's records.

Three steps, one module each: ``match`` finds the entry each record describes, ``diff`` makes
the changes a record brings (an add, or a move and a modify of what differs), and ``order``
leaves out rows whose addresses are held outside the unit and puts the rest in a safe order.
``attrs`` compares attributes, ``lookups`` reads what a plan needs from the directory,
``issues`` words what a plan rejects or flags, ``changes`` holds the plan itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from directory_service.directory.store import Directory
from directory_service.entries.build import TreeIndex
from directory_service.importing.plan.attrs import (
    COMPARED,
    DERIVED,
    MANAGED,
    Attrs,
    canonical,
    differences,
    record_person,
    source_attrs,
    wanted_attrs,
)
from directory_service.importing.plan.changes import Change, Plan, new_uid, unit_changes
from directory_service.importing.plan.diff import row_changes
from directory_service.importing.plan.issues import clash_issues, elsewhere_issue, renamed_issue
from directory_service.importing.plan.lookups import (
    as_unit,
    existing_people,
    holders_outside,
    tree_index,
)
from directory_service.importing.plan.match import EntryMatcher
from directory_service.importing.plan.order import order, retirements
from directory_service.importing.rows import Record
from directory_service.model import Unit

__all__ = [
    "COMPARED", "DERIVED", "MANAGED", "Attrs", "Change", "Plan", "as_unit", "canonical",
    "clash_issues", "differences", "elsewhere_issue", "existing_people", "make_plan", "new_uid",
    "record_person", "renamed_issue", "source_attrs", "tree_index", "unit_changes",
    "wanted_attrs",
]  # fmt: skip


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
    existing = [(dn, canonical(attrs)) for dn, attrs in existing]
    matcher = EntryMatcher(existing)
    plan = Plan(target)
    rows = []
    for rec in records:
        row = row_changes(index, rec, *matcher.match(rec))
        if row is None:
            plan.unchanged += 1
        else:
            rows.append(row)
    held = holders_outside(directory, target, (a for row in rows for a in row.claimed))
    retires = retirements(existing, matcher.seen) if retire else []
    order(plan, index, rows, held, retires, new_units)
    return plan
