"""A person entry's attributes, defined once: where each value comes from and how it is indexed.

Every writer reads this table: ``build.TreeIndex.person_entry`` (the entry, in this order),
``records.PersonRecords`` (the same entry as LDIF for slapadd), the importer's plan (which
attributes it owns, compares and rewrites), the upgrade (which values it recomputes) and the
generated ``cn=config`` (the index of each). Adding an attribute is one line here, the value in
``build``, and its test.
"""

from __future__ import annotations

from dataclasses import dataclass

# Where a value comes from.
LISTED = "listed"  # the agency's list: compared by the importer's plan
DERIVED = "derived"  # computed from listed values of the same group: rewritten with them
IDENTITY = "identity"  # the entry's own (objectClass, uid): neither compared nor rewritten

# Groups: a derived value is rewritten whenever a listed value of its group changes.
NAME, UNIT, TITLE = "name", "unit", "title"


@dataclass(frozen=True)
class Attribute:
    """One attribute of a person entry."""

    name: str
    source: str  # LISTED, DERIVED or IDENTITY
    group: str | None = None  # NAME, UNIT or TITLE: what a derived value is made from
    index: str | None = None  # slapd index types ("eq", "eq,sub"), None for no index


# In the order a person entry holds them (the offline writer writes this order, byte for byte).
PERSON = (
    Attribute("objectClass", IDENTITY, index="eq"),
    Attribute("uid", IDENTITY, index="eq"),
    Attribute("cn", DERIVED, NAME, "eq,sub"),  # accented, folded, partly accented full name
    Attribute("displayName", LISTED, NAME, "eq"),
    Attribute("sn", LISTED, NAME, "eq,sub"),
    Attribute("givenName", LISTED, NAME, "eq,sub"),
    Attribute("govdirMiddleName", LISTED, NAME, "eq"),
    Attribute("mail", LISTED, index="eq,sub"),
    Attribute("title", LISTED, TITLE, "eq"),
    Attribute("telephoneNumber", LISTED),
    Attribute("govdirUnitCode", LISTED, UNIT, "eq"),
    Attribute("govdirStatus", LISTED, index="eq"),
    Attribute("ou", DERIVED, UNIT, "eq"),  # the unit's name, for mail clients to show
    Attribute("o", DERIVED, UNIT, "eq"),  # the agency's name
    Attribute("st", DERIVED, UNIT),  # the province's name
    Attribute("govdirUnitPath", DERIVED, UNIT, "eq"),  # codes of the unit and those above it
    Attribute("govdirNameWord", DERIVED, NAME, "eq"),  # folded words of the full name
    Attribute("govdirNamePrefix", DERIVED, NAME, "eq"),  # their beginnings, 2 letters on
    Attribute("govdirTitlePrefix", DERIVED, TITLE, "eq"),  # beginnings of the title's words
)

# Indexed attributes that people do not carry (units, accounts, replication).
OTHER_INDEXES = {
    "entryUUID": "eq",
    "govdirUnitType": "eq",
    "govdirAdminOf": "eq",
}

PERSON_NAMES = tuple(a.name for a in PERSON)
# What the importer owns on a person entry: everything but the entry's identity.
MANAGED = tuple(a.name for a in PERSON if a.source != IDENTITY)
COMPARED = tuple(a.name for a in PERSON if a.source == LISTED)
DERIVED_NAMES = tuple(a.name for a in PERSON if a.source == DERIVED)
# (listed, derived) attribute names of each group, for rewriting what a change derives.
DERIVATIONS = tuple(
    (
        tuple(a.name for a in PERSON if a.group == group and a.source == LISTED),
        tuple(a.name for a in PERSON if a.group == group and a.source == DERIVED),
    )
    for group in (NAME, UNIT, TITLE)
)


def index_lines() -> list[str]:
    """Return slapd's olcDbIndex values: attributes with the same index types share a line."""
    by_types: dict[str, list[str]] = {}
    for attr in PERSON:
        if attr.index:
            by_types.setdefault(attr.index, []).append(attr.name)
    for name, types in OTHER_INDEXES.items():
        by_types.setdefault(types, []).append(name)
    return [f"{','.join(names)} {types}" for types, names in by_types.items()]
