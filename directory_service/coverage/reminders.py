"""Who to remind: the units of a round that have not submitted, with their mailbox and admins."""

from __future__ import annotations

from directory_service.coverage.figures import Coverage
from directory_service.coverage.rounds import NOT_SUBMITTED
from directory_service.directory.store import Directory

HEADER = ("Mã (Code)", "Đơn vị (Unit)", "Cấp (Level)", "Hộp thư đơn vị (Unit mailbox)",
          "Quản trị viên (Admins)")  # fmt: skip


def admins_by_unit(directory: Directory) -> dict[str, list[str]]:
    """Return the addresses of every unit's admins, by unit code (one search)."""
    found, _ = directory.search("(govdirAdminOf=*)", ["govdirAdminOf", "mail"])
    admins: dict[str, list[str]] = {}
    for _, attrs in found:
        mail = attrs.get("mail", [b""])[0].decode()
        for code in attrs.get("govdirAdminOf", []):
            admins.setdefault(code.decode(), []).append(mail)
    return admins


def reminder_rows(directory: Directory, coverage: Coverage) -> list[tuple]:
    """Return a row per unit not submitted: code, name, level, unit mailbox, admins."""
    units, admins = directory.units(), admins_by_unit(directory)
    rows = []
    for f in coverage.units:
        if f.status == NOT_SUBMITTED:
            mailbox = units[f.code].mail or ""
            rows.append(
                (f.code, f.name, f.level, mailbox, ", ".join(sorted(admins.get(f.code, []))))
            )
    return rows
