"""What an import did: rows read, rejected and flagged, its plan and what applying it did."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from directory_service.importing.apply import ApplyResult
from directory_service.importing.plan import Plan
from directory_service.importing.rows import Issue, Record


class UnknownTargetError(LookupError):
    """The --unit code names no unit of the directory."""


def resolve_target(units, unit_code: str) -> str:
    """Return the code of the unit an import's --unit names: its own, or a former code's holder.

    After the 2025 reorganisation a unit keeps the codes of the units merged into it
    (govdirFormerCode), so a list prepared for the old province ``02`` goes into ``08``.
    """
    if unit_code in units:
        return unit_code
    wanted = unit_code.casefold()
    for code, unit in units.items():
        if any(old.casefold() == wanted for old in unit.former_codes):
            return code
    raise UnknownTargetError(f"không có đơn vị mã {unit_code} / no unit with code {unit_code}")


@dataclass
class ImportOutcome:
    """What an import read, rejected, planned and (unless a dry run) applied."""

    kind: str
    encoding: str
    rows: int = 0
    valid: int = 0
    added: int = 0  # people written by the offline path
    new_units: list[tuple[int, str, str]] = field(default_factory=list)  # offline: row, code, name
    records: list[Record] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    plan: Plan | None = None
    result: ApplyResult | None = None
    interrupted: str | None = None  # why the apply stopped part way (the server went away)
    verified: bool = False  # the unit was stamped as imported (govdirLastVerified)
    target: str = ""  # the code of the unit imported into (a former code's successor)

    @property
    def rejected(self) -> int:
        """Return how many source rows were rejected."""
        return len({i.row for i in self.issues if i.rejected})

    @property
    def flagged(self) -> int:
        """Return how many kept rows carry a flag."""
        return len(
            {i.row for i in self.issues if not i.rejected}
            - {i.row for i in self.issues if i.rejected}
        )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration, then restore it.

    An online import holds everything it read and fetched (a 50,000-row list and the unit's
    entries: millions of small lists, dicts and records, none of them in a reference cycle),
    and each full collection walks all of them again; during a re-import that was a third of
    its time. What is freed meanwhile is freed by reference counting as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
