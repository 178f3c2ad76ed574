"""Agency admins keep their own list in the web, and slapd refuses what is not theirs."""

from __future__ import annotations

import re

import ldap
import pytest

from tests.web.test_account_web import csrf, sign_in
from tests.web.test_audit_web import _admin


@pytest.fixture()
def admins(instance):
    """An admin of Sở Tư pháp Hà Nội and one of Hồ Chí Minh City; removed afterwards."""
    state, slapd, _ = instance
    _admin(instance, "padminweb1", "01-STP", "quantri.stp@hanoi.gov.vn", "01-STP")
    _admin(instance, "padminweb2", "79-STP", "quantri.stp@tphcm.gov.vn", "79")
    root = ldap.initialize(slapd.uri)
    root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    yield root
    found = root.search_s(state.base_dn, ldap.SCOPE_SUBTREE, "(uid=padminweb*)", ["1.1"])
    found += root.search_s(state.base_dn, ldap.SCOPE_SUBTREE,
                           "(mail=webadded*@hanoi.gov.vn)", ["1.1"])  # fmt: skip
    for dn, _ in found:
        root.delete_s(dn)


def add(client, **values):
    token = csrf(client, "/units/01-STP/people/new")
    return client.post("/units/01-STP/people/new", data={"csrf_token": token, **values})


def test_an_admin_adds_changes_and_retires_a_person_of_their_unit(app, admins):
    root = admins
    with app.test_client() as client:
        sign_in(client, mail="quantri.stp@hanoi.gov.vn")
        added = add(client, name="  NGUYỄN  thị   mới ", title="Chuyên viên",
                    mail="webadded1@hanoi.gov.vn", phone="0243 123 4567")  # fmt: skip
        assert added.status_code == 302
        uid = re.search(r"/people/([^/]+)$", added.headers["Location"]).group(1)
        wanted = ["cn", "govdirUnitPath", "modifiersName", "mail"]
        [(dn, attrs)] = root.search_s("dc=gov,dc=vn", ldap.SCOPE_SUBTREE, f"(uid={uid})", wanted)
        assert attrs["cn"][0] == "Nguyễn Thị Mới".encode()  # checked as the importer checks
        assert attrs["govdirUnitPath"] == [b"DP", b"01", b"01-STP"]
        assert "padminweb1" in attrs["modifiersName"][0].decode().lower()  # written as the admin

        token = csrf(client, f"/people/{uid}/edit")
        edited = client.post(f"/people/{uid}/edit", data={
            "csrf_token": token, "name": "Nguyễn Thị Mới", "title": "Phó Chánh Văn phòng",
            "mail": "webadded1@hanoi.gov.vn", "phone": ""})  # fmt: skip
        assert edited.status_code == 302
        [(_, attrs)] = root.search_s(dn, ldap.SCOPE_BASE, attrlist=["title", "telephoneNumber"])
        assert (
            attrs["title"][0] == "Phó Chánh Văn phòng".encode() and "telephoneNumber" not in attrs
        )

        token = csrf(client, f"/people/{uid}/edit")
        assert client.post(f"/people/{uid}/left", data={"csrf_token": token}).status_code == 302
        [(_, attrs)] = root.search_s(dn, ldap.SCOPE_BASE, attrlist=["govdirStatus"])
        assert attrs["govdirStatus"] == [b"left"]


def test_a_form_with_a_bad_address_shows_why_and_writes_nothing(app, admins):
    root = admins
    with app.test_client() as client:
        sign_in(client, mail="quantri.stp@hanoi.gov.vn")
        refused = add(client, name="Trần Văn Sai", title="", mail="webadded2 at hanoi", phone="")
        assert refused.status_code == 422
        page = refused.get_data(as_text=True)
        assert 'aria-invalid="true"' in page and "@" in page
    assert root.search_s("dc=gov,dc=vn", ldap.SCOPE_SUBTREE, "(cn=Trần Văn Sai)", ["1.1"]) == []


def test_an_admin_of_another_province_is_refused_by_the_directory(app, admins):
    root = admins
    with app.test_client() as client:
        sign_in(client, mail="quantri.stp@tphcm.gov.vn")
        refused = add(client, name="Lê Văn Lạ", title="Chuyên viên",
                      mail="webadded3@hanoi.gov.vn", phone="")  # fmt: skip
        assert refused.status_code == 403
        assert "Insufficient access" in refused.get_data(as_text=True)
    assert root.search_s("dc=gov,dc=vn", ldap.SCOPE_SUBTREE, "(mail=webadded3@hanoi.gov.vn)",
                         ["1.1"]) == []  # fmt: skip


def test_the_admin_pages_need_a_sign_in(client):
    assert client.get("/units/01-STP/people/new").status_code == 302


def appoint(client, code: str, mail: str, action: str = "appoint"):
    token = csrf(client, f"/units/{code}/admins")
    return client.post(f"/units/{code}/admins",
                       data={"csrf_token": token, "email": mail, "action": action})  # fmt: skip


def test_an_admin_appoints_and_dismisses_an_admin_below_and_another_is_refused(app, admins):
    root = admins
    hanoi = app.test_client()
    sign_in(hanoi, mail="quantri.stp@hanoi.gov.vn")
    add(hanoi, name="Vương Thị Giao", title="Chuyên viên", mail="webadded9@hanoi.gov.vn",
        phone="")  # fmt: skip
    appoint(hanoi, "01-STP", "webadded9@hanoi.gov.vn")
    [(dn, attrs)] = root.search_s("dc=gov,dc=vn", ldap.SCOPE_SUBTREE,
                                  "(mail=webadded9@hanoi.gov.vn)", ["govdirAdminOf"])  # fmt: skip
    assert attrs["govdirAdminOf"] == [b"01-STP"]
    assert "webadded9@hanoi.gov.vn" in hanoi.get("/units/01-STP/admins").get_data(as_text=True)

    above = appoint(hanoi, "01", "webadded9@hanoi.gov.vn")  # the province: above their unit
    assert above.status_code == 302
    [(_, attrs)] = root.search_s(dn, ldap.SCOPE_BASE, attrlist=["govdirAdminOf"])
    assert attrs["govdirAdminOf"] == [b"01-STP"]

    other = app.test_client()
    sign_in(other, mail="quantri.stp@tphcm.gov.vn")
    appoint(other, "01-STP", "webadded9@hanoi.gov.vn", "dismiss")
    [(_, attrs)] = root.search_s(dn, ldap.SCOPE_BASE, attrlist=["govdirAdminOf"])
    assert attrs["govdirAdminOf"] == [b"01-STP"]  # refused: not theirs

    appoint(hanoi, "01-STP", "webadded9@hanoi.gov.vn", "dismiss")
    [(_, attrs)] = root.search_s(dn, ldap.SCOPE_BASE, attrlist=["govdirAdminOf"])
    assert "govdirAdminOf" not in attrs
