"""Vietnamese government titles (chức vụ) by unit type, and their rank order for "leaders first".

Ranks follow REFERENCE.md ("Titles, in rank order"). A title is matched on its folded, lower-case
words by longest known prefix, so "Phó Giám đốc Sở Tư pháp" ranks as "Phó Giám đốc Sở" and
"Chủ tịch Ủy ban nhân dân xã Tân An" as "Chủ tịch UBND xã". Lower rank numbers come first.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache

from directory_service.model import (
    AGENCY,
    BRANCH,
    CENTRAL_AGENCY_TYPES,
    CENTRE,
    CITY,
    COMMUNE,
    DEPARTMENT,
    DISTRICT,
    DIVISION,
    INSPECTORATE,
    MINISTERIAL_AGENCY,
    MINISTRY,
    OFFICE,
    PROVINCE,
    PROVINCIAL_DEPARTMENT,
    SPECIAL_ZONE,
    TOWNSHIP,
    WARD,
    Unit,
)
from directory_service.text import fold

# Government level a unit sits at, which decides the titles its people hold.
LEVEL_CENTRAL = "central"
LEVEL_PROVINCE = "province"
LEVEL_DISTRICT = "district"
LEVEL_COMMUNE = "commune"

COMMUNE_LEVEL_TYPES = frozenset({COMMUNE, WARD, SPECIAL_ZONE, TOWNSHIP})
UNKNOWN_RANK = 1000

_RANKED_TITLES: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        10,
        (
            "Bộ trưởng",
            "Thống đốc",
            "Tổng Thanh tra Chính phủ",
            "Chủ nhiệm Văn phòng Chính phủ",
            "Chủ tịch",
            "Chủ tịch UBND",
            "Chủ tịch UBND tỉnh",
            "Chủ tịch UBND thành phố",
            "Tổng Giám đốc",
        ),
    ),
    (
        20,
        (
            "Thứ trưởng",
            "Phó Thống đốc",
            "Phó Tổng Thanh tra Chính phủ",
            "Phó Chủ nhiệm",
            "Phó Chủ nhiệm Văn phòng Chính phủ",
            "Phó Chủ tịch",
            "Phó Chủ tịch UBND",
            "Phó Chủ tịch UBND tỉnh",
            "Phó Chủ tịch UBND thành phố",
            "Phó Tổng Giám đốc",
        ),
    ),
    (30, ("Chánh Văn phòng", "Vụ trưởng", "Cục trưởng", "Chánh Thanh tra", "Giám đốc Sở")),
    (
        40,
        (
            "Phó Chánh Văn phòng",
            "Phó Vụ trưởng",
            "Phó Cục trưởng",
            "Phó Chánh Thanh tra",
            "Phó Giám đốc Sở",
        ),
    ),
    (42, ("Chủ tịch UBND huyện", "Chủ tịch UBND quận", "Chủ tịch UBND thị xã")),
    (43, ("Phó Chủ tịch UBND huyện", "Phó Chủ tịch UBND quận", "Phó Chủ tịch UBND thị xã")),
    (44, ("Chi cục trưởng",)),
    (45, ("Phó Chi cục trưởng",)),
    (
        46,
        (
            "Chủ tịch UBND xã",
            "Chủ tịch UBND phường",
            "Chủ tịch UBND đặc khu",
            "Chủ tịch UBND thị trấn",
        ),
    ),
    (
        47,
        (
            "Phó Chủ tịch UBND xã",
            "Phó Chủ tịch UBND phường",
            "Phó Chủ tịch UBND đặc khu",
            "Phó Chủ tịch UBND thị trấn",
        ),
    ),
    (48, ("Chánh Văn phòng HĐND và UBND",)),
    (49, ("Phó Chánh Văn phòng HĐND và UBND",)),
    (50, ("Giám đốc", "Giám đốc Trung tâm")),
    (52, ("Phó Giám đốc", "Phó Giám đốc Trung tâm")),
    (60, ("Trưởng phòng",)),
    (62, ("Phó Trưởng phòng",)),
    (70, ("Chuyên viên cao cấp", "Thanh tra viên cao cấp")),
    (72, ("Chuyên viên chính", "Thanh tra viên chính")),
    (74, ("Chuyên viên", "Thanh tra viên", "Công chức")),
    (76, ("Cán sự",)),
    (78, ("Văn thư",)),
)

_SPELLED_OUT = (("uy ban nhan dan", "ubnd"), ("hoi dong nhan dan", "hdnd"))


@lru_cache(maxsize=16384)
def _title_key(title: str) -> str:
    """Return the folded, lower-case, punctuation-free form a title is matched on."""
    key = " ".join(re.findall(r"[a-z0-9]+", fold(title).lower()))
    for long, short in _SPELLED_OUT:
        key = key.replace(long, short)
    return key


_RANKS: dict[str, int] = {_title_key(t): rank for rank, titles in _RANKED_TITLES for t in titles}
_MAX_KEY_WORDS = max(len(k.split()) for k in _RANKS)


@lru_cache(maxsize=8192)
def title_rank(title: str) -> int:
    """Return the global rank of a title: lower is more senior; unknown titles get UNKNOWN_RANK."""
    words = _title_key(title).split()
    for n in range(min(len(words), _MAX_KEY_WORDS), 0, -1):
        rank = _RANKS.get(" ".join(words[:n]))
        if rank is not None:
            return rank
    return UNKNOWN_RANK


def infer_level(unit: Unit) -> str:
    """Guess a unit's government level from the unit alone, when its parents are not known."""
    if unit.type in CENTRAL_AGENCY_TYPES:
        return LEVEL_CENTRAL
    if unit.type in (PROVINCE, CITY, PROVINCIAL_DEPARTMENT):
        return LEVEL_PROVINCE
    if unit.type == DISTRICT:
        return LEVEL_DISTRICT
    name = _title_key(unit.name)
    if unit.type in COMMUNE_LEVEL_TYPES or unit.type == DIVISION or "hdnd va ubnd" in name:
        return LEVEL_COMMUNE
    if "ubnd" in name or "tinh" in name.split():
        return LEVEL_PROVINCE
    return LEVEL_CENTRAL


def _spread(unit: Unit, low: int, high: int) -> int:
    """Return a number in [low, high] fixed by the unit's code (stable across runs)."""
    return low + zlib.crc32(unit.code.encode()) % (high - low + 1)


def _admin_word(unit: Unit) -> str:
    """Return the word naming an administrative unit's kind in titles ("tỉnh", "xã", ...)."""
    if unit.type == DISTRICT:
        key = _title_key(unit.name)
        for word, folded in (("quận", "quan"), ("thị xã", "thi xa"), ("thành phố", "thanh pho")):
            if key.startswith(folded + " "):
                return word
        return "huyện"
    words = {
        PROVINCE: "tỉnh",
        CITY: "thành phố",
        COMMUNE: "xã",
        WARD: "phường",
        SPECIAL_ZONE: "đặc khu",
        TOWNSHIP: "thị trấn",
    }
    return words[unit.type]


def _is_big_city(unit: Unit) -> bool:
    """Tell whether a province-level unit is Hà Nội or Hồ Chí Minh City (more deputies)."""
    key = _title_key(unit.name)
    return unit.admin_code in ("01", "79") or "ha noi" in key or "ho chi minh" in key


def _agency_heads(unit: Unit) -> tuple[str, str, int]:
    """Return head title, deputy title and number of deputies of a central agency."""
    key = _title_key(unit.name)
    code = unit.code.upper()
    if unit.type == MINISTRY:
        return "Bộ trưởng", "Thứ trưởng", _spread(unit, 3, 5)
    if "ngan hang nha nuoc" in key or "NHNN" in code or "SBV" in code:
        return "Thống đốc", "Phó Thống đốc", 4
    if "thanh tra chinh phu" in key or "TTCP" in code:
        return "Tổng Thanh tra Chính phủ", "Phó Tổng Thanh tra Chính phủ", 4
    if "van phong chinh phu" in key or "VPCP" in code:
        return (
            "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ",
            "Phó Chủ nhiệm Văn phòng Chính phủ",
            4,
        )
    if unit.type == MINISTERIAL_AGENCY:
        return "Bộ trưởng", "Thứ trưởng", _spread(unit, 3, 4)
    if "vien han lam" in key:
        return "Chủ tịch", "Phó Chủ tịch", _spread(unit, 3, 4)
    return "Tổng Giám đốc", "Phó Tổng Giám đốc", _spread(unit, 3, 4)


def leader_slots(unit: Unit, level: str | None = None) -> list[str]:
    """Return the titles of a unit's leadership posts, one per post, most senior first."""
    level = level or infer_level(unit)
    kind = unit.type
    commune = level == LEVEL_COMMUNE
    if kind in CENTRAL_AGENCY_TYPES:
        head, deputy, n = _agency_heads(unit)
        return [head] + [deputy] * n
    if kind in (PROVINCE, CITY):
        word = _admin_word(unit)
        n = 7 if _is_big_city(unit) else _spread(unit, 3, 5)
        return [f"Chủ tịch UBND {word}"] + [f"Phó Chủ tịch UBND {word}"] * n
    if kind == DISTRICT or kind in COMMUNE_LEVEL_TYPES:
        word = _admin_word(unit)
        return [f"Chủ tịch UBND {word}"] + [f"Phó Chủ tịch UBND {word}"] * 2
    if kind == OFFICE:
        if commune:
            return ["Chánh Văn phòng HĐND và UBND", "Phó Chánh Văn phòng HĐND và UBND"]
        return ["Chánh Văn phòng"] + ["Phó Chánh Văn phòng"] * _spread(unit, 2, 3)
    if kind == DEPARTMENT:
        return ["Vụ trưởng"] + ["Phó Vụ trưởng"] * _spread(unit, 2, 3)
    if kind == INSPECTORATE:
        return ["Chánh Thanh tra"] + ["Phó Chánh Thanh tra"] * _spread(unit, 2, 3)
    if kind == AGENCY:
        rooms = _spread(unit, 3, 5)
        return (
            ["Cục trưởng"]
            + ["Phó Cục trưởng"] * _spread(unit, 2, 4)
            + ["Trưởng phòng"] * rooms
            + ["Phó Trưởng phòng"] * rooms
        )
    if kind == PROVINCIAL_DEPARTMENT:
        rooms = _spread(unit, 3, 5)
        return (
            ["Giám đốc Sở"]
            + ["Phó Giám đốc Sở"] * _spread(unit, 2, 4)
            + ["Trưởng phòng"] * rooms
            + ["Phó Trưởng phòng"] * rooms
        )
    if kind == CENTRE:
        return ["Giám đốc Trung tâm"] + ["Phó Giám đốc Trung tâm"] * (1 if commune else 2)
    if kind == DIVISION:
        return ["Trưởng phòng"] + ["Phó Trưởng phòng"] * (1 if commune else 2)
    return []


_CENTRAL_STAFF = (
    ("Chuyên viên cao cấp", 8.0),
    ("Chuyên viên chính", 27.0),
    ("Chuyên viên", 50.0),
    ("Cán sự", 8.0),
    ("Văn thư", 4.0),
)
_LOCAL_STAFF = (
    ("Chuyên viên cao cấp", 2.0),
    ("Chuyên viên chính", 22.0),
    ("Chuyên viên", 60.0),
    ("Cán sự", 9.0),
    ("Văn thư", 5.0),
)
_INSPECTORATE_STAFF = (
    ("Thanh tra viên cao cấp", 6.0),
    ("Thanh tra viên chính", 25.0),
    ("Thanh tra viên", 45.0),
    ("Chuyên viên", 15.0),
    ("Văn thư", 3.0),
)
_OFFICE_STAFF = (
    ("Chuyên viên cao cấp", 4.0),
    ("Chuyên viên chính", 20.0),
    ("Chuyên viên", 50.0),
    ("Cán sự", 10.0),
    ("Văn thư", 12.0),
)
_COMMUNE_OFFICE_STAFF = (
    ("Công chức Văn phòng - Thống kê", 3.0),
    ("Công chức Tư pháp - Hộ tịch", 2.0),
    ("Công chức Tài chính - Kế toán", 2.0),
    ("Chuyên viên", 2.0),
    ("Văn thư", 1.0),
)
_COMMUNE_ECONOMY_STAFF = (
    ("Công chức Địa chính - Xây dựng", 3.0),
    ("Công chức Tài chính - Kế toán", 1.0),
    ("Chuyên viên", 3.0),
    ("Cán sự", 1.0),
)
_COMMUNE_SOCIAL_STAFF = (
    ("Công chức Văn hóa - Xã hội", 4.0),
    ("Chuyên viên", 3.0),
    ("Cán sự", 1.0),
)
_COMMUNE_SERVICE_STAFF = (
    ("Chuyên viên", 4.0),
    ("Công chức Tư pháp - Hộ tịch", 1.0),
    ("Công chức Địa chính - Xây dựng", 1.0),
    ("Cán sự", 1.0),
)
_COMMUNE_STAFF = (
    ("Công chức Văn phòng - Thống kê", 2.0),
    ("Công chức Địa chính - Xây dựng", 2.0),
    ("Công chức Tài chính - Kế toán", 2.0),
    ("Công chức Tư pháp - Hộ tịch", 2.0),
    ("Công chức Văn hóa - Xã hội", 2.0),
    ("Chuyên viên", 2.0),
)


def staff_titles(unit: Unit, level: str | None = None) -> list[tuple[str, float]]:
    """Return the titles of a unit's ordinary staff with relative weights."""
    level = level or infer_level(unit)
    kind = unit.type
    if kind == BRANCH:
        return []
    if level == LEVEL_COMMUNE:
        key = _title_key(unit.name)
        if kind == OFFICE:
            table = _COMMUNE_OFFICE_STAFF
        elif kind == CENTRE:
            table = _COMMUNE_SERVICE_STAFF
        elif kind == DIVISION and "kinh te" in key:
            table = _COMMUNE_ECONOMY_STAFF
        elif kind == DIVISION and ("van hoa" in key or "xa hoi" in key):
            table = _COMMUNE_SOCIAL_STAFF
        else:
            table = _COMMUNE_STAFF
    elif kind == INSPECTORATE:
        table = _INSPECTORATE_STAFF
    elif kind == OFFICE:
        table = _OFFICE_STAFF
    elif level == LEVEL_CENTRAL:
        table = _CENTRAL_STAFF
    else:
        table = _LOCAL_STAFF
    return list(table)
