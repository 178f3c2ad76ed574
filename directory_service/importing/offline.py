"""Initial loads offline: stream an agency list's checked people straight into slapadd.

The offline path is for a unit whose subtree holds nobody yet (a first load, typically of a
whole ministry or province at once) while slapd is stopped. Rows go through the same reading,
normalising and duplicate checks as the online import and become the same entries (written
by :class:`PersonRecords`, byte for byte the LDIF of :meth:`TreeIndex.person_entry`), so
slapadd is given nothing the online path would refuse. The
LDIF is piped into slapadd while later rows are still being read, so the two run side by side;
people reach it sorted by name, window by window (windows that double from
loading.NAME_ORDER_FIRST to NAME_ORDER_WINDOW), which makes slapadd's index writes cheaper.
A row whose address a person outside the unit holds is left out and reported, as online.

slapadd has no transactions: if it stops part way, the subtree holds the people loaded so far,
and the online import of the same file (which recognises them by address) finishes the job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from directory_service.directory.store import UnitInfo, unit_from_entry
from directory_service.entries.build import TreeIndex
from directory_service.entries.records import PersonRecords
from directory_service.importing.outcome import ImportOutcome, collector_paused, resolve_target
from directory_service.importing.plan import as_unit, clash_issues, new_uid, record_person
from directory_service.importing.read import read_rows
from directory_service.importing.records import valid_records
from directory_service.importing.report import write_report
from directory_service.importing.units.match import UnitMatcher
from directory_service.server.loading import NAME_ORDER_QUEUE, Entry, name_ordered_chunks
from directory_service.server.slapd import Slapd


class OfflineImportError(RuntimeError):
    """The offline path cannot be used for this import (slapd running, subtree not empty)."""


@dataclass
class StoppedDirectory:
    """What an offline import needs to know of the stopped database."""

    units: dict[str, UnitInfo] = field(default_factory=dict)
    people: int = 0  # in the target's subtree
    elsewhere: dict[str, str] = field(default_factory=dict)  # address -> unit code, outside it


def directory_units(slapd: Slapd, unit_code: str) -> StoppedDirectory:
    """Return the units, how many people the unit's subtree holds, and the addresses outside it.

    Every person entry is read (by slapcat): into a directory holding only the tree, as for the
    first load of the country, that is nothing.
    """
    found = StoppedDirectory()
    inside = unit_code.lower().encode()
    codes: dict[bytes, str] = {}

    def handle(dn: str, attrs: dict[str, list[bytes]]) -> None:
        classes = {c.lower() for c in attrs.get("objectClass", [])}
        if b"govdirunit" in classes:
            unit = unit_from_entry(dn, attrs)
            found.units[unit.code] = unit
        elif inside in (v.lower() for v in attrs.get("govdirUnitPath", ())):
            found.people += 1
        else:
            raw = (attrs.get("govdirUnitCode") or [b""])[0]
            code = codes.setdefault(raw, raw.decode())  # one string per unit, not per person
            for address in attrs.get("mail", ()):
                found.elsewhere.setdefault(address.decode().lower(), code)

    slapd.dump("(|(objectClass=govdirUnit)(objectClass=govdirPerson))", handle)
    return found


def person_entries(
    records,
    index: TreeIndex,
    outcome: ImportOutcome,
    matcher: UnitMatcher | None = None,
    elsewhere: dict[str, str] | None = None,
    target: str = "",
) -> Iterator[Entry | bytes]:
    """Yield each record's sort key and LDIF record, giving a new uid where it has none or a repeat.

    What is yielded for a person is PersonRecords.keyed's bytes, which name_ordered_chunks
    takes as they are. A record in a unit the matcher created (--create-units) is preceded by
    that unit's entry.
    A record with an address someone outside the target holds (elsewhere) is left out and
    reported, as the online import does.
    """
    uids: set[str] = set()
    writer = PersonRecords(index)
    for rec in records:
        clashes = clash_issues(index, target, rec, rec.mail, elsewhere) if elsewhere else []
        if clashes:
            outcome.issues += clashes
            outcome.valid -= 1
            continue
        if rec.unit_code not in index.units and matcher is not None:
            unit = matcher.created[rec.unit_code]
            index.add(unit)
            outcome.new_units.append((rec.row, unit.code, unit.name))
            yield index.unit_entry(unit)
        uid = rec.uid if rec.uid and rec.uid not in uids else new_uid()
        if rec.uid:
            uids.add(rec.uid)  # new uids are random: 40 bits, not worth remembering
        outcome.added += 1
        yield writer.keyed(record_person(rec, uid))


def _tee(chunks: Iterator[bytes], copy: BinaryIO | None) -> Iterator[bytes]:
    """Yield chunks, writing each to copy as well when there is one."""
    for chunk in chunks:
        if copy is not None:
            copy.write(chunk)
        yield chunk


@collector_paused()
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
    create_units: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Load an agency list into the empty subtree of unit_code with slapadd (slapd stopped).

    check runs slapadd without -q, so it verifies every entry as the online path would.
    create_units creates the units the list names that match none under unit_code, as the
    online import does; each new unit's entry goes to slapadd just before its first person.
    """
    if pid := slapd.running_pid():
        raise OfflineImportError(
            f"slapd (pid {pid}) đang chạy: hãy dừng govdir up hoặc nhập trực tuyến / "
            f"slapd (pid {pid}) is running: stop govdir up first, or import online"
        )
    stopped = directory_units(slapd, unit_code)
    if (current := resolve_target(stopped.units, unit_code)) != unit_code:
        unit_code = current  # a former code: count the people of its successor instead
        stopped = directory_units(slapd, unit_code)
    units, people = stopped.units, stopped.people
    if people:
        raise OfflineImportError(
            f"đơn vị {unit_code} đã có {people:,} người: cách nạp ngoại tuyến chỉ dành cho lần "
            f"nạp đầu, hãy nhập trực tuyến / unit {unit_code} already holds {people:,} people: "
            "the offline path is for first loads only, import online instead"
        )
    ordered = sorted(units.values(), key=lambda u: len(u.path))
    matcher = UnitMatcher([as_unit(u) for u in ordered], unit_code, create=create_units)
    index = TreeIndex((as_unit(u) for u in ordered), slapd.layout.base_dn)
    with read_rows(source, encoding=encoding) as table:
        outcome = ImportOutcome(table.kind, table.encoding, target=unit_code)
        records = valid_records(table, matcher, outcome)
        entries = person_entries(records, index, outcome, matcher, stopped.elsewhere, unit_code)
        copy = open(ldif_out, "wb") if ldif_out else None
        try:
            chunks = _tee(name_ordered_chunks(entries, progress), copy)
            if dry_run:
                for _ in chunks:
                    pass
            else:
                slapd.load(chunks, quick=not check, queued=NAME_ORDER_QUEUE)
        finally:
            if copy is not None:
                copy.close()
    if report:
        write_report(report, outcome.issues)
    return outcome
