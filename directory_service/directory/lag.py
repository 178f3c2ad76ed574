"""How far a replica is behind: contextCSN per server id, read from both sides as times.

A contextCSN value (``20261208021600.123456Z#000000#001#000000``) says up to which change a
server holds the writes first made on one server id. A replica is in step when it holds the
same value as its provider for every server id; otherwise its lag for that id is the span of
writes it has not applied yet. An idle directory shows no lag, and says since when it is idle,
since the comparison proves nothing about writes that have not been made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import ldap

from directory_service.directory.store import Directory


def parse_csn(value: bytes | str) -> tuple[int, datetime]:
    """Return (server id, time) of a change sequence number."""
    text = value.decode() if isinstance(value, bytes) else value
    stamp, _count, sid, _mod = text.split("#")
    when = datetime.strptime(stamp, "%Y%m%d%H%M%S.%fZ").replace(tzinfo=UTC)
    return int(sid, 16), when


def context_csns(directory: Directory) -> dict[int, datetime]:
    """Return the time of the newest change a directory holds, by server id."""
    found, _ = directory.search("(objectClass=*)", ["contextCSN"], scope=ldap.SCOPE_BASE)
    values = found[0][1].get("contextCSN", []) if found else []
    return dict(parse_csn(v) for v in values)


@dataclass(frozen=True)
class Lag:
    """How far a replica is behind its provider for the writes first made on one server."""

    server_id: int
    provider: datetime | None  # the provider's newest change from that server
    replica: datetime | None  # the replica's

    @property
    def seconds(self) -> float:
        """Return the span of writes the replica lacks (0 when in step)."""
        if self.provider is None or (self.replica is not None and self.replica >= self.provider):
            return 0.0
        if self.replica is None:
            return float("inf")
        return (self.provider - self.replica).total_seconds()


def lags(replica: dict[int, datetime], provider: dict[int, datetime]) -> list[Lag]:
    """Return the lag for every server id either side knows, in server id order."""
    ids = sorted(set(replica) | set(provider))
    return [Lag(sid, provider.get(sid), replica.get(sid)) for sid in ids]


def idle_since(csns: dict[int, datetime]) -> datetime | None:
    """Return the time of the newest change anywhere, after which the directory is idle."""
    return max(csns.values(), default=None)


def has_replicas(directory: Directory) -> bool:
    """Return whether consumers copy this directory (they register on cn=replicator)."""
    dn = f"cn=replicator,{directory.base_dn}"
    try:
        found, _ = directory.search("(objectClass=*)", ["description"], base=dn,
                                    scope=ldap.SCOPE_BASE)  # fmt: skip
    except ldap.NO_SUCH_OBJECT:
        return False
    values = found[0][1].get("description", []) if found else []
    return any(v.startswith(b"consumer ") for v in values)
