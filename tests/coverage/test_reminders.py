"""Reminders: the units not submitted, exported and mailed through a real local SMTP server."""

from __future__ import annotations

import csv
import email
import email.policy
import io
from datetime import date, timedelta

import ldap
import openpyxl
from aiosmtpd.controller import Controller

from directory_service import cli
from directory_service.coverage.rounds import RoundBook
from directory_service.server.slapd import free_ports
from tests.web.test_passwords_web import Inbox


def test_reminders_list_units_with_mailbox_and_admins_and_are_mailed(
    small, tmp_path, monkeypatch, capsys
):
    d, a = str(small["data_dir"]), small["a"]
    conn, directory = small["conn"], small["directory"]
    [(admin_dn, _)] = conn.search_s(small["state"].base_dn, ldap.SCOPE_SUBTREE, "(uid=pcov1)",
                                    ["1.1"])  # fmt: skip
    conn.modify_s(admin_dn, [(ldap.MOD_ADD, "objectClass", [b"govdirAccount"]),
                             (ldap.MOD_ADD, "govdirAdminOf", [a.encode()])])  # fmt: skip
    RoundBook(d).open("vong-nhac", (date.today() + timedelta(days=3)).isoformat(), "local")
    out = tmp_path / "chua-gui.csv"
    assert cli.main(["rounds", "remind", "vong-nhac", "--output", str(out), "--data-dir", d]) == 0
    rows = {r[0]: r for r in csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig")))}
    assert rows[a][4] == "chu@hanoi.gov.vn"  # the commune's admin
    assert rows[a][3] == (directory.unit(a).mail or "")
    assert "BTC" not in rows  # a local round
    xlsx = tmp_path / "chua-gui.xlsx"
    assert cli.main(["rounds", "remind", "vong-nhac", "--output", str(xlsx), "--data-dir", d]) == 0
    assert openpyxl.load_workbook(xlsx).active.max_row == len(rows)

    monkeypatch.delenv("GOVDIR_SMTP_URL", raising=False)
    assert cli.main(["rounds", "remind", "vong-nhac", "--send", "--data-dir", d]) == 1
    assert "GOVDIR_SMTP_URL" in capsys.readouterr().err
    inbox = Inbox()
    [port] = free_ports(1)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("GOVDIR_SMTP_URL", f"smtp://127.0.0.1:{port}")
        assert cli.main(["rounds", "remind", "vong-nhac", "--send", "--data-dir", d]) == 0
    finally:
        controller.stop()
    mails = [email.message_from_string(m, policy=email.policy.default) for m in inbox.messages]
    to_commune = [m for m in mails if "chu@hanoi.gov.vn" in m["To"]]
    assert len(to_commune) == 1 and f"(mã {a})" in to_commune[0].get_content()
    assert len(inbox.messages) == sum(1 for r in list(rows.values())[1:] if r[3] or r[4])
    RoundBook(d).close("vong-nhac")
