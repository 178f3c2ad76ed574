"""Join a server to its replica set: shared credentials, the replication account, its role."""

from __future__ import annotations

import secrets
from pathlib import Path

import ldap
import ldap.modlist

from directory_service.server.instance import InstanceState, save_state
from directory_service.server.loading import base_entries
from directory_service.server.replication import (
    PASSWORD_FILE,
    REPLICATOR_CN,
    Role,
    apply_role,
    check_role,
    replicator_dn,
    write_credentials,
)
from directory_service.server.slapd import Slapd, hash_password


def credentials_of(state: InstanceState) -> dict[str, str]:
    """Return the credentials a provider shares with the servers that copy it."""
    return {
        "replication": state.replication_password,
        "admin": state.admin_password,
        "web": state.web_password,
        "addressbook": state.addressbook_password,
        "web_secret": state.web_secret,
    }


def take_credentials(state: InstanceState, credentials: dict[str, str]) -> None:
    """Give a joining server the set's credentials (the accounts it copies are the set's)."""
    state.replication_password = credentials["replication"]
    for name in ("admin", "web", "addressbook"):
        if credentials.get(name):
            setattr(state, f"{name}_password", credentials[name])
    if credentials.get("web_secret"):
        state.web_secret = credentials["web_secret"]


def joins(role: Role, password_file: str | None) -> bool:
    """Return whether a new server copies its directory instead of loading a new one.

    A consumer always does; a peer does when it is given the set's password file (the first
    provider writes that file, so it exists once a set does).
    """
    if role.replica_of:
        if not password_file:
            raise ValueError("--replica-of needs --replication-password-file")
        return True
    return bool(role.peers and password_file and Path(password_file).exists())


def password_file_of(data_dir: Path) -> Path:
    """Return where a provider keeps the set's credentials for consumers and peers."""
    return data_dir / PASSWORD_FILE


def _root(slapd: Slapd, state: InstanceState):
    conn = ldap.initialize(slapd.ldapi_uri)
    conn.simple_bind_s(slapd.layout.root_dn, state.admin_password)
    return conn


def ensure_replicator(slapd: Slapd, state: InstanceState) -> bool:
    """Create the replication account on a provider that has none, or give it its password."""
    dn = replicator_dn(state.base_dn)
    conn = _root(slapd, state)
    try:
        try:
            found = conn.search_s(dn, ldap.SCOPE_BASE, attrlist=["userPassword"])
        except ldap.NO_SUCH_OBJECT:
            found = []
        if found and found[0][1].get("userPassword"):
            return False
        if not state.replication_password:
            state.replication_password = secrets.token_urlsafe(18)
        hashed = hash_password(state.replication_password).encode()
        if found:
            conn.modify_s(dn, [(ldap.MOD_REPLACE, "userPassword", [hashed])])
        else:
            entry = next(a for d, a in base_entries(state.base_dn, {}) if d == dn)
            entry = {**entry, "userPassword": [hashed], "cn": [REPLICATOR_CN.encode()]}
            conn.add_s(dn, ldap.modlist.addModlist(entry))
        return True
    finally:
        conn.unbind_s()


def take_role(data_dir: Path, state: InstanceState, slapd: Slapd, share_to: str | None) -> None:
    """Make a running server play its role; a provider writes the set's password file.

    A peer that copied its directory gets the replication account from the set; making its
    own would put a second entry of that name in the set.
    """
    check_role(state.role)
    if not state.replica_of:
        if not state.joined and ensure_replicator(slapd, state):
            save_state(data_dir, state)
        write_credentials(password_file_of(data_dir), credentials_of(state))
        if share_to and not Path(share_to).exists():
            write_credentials(Path(share_to), credentials_of(state))
    conn = ldap.initialize(slapd.ldapi_uri)
    try:
        conn.sasl_non_interactive_bind_s("EXTERNAL")
        apply_role(conn, state.role, state.base_dn, state.replication_password)
    finally:
        conn.unbind_s()
