"""Check one person typed into a form exactly as the importer checks a row of a list."""

from __future__ import annotations

from directory_service.directory.people import as_unit
from directory_service.directory.store import Directory
from directory_service.importing.check.normalise import normalise_row
from directory_service.importing.rows import MAIL, NAME, PHONE, TITLE, Issue, Record, SourceRow
from directory_service.importing.units.match import UnitMatcher


def check_person(
    directory: Directory, unit_code: str, name: str, title: str, mail: str, phone: str
) -> tuple[Record | None, list[Issue]]:
    """Return the record a form describes in a unit (None when rejected) and its issues.

    The name is split and its case and diacritics checked, the addresses split, repaired and
    checked (and a personal address flagged), the phone normalised: what a list's row gets.
    """
    units = directory.units()
    if unit_code not in units:
        raise LookupError(f"không có đơn vị mã {unit_code} / no unit with code {unit_code}")
    matcher = UnitMatcher([as_unit(u) for u in units.values()], unit_code)
    row = SourceRow(1, {NAME: name, TITLE: title, MAIL: mail, PHONE: phone})
    return normalise_row(row, matcher)
