"""Coverage figures, computed from the directory itself: who is listed, how, and how recently.

One pass over every listed person (their unit code, addresses and title) and the unit list
gives every figure for the nation, each central agency, each province and each commune.
Decisions where the collection's rules are silent:
- a person counts once, by their first address: official when its domain is the unit's own (or
  an ancestor's) or any ``.gov.vn`` domain, personal when a personal provider's, invalid when
  malformed, *other* otherwise (an agency's own non-government domain);
- schools and health service units (``model.EXCLUDED_TYPES``), and everyone in them, count
  nowhere;
- a commune's leadership is listed when its People's Committee chair (a title "Chủ tịch" that
  names no council, HĐND) and at least one vice-chair (likewise "Phó Chủ tịch") are listed;
- a unit's list was last updated when it or a unit under it was last imported or confirmed
  (``govdirLastVerified`` on the unit entry, which imports and confirmations set).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from directory_service.directory.store import Directory, UnitInfo
from directory_service.importing.check.addresses import domain_problem, is_personal, local_problem
from directory_service.model import (
    CENTRAL_AGENCY_TYPES,
    CITY,
    COMMUNE,
    EXCLUDED_TYPES,
    PROVINCE,
    SPECIAL_ZONE,
    STATUS_LEFT,
    TOWNSHIP,
    WARD,
)
from directory_service.text import fold

NATIONAL, CENTRAL, PROVINCIAL, COMMUNAL = "national", "central", "province", "commune"
LEVELS = (CENTRAL, PROVINCIAL, COMMUNAL)
COMMUNE_TYPES = frozenset({COMMUNE, WARD, SPECIAL_ZONE, TOWNSHIP})
PERSON_ATTRS = ["govdirUnitCode", "mail", "title"]
_COUNCIL_WORDS = ("hoi dong", "hdnd")


@dataclass
class Figures:
    """The coverage of one reporting unit (or of the nation)."""

    code: str
    name: str
    level: str
    people: int = 0
    official: int = 0
    personal: int = 0
    invalid: int = 0
    other: int = 0
    no_address: int = 0
    units_expected: int = 0
    units_with_people: int = 0
    last_update: str | None = None  # ISO 8601, UTC
    mailbox: bool = False
    chair: bool = False
    vice_chair: bool = False
    parent: str | None = None  # the reporting unit above (a commune's province)
    status: str | None = None  # in a collection round: see rounds.STATUSES

    @property
    def share_official(self) -> float:
        """Return the share of listed people with an official address (0 when none)."""
        return self.official / self.people if self.people else 0.0

    @property
    def share_units(self) -> float:
        """Return the share of expected units with at least one person listed."""
        return self.units_with_people / self.units_expected if self.units_expected else 0.0

    @property
    def leadership(self) -> bool:
        """Return whether a commune's chair and a vice-chair are both listed."""
        return self.chair and self.vice_chair

    def as_dict(self) -> dict:
        """Return the figures as the JSON report writes them."""
        data = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        if self.level != COMMUNAL:
            for k in ("chair", "vice_chair"):
                data.pop(k)
        else:
            data["leadership"] = self.leadership
        return data


@dataclass
class Coverage:
    """The national figures and every reporting unit's, in tree order."""

    national: Figures
    units: list[Figures] = field(default_factory=list)
    computed: str = ""

    def by_code(self) -> dict[str, Figures]:
        """Return the reporting units by code."""
        return {f.code: f for f in self.units}

    def level(self, level: str) -> list[Figures]:
        """Return the reporting units of one level."""
        return [f for f in self.units if f.level == level]

    def as_dict(self) -> dict:
        """Return the report as ``govdir report --json`` prints it."""
        return {"computed": self.computed, "national": self.national.as_dict(),
                "units": [f.as_dict() for f in self.units]}  # fmt: skip


def reporting_level(unit: UnitInfo) -> str | None:
    """Return the level a unit reports at (central agency, province, commune), or None."""
    if unit.type in CENTRAL_AGENCY_TYPES:
        return CENTRAL
    if unit.type in (PROVINCE, CITY):
        return PROVINCIAL
    if unit.type in COMMUNE_TYPES:
        return COMMUNAL
    return None


def _excluded(unit: UnitInfo, units: dict[str, UnitInfo]) -> bool:
    return any(units[c].type in EXCLUDED_TYPES for c in unit.path if c in units)


def address_kind(mail: str | None, domains: set[str], seen: dict | None = None) -> str:
    """Return official, personal, invalid, other or no_address for a person's first address.

    seen caches what each domain is (malformed, personal, government), which a million
    addresses on a few thousand domains ask again and again.
    """
    if not mail:
        return "no_address"
    if local_problem(mail) is not None:
        return "invalid"
    domain = mail.rpartition("@")[2]
    known = seen.get(domain) if seen is not None else None
    if known is None:
        if domain_problem(domain) is not None:
            known = "invalid"
        elif is_personal(mail):
            known = "personal"
        else:
            known = "official" if domain.endswith(".gov.vn") else "other"
        if seen is not None:
            seen[domain] = known
    if known == "other" and domain in domains:
        return "official"
    return known


def _leader(title: str) -> str | None:
    folded = fold(title).lower()
    if "chu tich" not in folded or any(w in folded for w in _COUNCIL_WORDS):
        return None
    return "vice_chair" if folded.lstrip().startswith("pho") else "chair"


def compute(directory: Directory, within: str | None = None) -> Coverage:
    """Return the coverage of the whole directory, or of one unit's subtree (within)."""
    units = directory.units()
    reporting = {
        code: Figures(code, u.name, level)
        for code, u in sorted(units.items(), key=lambda i: (len(i[1].path), i[1].path))
        if (level := reporting_level(u)) and not _excluded(u, units)
        and (within is None or within in u.path)
    }  # fmt: skip
    national = Figures(within or "VN", units[within].name if within else "Việt Nam", NATIONAL)
    chains = {}
    for code, unit in units.items():
        if _excluded(unit, units) or (within is not None and within not in unit.path):
            continue
        chains[code] = [reporting[c] for c in unit.path if c in reporting]
    for figures in reporting.values():
        above = [c for c in units[figures.code].path[:-1] if c in reporting]
        figures.parent = above[-1] if above else None
        figures.mailbox = bool(units[figures.code].mail)
    _count_units(units, chains, national)
    direct = _count_people(directory, units, chains, national, within)
    for code, chain in chains.items():
        if direct.get(code):
            for figures in (national, *chain):
                figures.units_with_people += 1
    ordered = sorted(reporting.values(), key=lambda f: (LEVELS.index(f.level), units[f.code].path))
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    return Coverage(national, ordered, now)


def _count_units(units: dict[str, UnitInfo], chains: dict, national: Figures) -> None:
    for code, chain in chains.items():
        stamp = units[code].verified
        for figures in (national, *chain):
            figures.units_expected += 1
            if stamp and (figures.last_update is None or stamp > figures.last_update):
                figures.last_update = stamp


KINDS = ("official", "personal", "invalid", "other", "no_address")


def _count_people(
    directory: Directory, units: dict[str, UnitInfo], chains: dict, national: Figures,
    within: str | None,
) -> dict[str, int]:  # fmt: skip
    """Count people by unit and kind of address, then add each unit's counts up its chain.

    The per-person work is kept to a dictionary lookup or two: a million people pass through it.
    """
    base = units[within].dn if within else None
    filterstr = f"(&(objectClass=govdirPerson)(!(govdirStatus={STATUS_LEFT})))"
    domains = {code: {units[c].domain for c in u.path if c in units and units[c].domain}
               for code, u in units.items()}  # fmt: skip
    counts: dict[bytes, list[int]] = {}
    leaders: dict[bytes, set[str]] = {}
    leader_of: dict[bytes, str | None] = {}
    index = {kind: i + 1 for i, kind in enumerate(KINDS)}
    seen: dict[str, str] = {}
    for _, attrs in (
        entry for page in directory.scan(filterstr, PERSON_ATTRS, base) for entry in page
    ):
        code = attrs.get("govdirUnitCode", (b"",))[0]
        row = counts.get(code)
        if row is None:
            row = counts[code] = [0] * (len(KINDS) + 1)
        mails = attrs.get("mail")
        if mails:
            kind = address_kind(mails[0].decode(), domains.get(code.decode(), set()), seen)
        else:
            kind = "no_address"
        row[0] += 1
        row[index[kind]] += 1
        title = attrs.get("title")
        if title:
            title = title[0]
            if title not in leader_of:
                leader_of[title] = _leader(title.decode())
            if leader_of[title]:
                leaders.setdefault(code, set()).add(leader_of[title])
    direct: dict[str, int] = {}
    for raw, row in counts.items():
        code = raw.decode()
        chain = chains.get(code)
        if chain is None:
            continue
        direct[code] = row[0]
        for figures in (national, *chain):
            figures.people += row[0]
            for i, kind in enumerate(KINDS, 1):
                setattr(figures, kind, getattr(figures, kind) + row[i])
            for leader in leaders.get(raw, ()):
                if figures.level == COMMUNAL:
                    setattr(figures, leader, True)
    return direct
