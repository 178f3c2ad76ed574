"""How to reach the directory: from GOVDIR_* variables or an instance's data directory.

The state file is written by ``server.instance`` (``govdir up``); this module reads only what a
client needs from it (the base DN, the port, whether TLS is required, the accounts' passwords),
so reading the directory never depends on the server package.
"""

from __future__ import annotations

import json
import os
import secrets
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

# Seconds a read of the whole unit list may take: just after a boot, with the database's pages
# not yet in memory, it can take longer at a national scale than other searches are given.
LONG_SEARCH_SECONDS = 120
# Entries a page of a longer search holds (RFC 2696): the web account's size limit.
PAGE_SIZE = 1000

STATE_FILE = "govdir.json"
DEFAULT_DATA_DIR = "var/govdir"
DEFAULT_BASE_DN = "dc=gov,dc=vn"


@dataclass(frozen=True)
class ConnectionSettings:
    """How to reach and bind to a directory."""

    uri: str
    bind_dn: str | None
    password: str | None
    base_dn: str
    provider: str | None = None  # on a consumer: where writes and signed-in reads go
    # LDAP transactions for imports: off unless GOVDIR_TRANSACTIONS=1, and never on
    # multi-provider peers. They write a list about five times as fast, but slapd (2.5.13, and
    # now and then 2.6.10) crashes committing one: the backend an update was queued for has no
    # pending-CSN list by then (slap_graduate_commit_csn under txn_end_extop); and a peer can
    # get part of a transaction that a crash interrupts, and never the rest.
    transactions: bool = False


def data_dir_from_env(explicit: str | os.PathLike | None = None) -> Path:
    """Return the data directory: explicit, else GOVDIR_DATA_DIR, else ./var/govdir."""
    return Path(explicit or os.environ.get("GOVDIR_DATA_DIR") or DEFAULT_DATA_DIR).resolve()


def _from_state(root: Path, account: str) -> tuple[str, str, str, str, str | None] | None:
    """Return (uri, bind DN, password, base DN, provider) from an instance's state file."""
    path = root / STATE_FILE
    if not path.exists():
        return None
    state = json.loads(path.read_text())
    base = state["base_dn"]
    uri = f"ldap://127.0.0.1:{state['ldap_port']}"
    if state.get("require_tls"):
        # Plain LDAP cannot carry a simple bind then; the local socket can.
        uri = "ldapi://" + urllib.parse.quote(str(root / "run" / "ldapi"), safe="")
    provider = state.get("replica_of") or None
    return uri, f"cn={account},{base}", state[f"{account}_password"], base, provider


def shared_secrets() -> dict[str, str]:
    """Return the replica set's credentials from GOVDIR_SECRETS_FILE (a provider writes it)."""
    path = os.environ.get("GOVDIR_SECRETS_FILE")
    if not path or not Path(path).exists():
        return {}
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return dict(line.split(": ", 1) for line in lines if ": " in line)


def web_secret(data_dir: str | os.PathLike | None = None) -> str:
    """Return the key the web signs its session cookies with: the instance's, else a new one.

    A web tier apart from the servers (docker-compose) takes the set's from
    GOVDIR_SECRETS_FILE, so every worker and node accepts the same cookies. A key made here
    lasts as long as the process: sessions end when it restarts.
    """
    if secret := shared_secrets().get("web_secret"):
        return secret
    path = data_dir_from_env(data_dir) / STATE_FILE
    if path.exists():
        secret = json.loads(path.read_text()).get("web_secret")
        if secret:
            return secret
    return secrets.token_urlsafe(32)


def connection_settings(
    data_dir: str | os.PathLike | None = None, account: str = "admin"
) -> ConnectionSettings:
    """Return settings from the data directory's state, overridden by GOVDIR_* variables."""
    if account not in ("admin", "web", "addressbook"):
        raise ValueError(f"no such account: {account}")
    env = os.environ
    uri, dn, pw, base, provider = _from_state(data_dir_from_env(data_dir), account) or (
        None, None, None, DEFAULT_BASE_DN, None,
    )  # fmt: skip
    base = env.get("GOVDIR_BASE_DN", base)
    uri = env.get("GOVDIR_LDAP_URI", uri)
    dn = env.get("GOVDIR_BIND_DN", dn)
    pw = env.get("GOVDIR_BIND_PASSWORD", pw) or shared_secrets().get(account)
    provider = env.get("GOVDIR_PROVIDER_URI", provider)
    transactions = env.get("GOVDIR_TRANSACTIONS", "0") != "0" and _single(data_dir)
    if not uri:
        raise LookupError(
            "no directory configured: run `govdir up` or set GOVDIR_DATA_DIR or GOVDIR_LDAP_URI"
        )
    return ConnectionSettings(uri=uri, bind_dn=dn, password=pw, base_dn=base, provider=provider,
                              transactions=transactions)  # fmt: skip


def _single(data_dir: str | os.PathLike | None) -> bool:
    """Return whether the instance in data_dir is not a peer of a multi-provider set."""
    path = data_dir_from_env(data_dir) / STATE_FILE
    return not (path.exists() and json.loads(path.read_text()).get("peers"))
