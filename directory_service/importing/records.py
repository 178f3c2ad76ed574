"""Turn a table of rows into checked records: each row's unit matched, normalised, deduplicated.

This is where both appliers (``online`` and ``offline``) start. A big local file is checked by
worker processes, which also compute what the plan compares (``plan.source_attrs``), so the
main process only plans; duplicates are always caught here, in file order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import fields
from multiprocessing.pool import Pool
from operator import attrgetter
from pathlib import Path

from directory_service.entries.build import TreeIndex
from directory_service.importing.check.normalise import DuplicateTracker, normalise_row, person_key
from directory_service.importing.outcome import ImportOutcome
from directory_service.importing.plan import source_attrs
from directory_service.importing.read.layout import SECTION
from directory_service.importing.read.table import Table
from directory_service.importing.rows import Issue, Record, SourceRow
from directory_service.importing.units.match import UnitMatcher

PARALLEL_BYTES = 1_000_000  # files this big (about 10,000 CSV rows) are checked by workers
MAX_WORKERS = 4
WORKER_CHUNK = 256  # rows sent to a worker at a time


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
# pickle faster than the dataclasses (rows carry only what normalising reads).
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
