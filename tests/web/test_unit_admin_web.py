"""Agency admins add and rename units below their own; slapd refuses the rest."""

from __future__ import annotations

import ldap
import pytest

from tests.web.test_account_web import csrf, sign_in
from tests.web.test_admin_web import admins  # noqa: F401 (fixture)

BASE = "dc=gov,dc=vn"


@pytest.fixture()
def cleanup(admins):  # noqa: F811
    """Remove the units the tests add (their people first), and put names back."""
    root = admins
    own = "(&(objectClass=govdirUnit)(govdirUnitCode=01-STP))"
    [(stp, attrs)] = root.search_s(BASE, ldap.SCOPE_SUBTREE, own, ["mail"])
    yield root
    found = root.search_s(
        BASE, ldap.SCOPE_SUBTREE, "(&(objectClass=govdirUnit)(govdirUnitCode=01-STP-*))", ["1.1"]
    )
    for dn, _ in sorted(found, key=lambda e: -len(e[0])):
        for child, _ in root.search_s(dn, ldap.SCOPE_ONELEVEL, "(objectClass=*)", ["1.1"]):
            root.delete_s(child)
        root.delete_s(dn)
    root.modify_s(stp, [(ldap.MOD_REPLACE, "mail", attrs.get("mail"))])


def post(client, path: str, **values):
    return client.post(path, data={"csrf_token": csrf(client, path), **values})


def unit(root, code: str, attrs=("ou", "govdirUnitType", "govdirUnitPath", "creatorsName")):
    found = root.search_s(
        BASE, ldap.SCOPE_SUBTREE, f"(&(objectClass=govdirUnit)(govdirUnitCode={code}))", list(attrs)
    )
    return found[0] if found else (None, {})


def test_an_admin_adds_a_unit_below_theirs_and_renames_it_with_its_people(app, cleanup):
    root = cleanup
    with app.test_client() as client:
        sign_in(client, mail="quantri.stp@hanoi.gov.vn")
        added = post(client, "/units/01-STP/units/new", name="  Phòng Hành chính -  Tổng hợp ",
                     english_name="", mail="")  # fmt: skip
        assert added.status_code == 302 and added.headers["Location"].endswith(
            "/units/01-STP-PHCTH"
        )
        dn, attrs = unit(root, "01-STP-PHCTH")
        assert attrs["ou"][0] == "Phòng Hành chính - Tổng hợp".encode()
        assert attrs["govdirUnitType"] == [b"phong"]
        assert attrs["govdirUnitPath"] == [b"DP", b"01", b"01-STP", b"01-STP-PHCTH"]
        assert "padminweb1" in attrs["creatorsName"][0].decode().lower()  # written as the admin

        person = post(client, "/units/01-STP-PHCTH/people/new", name="Đặng Thị Mười",
                      title="Chuyên viên", mail="webadded20@hanoi.gov.vn", phone="")  # fmt: skip
        assert person.status_code == 302

        again = post(client, "/units/01-STP/units/new", name="phong hanh chinh tong hop",
                     english_name="", mail="")  # fmt: skip
        assert again.status_code == 422 and "aria-invalid" in again.get_data(as_text=True)

        renamed = post(client, "/units/01-STP-PHCTH/edit", name="Phòng Hành chính - Quản trị",
                       english_name="Administration Division", mail="")  # fmt: skip
        assert renamed.status_code == 302
    _, attrs = unit(root, "01-STP-PHCTH", ["ou", "govdirEnglishName"])
    assert attrs["ou"][0] == "Phòng Hành chính - Quản trị".encode()
    assert attrs["govdirEnglishName"] == [b"Administration Division"]
    [(_, person)] = root.search_s(BASE, ldap.SCOPE_SUBTREE, "(mail=webadded20@hanoi.gov.vn)",
                                  ["ou"])  # fmt: skip
    assert person["ou"][0] == "Phòng Hành chính - Quản trị".encode()


def test_an_admin_keeps_their_own_units_mailbox_but_cannot_rename_it(app, cleanup):
    root = cleanup
    with app.test_client() as client:
        sign_in(client, mail="quantri.stp@hanoi.gov.vn")
        mailbox = post(client, "/units/01-STP/edit", name="Sở Tư pháp",
                       english_name="", mail="vanthu.stp@hanoi.gov.vn")  # fmt: skip
        assert mailbox.status_code == 302
        assert unit(root, "01-STP", ["mail"])[1]["mail"] == [b"vanthu.stp@hanoi.gov.vn"]

        renamed = post(client, "/units/01-STP/edit", name="Sở Đổi Tên",
                       english_name="", mail="vanthu.stp@hanoi.gov.vn")  # fmt: skip
        assert renamed.status_code == 403
        assert "Insufficient access" in renamed.get_data(as_text=True)
    assert unit(root, "01-STP", ["ou"])[1]["ou"][0] == "Sở Tư pháp".encode()


def test_an_admin_of_another_province_cannot_add_or_rename_units_here(app, cleanup):
    root = cleanup
    with app.test_client() as client:
        sign_in(client, mail="quantri.stp@hanoi.gov.vn")
        assert post(client, "/units/01-STP/units/new", name="Phòng Kế hoạch",
                    english_name="", mail="").status_code == 302  # fmt: skip
    with app.test_client() as client:
        sign_in(client, mail="quantri.stp@tphcm.gov.vn")
        added = post(client, "/units/01-STP/units/new", name="Phòng Lạ", english_name="",
                     mail="")  # fmt: skip
        assert added.status_code == 403
        renamed = post(client, "/units/01-STP-PKH/edit", name="Phòng Bị Đổi",
                       english_name="", mail="")  # fmt: skip
        assert renamed.status_code == 403
    assert unit(root, "01-STP-PL")[0] is None
    assert unit(root, "01-STP-PKH", ["ou"])[1]["ou"][0] == "Phòng Kế hoạch".encode()


def test_a_unit_without_a_name_or_with_a_bad_mailbox_is_refused_next_to_the_field(app, cleanup):
    with app.test_client() as client:
        sign_in(client, mail="quantri.stp@hanoi.gov.vn")
        refused = post(client, "/units/01-STP/units/new", name=" ", english_name="",
                       mail="phong at hanoi")  # fmt: skip
        assert refused.status_code == 422
        page = refused.get_data(as_text=True)
        assert 'aria-describedby="name-issues"' in page and 'aria-describedby="mail-issues"' in page
    assert unit(cleanup, "01-STP-*")[0] is None
