"""Provide the central agencies and the mail domains of agencies and provinces.

Data: ``data/central_agencies.json`` and ``data/province_domains.json``.

The central branch is the one set up by the 2025 restructuring (Resolution 176/2025/QH15): 14
ministries, 3 ministerial-level agencies and 5 agencies under the Government, each with a stable
code, its mail domain (with the evidence for it) and a representative core of units. See the data
files' metadata for scope and sources; edit the data there, not here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from directory_service import model, text

DATA_DIR = Path(__file__).resolve().parent / "data"
AGENCIES_FILE = "central_agencies.json"
DOMAINS_FILE = "province_domains.json"
AGENCY_MAILBOX = "vanthu"  # an agency's general (văn thư) mailbox local part
_DEFAULT_LOCAL = {"VP": "vanphong", "TT": "thanhtra", "PC": "phapche"}
_UNIT_TYPES = {model.OFFICE, model.DEPARTMENT, model.AGENCY, model.INSPECTORATE, model.CENTRE}


@dataclass(frozen=True)
class CentralUnit:
    """A unit of a central agency: its Văn phòng, a Vụ, a Cục, its Thanh tra, ..."""

    code: str  # agency code + "-" + suffix, e.g. "BTC-TCCB"
    name: str
    type: str
    english_name: str | None
    mail_local: str


@dataclass(frozen=True)
class Agency:
    """A ministry, ministerial-level agency or agency under the Government."""

    code: str
    name: str
    english_name: str
    type: str
    domain: str
    domain_evidence: str
    note: str | None
    units: tuple[CentralUnit, ...]

    @property
    def mail(self) -> str:
        """Return the agency's general mailbox address."""
        return f"{AGENCY_MAILBOX}@{self.domain}"


@cache
def _load(filename: str) -> dict:
    """Return the parsed JSON of one data file (read once per process)."""
    with open(DATA_DIR / filename, encoding="utf-8") as handle:
        return json.load(handle)


def _unit(agency_code: str, entry: str | list, common: dict[str, list]) -> CentralUnit:
    """Return the CentralUnit for one entry of an agency's unit list."""
    if isinstance(entry, str):
        suffix, (kind, name, english, local) = entry, common[entry]
    else:
        suffix, kind, name, english, *rest = entry
        local = rest[0] if rest else _DEFAULT_LOCAL.get(suffix, suffix.lower())
    if kind not in _UNIT_TYPES:
        raise ValueError(f"{agency_code}-{suffix}: unknown unit type {kind!r}")
    return CentralUnit(f"{agency_code}-{suffix}", text.nfc(name), kind, english, local)


@cache
def central_agencies() -> tuple[Agency, ...]:
    """Return every central agency with its core units, in the data file's order."""
    data = _load(AGENCIES_FILE)
    agencies = []
    for item in data["agencies"]:
        if item["type"] not in model.CENTRAL_AGENCY_TYPES:
            raise ValueError(f"{item['code']}: unknown agency type {item['type']!r}")
        units = tuple(_unit(item["code"], u, data["common_units"]) for u in item["units"])
        agencies.append(
            Agency(
                code=item["code"],
                name=text.nfc(item["name"]),
                english_name=item["english_name"],
                type=item["type"],
                domain=item["domain"].lower(),
                domain_evidence=item["domain_evidence"],
                note=item.get("note"),
                units=units,
            )
        )
    return tuple(agencies)


def agency(code: str) -> Agency:
    """Return the central agency with this code, or raise KeyError."""
    for item in central_agencies():
        if item.code == code:
            return item
    raise KeyError(code)


def agencies_metadata() -> dict:
    """Return the central-agency data file's metadata (scope, sources, evidence levels)."""
    return {k: v for k, v in _load(AGENCIES_FILE).items() if k not in ("agencies", "common_units")}


def mail_label(name: str) -> str:
    """Return a name folded to a mailbox label: ASCII lower-case letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", text.fold(name).lower())


def default_province_domain(short_name: str) -> str:
    """Return the rule-based domain of a province: "Hà Nội" -> "hanoi.gov.vn"."""
    return f"{mail_label(short_name)}.gov.vn"


def province_domain_by_name(short_name: str) -> str:
    """Return the domain of a province by short name, old or new, overrides first, then the rule."""
    name = text.nfc(short_name).strip()
    for prefix in ("Thành phố ", "Tỉnh ", "TP. ", "TP "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    data = _load(DOMAINS_FILE)
    override = data["overrides"].get(name)
    if override is not None:
        return override["domain"]
    for table in data["provinces"].values():
        for short, domain, _evidence in table.values():
            if short == name:
                return domain
    return default_province_domain(name)


def province_domains(structure: str = "2025") -> dict[str, str]:
    """Return province code -> mail domain for a structure ("2025" or "legacy")."""
    table = _load(DOMAINS_FILE)["provinces"].get(structure)
    if table is None:
        raise ValueError(f"unknown structure {structure!r}")
    return {code: domain for code, (_short, domain, _evidence) in table.items()}


def province_domain(code: str, structure: str = "2025") -> str:
    """Return the mail domain of the province with this code in a structure."""
    return province_domains(structure)[code]


def province_domain_evidence(structure: str = "2025") -> dict[str, str]:
    """Return province code -> evidence level ("reference", "rule" or "override")."""
    table = _load(DOMAINS_FILE)["provinces"][structure]
    return {code: evidence for code, (_short, _domain, evidence) in table.items()}
