"""Signing in to the web and changing one's own details, written on one's behalf by slapd."""

from __future__ import annotations

import re
import time

import ldap
import ldap.modlist
import pytest

from directory_service.entries.build import TreeIndex
from directory_service.model import Person
from directory_service.reference.tree import build_tree

PASSWORD = "a web password long enough"
MAIL = "signin.stp@hanoi.gov.vn"


@pytest.fixture()
def member(instance):
    """Add an admin of Sở Tư pháp Hà Nội with a password; remove them afterwards."""
    state, slapd, _ = instance
    person = Person(
        uid="psigninweb1", family="Đinh", middle="Thị", given="Đăng", unit_code="01-STP",
        title="Chuyên viên", mail=[MAIL], phone="024 1111 2222",
    )  # fmt: skip
    dn, attrs = TreeIndex(build_tree(), state.base_dn).person_entry(person)
    attrs = {**attrs, "objectClass": [*attrs["objectClass"], b"govdirAccount"]}
    attrs["govdirAdminOf"] = [b"01-STP"]
    root = ldap.initialize(slapd.uri)
    root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    root.add_s(dn, ldap.modlist.addModlist(attrs))
    root.passwd_s(dn, None, PASSWORD)
    yield dn, root
    root.delete_s(dn)


def csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, password: str = PASSWORD, mail: str = MAIL):
    token = csrf(client, "/login")
    return client.post("/login", data={"email": mail, "password": password, "csrf_token": token})


def test_the_sign_in_page_asks_for_email_and_password(client):
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert '<label for="email">Email</label>' in page
    assert '<label for="password">Password</label>' in page
    assert "Mật khẩu" in client.get("/login?lang=vi").get_data(as_text=True)


def test_a_wrong_password_or_an_unknown_address_is_refused_alike(client, member):
    wrong = sign_in(client, "not the password at all")
    unknown = sign_in(client, mail="nobody.here@hanoi.gov.vn")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "Sai địa chỉ thư điện tử hoặc mật khẩu." in response.get_data(as_text=True)
    assert client.get("/me").status_code == 302  # still signed out


def test_a_signed_in_admin_sees_their_units_and_changes_their_own_details(client, member):
    dn, root = member
    response = sign_in(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")
    page = client.get("/me?lang=en").get_data(as_text=True)
    assert "Đinh Thị Đăng" in page and "You administer" in page and "(01-STP)" in page
    token = csrf(client, "/me")
    saved = client.post("/me", data={"title": "Chuyên viên chính", "phone": "024 3333 4444",
                                      "csrf_token": token})  # fmt: skip
    assert saved.status_code == 302
    wanted = ["title", "telephoneNumber", "govdirTitlePrefix", "modifiersName"]
    [(_, attrs)] = root.search_s(dn, ldap.SCOPE_BASE, attrlist=wanted)
    assert attrs["title"] == ["Chuyên viên chính".encode(), b"Chuyen vien chinh"]
    assert attrs["telephoneNumber"] == [b"024 3333 4444"]
    assert b"chinh" in attrs["govdirTitlePrefix"]
    # Written with proxied authorization: slapd records the person, not the web account.
    assert attrs["modifiersName"][0].decode().lower() == dn.lower()


def test_a_form_without_its_csrf_token_is_refused(client, member):
    sign_in(client)
    assert client.post("/me", data={"title": "Hacked", "phone": ""}).status_code == 400


def test_a_locked_account_is_told_so(client, member):
    for _ in range(5):
        sign_in(client, "a wrong guess every time")
    locked = sign_in(client)
    assert locked.status_code == 401
    assert "khóa" in locked.get_data(as_text=True)


def test_an_idle_session_ends(client, member):
    sign_in(client)
    assert client.get("/me").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - 31 * 60
    ended = client.get("/me")
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]
    assert client.get("/me").status_code == 302


def test_a_unit_list_downloads_for_a_signed_in_person_only(client, member):
    assert client.get("/units/01-STP/people.csv").status_code == 404
    sign_in(client)
    csv_list = client.get("/units/01-STP/people.csv")
    assert csv_list.status_code == 200 and "Đinh Thị Đăng" in csv_list.get_data(as_text=True)
    assert "people.xlsx" in client.get("/units/01-STP").get_data(as_text=True)
