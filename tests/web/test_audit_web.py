"""The audit log in the web: each admin sees the writes to their own subtree, and their own."""

from __future__ import annotations

import re

import ldap
import ldap.modlist
import pyotp
import pytest

from directory_service.entries.build import TreeIndex
from directory_service.model import Person
from directory_service.reference.tree import build_tree
from tests.web.test_account_web import PASSWORD, csrf, sign_in


def _admin(instance, uid: str, unit: str, mail: str, admin_of: str) -> str:
    state, slapd, _ = instance
    person = Person(uid=uid, family="Kiều", middle="Văn", given="Kiểm", unit_code=unit,
                    title="Chuyên viên", mail=[mail])  # fmt: skip
    dn, attrs = TreeIndex(build_tree(), state.base_dn).person_entry(person)
    attrs = {**attrs, "objectClass": [*attrs["objectClass"], b"govdirAccount"],
             "govdirAdminOf": [admin_of.encode()]}  # fmt: skip
    root = ldap.initialize(slapd.uri)
    root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    root.add_s(dn, ldap.modlist.addModlist(attrs))
    root.passwd_s(dn, None, PASSWORD)
    return dn


@pytest.fixture()
def admins(instance):
    """Add an admin of Sở Tư pháp Hà Nội and one of Hồ Chí Minh City; remove them afterwards."""
    state, slapd, _ = instance
    hanoi = _admin(instance, "pauditweb1", "01-STP", "kiemkv.stp@hanoi.gov.vn", "01-STP")
    hcm = _admin(instance, "pauditweb2", "79-STP", "kiemkv.stp@tphcm.gov.vn", "79")
    yield hanoi, hcm
    root = ldap.initialize(slapd.uri)
    root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    root.delete_s(hanoi)
    root.delete_s(hcm)


def test_an_admin_sees_the_writes_to_their_unit_and_another_admin_does_not(app, admins):
    hanoi, _ = admins
    with app.test_client() as client:
        sign_in(client, mail="kiemkv.stp@hanoi.gov.vn")
        token = csrf(client, "/me")
        client.post("/me", data={"title": "Chuyên viên chính", "phone": "", "csrf_token": token})
        page = client.get("/units/01-STP/changes?lang=en").get_data(as_text=True)
        # Newest first: the change just made heads the list.
        row = next(line for line in page.splitlines() if "<td>modify</td>" in line)
        assert row.lower().count(hanoi.lower()) == 2  # the entry, and who changed it
        assert "title" in row and "govdirTitlePrefix" in row
        assert hanoi.lower() in client.get("/me/changes").get_data(as_text=True).lower()
    with app.test_client() as other:
        sign_in(other, mail="kiemkv.stp@tphcm.gov.vn")
        page = other.get("/units/01-STP/changes?lang=en").get_data(as_text=True)
        assert "No changes that you may see." in page and hanoi not in page


def test_the_audit_pages_need_a_sign_in(client):
    response = client.get("/units/01-STP/changes")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_national_admin_reads_what_an_agency_admin_did(app, admins, instance):
    hanoi, _ = admins
    state, slapd, _ = instance
    client = app.test_client()
    sign_in(client, mail="kiemkv.stp@hanoi.gov.vn")
    token = csrf(client, "/me")
    client.post("/me", data={"title": "Phó Trưởng phòng", "phone": "", "csrf_token": token})
    # Another agency's admin sees none of it; the root (a national admin) sees it all.
    other = app.test_client()
    sign_in(other, mail="kiemkv.stp@tphcm.gov.vn")
    page = other.get("/people/pauditweb1/changes?lang=en").get_data(as_text=True)
    assert "No changes that you may see." in page
    root = ldap.initialize(slapd.uri)
    root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    group = f"cn=national-admins,{state.base_dn}"
    hcm = root.search_s(state.base_dn, ldap.SCOPE_SUBTREE, "(uid=pauditweb2)", ["1.1"])[0][0]
    root.modify_s(group, [(ldap.MOD_ADD, "member", [hcm.encode()])])
    try:
        # Now national: two-step sign-in asks it to set up a code first.
        national = app.test_client()
        sign_in(national, mail="kiemkv.stp@tphcm.gov.vn")
        page = national.get("/login/code").get_data(as_text=True)
        secret = re.search(r"<code>([A-Z2-7]+)</code>", page).group(1)
        token = csrf(national, "/login/code")
        national.post("/login/code", data={"csrf_token": token,
                                            "code": pyotp.TOTP(secret).now()})  # fmt: skip
        page = national.get("/people/pauditweb1/changes?lang=en").get_data(as_text=True)
        assert "Changes made by Kiều Văn Kiểm" in page and "title" in page
        assert hanoi.lower() in page.lower()
    finally:
        root.modify_s(group, [(ldap.MOD_DELETE, "member", [hcm.encode()])])
