"""Activation links, reset links by email (a real SMTP server), and changing one's password."""

from __future__ import annotations

import email
import email.policy
import re
import time

import ldap
import pytest
from aiosmtpd.controller import Controller

from directory_service import cli
from directory_service.directory.settings import web_secret
from directory_service.server.slapd import free_port
from tests.web.test_account_web import csrf, sign_in
from tests.web.test_audit_web import _admin

MAIL = "matkhau.stp@hanoi.gov.vn"
NEW = "a brand new password here"


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope.content.decode())
        return "250 OK"


@pytest.fixture()
def person(instance):
    """A person of Sở Tư pháp Hà Nội (with a first password); removed afterwards."""
    state, slapd, _ = instance
    dn = _admin(instance, "ppasswordweb1", "01-STP", MAIL, "01-STP")
    yield dn
    root = ldap.initialize(slapd.uri)
    root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    root.delete_s(dn)


@pytest.fixture()
def site(instance, web_directory):
    """The web app signing with the instance's own secret (as `govdir up` runs it)."""
    from web import create_app

    _, _, data_dir = instance
    return create_app({"TESTING": True, "DIRECTORY": web_directory,
                       "SECRET_KEY": web_secret(data_dir)})  # fmt: skip


def set_password(client, path: str, password: str, confirm: str | None = None):
    token = csrf(client, path)
    again = password if confirm is None else confirm
    return client.post(path, data={"csrf_token": token, "password": password, "confirm": again})


def test_an_activation_link_sets_the_first_password_once(instance, person, site, capsys):
    _, _, data_dir = instance
    assert cli.main(["--data-dir", str(data_dir), "admins", "grant", MAIL, "--unit",
                     "01-STP"]) == 0  # fmt: skip
    link = re.search(r"Activation link \(72 hours, once\): \S+(/activate/\S+)",
                     capsys.readouterr().out).group(1)  # fmt: skip
    client = site.test_client()
    assert set_password(client, link, NEW, "something else").status_code == 422
    short = set_password(client, link, "short")
    assert short.status_code == 422 and "Constraint violation" in short.get_data(as_text=True)
    assert set_password(client, link, NEW).status_code == 302
    assert sign_in(client, NEW, MAIL).status_code == 302
    assert site.test_client().get(link).status_code == 400  # spent: the password changed


def test_a_reset_link_arrives_by_mail_and_sets_a_new_password(instance, person, site):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        site.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
        client = site.test_client()
        token = csrf(client, "/reset")
        sent = client.post("/reset", data={"csrf_token": token, "email": MAIL})
        assert sent.status_code == 302
        token = csrf(client, "/reset")
        client.post("/reset", data={"csrf_token": token, "email": "nobody@hanoi.gov.vn"})
        assert len(inbox.messages) == 1
        message = email.message_from_string(inbox.messages[0], policy=email.policy.default)
        assert message["To"] == MAIL
        link = re.search(r"http://localhost(/reset/\S+)", message.get_content()).group(1)
        client = site.test_client()
        assert set_password(client, link, NEW).status_code == 302
        assert sign_in(client, NEW, MAIL).status_code == 302
    finally:
        controller.stop()


def test_changing_the_password_ends_every_other_session(instance, person, site):
    from tests.web.test_account_web import PASSWORD

    first, second = site.test_client(), site.test_client()
    assert sign_in(first, PASSWORD, MAIL).status_code == 302
    assert sign_in(second, PASSWORD, MAIL).status_code == 302
    time.sleep(1.1)  # ppolicy's pwdChangedTime counts whole seconds
    token = csrf(first, "/password")
    changed = first.post("/password", data={"csrf_token": token, "current": PASSWORD,
                                             "password": NEW, "confirm": NEW})  # fmt: skip
    assert changed.status_code == 302
    ended = second.get("/me")
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]
    assert sign_in(second, NEW, MAIL).status_code == 302
