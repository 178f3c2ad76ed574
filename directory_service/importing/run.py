"""Run an import end to end: read, normalise and validate, plan, report, and apply."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from multiprocessing.pool import Pool
from operator import attrgetter
from pathlib import Path

from ..entries import TreeIndex
from ..store import Directory
from .apply import ApplyInterrupted, ApplyResult, apply_plan
from .layout import SECTION
from .normalise import DuplicateTracker, normalise_row, person_key
from .plan import Plan, as_unit, existing_people, make_plan, source_attrs, tree_index
from .readers import read_rows
from .report import write_report
from .rows import Issue, Record, SourceRow
from .table import Table
from .unit_match import UnitMatcher

PARALLEL_BYTES = 1_000_000  # files this big (about 10,000 CSV rows) are checked by workers
MAX_WORKERS = 4
WORKER_CHUNK = 256  # rows sent to a worker at a time


class UnknownTargetError(LookupError):
    """The --unit code names no unit of the directory."""


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


REFUSED_SUGGESTION = (
    "Sửa dòng này theo lý do nêu trên rồi nhập lại tệp (các dòng khác đã được ghi) / Correct this"
    " row as the reason says and import the file again (the other rows are in place)"
)


def failure_issues(result: ApplyResult) -> list[Issue]:
    """Return the changes the directory refused as report lines."""
    return [
        Issue(f.change.row or 0, "*", f.change.name, "Thư mục từ chối thay đổi: " + f.error,
              "The directory refused the change: " + f.error, REFUSED_SUGGESTION)
        for f in result.failures
    ]  # fmt: skip


def valid_records(
    table: Table, matcher: UnitMatcher, outcome: ImportOutcome, pool: Pool | None = None
) -> Iterator[Record]:
    """Yield the table's valid records in order, counting rows and collecting issues.

    With a pool (made by :func:`normalising_pool`) rows are normalised by its worker processes;
    duplicates are always caught here, in file order.
    """
    duplicates = DuplicateTracker()

    def rows() -> Iterator[SourceRow]:
        for row in table.rows:
            outcome.rows += 1
            yield row

    normalised: Iterator[tuple[Record | None, list[Issue], str | None]]
    if pool is None:
        normalised = (_normalise(row, matcher) + (None,) for row in rows())
    else:
        sent = ((row.number, row.values, row.raw.get(SECTION)) for row in rows())
        done = pool.imap(_normalise_in_worker, sent, chunksize=WORKER_CHUNK)
        normalised = ((_unpack(r), issues, key) for r, issues, key in done)
    for record, issues, key in normalised:
        if record is not None:
            dup = duplicates.check(record, key)
            issues += dup
            if any(i.rejected for i in dup):
                record = None
        outcome.issues += issues
        if record is not None:
            outcome.valid += 1
            yield record
    outcome.issues += table.issues


def _normalise(row: SourceRow, matcher: UnitMatcher) -> tuple[Record | None, list[Issue]]:
    return normalise_row(row, matcher, row.raw.get(SECTION))


# What crosses between the main process and a worker is plain tuples, lists and strings: they
# pickle several times faster than the dataclasses (rows carry only what normalising reads).
_RECORD_FIELDS = tuple(f.name for f in fields(Record))
_pack = attrgetter(*_RECORD_FIELDS)


def _unpack(packed: tuple | None) -> Record | None:
    return None if packed is None else Record(*packed)


_worker: tuple[UnitMatcher, TreeIndex] | None = None


def _start_worker(matcher: UnitMatcher, index: TreeIndex) -> None:
    global _worker
    _worker = (matcher, index)


def _normalise_in_worker(
    sent: tuple[int, dict[str, str], str | None],
) -> tuple[tuple | None, list[Issue], str | None]:
    """Normalise a row; return its packed record with what its plan compares, and its key."""
    assert _worker is not None
    number, values, section = sent
    record, issues = normalise_row(SourceRow(number, values), _worker[0], section)
    if record is None:
        return None, issues, None
    record.sources = source_attrs(_worker[1], record)
    return _pack(record), issues, person_key(record)


def normalising_pool(source: str | Path, matcher: UnitMatcher, index: TreeIndex) -> Pool | None:
    """Return worker processes for a big local file on a multi-core machine, else None.

    Reading and checking rows is most of an import's time; the workers share it out. They are
    forked before any thread starts, and only for files of PARALLEL_BYTES or more.
    """
    cores = os.cpu_count() or 1
    try:
        size = os.path.getsize(source)
    except (OSError, TypeError, ValueError):
        return None
    if cores < 2 or size < PARALLEL_BYTES:
        return None
    context = multiprocessing.get_context("fork")
    workers = min(cores, MAX_WORKERS)
    return context.Pool(workers, initializer=_start_worker, initargs=(matcher, index))


def _existing_people(directory: Directory, unit_code: str) -> list:
    """Fetch the unit's people on this thread's own connection, then close it.

    Closed here, before anything is applied: Debian's slapd 2.5.13 can crash when a connection
    closes while another one has a transaction open (see the README).
    """
    try:
        return existing_people(directory, unit_code)
    finally:
        directory.close_connection()


def _leave_out_refused(outcome: ImportOutcome, plan: Plan) -> None:
    """Add the plan's issues to the outcome and drop the records it refused from it."""
    outcome.issues += plan.issues
    refused = plan.rejected_rows
    if refused:
        outcome.records = [r for r in outcome.records if r.row not in refused]
        outcome.valid = len(outcome.records)


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


@collector_paused()
def run_import(
    directory: Directory,
    source: str | Path,
    unit_code: str,
    *,
    writer=None,
    dry_run: bool = True,
    encoding: str | None = None,
    retire: bool = False,
    create_units: bool = False,
    report: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Import an agency list into the subtree of unit_code (a dry run unless told otherwise).

    With create_units, a unit the file names that matches none under the target is created
    (see :meth:`UnitMatcher.create_unit`); rows are then read in this one process, in file
    order, so each new unit is made once, by the first row naming it.
    """
    units = directory.units()
    if unit_code not in units:
        raise UnknownTargetError(f"không có đơn vị mã {unit_code} / no unit with code {unit_code}")
    matcher = UnitMatcher([as_unit(u) for u in units.values()], unit_code, create=create_units)
    index = tree_index(directory)
    workers = None if create_units else normalising_pool(source, matcher, index)
    try:
        # The unit's people are fetched (slapd's work, on its own connection) while rows are
        # read and checked.
        with ThreadPoolExecutor(1) as fetcher:
            existing = fetcher.submit(_existing_people, directory, unit_code)
            with read_rows(source, encoding=encoding) as table:
                outcome = ImportOutcome(table.kind, table.encoding)
                outcome.records = list(valid_records(table, matcher, outcome, workers))
            new_units = list(matcher.created.values())
            outcome.plan = make_plan(
                directory, unit_code, outcome.records, retire, index, existing.result(), new_units
            )
    finally:
        if workers is not None:
            workers.terminate()
    _leave_out_refused(outcome, outcome.plan)
    if not dry_run and writer is not None:
        try:
            outcome.result = apply_plan(writer, outcome.plan, progress=progress)
        except ApplyInterrupted as e:
            outcome.result, outcome.interrupted = e.result, str(e)
        finally:
            if outcome.plan.count("unit"):
                directory.forget_units()
        outcome.issues += failure_issues(outcome.result)
    if report:
        write_report(report, outcome.issues)
    return outcome
