"""Signing in as a person, and writing on their behalf with slapd deciding what they may do.

Signing in binds to slapd as the person found by their address, with the password policy
control, so a locked account is told so. Writing goes over the web account's connection with
the proxied authorization control (RFC 4370) naming the person: slapd applies the person's own
access rules, and its logs name the person. The web account itself may never write.
"""

from __future__ import annotations

from dataclasses import dataclass

import ldap
import ldap.filter
from ldap.controls.ppolicy import PasswordPolicyControl
from ldap.controls.simple import ProxyAuthzControl

from directory_service.directory.admins import person_by_mail
from directory_service.directory.store import (
    Directory,
    DirectoryUnavailable,
    first_value,
    ldap_error_text,
    shown_name,
)
from directory_service.entries.build import title_bytes

SIGNED_IN, WRONG, LOCKED = "signed-in", "wrong", "locked"
_ACCOUNT_LOCKED = 1  # PasswordPolicyResponseValue error: accountLocked


@dataclass(frozen=True)
class Account:
    """A signed-in person: who they are and which units' subtrees they administer."""

    dn: str
    name: str
    mail: str
    admin_of: tuple[str, ...] = ()
    national: bool = False
    password_stamp: str = ""  # pwdChangedTime: a session ends when the password changes
    version: str = ""  # entryCSN: a one-time link dies with any change to the entry


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: SIGNED_IN with the account, or WRONG, or LOCKED."""

    outcome: str
    account: Account | None = None


def sign_in(directory: Directory, mail: str, password: str) -> SignIn:
    """Bind as the person holding mail; return whether they are in, wrong or locked out.

    An unknown address and a wrong password answer the same, and cost the same (slapd checks
    a decoy hash for a DN without a password).
    """
    if not mail or not password:
        return SignIn(WRONG)
    try:
        dn, _ = person_by_mail(directory, mail)
    except LookupError:
        dn = f"uid=unknown,{directory.base_dn}"
    # On a consumer the provider checks the password: it counts failures and locks accounts.
    conn = ldap.initialize(directory.for_writes().settings.uri)
    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, directory.timeout)
    try:
        msgid = conn.simple_bind(dn, password, serverctrls=[PasswordPolicyControl()])
        conn.result3(msgid)
    except ldap.INVALID_CREDENTIALS as e:
        return SignIn(LOCKED if _locked(e) else WRONG)
    except (ldap.SERVER_DOWN, ldap.CONNECT_ERROR) as e:
        raise DirectoryUnavailable(f"cannot reach the directory: {ldap_error_text(e)}") from e
    finally:
        conn.unbind_s()
    return SignIn(SIGNED_IN, account(directory, dn))


def _locked(error: ldap.INVALID_CREDENTIALS) -> bool:
    """Return whether slapd's password policy response says the account is locked."""
    raw = error.args[0].get("ctrls", []) if error.args else []
    for control in ldap.controls.DecodeControlTuples(raw):
        if isinstance(control, PasswordPolicyControl) and control.error == _ACCOUNT_LOCKED:
            return True
    return False


def account(directory: Directory, dn: str) -> Account | None:
    """Return the account of a person by DN, read afresh (rights may have changed)."""
    found, _ = directory.search(
        "(objectClass=govdirPerson)",
        ["cn", "displayName", "mail", "govdirAdminOf", "pwdChangedTime", "entryCSN"],
        base=dn, scope=ldap.SCOPE_BASE,
    )  # fmt: skip
    if not found:
        return None
    attrs = found[0][1]
    group, _ = directory.search(
        ldap.filter.filter_format("(member=%s)", [dn]), ["1.1"],
        base=f"cn=national-admins,{directory.base_dn}", scope=ldap.SCOPE_BASE,
    )  # fmt: skip
    return Account(
        dn, shown_name(attrs), first_value(attrs, "mail"),
        tuple(v.decode() for v in attrs.get("govdirAdminOf", [])), bool(group),
        first_value(attrs, "pwdChangedTime"), first_value(attrs, "entryCSN"),
    )  # fmt: skip


def totp_secret(directory: Directory, dn: str) -> str:
    """Return a person's second-factor secret, empty when they have none (read as the web)."""
    found, _ = directory.search("(objectClass=govdirPerson)", ["govdirTotpSecret"], base=dn,
                                scope=ldap.SCOPE_BASE)  # fmt: skip
    return first_value(found[0][1], "govdirTotpSecret") if found else ""


class ActingAs:
    """Write to the directory as one person, over the web account's connection."""

    def __init__(self, directory: Directory, dn: str):
        self.directory = directory
        self.dn = dn
        self.controls = [ProxyAuthzControl(criticality=True, authzId=f"dn:{dn}".encode())]

    def _write(self, operation: str, *args) -> None:
        """Run one write of the connection as the person, saying why slapd refused it."""
        call = getattr(self.directory.connection(), operation)
        try:
            call(*args, serverctrls=self.controls)
        except (ldap.SERVER_DOWN, ldap.CONNECT_ERROR) as e:
            raise DirectoryUnavailable(f"cannot reach the directory: {ldap_error_text(e)}") from e
        except ldap.LDAPError as e:
            raise RefusedError(ldap_error_text(e)) from e

    def modify(self, target: str, values: dict[str, list[bytes]]) -> None:
        """Replace attributes of an entry (an empty list removes one); slapd checks the rights."""
        changes = [(ldap.MOD_REPLACE, name, vals or None) for name, vals in values.items()]
        self._write("modify_ext_s", target, changes)

    def add_values(self, dn: str, values: dict[str, list[bytes]]) -> None:
        """Add values to attributes of an entry; slapd checks the rights."""
        self._write("modify_ext_s", dn, [(ldap.MOD_ADD, k, v) for k, v in values.items()])

    def delete_values(self, dn: str, values: dict[str, list[bytes]]) -> None:
        """Remove values from attributes of an entry; slapd checks the rights."""
        self._write("modify_ext_s", dn, [(ldap.MOD_DELETE, k, v) for k, v in values.items()])

    def add(self, dn: str, attrs: dict[str, list[bytes]]) -> None:
        """Add an entry; slapd checks the rights."""
        self._write("add_ext_s", dn, list(attrs.items()))

    def search(
        self, filterstr: str, attrs: list[str], base: str, limit: int = 0
    ) -> tuple[list[tuple[str, dict[str, list[bytes]]]], bool]:
        """Search as the person: slapd shows them only what their rights let them read."""
        return self.directory.for_writes().search(filterstr, attrs, base=base, limit=limit,
                                                  controls=self.controls)  # fmt: skip

    def writer(self):
        """Return a new connection whose every request acts as the person (for an import)."""
        settings = self.directory.for_writes().settings
        conn = ldap.initialize(settings.uri)
        conn.set_option(ldap.OPT_NETWORK_TIMEOUT, self.directory.timeout)
        conn.simple_bind_s(settings.bind_dn, settings.password or "")
        conn.set_option(ldap.OPT_SERVER_CONTROLS, self.controls)
        return conn

    def set_own_password(self, new: str, old: str | None = None) -> None:
        """Set the person's own password (slapd's password policy checks it)."""
        self._write("passwd_s", self.dn, old, new)

    def set_own_totp_secret(self, secret: str) -> None:
        """Turn on the person's two-step sign-in with this secret."""
        self.modify(self.dn, {"govdirTotpSecret": [secret.encode()]})

    def change_own(self, phone: str, title: str) -> None:
        """Change the person's own telephone number and title (with its search values)."""
        titles, prefixes = title_bytes(title.strip())
        self.modify(self.dn, {
            "telephoneNumber": [phone.strip().encode()] if phone.strip() else [],
            "title": titles,
            "govdirTitlePrefix": prefixes,
        })  # fmt: skip


class RefusedError(Exception):
    """slapd refused a write made on a person's behalf: the message says why."""
