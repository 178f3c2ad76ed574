"""Keep the state of one directory instance in its data directory, and read connection settings."""

from __future__ import annotations

import json
import os
import secrets
import urllib.parse
from dataclasses import asdict, dataclass
from pathlib import Path

from .slapd_config import SlapdLayout

STATE_FILE = "govdir.json"
DEFAULT_DATA_DIR = "var/govdir"
DEFAULT_BASE_DN = "dc=gov,dc=vn"
# Raised whenever the generated access rules, limits or substring lookup step change; older
# instances are updated.
ACCESS_VERSION = 4
# Raised whenever the schema, the index set or the values entries carry for search change;
# `govdir up` rebuilds older instances (directory_service.upgrade). 2: word beginnings looked
# up by equality (govdirNamePrefix, govdirTitlePrefix) instead of substring indexes. 3: the
# security model's overlays (ppolicy, unique, the guard plugin) and password policy entries.
DATA_VERSION = 3


@dataclass
class InstanceState:
    """What `govdir up` records about an instance: where it listens and its generated secrets."""

    base_dn: str
    ldap_port: int
    admin_password: str
    addressbook_password: str
    web_password: str
    ldaps_port: int = 0
    structure: str = "2025"
    demo_people: int = 0
    seed: int = 1
    loaded: bool = False
    access_version: int = 0  # of the access rules in its database (see slapd_config)
    data_version: int = 1  # of its schema, indexes and search values (1: before the field)
    require_tls: bool = False  # simple binds only over TLS or ldapi (olcSecurity)

    @classmethod
    def new(
        cls, base_dn: str, ldap_port: int, ldaps_port: int, structure: str, people: int, seed: int
    ):
        """Return a fresh state with newly generated passwords."""
        return cls(
            base_dn=base_dn,
            ldap_port=ldap_port,
            ldaps_port=ldaps_port,
            admin_password=secrets.token_urlsafe(18),
            addressbook_password=secrets.token_urlsafe(12),
            web_password=secrets.token_urlsafe(18),
            structure=structure,
            demo_people=people,
            seed=seed,
            access_version=ACCESS_VERSION,
            data_version=DATA_VERSION,
        )

    @property
    def ldap_uri(self) -> str:
        """Return the LDAP URI the instance listens on."""
        return f"ldap://127.0.0.1:{self.ldap_port}"

    @property
    def ldaps_uri(self) -> str:
        """Return the LDAPS URI the instance listens on."""
        return f"ldaps://127.0.0.1:{self.ldaps_port}"


def data_dir_from_env(explicit: str | os.PathLike | None = None) -> Path:
    """Return the data directory: explicit, else GOVDIR_DATA_DIR, else ./var/govdir."""
    return Path(explicit or os.environ.get("GOVDIR_DATA_DIR") or DEFAULT_DATA_DIR).resolve()


def layout_for(data_dir: Path, state: InstanceState) -> SlapdLayout:
    """Return the slapd layout of an instance."""
    return SlapdLayout(data_dir=data_dir, base_dn=state.base_dn)


def load_state(data_dir: Path) -> InstanceState | None:
    """Return the recorded state of the instance in data_dir, or None if there is none."""
    path = data_dir / STATE_FILE
    if not path.exists():
        return None
    return InstanceState(**json.loads(path.read_text()))


def save_state(data_dir: Path, state: InstanceState) -> None:
    """Write the state file, readable by its owner only."""
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    path = data_dir / STATE_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(asdict(state), f, indent=2)
    os.replace(tmp, path)


@dataclass(frozen=True)
class ConnectionSettings:
    """How to reach and bind to a directory."""

    uri: str
    bind_dn: str | None
    password: str | None
    base_dn: str


def connection_settings(
    data_dir: str | os.PathLike | None = None, account: str = "admin"
) -> ConnectionSettings:
    """Return settings from the data directory's state, overridden by GOVDIR_* variables."""
    env = os.environ
    root = data_dir_from_env(data_dir)
    state = load_state(root)
    uri, dn, pw, base = None, None, None, DEFAULT_BASE_DN
    if state:
        base = state.base_dn
        uri = state.ldap_uri
        if state.require_tls:
            # Plain LDAP cannot carry a simple bind then; the local socket can.
            uri = "ldapi://" + urllib.parse.quote(str(root / "run" / "ldapi"), safe="")
        dn, pw = {
            "admin": (f"cn=admin,{base}", state.admin_password),
            "web": (f"cn=web,{base}", state.web_password),
            "addressbook": (f"cn=addressbook,{base}", state.addressbook_password),
        }[account]
    base = env.get("GOVDIR_BASE_DN", base)
    uri = env.get("GOVDIR_LDAP_URI", uri)
    dn = env.get("GOVDIR_BIND_DN", dn)
    pw = env.get("GOVDIR_BIND_PASSWORD", pw)
    if not uri:
        raise LookupError(
            "no directory configured: run `govdir up` or set GOVDIR_DATA_DIR or GOVDIR_LDAP_URI"
        )
    return ConnectionSettings(uri=uri, bind_dn=dn, password=pw, base_dn=base)
