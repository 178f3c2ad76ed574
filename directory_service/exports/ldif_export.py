"""Export a unit's subtree: LDIF of its entries, or CSV/XLSX in the importer's column layout."""

from __future__ import annotations

from pathlib import Path

from directory_service.directory.store import PERSON_ATTRS, Directory, person_from_entry
from directory_service.entries.ldif_text import ldif_chunks
from directory_service.exports.spreadsheets import neutralise, to_csv, to_xlsx
from directory_service.text import sort_key_parts, word_sort_key

# The importer reads these headings back (round trip: export, import, nothing to change).
HEADER = ("STT", "Họ và tên", "Chức vụ", "Đơn vị", "Mã đơn vị", "Địa chỉ thư điện tử",
          "Điện thoại", "UID")  # fmt: skip


def _subtree(directory: Directory, code: str) -> str:
    unit = directory.unit(code)
    if unit is None:
        raise LookupError(f"không có đơn vị mã {code} / no unit with code {code}")
    return unit.dn


def export_ldif(directory: Directory, code: str, path: str | Path) -> int:
    """Write every entry of the unit's subtree (units and people) as LDIF; return the count."""
    base = _subtree(directory, code)
    entries, _ = directory.search("(objectClass=*)", ["*"], base=base, limit=100_000_000)
    entries.sort(key=lambda e: len(e[0]))  # parents before children
    with open(path, "wb") as f:
        for chunk in ldif_chunks(entries):
            f.write(chunk)
    return len(entries)


def export_rows(directory: Directory, code: str) -> list[tuple]:
    """Return the header and one row per active person of the subtree, units then names in order."""
    _subtree(directory, code)
    filt = f"(&(objectClass=govdirPerson)(govdirUnitPath={code})(!(govdirStatus=left)))"
    entries, _ = directory.search(filt, PERSON_ATTRS, limit=100_000_000)
    people = [person_from_entry(*e) for e in entries]
    units = directory.units()
    people.sort(key=lambda p: (word_sort_key(units[p.unit_code].name) if p.unit_code in units
                               else (), sort_key_parts(p.family, p.middle, p.given)))  # fmt: skip
    rows: list[tuple] = [HEADER]
    for n, p in enumerate(people, 1):
        unit = units.get(p.unit_code)
        cells = (p.name, p.title, unit.name if unit else "", p.unit_code, "; ".join(p.mail),
                 p.phone or "", p.uid)  # fmt: skip
        rows.append((n, *(neutralise(c) for c in cells)))
    return rows


def export_table(directory: Directory, code: str, path: str | Path) -> int:
    """Write the subtree's people as CSV or XLSX (by the file name); return the count."""
    path = Path(path)
    rows = export_rows(directory, code)
    data = to_xlsx(rows, code) if path.suffix.lower() == ".xlsx" else to_csv(rows)
    path.write_bytes(data)
    return len(rows) - 1
