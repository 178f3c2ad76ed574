"""The changes one record makes to the entry it matched, or the entry it adds."""

from __future__ import annotations

from dataclasses import dataclass

from directory_service.entries.build import PERSON_CLASSES, TreeIndex
from directory_service.importing.plan.attrs import (
    Attrs,
    changed,
    key_mail,
    source_attrs,
    wanted_attrs,
    with_derived,
)
from directory_service.importing.plan.changes import Change, new_uid
from directory_service.importing.rows import Record


@dataclass
class RowChanges:
    """A record with the changes planned for it and the addresses it newly claims."""

    rec: Record
    changes: list[Change]
    claimed: list[str]
    renamed_from: Attrs | None = None  # the old entry, when the row renames it by address
    by_address: str = ""


def row_changes(
    index: TreeIndex, rec: Record, found: tuple[str, Attrs] | None, address: str
) -> RowChanges | None:
    """Return the add, or the move and modify, that a record makes; None if nothing changes."""
    uid = found[1]["uid"][0].decode() if found else (rec.uid or new_uid())
    dn = index.dn_of(uid, rec.unit_code)
    if found is None:
        wanted = {"objectClass": PERSON_CLASSES, "uid": [uid.encode()], **wanted_attrs(index, rec)}
        return RowChanges(
            rec, [Change("add", dn, wanted, rec.row, name=rec.full_name)], list(rec.mail)
        )
    old_dn, old = found
    changes = []
    if old_dn.lower() != dn.lower():
        changes.append(Change("move", old_dn, {}, rec.row, new_dn=dn, name=rec.full_name))
    # Most rows of a re-import are unchanged: compare the listed values first, and build the
    # whole entry (cn forms, name words, unit values) only for a row that differs.
    sources = rec.sources if rec.sources is not None else source_attrs(index, rec)
    diff = changed(old, sources)
    if diff:
        diff = with_derived(diff, wanted_attrs(index, rec))
    if not diff:
        return RowChanges(rec, changes, []) if changes else None
    changes.append(Change("modify", dn, diff, rec.row, name=rec.full_name))
    row = RowChanges(rec, changes, [])
    if "mail" in diff:
        had = set(key_mail(old))
        row.claimed = [a for a in rec.mail if a.lower() not in had]
    if address and "displayName" in diff:
        row.renamed_from, row.by_address = old, address
    return row
