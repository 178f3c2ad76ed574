"""Build the national unit tree: central agencies and local government, parents before children.

Two structures are supported (see :mod:`directory_service.reference.admin_units`):

- ``"2025"``: branch TW (central agencies and their core units) and branch DP (34 provinces, each
  with its Văn phòng UBND, the mandatory departments of Decree 150/2025 and its Thanh tra, then its
  communes, each with Văn phòng HĐND và UBND, Phòng Kinh tế (xã) or Phòng Kinh tế, Hạ tầng và Đô
  thị (phường, đặc khu), Phòng Văn hóa - Xã hội and Trung tâm Phục vụ hành chính công);
- ``"legacy"``: the same central branch; 63 provinces with their pre-2025 departments, their
  districts, and the communes under each district (commune-level units are left out).

Codes: agencies and their units use ``data/central_agencies.json`` codes (``BTC``, ``BTC-TCCB``);
administrative units use the statistics office code (``01``, ``001``, ``00004``); offices of a
province or commune are that code + "-" + a suffix (``01-SNV``, ``00004-VP``). Codes are unique
within one structure; the two structures reuse some codes for different units.

Mailboxes are plausible placeholders on the agency's or province's domain: ``vanthu@mof.gov.vn``,
``vanphong@mof.gov.vn``, ``ubnd@hanoi.gov.vn``, ``snv@hanoi.gov.vn``, ``ubnd.badinh@hanoi.gov.vn``,
``vp.badinh@hanoi.gov.vn``. Where two administrative units of a province fold to the same label
(Thanh An / Thạnh An), every one of them gets its code appended (``ubnd.thanhan31231@...``).
The two branch units carry the national domain ``gov.vn`` and no mailbox.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import cache

from directory_service import model, text
from directory_service.model import Unit
from directory_service.reference import admin_units, agencies

CENTRAL_BRANCH = "TW"
LOCAL_BRANCH = "DP"
NATIONAL_DOMAIN = "gov.vn"

# (suffix, type, name or None for the generated one, mailbox local part)
_VP = ("VP", model.OFFICE, None, "vpubnd")
_TT = ("TT", model.INSPECTORATE, None, "thanhtra")
_SO = model.PROVINCIAL_DEPARTMENT
PROVINCE_DEPARTMENTS_2025 = (
    _VP,
    ("SNV", _SO, "Sở Nội vụ", "snv"),
    ("STP", _SO, "Sở Tư pháp", "stp"),
    ("STC", _SO, "Sở Tài chính", "stc"),
    ("SCT", _SO, "Sở Công Thương", "sct"),
    ("SNNMT", _SO, "Sở Nông nghiệp và Môi trường", "snnmt"),
    ("SXD", _SO, "Sở Xây dựng", "sxd"),
    ("SKHCN", _SO, "Sở Khoa học và Công nghệ", "skhcn"),
    ("SVHTTDL", _SO, "Sở Văn hóa, Thể thao và Du lịch", "svhttdl"),
    ("SGDDT", _SO, "Sở Giáo dục và Đào tạo", "sgddt"),
    ("SYT", _SO, "Sở Y tế", "syt"),
    _TT,
)
# Optional departments (Decree 150/2025 allows them); only a representative few are modelled.
OPTIONAL_DEPARTMENTS_2025 = {
    "01": (("SNGV", _SO, "Sở Ngoại vụ", "sngv"),),
    "79": (("SNGV", _SO, "Sở Ngoại vụ", "sngv"),),
}
PROVINCE_DEPARTMENTS_LEGACY = (
    _VP,
    ("SNV", _SO, "Sở Nội vụ", "snv"),
    ("STP", _SO, "Sở Tư pháp", "stp"),
    ("SKHDT", _SO, "Sở Kế hoạch và Đầu tư", "skhdt"),
    ("STC", _SO, "Sở Tài chính", "stc"),
    ("SCT", _SO, "Sở Công Thương", "sct"),
    ("SNNPTNT", _SO, "Sở Nông nghiệp và Phát triển nông thôn", "snnptnt"),
    ("STNMT", _SO, "Sở Tài nguyên và Môi trường", "stnmt"),
    ("SGTVT", _SO, "Sở Giao thông vận tải", "sgtvt"),
    ("SXD", _SO, "Sở Xây dựng", "sxd"),
    ("STTTT", _SO, "Sở Thông tin và Truyền thông", "stttt"),
    ("SLDTBXH", _SO, "Sở Lao động - Thương binh và Xã hội", "sldtbxh"),
    ("SVHTTDL", _SO, "Sở Văn hóa, Thể thao và Du lịch", "svhttdl"),
    ("SKHCN", _SO, "Sở Khoa học và Công nghệ", "skhcn"),
    ("SGDDT", _SO, "Sở Giáo dục và Đào tạo", "sgddt"),
    ("SYT", _SO, "Sở Y tế", "syt"),
    _TT,
)
ECONOMY_DIVISION = {
    model.COMMUNE: "Phòng Kinh tế",
    model.WARD: "Phòng Kinh tế, Hạ tầng và Đô thị",
    model.SPECIAL_ZONE: "Phòng Kinh tế, Hạ tầng và Đô thị",
}
# (suffix, type, name or None for the economy division, mailbox prefix)
COMMUNE_UNITS = (
    ("VP", model.OFFICE, "Văn phòng HĐND và UBND", "vp"),
    ("PKT", model.DIVISION, None, "pkt"),
    ("PVHXH", model.DIVISION, "Phòng Văn hóa - Xã hội", "pvhxh"),
    ("TTHCC", model.CENTRE, "Trung tâm Phục vụ hành chính công", "tthcc"),
)


def _office_name(suffix: str, name: str | None, province: admin_units.AdminUnit) -> str:
    """Return a province office's name; VP and TT say "thành phố" or "tỉnh" as fits."""
    if name is not None:
        return name
    kind = "thành phố" if province.type == model.CITY else "tỉnh"
    return f"Văn phòng UBND {kind}" if suffix == "VP" else f"Thanh tra {kind}"


def _labels(units: Iterable[admin_units.AdminUnit]) -> dict[str, str]:
    """Return code -> mailbox label, unique within the given units (clashes get their code)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for unit in units:
        groups[agencies.mail_label(unit.short_name)].append(unit.code)
    labels = {}
    for label, codes in groups.items():
        for code in codes:
            labels[code] = label if len(codes) == 1 else f"{label}{code}"
    return labels


def _central() -> list[Unit]:
    """Return the central branch: the TW unit, then each agency followed by its units."""
    out = [Unit(CENTRAL_BRANCH, "Cơ quan Trung ương", model.BRANCH, domain=NATIONAL_DOMAIN)]
    for agency in agencies.central_agencies():
        out.append(
            Unit(
                agency.code,
                agency.name,
                agency.type,
                parent=CENTRAL_BRANCH,
                domain=agency.domain,
                mail=agency.mail,
                english_name=agency.english_name,
            )
        )
        for unit in agency.units:
            out.append(
                Unit(
                    unit.code,
                    unit.name,
                    unit.type,
                    parent=agency.code,
                    domain=agency.domain,
                    mail=f"{unit.mail_local}@{agency.domain}",
                    english_name=unit.english_name,
                )
            )
    return out


def _admin(unit: admin_units.AdminUnit, parent: str, domain: str, local: str) -> Unit:
    """Return the directory Unit of an administrative unit."""
    return Unit(
        unit.code,
        text.nfc(unit.name),
        unit.type,
        parent=parent,
        domain=domain,
        mail=f"{local}@{domain}",
        admin_code=unit.code,
    )


def _province_offices(province: admin_units.AdminUnit, domain: str, departments) -> list[Unit]:
    """Return the offices and departments of one province."""
    out = []
    for suffix, kind, name, local in departments:
        out.append(
            Unit(
                f"{province.code}-{suffix}",
                _office_name(suffix, name, province),
                kind,
                parent=province.code,
                domain=domain,
                mail=f"{local}@{domain}",
            )
        )
    return out


def _commune_units(commune: admin_units.AdminUnit, domain: str, label: str) -> list[Unit]:
    """Return the four units of a 2025 commune, ward or special zone."""
    out = []
    for suffix, kind, name, prefix in COMMUNE_UNITS:
        out.append(
            Unit(
                f"{commune.code}-{suffix}",
                name or ECONOMY_DIVISION[commune.type],
                kind,
                parent=commune.code,
                domain=domain,
                mail=f"{prefix}.{label}@{domain}",
            )
        )
    return out


def _local_2025() -> list[Unit]:
    """Return the 2025 local branch: provinces, their departments, communes and commune units."""
    structure = admin_units.STRUCTURE_2025
    domains = agencies.province_domains(structure)
    by_province: dict[str, list[admin_units.AdminUnit]] = defaultdict(list)
    for commune in admin_units.communes(structure):
        by_province[commune.province].append(commune)
    out = [Unit(LOCAL_BRANCH, "Chính quyền địa phương", model.BRANCH, domain=NATIONAL_DOMAIN)]
    for province in admin_units.provinces(structure):
        code = province.code
        domain = domains[code]
        out.append(_admin(province, LOCAL_BRANCH, domain, "ubnd"))
        departments = PROVINCE_DEPARTMENTS_2025 + OPTIONAL_DEPARTMENTS_2025.get(code, ())
        out.extend(_province_offices(province, domain, departments))
        labels = _labels(by_province[code])
        for commune in by_province[code]:
            label = labels[commune.code]
            out.append(_admin(commune, code, domain, f"ubnd.{label}"))
            out.extend(_commune_units(commune, domain, label))
    return out


def _local_legacy() -> list[Unit]:
    """Return the legacy local branch: provinces, departments, districts and their communes."""
    structure = admin_units.STRUCTURE_LEGACY
    domains = agencies.province_domains(structure)
    districts: dict[str, list[admin_units.AdminUnit]] = defaultdict(list)
    for district in admin_units.districts(structure):
        districts[district.province].append(district)
    communes: dict[str, list[admin_units.AdminUnit]] = defaultdict(list)
    for commune in admin_units.communes(structure):
        communes[commune.district].append(commune)
    out = [Unit(LOCAL_BRANCH, "Chính quyền địa phương", model.BRANCH, domain=NATIONAL_DOMAIN)]
    for province in admin_units.provinces(structure):
        code = province.code
        domain = domains[code]
        out.append(_admin(province, LOCAL_BRANCH, domain, "ubnd"))
        out.extend(_province_offices(province, domain, PROVINCE_DEPARTMENTS_LEGACY))
        members = districts[code] + [c for d in districts[code] for c in communes[d.code]]
        labels = _labels(members)
        for district in districts[code]:
            out.append(_admin(district, code, domain, f"ubnd.{labels[district.code]}"))
            for commune in communes[district.code]:
                out.append(_admin(commune, district.code, domain, f"ubnd.{labels[commune.code]}"))
    return out


@cache
def _build(structure: str) -> tuple[Unit, ...]:
    """Return the whole tree of a structure as an immutable, cached tuple."""
    if structure == admin_units.STRUCTURE_2025:
        local = _local_2025()
    elif structure == admin_units.STRUCTURE_LEGACY:
        local = _local_legacy()
    else:
        raise ValueError(
            f"unknown structure {structure!r}; expected one of {admin_units.STRUCTURES}"
        )
    return tuple(_central() + local)


def build_tree(structure: str = admin_units.STRUCTURE_2025) -> list[Unit]:
    """Return every unit of the national tree for a structure, each parent before its children."""
    return list(_build(structure))


def index_by_code(units: Iterable[Unit]) -> dict[str, Unit]:
    """Return the units keyed by code, raising ValueError on a duplicate code."""
    index: dict[str, Unit] = {}
    for unit in units:
        if unit.code in index:
            raise ValueError(f"duplicate unit code {unit.code!r}")
        index[unit.code] = unit
    return index


def children(units: Iterable[Unit]) -> dict[str | None, list[Unit]]:
    """Return parent code (None for the branches) -> child units, in tree order."""
    result: dict[str | None, list[Unit]] = defaultdict(list)
    for unit in units:
        result[unit.parent].append(unit)
    return dict(result)


def descendants(units: Iterable[Unit], code: str) -> list[Unit]:
    """Return the units below the unit with this code, in tree order (not the unit itself)."""
    kids = children(units)
    out: list[Unit] = []
    stack = list(reversed(kids.get(code, [])))
    while stack:
        unit = stack.pop()
        out.append(unit)
        stack.extend(reversed(kids.get(unit.code, [])))
    return out
