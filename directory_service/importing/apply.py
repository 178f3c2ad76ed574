"""Apply a plan online: new units and moves one by one, other writes in LDAP transactions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import ldap
import ldap.dn
import ldap.modlist

from directory_service.directory.store import ldap_error_text
from directory_service.directory.transactions import transaction
from directory_service.importing.plan import Change, Plan

BATCH = 100
# Errors that mean the server is gone, not that it refused a change: stop, do not report rows.
_GONE = (ldap.SERVER_DOWN, ldap.CONNECT_ERROR, ldap.TIMEOUT)


@dataclass
class Failure:
    """A change the directory refused, with the source row it came from."""

    change: Change
    error: str


@dataclass
class ApplyResult:
    """What an apply did."""

    applied: dict[str, int] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    commits: int = 0


class ApplyInterrupted(RuntimeError):
    """The directory stopped answering part way; what was applied until then is in result."""

    def __init__(self, result: ApplyResult, error: str):
        super().__init__(error)
        self.result = result


def _modlist(change: Change) -> list:
    if change.kind in ("add", "unit"):
        return ldap.modlist.addModlist(change.attrs)
    return [(ldap.MOD_REPLACE, k, v or None) for k, v in change.attrs.items()]


def _one(conn, change: Change) -> None:
    if change.kind == "move":
        rdn = ldap.dn.explode_dn(change.new_dn)[0]
        superior = change.new_dn.split(",", 1)[1]
        conn.rename_s(change.dn, rdn, superior, delold=1)
    elif change.kind in ("add", "unit"):
        conn.add_s(change.dn, _modlist(change))
    else:
        conn.modify_s(change.dn, _modlist(change))


def apply_plan(
    conn: ldap.ldapobject.LDAPObject,
    plan: Plan,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
    transactions: bool = False,
) -> ApplyResult:
    """Apply plan; a refused change is isolated and reported without losing the rest."""
    result = ApplyResult()

    def done(change: Change) -> None:
        result.applied[change.kind] = result.applied.get(change.kind, 0) + 1

    def individually(changes: list[Change]) -> None:
        for change in changes:
            try:
                _one(conn, change)
                result.commits += 1
                done(change)
            except _GONE as e:
                raise ApplyInterrupted(result, ldap_error_text(e)) from e
            except ldap.LDAPError as e:
                result.failures.append(Failure(change, ldap_error_text(e, detail=True)))
            if progress:
                progress(1)

    # New units first, one by one: the people moved or added into them need them in place.
    units = [c for c in plan.changes if c.kind == "unit"]
    moves = [c for c in plan.changes if c.kind == "move"]
    others = [c for c in plan.changes if c.kind not in ("unit", "move")]
    individually(units)
    individually(moves)
    if not transactions:
        individually(others)
        return result
    for start in range(0, len(others), batch):
        chunk = others[start : start + batch]
        try:
            with transaction(conn) as txn:
                for change in chunk:
                    (txn.add if change.kind == "add" else txn.modify)(change.dn, _modlist(change))
        except _GONE as e:
            raise ApplyInterrupted(result, ldap_error_text(e)) from e
        except ldap.LDAPError:
            # The transaction was aborted as a whole: redo its changes one by one, so only
            # the refused ones are lost (and reported).
            individually(chunk)
            continue
        result.commits += 1
        for change in chunk:
            done(change)
        if progress:
            progress(len(chunk))
    return result
