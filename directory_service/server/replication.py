"""Replication with OpenLDAP's syncrepl: a server's role, its cn=config, the set's credentials.

Every server is a syncrepl provider (syncprov on the directory's database), so a consumer or a
peer may be pointed at any of them. A consumer (``--replica-of``) copies the whole directory
with refreshAndPersist and refers writes to its provider; peers (``--peer``, ``--server-id``)
are providers of each other (``olcMultiProvider``). Each server's cn=config is generated from
the same code but not replicated: it holds the server's own paths, ports and server id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import ldap

REPLICATOR_CN = "replicator"
# How a consumer records itself in the description of its provider's replication account.
CONSUMER_MARK = "consumer "
# Where a provider writes the replica set's credentials, and the name consumers look for.
PASSWORD_FILE = "replication-password"
# The credentials a server joining a replica set takes from the file: the service accounts are
# entries replicated from the provider, so their passwords are the set's, not the server's.
SHARED = ("replication", "admin", "web", "addressbook", "web_secret")
# Retry every second for a minute, then every 5 s for ever: a provider coming back is met at
# once, and one that stays down costs a connection attempt every few seconds.
RETRY = "1 60 5 +"
# Seconds a syncrepl connection waits for a provider before giving up and retrying.
NETWORK_TIMEOUT = 5
DB = "olcDatabase={1}mdb,cn=config"
CONFIG_DB = "olcDatabase={0}config,cn=config"


@dataclass(frozen=True)
class Role:
    """A server's place in a replica set: standalone, consumer of a provider, or a peer."""

    replica_of: str = ""
    peers: tuple[str, ...] = field(default_factory=tuple)
    server_id: int = 0

    @property
    def kind(self) -> str:
        """Return "consumer", "multi-provider", "provider" (with a server id) or "standalone"."""
        if self.replica_of:
            return "consumer"
        if self.peers:
            return "multi-provider"
        return "provider" if self.server_id else "standalone"

    @property
    def provides(self) -> bool:
        """Return whether consumers or peers may copy this server (it has a server id)."""
        return bool(self.server_id) and not self.replica_of

    @property
    def providers(self) -> tuple[str, ...]:
        """Return the URIs this server copies from."""
        return (self.replica_of,) if self.replica_of else self.peers


def check_role(role: Role) -> None:
    """Raise ValueError when a role's options do not make sense together."""
    if role.replica_of and role.peers:
        raise ValueError("--replica-of and --peer exclude each other")
    if role.peers and not role.server_id:
        raise ValueError("--peer needs --server-id N, 1 to 4095, different on each provider")
    if role.server_id and not 1 <= role.server_id <= 4095:
        raise ValueError("--server-id takes 1 to 4095, different on each provider")
    if role.replica_of and role.server_id:
        raise ValueError("--server-id goes with --peer (a consumer has none)")


def replicator_dn(base_dn: str) -> str:
    """Return the DN of the account consumers and peers bind as."""
    return f"cn={REPLICATOR_CN},{base_dn}"


def syncrepl_value(rid: int, provider: str, base_dn: str, password: str) -> str:
    """Return one olcSyncrepl value: refreshAndPersist of the whole directory from provider."""
    return (
        f'rid={rid:03d} provider={provider} bindmethod=simple binddn="{replicator_dn(base_dn)}" '
        f'credentials="{password}" searchbase="{base_dn}" scope=sub '
        'filter="(objectClass=*)" attrs="*,+" schemachecking=on type=refreshAndPersist '
        f'retry="{RETRY}" network-timeout={NETWORK_TIMEOUT} timeout={NETWORK_TIMEOUT} '
        "keepalive=240:10:30"
    )


def role_settings(role: Role, base_dn: str, password: str) -> dict[str, dict[str, list[str]]]:
    """Return the cn=config attributes that make a server play its role, by entry."""
    values = [syncrepl_value(n, uri, base_dn, password) for n, uri in enumerate(role.providers, 1)]
    db: dict[str, list[str]] = {
        "olcSyncrepl": [f"{{{n}}}{v}" for n, v in enumerate(values)],
        "olcMultiProvider": ["TRUE"] if role.peers else [],
        # A consumer refers writes to its provider; clients that follow referrals write there.
        "olcUpdateRef": [role.replica_of] if role.replica_of else [],
        # A consumer does not wait for the disk at each write: after a crash it fetches again
        # whatever its provider holds past the state it kept (LMDB stays consistent).
        "olcDbNoSync": ["TRUE"] if role.replica_of else [],
    }
    server_id = [str(role.server_id)] if role.provides else []
    return {"cn=config": {"olcServerID": server_id}, DB: db}


# Checkpoint the contextCSN every 100 writes or 5 minutes, and keep a session log of the
# last 10,000 writes, so a consumer that was briefly away catches up from it.
SYNCPROV = {
    "objectClass": ["olcOverlayConfig", "olcSyncProvConfig"],
    "olcOverlay": ["syncprov"],
    "olcSpCheckpoint": ["100 5"],
    "olcSpSessionlog": ["10000"],
}


def syncprov_entries() -> list[str]:
    """Return the LDIF of the syncprov overlay on the directory's database (every server)."""
    lines = [f"dn: olcOverlay=syncprov,{DB}"]
    lines += [f"{k}: {v}" for k, vs in SYNCPROV.items() for v in vs]
    return [*lines, ""]


def apply_role(conn, role: Role, base_dn: str, password: str) -> bool:
    """Bring a running server's cn=config to the role over ldapi; return whether it changed.

    Global settings first (a multi-provider database needs its server id), then the database.
    """
    changed = False
    if role.provides:
        changed |= _ensure_module(conn)
        changed |= _ensure_overlay(conn, DB, SYNCPROV)
    for dn, wanted in role_settings(role, base_dn, password).items():
        _, attrs = conn.search_s(dn, ldap.SCOPE_BASE, attrlist=list(wanted))[0]
        have = {k.lower(): v for k, v in attrs.items()}
        mods = []
        for name, values in wanted.items():
            new = [v.encode() for v in values]
            old = have.get(name.lower(), [])
            if [_strip_index(v) for v in old] != [_strip_index(v) for v in new]:
                mods.append((ldap.MOD_REPLACE, name, new or None))
        # A consumer's update referral needs its syncrepl in place first, and goes before it.
        mods.sort(key=lambda m: (m[1] == "olcUpdateRef") == bool(role.replica_of))
        if mods:
            conn.modify_s(dn, mods)
            changed = True
    if role.peers:
        # The configuration database is a provider too, as in OpenLDAP's multi-provider
        # setups, so tools and consumers may watch it; it is not copied between peers.
        changed |= _ensure_overlay(
            conn,
            CONFIG_DB,
            {k: SYNCPROV[k] for k in SYNCPROV if k in ("objectClass", "olcOverlay")},
        )
    return changed


def _strip_index(value: bytes) -> bytes:
    return value.split(b"}", 1)[1] if value.startswith(b"{") else value


def _ensure_module(conn) -> bool:
    """Load syncprov into an instance made before replication existed."""
    dn = "cn=module{0},cn=config"
    _, attrs = conn.search_s(dn, ldap.SCOPE_BASE, attrlist=["olcModuleLoad"])[0]
    if any(b"syncprov" in v for v in attrs.get("olcModuleLoad", [])):
        return False
    conn.modify_s(dn, [(ldap.MOD_ADD, "olcModuleLoad", [b"syncprov"])])
    return True


def _ensure_overlay(conn, db: str, attrs: dict[str, list[str]]) -> bool:
    found = conn.search_s(db, ldap.SCOPE_ONELEVEL, "(objectClass=olcSyncProvConfig)", ["1.1"])
    if found:
        return False
    entry = [(k, [v.encode() for v in vs]) for k, vs in attrs.items()]
    conn.add_s(f"olcOverlay=syncprov,{db}", entry)
    return True


def write_credentials(path: Path, credentials: dict[str, str]) -> None:
    """Write the replica set's credentials, readable by their owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("".join(f"{k}: {credentials[k]}\n" for k in SHARED))
    os.replace(tmp, path)


def read_credentials(path: str | os.PathLike) -> dict[str, str]:
    """Return the credentials in a replication password file, or raise ValueError.

    The file a provider writes has a line per account; a file holding one bare password is
    taken as the replication account's alone.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise ValueError(f"cannot read the replication password file {path}: {e}") from e
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) == 1 and ": " not in lines[0]:
        return {"replication": lines[0]}
    found = dict(line.split(": ", 1) for line in lines if ": " in line)
    if not found.get("replication"):
        raise ValueError(f"{path} holds no replication password")
    return found
