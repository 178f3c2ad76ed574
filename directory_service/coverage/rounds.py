"""Collection rounds: a deadline, the units expected to answer, and each one's status.

A round lives in the instance's data directory (``rounds.json``), beside the batches the web
keeps: it is the collecting ministry's bookkeeping, not directory data. What a unit sent is
read from the directory itself: a unit has submitted when it or a unit under it was imported
during the round (``govdirLastVerified``, which imports set), late when that came after the
deadline's day; a confirmation (the list is still right) is recorded in the round and also
stamps the unit. Statuses: not-submitted, submitted, late, confirmed.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from directory_service.coverage.figures import CENTRAL, COMMUNAL, PROVINCIAL, Coverage

ROUNDS_FILE = "rounds.json"
SCOPES = {"central": (CENTRAL,), "local": (PROVINCIAL, COMMUNAL), "all": (CENTRAL, PROVINCIAL,
          COMMUNAL)}  # fmt: skip
NOT_SUBMITTED, SUBMITTED, LATE, CONFIRMED = "not-submitted", "submitted", "late", "confirmed"
STATUSES = (NOT_SUBMITTED, SUBMITTED, LATE, CONFIRMED)
VIETNAM_OFFSET = timedelta(hours=7)  # deadlines are days in Vietnam (UTC+7)
_NAME = re.compile(r"^[\w.-]{1,64}$")


class RoundError(ValueError):
    """A round that cannot be opened, found or changed, with the reason in both languages."""


@dataclass
class Round:
    """One collection round."""

    name: str
    deadline: str  # YYYY-MM-DD: submissions on that day are on time
    scope: str = "all"
    opened: str = ""  # ISO 8601, UTC
    closed: str | None = None
    confirmations: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> by, at

    @property
    def is_open(self) -> bool:
        """Return whether the round still takes submissions."""
        return self.closed is None

    def due(self) -> datetime:
        """Return the end of the deadline's day (UTC+7, Vietnam's time)."""
        day = date.fromisoformat(self.deadline)
        return (
            datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1) - VIETNAM_OFFSET
        )

    def days_left(self, now: datetime | None = None) -> int:
        """Return the calendar days from today in Vietnam to the deadline (negative: past)."""
        today = ((now or datetime.now(UTC)).astimezone(UTC) + VIETNAM_OFFSET).date()
        return (date.fromisoformat(self.deadline) - today).days

    def status(self, code: str, last_update: str | None) -> str:
        """Return a unit's status in this round from when its list was last updated."""
        if code in self.confirmations:
            return CONFIRMED
        if not last_update or last_update < self.opened:
            return NOT_SUBMITTED
        if self.closed and last_update > self.closed:
            return NOT_SUBMITTED
        return LATE if datetime.fromisoformat(last_update) > self.due() else SUBMITTED

    def apply(self, coverage: Coverage) -> None:
        """Set the status of every unit in the round's scope (others get None)."""
        levels = SCOPES[self.scope]
        for figures in coverage.units:
            figures.status = (
                self.status(figures.code, figures.last_update) if figures.level in levels else None
            )


class RoundBook:
    """The rounds of one instance, kept in a JSON file written atomically."""

    def __init__(self, data_dir: str | os.PathLike):
        self.path = Path(data_dir) / ROUNDS_FILE

    def rounds(self) -> list[Round]:
        """Return every round, oldest first."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        return [Round(**r) for r in raw]

    def _save(self, rounds: list[Round]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".rounds-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump([asdict(r) for r in rounds], f, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)

    def get(self, name: str) -> Round:
        """Return the round named name, or raise RoundError."""
        for r in self.rounds():
            if r.name == name:
                return r
        raise RoundError(f"không có đợt {name} / no round named {name}")

    def current(self) -> Round | None:
        """Return the open round, if any (the newest one when several are)."""
        open_ = [r for r in self.rounds() if r.is_open]
        return open_[-1] if open_ else None

    def open(self, name: str, deadline: str, scope: str = "all", now: datetime | None = None):
        """Open a round; return it."""
        if not _NAME.match(name):
            raise RoundError(f"tên đợt không hợp lệ: {name!r} / not a round name: {name!r}")
        if scope not in SCOPES:
            raise RoundError(f"phạm vi không hợp lệ: {scope} / scope must be one of {list(SCOPES)}")
        try:
            date.fromisoformat(deadline)
        except ValueError:
            raise RoundError(
                f"hạn không hợp lệ: {deadline} / deadline must be YYYY-MM-DD"
            ) from None
        rounds = self.rounds()
        if any(r.name == name for r in rounds):
            raise RoundError(f"đã có đợt {name} / a round named {name} exists")
        opened = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        new = Round(name, deadline, scope, opened.isoformat())
        self._save([*rounds, new])
        return new

    def _change(self, name: str, change) -> Round:
        rounds = self.rounds()
        for r in rounds:
            if r.name == name:
                change(r)
                self._save(rounds)
                return r
        raise RoundError(f"không có đợt {name} / no round named {name}")

    def close(self, name: str, now: datetime | None = None) -> Round:
        """Close a round: later imports no longer count for it."""
        when = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()

        def close(r: Round) -> None:
            if not r.is_open:
                raise RoundError(f"đợt {name} đã đóng / round {name} is closed already")
            r.closed = when

        return self._change(name, close)

    def confirm(self, name: str, code: str, by: str, now: datetime | None = None) -> Round:
        """Record that a unit's admin states its list is still right."""
        when = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()

        def confirm(r: Round) -> None:
            if not r.is_open:
                raise RoundError(f"đợt {name} đã đóng / round {name} is closed")
            r.confirmations[code] = {"by": by, "at": when}

        return self._change(name, confirm)
