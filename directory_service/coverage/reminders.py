"""Who to remind: the units of a round that have not submitted, with their mailbox and admins."""

from __future__ import annotations

import smtplib
import urllib.parse
from email.message import EmailMessage

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


def send_reminders(rows: list[tuple], round_name: str, deadline: str, smtp_url: str,
                   sender: str = "danhba@gov.vn") -> int:  # fmt: skip
    """Mail each unit not submitted (its mailbox and admins) a reminder; return how many went.

    One message per unit, over one SMTP connection to smtp_url (smtp://host:port).
    """
    url = urllib.parse.urlparse(smtp_url)
    sent = 0
    with smtplib.SMTP(url.hostname or "localhost", url.port or 25, timeout=10) as smtp:
        for code, name, _, mailbox, admins in rows:
            to = [a for a in [mailbox, *admins.split(", ")] if a]
            if not to:
                continue
            message = EmailMessage()
            message["Subject"] = f"Nhắc gửi danh sách thư điện tử công vụ: {name} ({round_name})"
            message["From"] = sender
            message["To"] = ", ".join(to)
            message.set_content(
                f"Đơn vị {name} (mã {code}) chưa gửi danh sách địa chỉ thư điện tử công vụ của đợt "
                f"{round_name}, hạn {deadline}. Xin gửi danh sách, hoặc xác nhận danh sách không "
                "thay đổi, trên trang quản trị của danh bạ.\n\n"
                f"{name} ({code}) has not sent its list of official addresses for the round "
                f"{round_name}, due {deadline}. Please import it, or confirm it is unchanged, in "
                "the directory's admin pages.\n"
            )
            smtp.send_message(message)
            sent += 1
    return sent
