"""Two-step sign-in: required of national admins (set up at their first sign-in), offered to all."""

from __future__ import annotations

import re

import ldap
import pyotp
import pytest

from tests.web.test_account_web import PASSWORD, csrf, sign_in
from tests.web.test_audit_web import _admin


@pytest.fixture()
def national(instance):
    """A person of the Ministry of Finance in cn=national-admins; removed afterwards."""
    state, slapd, _ = instance
    dn = _admin(instance, "ptwostep1", "BTC", "quocgia@mof.gov.vn", "BTC")
    root = ldap.initialize(slapd.uri)
    root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    group = f"cn=national-admins,{state.base_dn}"
    root.modify_s(group, [(ldap.MOD_ADD, "member", [dn.encode()])])
    yield dn, root
    root.modify_s(group, [(ldap.MOD_DELETE, "member", [dn.encode()])])
    root.delete_s(dn)


@pytest.fixture()
def official(instance):
    state, slapd, _ = instance
    dn = _admin(instance, "ptwostep2", "01-STP", "haibuoc.stp@hanoi.gov.vn", "01-STP")
    yield dn
    root = ldap.initialize(slapd.uri)
    root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    root.delete_s(dn)


def send_code(client, code: str):
    token = csrf(client, "/login/code")
    return client.post("/login/code", data={"csrf_token": token, "code": code})


def test_a_national_admin_sets_up_a_code_at_first_sign_in_then_needs_it(app, national):
    dn, root = national
    client = app.test_client()
    first = sign_in(client, mail="quocgia@mof.gov.vn")
    assert first.status_code == 302 and first.headers["Location"].endswith("/login/code")
    assert client.get("/me").status_code == 302  # not signed in yet
    page = client.get("/login/code").get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page).group(1)
    assert "<svg" in page  # the QR code for the authenticator app
    assert send_code(client, "000000").status_code == 401
    assert send_code(client, pyotp.TOTP(secret).now()).status_code == 302
    assert client.get("/me").status_code == 200
    [(_, attrs)] = root.search_s(dn, ldap.SCOPE_BASE, attrlist=["govdirTotpSecret"])
    assert attrs["govdirTotpSecret"] == [secret.encode()]

    again = app.test_client()
    assert sign_in(again, mail="quocgia@mof.gov.vn").headers["Location"].endswith("/login/code")
    page = again.get("/login/code").get_data(as_text=True)
    assert secret not in page  # asked for a code, not shown the secret again
    assert send_code(again, pyotp.TOTP(secret).now()).status_code == 302


def test_an_official_signs_in_with_a_password_and_may_turn_the_second_step_on(app, official):
    client = app.test_client()
    assert sign_in(client, mail="haibuoc.stp@hanoi.gov.vn").headers["Location"].endswith("/me")
    page = client.get("/me/two-step").get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page).group(1)
    token = csrf(client, "/me/two-step")
    on = client.post("/me/two-step", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert on.status_code == 302
    later = app.test_client()
    assert (
        sign_in(later, mail="haibuoc.stp@hanoi.gov.vn").headers["Location"].endswith("/login/code")
    )


def test_the_secret_is_hidden_from_the_address_book(instance, official, app):
    state, slapd, _ = instance
    client = app.test_client()
    sign_in(client, mail="haibuoc.stp@hanoi.gov.vn")
    secret = re.search(r"<code>([A-Z2-7]+)</code>",
                       client.get("/me/two-step").get_data(as_text=True)).group(1)  # fmt: skip
    token = csrf(client, "/me/two-step")
    client.post("/me/two-step", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    book = ldap.initialize(slapd.uri)
    book.simple_bind_s(f"cn=addressbook,{state.base_dn}", state.addressbook_password)
    [(_, attrs)] = book.search_s(official, ldap.SCOPE_BASE, attrlist=["govdirTotpSecret", "cn"])
    assert "cn" in attrs and "govdirTotpSecret" not in attrs
    me = ldap.initialize(slapd.uri)
    me.simple_bind_s(official, PASSWORD)
    [(_, attrs)] = me.search_s(official, ldap.SCOPE_BASE, attrlist=["govdirTotpSecret", "cn"])
    assert "govdirTotpSecret" not in attrs  # not even its own person reads it back
