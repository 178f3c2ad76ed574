"""The access matrix: who may do what to which entry, as slapd's rules are meant to enforce.

slapd's access rules (``slapd_config.acls``), limits, overlays and guard plugin implement it;
``tests/test_access_matrix.py`` binds as every identity and tries every cell against a real
slapd; ``docs/security.md`` shows the same table (``tools/security_table.py`` writes it, and a
test fails when the page and this data differ).
"""

from __future__ import annotations

from dataclasses import dataclass

# Identities, by the letter the table uses.
IDENTITIES = {
    "A": "anonymous",
    "B": "address book (cn=addressbook)",
    "W": "web (cn=web)",
    "O": "official with a password",
    "C": "admin of a commune (under province 01)",
    "P": "admin of province 01",
    "M": "admin of a ministry",
    "N": "national admin (member of cn=national-admins)",
    "X": "the web acting for the admin of province 01 (proxied authorization)",
    "R": "the replication account (cn=replicator), which consumers and peers bind as",
}
EVERYONE_BOUND = "BWOCPMNXR"
# What syncrepl copies: every entry and attribute, hashes and secrets included; it writes
# nothing and has no size limit.
REPLICATOR = "R"

# Targets: the entries each operation is tried on.
TARGETS = {
    "own": "the identity's own entry",
    "commune": "a person in a commune of province 01",
    "province": "a person in a department of province 01",
    "sibling": "a person in province 79 (a sibling province)",
    "ministry": "a person in the ministry",
    "padmin": "the entry of province 01's admin",
    "unit": "the entry of a department of province 01",
    "punit": "the entry of province 01",
    "book": "the address-book service account",
    "admins": "the group cn=national-admins",
    "directory": "the whole directory",
}


@dataclass(frozen=True)
class Cell:
    """One operation on one target, and the identities that may perform it."""

    operation: str
    target: str
    allowed: str  # letters of IDENTITIES

    def allows(self, identity: str) -> bool:
        """Return whether identity (a letter) may perform the operation."""
        return identity in self.allowed


def _cells(operation: str, allowed: dict[str, str]) -> list[Cell]:
    return [Cell(operation, target, who) for target, who in allowed.items()]


PEOPLE = ("commune", "province", "sibling", "ministry")
# Who administers each person target, national admins included.
SCOPED = {"commune": "CPNX", "province": "PNX", "sibling": "N", "ministry": "MN"}


def _people(operation: str, allowed: str | None = None) -> list[Cell]:
    """Return a cell per person target: allowed to those given, else to its administrators."""
    return _cells(operation, {t: SCOPED[t] if allowed is None else allowed for t in PEOPLE})


MATRIX: list[Cell] = [
    *_people("read name and address", EVERYONE_BOUND),
    *_people("read the password hash", "N" + REPLICATOR),
    *_people("change the title"),
    *_people("set an address on the unit's own domain"),
    *_people("set an address on another agency's domain", "N"),
    # slapo-unique refuses it to everyone, national admins included.
    *_people("take an address another official holds", ""),
    *_people("add a unit code from elsewhere to govdirUnitPath", "N"),
    *_people("set govdirUnitCode to another unit's", "N"),
    *_people("add a person beside it"),
    *_people("add an entry carrying rights and a password beside it", "N"),
    *_people("add a person labelled with another unit's path", "N"),
    # Into another commune of the same province: not the first commune's admin's to do.
    *_cells("move it within its province", {**SCOPED, "commune": "PNX"}),
    *_people("move it to another province", "N"),
    *_people("delete it"),
    *_people("set its password", "N"),
    *_cells("read name and address", {"own": EVERYONE_BOUND}),
    *_cells("change the title", {"own": "OCPMNX", "padmin": "PNX"}),
    *_cells("change the password", {"own": "OCPMNX"}),
    *_cells("give itself govdirAdminOf", {"own": "N"}),
    *_cells("read govdirAdminOf", {"padmin": "WPNX" + REPLICATOR}),
    # Only the web reads it, to check codes; its own person sets it but never reads it back.
    *_cells("read the two-step secret", {"padmin": "WN" + REPLICATOR}),
    *_cells("set its password", {"padmin": "PNX"}),
    *_cells("make it admin of its own commune", {"commune": "CPNX"}),
    *_cells("make it admin of province 01", {"commune": "PNX"}),
    *_cells("make it admin of province 79", {"province": "N"}),
    *_cells("act as it through proxied authorization", {"province": "W"}),
    *_cells("act as the database root through proxied authorization", {"directory": ""}),
    *_cells("change the telephone number", {"unit": "PNX"}),
    # A department is below province 01: its admins may rename it and add units under it;
    # the province's own entry is the nation's to rename.
    *_cells("rename it", {"unit": "PNX", "punit": "N"}),
    *_cells("give it an English name", {"unit": "PNX", "punit": "N"}),
    *_cells("change its kind", {"unit": "N"}),
    *_cells("change its mail domain", {"unit": "N"}),
    *_cells("delete it", {"unit": "N"}),
    *_cells("add a unit under it", {"unit": "PNX", "punit": "PNX"}),
    *_cells("add a unit of a national kind under it", {"unit": "N"}),
    *_cells("add a unit with its own mail domain under it", {"unit": "N"}),
    *_cells("add a unit under it labelled with another unit's path", {"unit": "N"}),
    *_cells("add a unit under it with another unit's code", {"unit": "N"}),
    # Former codes and names (the 2025 reorganisation) steer imports: reference data.
    *_cells("give it a former code", {"unit": "N"}),
    *_cells("read the password hash", {"book": "N" + REPLICATOR}),
    *_cells("set its password", {"book": "N"}),
    *_cells("add a member", {"admins": "N"}),
    *_cells("read past the size cap with a virtual list view", {"directory": "N"}),
    # The web's limits go with its account, whoever it acts for.
    *_cells("read past the size cap with paged results", {"directory": "WNX" + REPLICATOR}),
]


def markdown_table() -> str:
    """Return the matrix as a Markdown table: a row per operation and target."""
    letters = list(IDENTITIES)
    lines = [
        "| operation | target | " + " | ".join(letters) + " |",
        "|---|---|" + "---|" * len(letters),
    ]
    for cell in MATRIX:
        marks = " | ".join("yes" if cell.allows(x) else "-" for x in letters)
        lines.append(f"| {cell.operation} | {TARGETS[cell.target]} | {marks} |")
    legend = [f"- {letter}: {name}" for letter, name in IDENTITIES.items()]
    return "\n".join([*lines, "", *legend])
