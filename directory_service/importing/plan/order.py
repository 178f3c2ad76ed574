"""Put a plan's changes in a safe order, leaving out rows whose addresses are held elsewhere."""

from __future__ import annotations

from collections.abc import Iterable

from directory_service.directory.store import first_value, shown_name
from directory_service.entries.build import TreeIndex
from directory_service.importing.plan.attrs import Attrs
from directory_service.importing.plan.changes import Change, Plan, unit_changes
from directory_service.importing.plan.diff import RowChanges
from directory_service.importing.plan.issues import clash_issues, renamed_issue
from directory_service.model import STATUS_LEFT, Unit


def retirements(existing: Iterable[tuple[str, Attrs]], seen: set[str]) -> list[Change]:
    """Return the changes marking as left the people no row matched."""
    left = {"govdirStatus": [STATUS_LEFT.encode()]}
    return [
        Change("retire", dn, left, name=shown_name(attrs))
        for dn, attrs in existing
        if dn not in seen and first_value(attrs, "govdirStatus") != STATUS_LEFT
    ]


def order(
    plan: Plan, index: TreeIndex, rows: list[RowChanges], held: dict[str, tuple[str, Attrs]],
    retires: list[Change], new_units: list[Unit],
) -> None:  # fmt: skip
    """Fill the plan: new units, moves, modifies, adds, retires, each row's changes in order.

    A row claiming an address held outside the target is left out and reported: nothing is
    written for it, so two entries never hold one address.
    """
    moves, modifies, adds = [], [], []
    first_rows: dict[str, int] = {}  # unit code -> the first row landing in it
    for row in rows:
        clashes = clash_issues(index, plan.target, row.rec, row.claimed, held)
        if clashes:
            plan.issues += clashes
            continue  # a matched person stays as they are (and is not retired)
        if row.renamed_from is not None:
            flag = renamed_issue(row.rec, row.renamed_from, row.by_address)
            row.rec.flags.append(flag)
            plan.issues.append(flag)
        first_rows.setdefault(row.rec.unit_code, row.rec.row)
        for change in row.changes:
            {"move": moves, "modify": modifies, "add": adds}[change.kind].append(change)
    # A new unit is made only for the people who land in it.
    units = unit_changes(index, [u for u in new_units if u.code in first_rows], first_rows)
    plan.changes = units + moves + modifies + adds + retires
