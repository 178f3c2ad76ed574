"""Join a server to its replica set: shared credentials, the replication account, its role."""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import ldap
import ldap.modlist

from directory_service.entries.ldif_text import Entry, ldif_chunks
from directory_service.server.instance import InstanceState, save_state
from directory_service.server.loading import base_entries
from directory_service.server.replication import (
    CONSUMER_MARK,
    PASSWORD_FILE,
    Role,
    apply_role,
    check_role,
    replicator_dn,
    write_credentials,
)
from directory_service.server.slapd import Slapd, SlapdError, hash_password

# Operational attributes slapd computes on every read; the rest (entryUUID, entryCSN, the
# timestamps, password policy state, contextCSN) are stored and copied as they are.
COMPUTED = frozenset({"hassubordinates", "entrydn", "subschemasubentry", "numsubordinates"})
_PARENT = re.compile(r"(?<!\\),")


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
            entry = next(a for d, a in base_entries(state.base_dn, {"replicator": ""}) if d == dn)
            entry = {**entry, "userPassword": [hashed]}
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
    if state.replica_of:
        register_consumer(state, slapd.uri)


SYNC_CONTROL = b"1.3.6.1.4.1.4203.1.9.1.1"


def check_provider(uri: str) -> None:
    """Raise SlapdError when the server at uri cannot be copied (it offers no syncrepl)."""
    conn = ldap.initialize(uri)
    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 10)
    try:
        root = conn.search_s("", ldap.SCOPE_BASE, attrlist=["supportedControl"])
    except ldap.LDAPError as e:
        raise SlapdError(f"cannot reach the provider {uri}: {e}") from e
    finally:
        conn.unbind_s()
    if SYNC_CONTROL not in root[0][1].get("supportedControl", []):
        raise SlapdError(f"{uri} is not a provider: start it with --server-id N (1-4095)")


def register_consumer(state: InstanceState, uri: str) -> None:
    """Record on the provider's replication account that a consumer copies it.

    The provider's imports then write without LDAP transactions: slapd 2.5.13 can hand a
    consumer that disconnects part of a transaction, and never the rest.
    """
    value = f"{CONSUMER_MARK}{uri}".encode()
    conn = ldap.initialize(state.replica_of)
    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 5)
    try:
        conn.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
        conn.modify_s(replicator_dn(state.base_dn), [(ldap.MOD_ADD, "description", [value])])
    except (ldap.TYPE_OR_VALUE_EXISTS, ldap.SERVER_DOWN, ldap.INVALID_CREDENTIALS):
        pass  # registered already, or the provider is away: the next start tries again
    finally:
        conn.unbind_s()


def copy_directory(slapd: Slapd, state: InstanceState) -> int:
    """Load a joining server's empty database with a copy of its provider's; return its size.

    The copy is read over LDAP as the replication account and loaded with slapadd, which
    is many times faster than syncrepl adding the entries one by one. The provider's
    contextCSN, read before the copy starts, becomes the copy's: syncrepl then fetches
    whatever changed while it was read.
    """
    provider = state.role.providers[0]
    check_provider(provider)
    conn = ldap.initialize(provider)
    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 10)
    try:
        conn.simple_bind_s(replicator_dn(state.base_dn), state.replication_password)
        base = conn.search_s(state.base_dn, ldap.SCOPE_BASE, attrlist=["contextCSN"])
        csn = base[0][1].get("contextCSN", [])
        count = 0

        def counted(entries: Iterator[Entry]) -> Iterator[Entry]:
            nonlocal count
            for dn, attrs in entries:
                count += 1
                if dn.lower() == state.base_dn.lower() and csn:
                    attrs["contextCSN"] = csn
                yield dn, attrs

        slapd.load(ldif_chunks(counted(parents_first(_read_all(conn, state.base_dn)))))
    except ldap.LDAPError as e:
        raise SlapdError(f"cannot copy the directory from {provider}: {e}") from e
    finally:
        conn.unbind_s()
    return count


def _read_all(conn, base_dn: str) -> Iterator[Entry]:
    """Yield every entry under base_dn, one at a time, as the server sends them."""
    msgid = conn.search_ext(base_dn, ldap.SCOPE_SUBTREE, "(objectClass=*)", ["*", "+"])
    while True:
        kind, data, _, _ = conn.result3(msgid, all=0)
        if kind == ldap.RES_SEARCH_RESULT:
            return
        for dn, attrs in data:
            yield dn, {k: v for k, v in attrs.items() if k.lower() not in COMPUTED}


def parents_first(entries: Iterator[Entry]) -> Iterator[Entry]:
    """Yield entries in the order given, holding back any that comes before its parent.

    back-mdb returns entries in the order they were added; an entry moved under a newer
    parent comes before it, and slapadd needs the parent first.
    """
    seen: set[str] = set()
    waiting: dict[str, list[Entry]] = defaultdict(list)
    first = True
    for entry in entries:
        parts = _PARENT.split(entry[0].lower(), maxsplit=1)
        if not first and len(parts) == 2 and parts[1] not in seen:
            waiting[parts[1]].append(entry)
            continue
        first = False
        ready = [entry]
        while ready:
            dn, attrs = ready.pop()
            seen.add(dn.lower())
            yield dn, attrs
            ready.extend(waiting.pop(dn.lower(), ()))
    if waiting:
        raise SlapdError(f"entries without their parent in the copy: {list(waiting)[:3]}")


def recover_after_crash(slapd: Slapd, state: InstanceState) -> None:
    """Start a peer's slapd after it died, making sure its peers get every write it holds.

    Debian 12's slapd 2.5.13 does not always count the writes it made just before being
    killed in its contextCSN; a peer that reconnects then skips them for good. One write
    made before any peer can connect (slapd listening on the local socket only) moves the
    contextCSN past them, so the peers' next refresh fetches them.
    """
    if not state.peers:
        slapd.start()
        return
    slapd.start(local_only=True)
    try:
        conn = _root(slapd, state)
        dn = replicator_dn(state.base_dn)
        found = conn.search_s(dn, ldap.SCOPE_BASE, attrlist=["description"])
        conn.modify_s(dn, [(ldap.MOD_REPLACE, "description", found[0][1]["description"])])
        conn.unbind_s()
    finally:
        slapd.stop()
    slapd.start()
