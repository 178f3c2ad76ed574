"""Keep the state of one directory instance in its data directory: ports, secrets, versions."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from directory_service.directory.settings import (
    DEFAULT_BASE_DN,
    DEFAULT_DATA_DIR,
    STATE_FILE,
    data_dir_from_env,
)
from directory_service.server.config import SlapdLayout
from directory_service.server.replication import Role

__all__ = ["DEFAULT_BASE_DN", "DEFAULT_DATA_DIR", "STATE_FILE", "data_dir_from_env"]
# Raised whenever the generated access rules, limits or substring lookup step change; older
# instances are updated. 6: the replication account; units below an agency admin's own.
ACCESS_VERSION = 6
# Raised whenever the schema, the index set or the values entries carry for search change;
# `govdir up` rebuilds older instances (server.upgrade). 2: word beginnings looked up by
# equality (govdirNamePrefix, govdirTitlePrefix) instead of substring indexes. 3: the
# security model's overlays (ppolicy, unique, the guard plugin) and password policy entries.
# 4: the web's proxied authorization (olcAuthzPolicy, cn=web's authzTo). 5: the audit log.
# 6: govdirTotpSecret (two-step sign-in). 7: units' former codes and names (reorganisation).
DATA_VERSION = 7


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
    web_secret: str = ""  # signs the web's session cookies (made on first start)
    replication_password: str = ""  # of cn=replicator (made on a provider's first start)
    replica_of: str = ""  # the provider's URI, on a consumer
    peers: list[str] = field(default_factory=list)  # the other providers, in multi-provider
    server_id: int = 0  # olcServerID, in multi-provider
    joined: bool = False  # took its directory from a provider instead of loading one

    @property
    def role(self) -> Role:
        """Return the server's place in its replica set."""
        return Role(self.replica_of, tuple(self.peers), self.server_id)

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
            web_secret=secrets.token_urlsafe(32),
            replication_password=secrets.token_urlsafe(18),
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
