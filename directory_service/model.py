"""Domain types for units and people, independent of how they are stored."""

from __future__ import annotations

from dataclasses import dataclass, field

# Unit types, used for positions, rank order and display.  Central government:
BRANCH = "nhanh"  # one of the two top branches (central / local)
MINISTRY = "bo"  # Bộ
MINISTERIAL_AGENCY = "ngang-bo"  # cơ quan ngang Bộ (State Bank, Inspectorate, Government Office)
GOVERNMENT_AGENCY = "thuoc-cp"  # cơ quan thuộc Chính phủ (academies, VTV, VOV, VNA)
OFFICE = "van-phong"  # Văn phòng (of a ministry, a province's People's Committee, a commune)
DEPARTMENT = "vu"  # Vụ
AGENCY = "cuc"  # Cục
INSPECTORATE = "thanh-tra"  # Thanh tra
CENTRE = "trung-tam"  # Trung tâm / public service unit
# Local government:
PROVINCE = "tinh"  # Tỉnh
CITY = "thanh-pho"  # Thành phố trực thuộc trung ương
PROVINCIAL_DEPARTMENT = "so"  # Sở
DISTRICT = "huyen"  # legacy tree only: huyện / quận / thị xã / thành phố thuộc tỉnh
COMMUNE = "xa"  # Xã
WARD = "phuong"  # Phường
SPECIAL_ZONE = "dac-khu"  # Đặc khu
TOWNSHIP = "thi-tran"  # legacy tree only: thị trấn
DIVISION = "phong"  # Phòng (commune or district level)
# Service units outside the collection of official addresses (never counted in coverage):
EDUCATION = "giao-duc"  # Trường (schools and colleges)
HEALTH = "y-te"  # Bệnh viện, Trạm y tế, Trung tâm y tế
EXCLUDED_TYPES = frozenset({EDUCATION, HEALTH})

ADMINISTRATIVE_TYPES = frozenset({PROVINCE, CITY, DISTRICT, COMMUNE, WARD, SPECIAL_ZONE, TOWNSHIP})
CENTRAL_AGENCY_TYPES = frozenset({MINISTRY, MINISTERIAL_AGENCY, GOVERNMENT_AGENCY})

STATUS_ACTIVE = "active"
STATUS_LEFT = "left"


@dataclass(frozen=True)
class Unit:
    """An organisational or administrative unit, identified by a nationally unique code."""

    code: str
    name: str
    type: str
    parent: str | None = None
    domain: str | None = None
    mail: str | None = None
    admin_code: str | None = None
    english_name: str | None = None
    former_codes: tuple[str, ...] = ()  # codes of units merged into it, still accepted
    former_names: tuple[str, ...] = ()  # names of units merged into it, still accepted


@dataclass
class Person:
    """A state official with an official email address."""

    uid: str
    family: str
    middle: str
    given: str
    unit_code: str
    title: str = ""
    mail: list[str] = field(default_factory=list)
    phone: str | None = None
    gender: str | None = None
    status: str = STATUS_ACTIVE

    @property
    def full_name(self) -> str:
        """Return the name as written: family, middle, given."""
        return " ".join(p for p in (self.family, self.middle, self.given) if p)
