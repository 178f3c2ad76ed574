"""The plan and its changes, and the changes that create units."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from directory_service.entries.build import TreeIndex
from directory_service.importing.plan.attrs import Attrs
from directory_service.importing.rows import Issue
from directory_service.model import Unit


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


def unit_changes(index: TreeIndex, units: Iterable[Unit], rows: dict[str, int]) -> list[Change]:
    """Return the changes creating new units, each with the first row naming it."""
    changes = []
    for unit in units:
        dn, attrs = index.unit_entry(unit)
        changes.append(Change("unit", dn, attrs, rows.get(unit.code), name=unit.name))
    return changes


def new_uid() -> str:
    """Return a fresh, random, stable person id."""
    return "p" + secrets.token_hex(5)
