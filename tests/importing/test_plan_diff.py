"""Plan differences: compared values, derived values rewritten, attribute names in any case."""

from __future__ import annotations

from directory_service.entries.build import TreeIndex
from directory_service.importing import plan
from directory_service.importing.rows import Record
from directory_service.reference.tree import build_tree

INDEX = TreeIndex(build_tree("2025"), "dc=gov,dc=vn")


def entry_of(rec: Record) -> dict[str, list[bytes]]:
    return {"uid": [b"p1"], **plan.wanted_attrs(INDEX, rec)}


def test_same_record_no_difference_whatever_the_case_of_attribute_names():
    rec = Record(2, "Nguyễn", "Văn", "An", "Chuyên viên", "01-SNV", ["annv@hanoi.gov.vn"])
    old = {k.lower(): v for k, v in entry_of(rec).items()}
    old = plan.canonical(old)
    assert plan.differences(old, plan.source_attrs(INDEX, rec)) == {}


def test_title_change_touches_title_only_and_name_change_rewrites_derived_values():
    rec = Record(2, "Nguyễn", "Văn", "An", "Chuyên viên", "01-SNV", ["annv@hanoi.gov.vn"])
    old = plan.canonical({k.upper(): v for k, v in entry_of(rec).items()})
    retitled = Record(2, "Nguyễn", "Văn", "An", "Trưởng phòng", "01-SNV", ["annv@hanoi.gov.vn"])
    assert plan.differences(old, plan.wanted_attrs(INDEX, retitled)) == {
        "title": ["Trưởng phòng".encode(), b"Truong phong"],
        "govdirTitlePrefix": [b"tr", b"tru", b"truo", b"truon", b"truong", b"ph", b"pho",
                              b"phon", b"phong"],
    }  # fmt: skip
    renamed = Record(2, "Nguyễn", "Văn", "Anh", "Chuyên viên", "01-SNV", ["annv@hanoi.gov.vn"])
    diff = plan.differences(old, plan.wanted_attrs(INDEX, renamed))
    assert set(diff) == {"displayName", "givenName", "cn", "govdirNameWord", "govdirNamePrefix"}
    assert diff["govdirNamePrefix"] == [b"ng", b"ngu", b"nguy", b"nguye", b"nguyen", b"va",
                                        b"van", b"an", b"anh"]  # fmt: skip
    assert diff["cn"][0] == "Nguyễn Văn Anh".encode()
    moved = Record(2, "Nguyễn", "Văn", "An", "Chuyên viên", "01-STP", ["annv@hanoi.gov.vn"])
    diff = plan.differences(old, plan.wanted_attrs(INDEX, moved))
    # Every value derived from the unit is rewritten with it, even one that stays the same.
    assert set(diff) == {"govdirUnitCode", "ou", "o", "st", "govdirUnitPath"}
    assert diff["govdirUnitCode"] == [b"01-STP"]
