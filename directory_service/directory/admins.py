"""Agency admins: who administers which unit's subtree, granted and revoked by address.

An admin is a person entry with ``objectClass: govdirAccount`` and one ``govdirAdminOf`` value
per unit code. Whoever runs these writes (a national admin from the CLI, an agency admin from
the web) is checked by slapd: an agency admin may only appoint admins of units at or below
their own, on people of their own subtree.
"""

from __future__ import annotations

from dataclasses import dataclass

import ldap
import ldap.filter

from directory_service.directory.store import Directory, first_value, shown_name

ACCOUNT_CLASS = b"govdirAccount"


@dataclass(frozen=True)
class Admin:
    """A person with rights, as `govdir admins list` shows them."""

    dn: str
    name: str
    mail: str
    units: tuple[str, ...]
    uid: str = ""


def person_by_mail(directory: Directory, mail: str) -> tuple[str, dict[str, list[bytes]]]:
    """Return the one person holding this address, or raise LookupError."""
    filt = ldap.filter.filter_format("(&(objectClass=govdirPerson)(mail=%s))", [mail])
    found, _ = directory.search(filt, ["mail", "cn", "displayName", "objectClass"], limit=2)
    if not found:
        raise LookupError(f"không ai có địa chỉ {mail} / nobody holds the address {mail}")
    if len(found) > 1:
        raise LookupError(f"{mail}: nhiều người / held by more than one person")
    return found[0]


def grant(conn, directory: Directory, mail: str, code: str) -> str:
    """Make the person holding mail an admin of the unit code's subtree; return their DN."""
    if directory.unit(code) is None:
        raise LookupError(f"không có đơn vị mã {code} / no unit with code {code}")
    dn, attrs = person_by_mail(directory, mail)
    changes = []
    if ACCOUNT_CLASS not in attrs.get("objectClass", []):
        changes.append((ldap.MOD_ADD, "objectClass", [ACCOUNT_CLASS]))
    changes.append((ldap.MOD_ADD, "govdirAdminOf", [code.encode()]))
    try:
        conn.modify_s(dn, changes)
    except ldap.TYPE_OR_VALUE_EXISTS:
        pass  # an admin of that unit already: granting again changes nothing
    return dn


def appoint(acting, directory: Directory, mail: str, code: str) -> str:
    """Make a person an admin of a unit on a signed-in admin's behalf (slapd checks it)."""
    if directory.unit(code) is None:
        raise LookupError(f"không có đơn vị mã {code} / no unit with code {code}")
    dn, attrs = person_by_mail(directory, mail)
    values: dict[str, list[bytes]] = {"govdirAdminOf": [code.encode()]}
    if ACCOUNT_CLASS not in attrs.get("objectClass", []):
        values = {"objectClass": [ACCOUNT_CLASS], **values}
    acting.add_values(dn, values)
    return dn


def dismiss(acting, directory: Directory, mail: str, code: str) -> str:
    """Take a unit's rights from a person on a signed-in admin's behalf (slapd checks it)."""
    dn, _ = person_by_mail(directory, mail)
    acting.delete_values(dn, {"govdirAdminOf": [code.encode()]})
    return dn


def revoke(conn, directory: Directory, mail: str, code: str) -> str:
    """Take the unit code's rights from the person holding mail; return their DN."""
    dn, _ = person_by_mail(directory, mail)
    try:
        conn.modify_s(dn, [(ldap.MOD_DELETE, "govdirAdminOf", [code.encode()])])
    except ldap.NO_SUCH_ATTRIBUTE:
        pass  # not an admin of that unit: nothing to revoke
    return dn


def minimum_length(directory: Directory) -> int:
    """Return the password policy's minimum length (0 when the directory has no policy)."""
    found, _ = directory.search(
        "(&(objectClass=pwdPolicy)(cn=password-policy))", ["pwdMinLength"], limit=1
    )
    return int(first_value(found[0][1], "pwdMinLength", "0")) if found else 0


def set_password(conn, directory: Directory, dn: str, password: str) -> None:
    """Set a person's password, as long as the password policy asks (slapd hashes it).

    slapd checks the policy when people set their own passwords, not when the database root
    sets one; whoever sets it here is held to the same length.
    """
    check_password(directory, password)
    conn.passwd_s(dn, None, password)


def check_password(directory: Directory, password: str) -> None:
    """Raise ValueError when a password is shorter than the policy asks."""
    needed = minimum_length(directory)
    if len(password) < needed:
        raise ValueError(
            f"mật khẩu phải dài ít nhất {needed} ký tự / the password must be at least "
            f"{needed} characters long"
        )


def admins(directory: Directory, code: str | None = None) -> list[Admin]:
    """Return the admins of every unit, or of one unit code, by name."""
    filt = "(govdirAdminOf=*)"
    if code:
        filt = ldap.filter.filter_format("(govdirAdminOf=%s)", [code])
    found, _ = directory.search(
        f"(&(objectClass=govdirPerson){filt})",
        ["uid", "cn", "displayName", "mail", "govdirAdminOf"],
    )
    listed = [
        Admin(dn, shown_name(attrs), first_value(attrs, "mail"),
              tuple(v.decode() for v in attrs.get("govdirAdminOf", [])), first_value(attrs, "uid"))
        for dn, attrs in found
    ]  # fmt: skip
    return sorted(listed, key=lambda a: (a.units, a.name))
