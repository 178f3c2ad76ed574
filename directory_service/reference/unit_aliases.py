"""List the names agencies write for units: current names, their variants, and old names.

Each alias is (text, code, rank, other codes). Lower ranks win when one text names several units:
a current name beats a current short name, which beats an old name, which beats an old short name.
Old names are the departments and ministries merged in 2025, the abolished general departments
(Tổng cục), and the pre-2025 communes, which map to their successors through
:func:`reference.admin_units.successors` (a commune split between several new ones maps to
the first successor under the import's target; the others come along as "other codes").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from directory_service import model
from directory_service.model import Unit
from directory_service.reference import admin_units, tree

CURRENT, CURRENT_SHORT, OLD, OLD_SHORT = 0, 1, 2, 3
COMMITTEE = "Ủy ban nhân dân"
COMMUNE_OFFICE_SUFFIX = "VP"

Alias = tuple[str, str, int, tuple[str, ...]]

# Province departments merged in 2025 (Decree 150/2025): old code suffix -> current suffix.
MERGED_DEPARTMENTS = {
    "STTTT": "SKHCN",  # Sở Thông tin và Truyền thông -> Sở Khoa học và Công nghệ
    "SKHDT": "STC",  # Sở Kế hoạch và Đầu tư -> Sở Tài chính
    "STNMT": "SNNMT",  # Sở Tài nguyên và Môi trường -> Sở Nông nghiệp và Môi trường
    "SNNPTNT": "SNNMT",  # Sở Nông nghiệp và Phát triển nông thôn -> the same
    "SLDTBXH": "SNV",  # Sở Lao động - Thương binh và Xã hội -> Sở Nội vụ
    "SGTVT": "SXD",  # Sở Giao thông vận tải -> Sở Xây dựng
}
# Ministries merged in 2025 (Resolution 176/2025/QH15): old name -> current agency code.
MERGED_MINISTRIES = {
    "Bộ Thông tin và Truyền thông": "BKHCN",
    "Bộ Kế hoạch và Đầu tư": "BTC",
    "Bộ Tài nguyên và Môi trường": "BNNMT",
    "Bộ Nông nghiệp và Phát triển nông thôn": "BNNMT",
    "Bộ Lao động - Thương binh và Xã hội": "BNV",
    "Bộ Giao thông vận tải": "BXD",
    "Ủy ban Dân tộc": "BDTTG",
}
_PROVINCE_TYPES = frozenset({model.PROVINCE, model.CITY})


def _short_name(unit: Unit) -> str | None:
    """Return an administrative unit's name without its kind word ("Ba Đình"), if known."""
    if unit.admin_code is None:
        return None
    for structure in admin_units.STRUCTURES:  # codes are reused: the name must agree too
        admin = admin_units.lookup(unit.admin_code, structure)
        if admin is not None and admin.name == unit.name:
            return admin.short_name
    return None


def _with_parent(name: str, parent_name: str) -> str:
    """Join a unit's name and its parent's, once: "Văn phòng Bộ" + "Bộ Tài chính"."""
    head, _, rest = parent_name.partition(" ")
    if rest and name.split()[-1].lower() == head.lower():
        return f"{name} {rest}"
    return f"{name} {parent_name}"


def _administrative(unit: Unit) -> Iterator[tuple[str, int]]:
    """Yield the names of a province or commune, which stands for its People's Committee."""
    yield unit.name, CURRENT
    yield f"{COMMITTEE} {unit.name}", CURRENT
    short = _short_name(unit)
    if short:
        yield short, CURRENT_SHORT
        yield f"{COMMITTEE} {short}", CURRENT_SHORT
        kind = unit.name[: len(unit.name) - len(short)].strip()
        if unit.type in _PROVINCE_TYPES and kind:
            yield f"{COMMITTEE} {kind}", CURRENT_SHORT  # "UBND thành phố" inside its province


def _names(unit: Unit, parent: Unit | None) -> Iterator[tuple[str, int]]:
    """Yield the current names agencies write for one unit, with their ranks."""
    if unit.type in model.ADMINISTRATIVE_TYPES:
        yield from _administrative(unit)
        return
    yield unit.name, CURRENT
    if parent is None or parent.type == model.BRANCH:
        return
    yield _with_parent(unit.name, parent.name), CURRENT
    short = _short_name(parent)
    if short:
        yield f"{unit.name} {short}", CURRENT
        if parent.type not in _PROVINCE_TYPES and unit.code.endswith("-" + COMMUNE_OFFICE_SUFFIX):
            yield f"Văn phòng {COMMITTEE} {parent.name}", CURRENT_SHORT


def current_aliases(subtree: Iterable[Unit], by_code: dict[str, Unit]) -> Iterator[Alias]:
    """Yield the current names of every unit in the subtree."""
    for unit in subtree:
        parent = by_code.get(unit.parent) if unit.parent else None
        for name, rank in _names(unit, parent):
            yield name, unit.code, rank, ()


def is_legacy_tree(by_code: dict[str, Unit]) -> bool:
    """Return whether units form the legacy (pre-2025) tree, whose old names are current."""
    return any(unit.type == model.DISTRICT for unit in by_code.values())


def old_codes(subtree: set[str], by_code: dict[str, Unit]) -> dict[str, str]:
    """Return old department codes (01-STTTT) -> their successors under the subtree."""
    out: dict[str, str] = {}
    if is_legacy_tree(by_code):
        return out
    for unit in by_code.values():
        if unit.type in _PROVINCE_TYPES:
            for old, new in MERGED_DEPARTMENTS.items():
                if f"{unit.code}-{new}" in subtree:
                    out[f"{unit.code}-{old}"] = f"{unit.code}-{new}"
    return out


def _old_departments(subtree: set[str], by_code: dict[str, Unit]) -> Iterator[Alias]:
    """Yield the names of province departments merged in 2025, pointing at their successors."""
    names = {suffix: name for suffix, _, name, _ in tree.PROVINCE_DEPARTMENTS_LEGACY if name}
    for old, new in old_codes(subtree, by_code).items():
        province = by_code[new.split("-")[0]]
        name = names[old.split("-", 1)[1]]
        for text in (name, f"{name} {province.name}", f"{name} {_short_name(province)}"):
            yield text, new, OLD, ()


def _old_central(subtree: set[str], by_code: dict[str, Unit]) -> Iterator[Alias]:
    """Yield merged ministries and abolished general departments (Tổng cục -> Cục)."""
    for name, code in MERGED_MINISTRIES.items():
        if code in subtree:
            yield name, code, OLD, ()
    for code, unit in by_code.items():
        if code in subtree and unit.type == model.AGENCY and unit.name.startswith("Cục "):
            old = "Tổng c" + unit.name[1:]
            yield old, code, OLD, ()
            parent = by_code.get(unit.parent) if unit.parent else None
            if parent is not None:
                yield _with_parent(old, parent.name), code, OLD, ()


def _commune_offices(
    successors: tuple[str, ...], subtree: set[str]
) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """Yield (suffix, code, other codes) for each commune unit of the successors in the subtree."""
    for suffix, _, _, _ in tree.COMMUNE_UNITS:
        codes = [f"{s}-{suffix}" for s in successors]
        inside = [c for c in codes if c in subtree]
        if inside:
            yield suffix, inside[0], tuple(c for c in codes if c != inside[0])


def _old_communes(subtree: set[str], by_code: dict[str, Unit]) -> Iterator[Alias]:
    """Yield the pre-2025 communes (and island districts) whose successors lie in the subtree."""
    legacy = admin_units.by_code(admin_units.STRUCTURE_LEGACY)
    units = admin_units.communes(admin_units.STRUCTURE_LEGACY) + admin_units.districts(
        admin_units.STRUCTURE_LEGACY
    )
    with_offices = {code.rsplit("-", 1)[0] for code in subtree if "-" in code}
    for old in units:
        successors = admin_units.successors(old.code)
        if not successors or not any(s in subtree or s in with_offices for s in successors):
            continue
        district = legacy.get(old.district) if old.district else None
        names = [old.name] + ([f"{old.name} {district.name}"] if district else [])
        inside = [s for s in successors if s in subtree]
        if inside:
            others = tuple(s for s in successors if s != inside[0])
            for name in names:
                yield name, inside[0], OLD, others
                yield f"{COMMITTEE} {name}", inside[0], OLD, others
            yield old.short_name, inside[0], OLD_SHORT, others
            yield f"{COMMITTEE} {old.short_name}", inside[0], OLD_SHORT, others
        if not any(s in with_offices for s in successors):
            continue
        for suffix, code, others in _commune_offices(successors, subtree):
            office = by_code[code].name
            for name in names:
                yield f"{office} {name}", code, OLD, others
            if suffix == COMMUNE_OFFICE_SUFFIX:
                yield f"Văn phòng {COMMITTEE} {old.name}", code, OLD, others


# Kind words in front of an administrative unit's name, longest first ("Thị xã" before "Xã").
_KIND_WORDS = (
    "Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã",
)  # fmt: skip


def _without_kind(name: str) -> str | None:
    """Return an administrative unit's name without its kind word, or None if it has none."""
    for kind in _KIND_WORDS:
        if name.startswith(kind + " ") and len(name) > len(kind) + 1:
            return name[len(kind) + 1 :]
    return None


def _with_short(names: Iterable[str]) -> list[str]:
    """Return administrative units' names, each followed by its form without the kind word."""
    out = []
    for name in names:
        out.append(name)
        if (short := _without_kind(name)) is not None:
            out.append(short)
    return out


def former_aliases(subtree: Iterable[Unit], by_code: dict[str, Unit]) -> Iterator[Alias]:
    """Yield the names of the units merged into each unit, as its entry keeps them.

    An office's own and former names also come with its province's former names ("Sở Nội
    vụ tỉnh Hà Giang" is now Sở Nội vụ of Tuyên Quang), and its former names with the
    province's current ones.
    """
    for unit in subtree:
        if unit.type in model.ADMINISTRATIVE_TYPES:
            for name in unit.former_names:
                yield name, unit.code, OLD, ()
                yield f"{COMMITTEE} {name}", unit.code, OLD, ()
                if (short := _without_kind(name)) is not None:
                    yield short, unit.code, OLD_SHORT, ()
                    yield f"{COMMITTEE} {short}", unit.code, OLD_SHORT, ()
            continue
        parent = by_code.get(unit.parent) if unit.parent else None
        for name in unit.former_names:
            yield name, unit.code, OLD, ()
        if parent is None or parent.type == model.BRANCH:
            continue
        for name in unit.former_names:
            for place in _with_short([parent.name]):
                yield f"{name} {place}", unit.code, OLD, ()
        for name in (unit.name, *unit.former_names):
            for place in _with_short(parent.former_names):
                yield f"{name} {place}", unit.code, OLD, ()


def old_aliases(subtree: set[str], by_code: dict[str, Unit]) -> Iterator[Alias]:
    """Yield every old name that maps to a unit in the subtree (none in the legacy tree)."""
    if is_legacy_tree(by_code):
        return
    yield from _old_departments(subtree, by_code)
    yield from _old_central(subtree, by_code)
    yield from _old_communes(subtree, by_code)
