"""govdir admins: granting, listing and revoking an agency admin, then what slapd lets them do."""

from __future__ import annotations

import ldap
import ldap.modlist
import pytest

from directory_service import cli
from directory_service.entries.build import TreeIndex
from directory_service.model import Person
from directory_service.reference.tree import build_tree

PASSWORD = "a password long enough"


@pytest.fixture()
def candidate(instance):
    """Add a person of Sở Tư pháp Hà Nội to be made an admin; remove them afterwards."""
    state, slapd, _ = instance
    person = Person(
        uid="padmincli1", family="Quách", middle="Văn", given="Quản", unit_code="01-STP",
        title="Phó Chánh Văn phòng", mail=["quanqv.stp@hanoi.gov.vn"],
    )  # fmt: skip
    dn, attrs = TreeIndex(build_tree(), state.base_dn).person_entry(person)
    root = ldap.initialize(slapd.uri)
    root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    root.add_s(dn, ldap.modlist.addModlist(attrs))
    yield dn
    root.delete_s(dn)


def _title_change(conn, dn) -> None:
    conn.modify_s(dn, [(ldap.MOD_REPLACE, "title", ["Chuyên viên chính".encode()])])


def test_grant_list_revoke(instance, candidate, tmp_path, capsys, admin_directory):
    state, slapd, data_dir = instance
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\n")
    args = ["--data-dir", str(data_dir), "admins"]
    assert cli.main([*args, "grant", "quanqv.stp@hanoi.gov.vn", "--unit", "01",
                     "--password-file", str(secret)]) == 0  # fmt: skip
    assert "administers 01" in capsys.readouterr().out
    assert cli.main([*args, "list", "--unit", "01"]) == 0
    assert "quanqv.stp@hanoi.gov.vn\tQuách Văn Quản\t01" in capsys.readouterr().out

    admin = ldap.initialize(slapd.uri)
    admin.simple_bind_s(candidate, PASSWORD)
    inside, _ = admin_directory.search("(&(objectClass=govdirPerson)(govdirUnitPath=01))",
                                       ["1.1"], limit=1)  # fmt: skip
    outside, _ = admin_directory.search("(&(objectClass=govdirPerson)(govdirUnitPath=79))",
                                        ["1.1"], limit=1)  # fmt: skip
    _title_change(admin, inside[0][0])
    with pytest.raises(ldap.INSUFFICIENT_ACCESS):
        _title_change(admin, outside[0][0])

    assert cli.main([*args, "revoke", "quanqv.stp@hanoi.gov.vn", "--unit", "01"]) == 0
    capsys.readouterr()
    assert cli.main([*args, "list", "--unit", "01"]) == 0
    assert "quanqv.stp" not in capsys.readouterr().out
    with pytest.raises(ldap.INSUFFICIENT_ACCESS):
        _title_change(admin, inside[0][0])


def test_unknown_address_or_unit_is_a_clear_error(instance, candidate, capsys):
    _, _, data_dir = instance
    args = ["--data-dir", str(data_dir), "admins", "grant"]
    assert cli.main([*args, "nobody@hanoi.gov.vn", "--unit", "01"]) == 1
    assert "nobody holds the address nobody@hanoi.gov.vn" in capsys.readouterr().err
    assert cli.main([*args, "quanqv.stp@hanoi.gov.vn", "--unit", "NO-SUCH"]) == 1
    assert "no unit with code NO-SUCH" in capsys.readouterr().err
    assert cli.main(["--data-dir", str(data_dir), "admins", "grant"]) == 2


def test_a_short_password_is_refused_by_the_policy(instance, candidate, tmp_path, capsys):
    _, _, data_dir = instance
    short = tmp_path / "short"
    short.write_text("short")
    code = cli.main(["--data-dir", str(data_dir), "admins", "grant", "quanqv.stp@hanoi.gov.vn",
                     "--unit", "01-STP", "--password-file", str(short)])  # fmt: skip
    assert code == 1
    assert "the password must be at least 12 characters long" in capsys.readouterr().err
    capsys.readouterr()
    assert cli.main(["--data-dir", str(data_dir), "admins", "list", "--unit", "01-STP"]) == 0
    assert "quanqv.stp" not in capsys.readouterr().out  # nothing was granted


def test_a_reset_link_is_printed_for_a_known_address(instance, candidate, capsys):
    _, _, data_dir = instance
    args = ["--data-dir", str(data_dir), "admins", "reset"]
    assert cli.main([*args, "quanqv.stp@hanoi.gov.vn"]) == 0
    out = capsys.readouterr().out
    assert "Link to set a new password (2 hours): http" in out and "/reset/" in out
    assert cli.main([*args, "nobody@hanoi.gov.vn"]) == 1
