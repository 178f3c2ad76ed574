"""The audit log: every write slapd made, who made it, and what it changed (slapo-accesslog).

Read as the signed-in person, so slapd shows each admin the writes to their own subtree and the
writes they made, and national admins everything. Newest first, sorted here: Debian 12's slapd
2.5.13 mishandles ordering filters on reqStart (fixed in 2.5.14), so no query here filters or
sorts on it in slapd.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import ldap.filter

from directory_service.directory.accounts import ActingAs
from directory_service.directory.store import first_value

AUDIT_BASE = "cn=accesslog"
ATTRS = ["reqStart", "reqType", "reqDN", "reqAuthzID", "reqMod", "reqNewRDN", "reqNewSuperior"]
SHOWN = 200  # the newest writes a page lists


@dataclass(frozen=True)
class Write:
    """One logged write."""

    when: datetime
    stamp: str  # reqStart as slapd wrote it, to the microsecond: what the order follows
    kind: str  # add, modify, modrdn, delete
    dn: str
    by: str
    attributes: tuple[str, ...]  # the attributes a modify or add changed


def _write(attrs: dict[str, list[bytes]]) -> Write:
    stamp = first_value(attrs, "reqStart")
    when = datetime.strptime(stamp[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    changed = dict.fromkeys(
        v.decode(errors="replace").split(":", 1)[0] for v in attrs.get("reqMod", [])
    )
    hidden = {"entryCSN", "modifiersName", "modifyTimestamp", "userPassword"}
    return Write(
        when, stamp, first_value(attrs, "reqType"), first_value(attrs, "reqDN"),
        first_value(attrs, "reqAuthzID"), tuple(a for a in changed if a not in hidden),
    )  # fmt: skip


def _writes(acting: ActingAs, filterstr: str, limit: int) -> list[Write]:
    found, _ = acting.search(f"(&(objectClass=auditWriteObject){filterstr})", ATTRS,
                             base=AUDIT_BASE)  # fmt: skip
    writes = sorted((_write(attrs) for _, attrs in found), key=lambda w: w.stamp, reverse=True)
    return writes[:limit]


def writes_under(acting: ActingAs, unit_dn: str, limit: int = SHOWN) -> list[Write]:
    """Return the writes to entries of a unit's subtree that the person may see, newest first."""
    return _writes(acting, ldap.filter.filter_format("(reqDN:dnSubtreeMatch:=%s)", [unit_dn]),
                   limit)  # fmt: skip


def writes_by(acting: ActingAs, dn: str, limit: int = SHOWN) -> list[Write]:
    """Return the writes a person made (themselves or through the web), newest first."""
    return _writes(acting, ldap.filter.filter_format("(reqAuthzID=%s)", [dn]), limit)
