"""Check a person or a unit typed into a form exactly as the importer checks a list."""

from __future__ import annotations

from directory_service.directory.people import as_unit
from directory_service.directory.store import Directory
from directory_service.importing.check.addresses import problem
from directory_service.importing.check.normalise import normalise_row
from directory_service.importing.read.cells import clean_cell
from directory_service.importing.rows import MAIL, NAME, PHONE, TITLE, Issue, Record, SourceRow
from directory_service.importing.units.match import UnitMatcher
from directory_service.importing.units.new import new_unit_code, unit_name, unit_type
from directory_service.model import Unit
from directory_service.reference.unit_keys import unit_key


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


UNIT_NAME_MAX = 200  # characters: the longest reference unit name is well under it


def check_unit(
    directory: Directory, parent_code: str, name: str, english_name: str, code: str | None = None
) -> tuple[Unit | None, list[Issue]]:
    """Return the unit a form describes under a parent (None when rejected) and its issues.

    A new unit (code None) gets its code and kind the way ``--create-units`` makes them; a unit
    named like one of its parent's other units, whose name the importer would confuse, is
    refused.
    """
    units = directory.units()
    if parent_code not in units:
        raise LookupError(f"không có đơn vị mã {parent_code} / no unit with code {parent_code}")
    cleaned, english = unit_name(name), unit_name(english_name)
    issues = []
    if not cleaned:
        issues.append(Issue(1, "name", name, "Thiếu tên đơn vị", "The unit's name is missing"))
    elif len(cleaned) > UNIT_NAME_MAX or len(english) > UNIT_NAME_MAX:
        issues.append(Issue(1, "name", name, f"Tên dài quá {UNIT_NAME_MAX} ký tự",
                            f"The name is longer than {UNIT_NAME_MAX} characters"))  # fmt: skip
    else:
        key = unit_key(cleaned)[1]
        parent_path = units[parent_code].path
        for other in units.values():
            if (
                other.code != code
                and other.path[:-1] == parent_path
                and (unit_key(other.name)[1] == key)
            ):
                issues.append(Issue(1, "name", name, f"Đã có đơn vị {other.name} ở đây",
                                    f"{other.name} is here already"))  # fmt: skip
                break
    if issues:
        return None, issues
    if code is None:
        taken = {c.casefold() for c in units}
        code = new_unit_code(parent_code, cleaned, taken)
        kind = unit_type(cleaned)
    else:
        kind = units[code].type
    return Unit(code, cleaned, kind, parent_code, english_name=english or None), []


def check_unit_mail(value: str) -> tuple[str | None, list[Issue]]:
    """Return a unit mailbox as typed, cleaned (None: none), or the issue that refuses it."""
    address = clean_cell(value).lower()
    if not address:
        return None, []
    found = problem(address)
    if found is None:
        return address, []
    return None, [Issue(1, "mail", value, f"Địa chỉ không hợp lệ ({found})",
                        f"Not a valid address ({found})")]  # fmt: skip
