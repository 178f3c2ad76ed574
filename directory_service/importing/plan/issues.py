"""The rows a plan rejects (an address held elsewhere) or flags (a person renamed)."""

from __future__ import annotations

from collections.abc import Iterable

from directory_service.directory.store import first_value, shown_name
from directory_service.entries.build import TreeIndex
from directory_service.importing import messages as m
from directory_service.importing.plan.attrs import Attrs
from directory_service.importing.rows import MAIL, NAME, Issue, Record


def common_parent(index: TreeIndex, target: str, code: str) -> str | None:
    """Return "CODE name" of the lowest unit above both the target and a unit, if any."""
    if code not in index.paths:
        return None
    common = None
    for ours, theirs in zip(index.paths[target], index.paths[code], strict=False):
        if ours != theirs:
            break
        common = ours
    return f"{common} {index.units[common].name}" if common else None


def elsewhere_issue(
    index: TreeIndex, target: str, rec: Record, address: str, holder: tuple[str, Attrs] | str
) -> Issue:
    """Return the rejection of a row whose address a person outside the target holds.

    holder is the person's entry, or (when only that is known) the code of their unit.
    """
    if isinstance(holder, str):
        code, fields = holder, {}
    else:
        dn, attrs = holder
        code = first_value(attrs, "govdirUnitCode")
        fields = {"holder": shown_name(attrs) or dn}
    unit = index.units.get(code)
    suggestion = m.elsewhere_suggestion(common_parent(index, target, code))
    key = m.MAIL_ELSEWHERE if fields else m.MAIL_ELSEWHERE_UNIT
    return m.issue(
        rec.row, MAIL, address, key, suggestion, **fields,
        unit=f"{code} {unit.name}" if unit else code, target=f"{target} {index.units[target].name}",
    )  # fmt: skip


def clash_issues(
    index: TreeIndex, target: str, rec: Record, addresses: Iterable[str],
    holders: dict[str, tuple[str, Attrs]] | dict[str, str],
) -> list[Issue]:  # fmt: skip
    """Return the rejections of those of a row's addresses that holders (by lower case) hold."""
    return [elsewhere_issue(index, target, rec, a, holders[a.lower()])
            for a in addresses if a.lower() in holders]  # fmt: skip


def renamed_issue(rec: Record, old: Attrs, address: str) -> Issue:
    """Return the flag of a row that renames the person its address belongs to."""
    old_name = shown_name(old)
    return m.issue(rec.row, NAME, rec.full_name, m.RENAMED, m.SUGGEST_RENAMED, False,
                   old=old_name, new=rec.full_name, mail=address)  # fmt: skip
