"""Run an import end to end: read, normalise and validate, plan, report, and apply."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from directory_service.directory.lag import has_replicas
from directory_service.directory.store import Directory, stamp_verified
from directory_service.importing.apply import ApplyInterrupted, ApplyResult, apply_plan
from directory_service.importing.outcome import ImportOutcome, collector_paused, resolve_target
from directory_service.importing.plan import (
    Plan,
    as_unit,
    existing_people,
    make_plan,
    tree_index,
)
from directory_service.importing.read import read_rows
from directory_service.importing.records import normalising_pool, valid_records
from directory_service.importing.report import write_report
from directory_service.importing.rows import Issue
from directory_service.importing.units.match import UnitMatcher

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


def _existing_people(directory: Directory, unit_code: str) -> list:
    """Fetch the unit's people on this thread's own connection, then close it.

    Closed here, before anything is applied: Debian's slapd 2.5.13 can crash when a connection
    closes while another one has a transaction open (docs/decisions.md).
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
    unit_code = resolve_target(units, unit_code)
    matcher = UnitMatcher([as_unit(u) for u in units.values()], unit_code, create=create_units)
    index = tree_index(directory)
    workers = None if create_units else normalising_pool(source, matcher, index)
    try:
        # The unit's people are fetched (slapd's work, on its own connection) while rows are
        # read and checked.
        with ThreadPoolExecutor(1) as fetcher:
            existing = fetcher.submit(_existing_people, directory, unit_code)
            with read_rows(source, encoding=encoding) as table:
                outcome = ImportOutcome(table.kind, table.encoding, target=unit_code)
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
            transactions = directory.settings.transactions and not has_replicas(directory)
            outcome.result = apply_plan(writer, outcome.plan, progress=progress,
                                        transactions=transactions)  # fmt: skip
        except ApplyInterrupted as e:
            outcome.result, outcome.interrupted = e.result, str(e)
        finally:
            if outcome.plan.count("unit"):
                directory.forget_units()
        outcome.issues += failure_issues(outcome.result)
        if outcome.interrupted is None:
            # A writer without the right (an admin of a unit below the target) imports all the same.
            outcome.verified = stamp_verified(writer, units[unit_code].dn)
    if report:
        write_report(report, outcome.issues)
    return outcome
