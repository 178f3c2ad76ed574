"""What a plan reads from the directory: the unit tree, a unit's people, addresses' holders."""

from __future__ import annotations

from collections.abc import Iterable

import ldap.filter

from directory_service.directory.people import as_unit, tree_index
from directory_service.directory.store import Directory
from directory_service.importing.plan.attrs import COMPARED, Attrs, canonical, key_mail

__all__ = ["as_unit", "existing_people", "holders_outside", "mail_filter", "tree_index"]

MAIL_BATCH = 100  # addresses looked up directory-wide per search (an OR of equality terms)
HOLDER_ATTRS = ["uid", "mail", "displayName", "cn", "govdirUnitCode", "govdirUnitPath"]


def existing_people(directory: Directory, target: str) -> list[tuple[str, Attrs]]:
    """Return the person entries under the target unit, with every attribute a plan compares."""
    filt = ldap.filter.filter_format("(&(objectClass=govdirPerson)(govdirUnitPath=%s))", [target])
    attrs = ["uid", *COMPARED]
    entries, _ = directory.search(filt, attrs, limit=10_000_000)
    return entries


def mail_filter(addresses: list[str]) -> str:
    """Return the filter for the people holding any of these addresses (escaped)."""
    terms = "".join(ldap.filter.filter_format("(mail=%s)", [a]) for a in addresses)
    return f"(&(objectClass=govdirPerson)(|{terms}))"


def holders_outside(
    directory: Directory, target: str, addresses: Iterable[str]
) -> dict[str, tuple[str, Attrs]]:
    """Return the people outside the target's subtree holding these addresses, by address.

    Addresses are looked up directory-wide, MAIL_BATCH to a search; keys are lower case.
    """
    wanted = list(dict.fromkeys(a.lower() for a in addresses))
    inside = target.lower()
    found: dict[str, tuple[str, Attrs]] = {}
    for start in range(0, len(wanted), MAIL_BATCH):
        chunk = wanted[start : start + MAIL_BATCH]
        asked = set(chunk)
        entries, _ = directory.search(mail_filter(chunk), HOLDER_ATTRS)
        for dn, attrs in entries:
            attrs = canonical(attrs)
            if inside in (v.decode().lower() for v in attrs.get("govdirUnitPath", ())):
                continue
            for address in key_mail(attrs):
                if address in asked:
                    found.setdefault(address, (dn, attrs))
    return found
