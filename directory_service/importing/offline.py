"""Initial loads offline: stream an agency list's checked people straight into slapadd.

The offline path is for a unit whose subtree holds nobody yet (a first load, typically of a
whole ministry or province at once) while slapd is stopped. Rows go through the same reading,
normalising and duplicate checks as the online import and become the same entries
(:meth:`TreeIndex.person_entry`), so slapadd is given nothing the online path would refuse. The
LDIF is piped into slapadd while later rows are still being read, so the two run side by side.

slapadd has no transactions: if it stops part way, the subtree holds the people loaded so far,
and the online import of the same file (which recognises them by address) finishes the job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import ldap.filter

from ..entries import TreeIndex
from ..loading import Entry, ldif_chunks
from ..slapd import Slapd
from ..store import UnitInfo, unit_from_entry
from .plan import as_unit, new_uid, record_person
from .readers import read_rows
from .report import write_report
from .run import ImportOutcome, UnknownTargetError, valid_records
from .unit_match import UnitMatcher


class OfflineImportError(RuntimeError):
    """The offline path cannot be used for this import (slapd running, subtree not empty)."""


def directory_units(slapd: Slapd, unit_code: str) -> tuple[dict[str, UnitInfo], int]:
    """Return every unit of the stopped database and how many people the unit's subtree holds."""
    units: dict[str, UnitInfo] = {}
    people = 0

    def handle(dn: str, attrs: dict[str, list[bytes]]) -> None:
        nonlocal people
        classes = {c.lower() for c in attrs.get("objectClass", [])}
        if b"govdirunit" in classes:
            unit = unit_from_entry(dn, attrs)
            units[unit.code] = unit
        else:
            people += 1

    code = ldap.filter.escape_filter_chars(unit_code)
    slapd.dump(
        f"(|(objectClass=govdirUnit)(&(objectClass=govdirPerson)(govdirUnitPath={code})))", handle
    )
    return units, people


def person_entries(records, index: TreeIndex, outcome: ImportOutcome) -> Iterator[Entry]:
    """Yield the entry of each record, giving a new uid where a row has none or repeats one."""
    uids: set[str] = set()
    for rec in records:
        uid = rec.uid if rec.uid and rec.uid not in uids else new_uid()
        if rec.uid:
            uids.add(rec.uid)  # new uids are random: 40 bits, not worth remembering
        outcome.added += 1
        yield index.person_entry(record_person(rec, uid))


def _tee(chunks: Iterator[bytes], copy: BinaryIO | None) -> Iterator[bytes]:
    """Yield chunks, writing each to copy as well when there is one."""
    for chunk in chunks:
        if copy is not None:
            copy.write(chunk)
        yield chunk


def run_offline_import(
    slapd: Slapd,
    source: str | Path,
    unit_code: str,
    *,
    dry_run: bool = False,
    encoding: str | None = None,
    report: str | Path | None = None,
    ldif_out: str | Path | None = None,
    check: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Load an agency list into the empty subtree of unit_code with slapadd (slapd stopped).

    check runs slapadd without -q, so it verifies every entry as the online path would.
    """
    if pid := slapd.running_pid():
        raise OfflineImportError(
            f"slapd (pid {pid}) đang chạy: hãy dừng govdir up hoặc nhập trực tuyến / "
            f"slapd (pid {pid}) is running: stop govdir up first, or import online"
        )
    units, people = directory_units(slapd, unit_code)
    if unit_code not in units:
        raise UnknownTargetError(f"không có đơn vị mã {unit_code} / no unit with code {unit_code}")
    if people:
        raise OfflineImportError(
            f"đơn vị {unit_code} đã có {people:,} người: cách nạp ngoại tuyến chỉ dành cho lần "
            f"nạp đầu, hãy nhập trực tuyến / unit {unit_code} already holds {people:,} people: "
            "the offline path is for first loads only, import online instead"
        )
    ordered = sorted(units.values(), key=lambda u: len(u.path))
    matcher = UnitMatcher([as_unit(u) for u in ordered], unit_code)
    index = TreeIndex((as_unit(u) for u in ordered), slapd.layout.base_dn)
    with read_rows(source, encoding=encoding) as table:
        outcome = ImportOutcome(table.kind, table.encoding)
        entries = person_entries(valid_records(table, matcher, outcome), index, outcome)
        copy = open(ldif_out, "wb") if ldif_out else None
        try:
            chunks = _tee(ldif_chunks(entries, progress, batch=1000), copy)
            if dry_run:
                for _ in chunks:
                    pass
            else:
                slapd.load(chunks, quick=not check)
        finally:
            if copy is not None:
                copy.close()
    if report:
        write_report(report, outcome.issues)
    return outcome
