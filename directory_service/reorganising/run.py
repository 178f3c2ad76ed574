"""Reorganise a stopped instance: dump it and its audit log, rewrite both, load them, report.

The reorganisation runs offline, with slapcat and slapadd, because at a million people it
rewrites nearly every entry (each person's DN and unit values), and one LDAP write per entry
is far slower than slapadd (docs/decisions.md, docs/performance.md). It runs from the server's
shell as the owner of the data directory, who holds the database itself: the same power as the
database root, which is the only identity allowed to rewrite units.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ldif

from directory_service.entries.ldif_text import joined
from directory_service.reorganising.mapping import MappingError, load_mapping
from directory_service.reorganising.plan import DirUnit, Plan, ReorganiseError, make_plan
from directory_service.reorganising.report import write_report
from directory_service.reorganising.rewrite import Rewriter, records
from directory_service.server.config import AUDIT_DATABASE
from directory_service.server.slapd import Slapd, SlapdError
from directory_service.server.upgrade import recover, reload_database

_UNIT_DN = b"dn: govdirunitcode="
_BATCH = 1_000  # records a chunk handed to slapadd


@dataclass
class Outcome:
    """What a reorganisation did, or would do on a dry run."""

    plan: Plan
    moved: int  # entries given a new DN (people, mostly)
    entries: int  # entries of the new directory
    rights: int  # admin rights dropped
    report: Path
    dry_run: bool
    seconds: float


def dump_database(slapd: Slapd, path: Path, database: int = 1) -> None:
    """Write a stopped database to path (slapcat), readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        slapd.dump_to(out, database)


def dumped_units(path: Path) -> list[DirUnit]:
    """Return the unit entries of a dump."""
    units = []
    for record in records(path):
        if record[: len(_UNIT_DN)].lower() == _UNIT_DN:
            parsed = ldif.LDIFRecordList(io.BytesIO(record + b"\n"))
            parsed.parse()
            units += [DirUnit(dn, attrs) for dn, attrs in parsed.all_records]
    return units


def reorganise(
    slapd: Slapd,
    root_pw_hash: str,
    require_tls: bool,
    report: Path,
    mapping: str | Path | None = None,
    dry_run: bool = False,
    say: Callable[[str], None] = print,
) -> Outcome:
    """Turn the stopped legacy directory into the 2025 tree (or only report it, on a dry run).

    Raises AlreadyReorganised when there is nothing to do, and ReorganiseError when slapd is
    running, the mapping is wrong or the units do not fit it; then nothing has changed.
    """
    started = time.monotonic()
    if pid := slapd.running_pid():
        raise ReorganiseError(f"slapd (pid {pid}) is running: stop govdir up first")
    if not slapd.is_initialised():
        raise ReorganiseError(f"no directory in {slapd.layout.data_dir}")
    try:
        successors = load_mapping(mapping)
    except MappingError as e:
        raise ReorganiseError(str(e)) from e
    recover(slapd.layout, say)
    dump = slapd.layout.data_dir / "reorganise.ldif"
    log_dump = slapd.layout.data_dir / "reorganise-log.ldif"
    try:
        say("Reading the directory (slapcat) ...")
        dump_database(slapd, dump)
        plan = make_plan(dumped_units(dump), successors, slapd.layout.base_dn)
        rewriter = Rewriter(plan)
        chunks = joined(rewriter.run(dump), None, _BATCH)
        if dry_run:
            for _ in chunks:
                pass
        else:
            dump_database(slapd, log_dump, AUDIT_DATABASE)
            say(f"Loading the 2025 tree (slapadd) with {len(plan.moves):,} units rewritten ...")
            log_chunks = joined(rewriter.log(log_dump), None, _BATCH)
            reload_database(slapd, root_pw_hash, require_tls, chunks, log_chunks)
    except SlapdError as e:
        raise ReorganiseError(str(e)) from e
    finally:
        dump.unlink(missing_ok=True)
        log_dump.unlink(missing_ok=True)
    write_report(report, plan, rewriter.moved, rewriter.rights, dry_run)
    return Outcome(
        plan, rewriter.moved, rewriter.entries, len(rewriter.rights), report, dry_run,
        time.monotonic() - started,
    )  # fmt: skip
