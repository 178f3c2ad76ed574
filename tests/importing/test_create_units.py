"""`govdir import --create-units`: unknown units planned, created before their people, once."""

from __future__ import annotations

import csv
import unicodedata

import openpyxl

from directory_service import model
from directory_service.importing.online import run_import
from directory_service.importing.units.match import NAME, UNKNOWN, UnitMatcher
from directory_service.importing.units.new import new_unit_code, unit_type
from directory_service.reference.tree import build_tree

from .test_import_end_to_end import govdir

HEADER = ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Email"]
NFD_NAME = unicodedata.normalize("NFD", "Phòng Pháp chế")


def write_csv(path, rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)


def unit_attrs(directory, code: str) -> dict[str, list[str]] | None:
    entries, _ = directory.search(
        f"(&(objectClass=govdirUnit)(govdirUnitCode={code}))",
        ["ou", "govdirUnitType", "govdirUnitPath", "govdirMailDomain"],
    )
    if not entries:
        return None
    [(_, attrs)] = entries
    return {k: [v.decode() for v in vs] for k, vs in attrs.items()}


def people_in(directory, code: str) -> list[str]:
    entries, _ = directory.search(f"(&(objectClass=govdirPerson)(govdirUnitCode={code}))", ["mail"])
    return sorted(a["mail"][0].decode() for _, a in entries)


def agency_list(path) -> None:
    write_csv(path, [
        [1, "Trần Văn Một", "Trưởng phòng", NFD_NAME, "mot.ppc@hanoi.gov.vn"],
        [2, "Lê Thị Hai", "Chuyên viên", "PHÒNG PHÁP CHẾ", "hai.ppc@hanoi.gov.vn"],
        [3, "Phạm Văn Ba", "Chuyên viên", "Sở Tư pháp", "ba.stp@hanoi.gov.vn"],
        [4, "Hoàng Thị Bốn", "Giám đốc", "Trung tâm Dữ liệu số", "bon.ttdls@hanoi.gov.vn"],
        [5, "Ngô Văn Năm", "Chuyên viên", "Phòng Không Người", "khong co dia chi"],
    ])  # fmt: skip


def test_without_the_option_an_unknown_unit_stays_a_row_error(
    empty_instance, import_directory, tmp_path
):
    path, report = tmp_path / "list.csv", tmp_path / "report.xlsx"
    agency_list(path)
    dry = govdir(empty_instance, "import", str(path), "--unit", "01", "--dry-run",
                 "--report", str(report))  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert "New units" not in dry.stdout and "1 add," in dry.stdout, dry.stdout
    lines = list(openpyxl.load_workbook(report).active.iter_rows(values_only=True))[1:]
    unknown = {line[0] for line in lines if line[5].startswith("No such unit")}
    assert unknown == {2, 3, 5, 6}
    assert all(line[3].startswith("Bị loại") for line in lines if line[0] in unknown)
    assert unit_attrs(import_directory, "01-PPC") is None


def test_create_units_dry_run_apply_and_rerun(empty_instance, import_directory, tmp_path):
    path, report = tmp_path / "list.csv", tmp_path / "report.csv"
    agency_list(path)
    dry = govdir(empty_instance, "import", str(path), "--unit", "01", "--dry-run",
                 "--create-units", "--report", str(report))  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    out = dry.stdout
    assert "New units under 01: 2" in out, out
    assert "row      2  01-PPC  Phòng Pháp chế" in out  # the first row naming it, as written
    assert "row      5  01-TTDLS  Trung tâm Dữ liệu số" in out
    assert "Phòng Không Người" not in out  # its only row was rejected: no empty unit
    assert "4 add, 0 modify, 0 move, 0 retire" in out
    assert "01-PPC" in report.read_text(encoding="utf-8-sig")  # the row that makes it, flagged
    assert unit_attrs(import_directory, "01-PPC") is None  # a dry run changes nothing

    applied = govdir(empty_instance, "import", str(path), "--unit", "01", "--create-units")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Applied: 4 add, 2 unit" in applied.stdout, applied.stdout
    unit = unit_attrs(import_directory, "01-PPC")
    assert unit["ou"][0] == "Phòng Pháp chế" and unicodedata.is_normalized("NFC", unit["ou"][0])
    assert unit["govdirUnitType"] == [model.DIVISION]
    assert unit["govdirUnitPath"] == ["DP", "01", "01-PPC"]
    assert unit["govdirMailDomain"] == ["hanoi.gov.vn"]
    assert unit_attrs(import_directory, "01-TTDLS")["govdirUnitType"] == [model.CENTRE]
    assert people_in(import_directory, "01-PPC") == ["hai.ppc@hanoi.gov.vn", "mot.ppc@hanoi.gov.vn"]
    assert people_in(import_directory, "01-TTDLS") == ["bon.ttdls@hanoi.gov.vn"]

    again = govdir(empty_instance, "import", str(path), "--unit", "01", "--create-units")
    assert "New units under 01: 0" in again.stdout, again.stdout
    assert "0 add, 0 modify, 0 move, 0 retire; 4 unchanged" in again.stdout
    # The units are the tree's now: the list matches them without the option too.
    plain = run_import(import_directory, path, "01", dry_run=True)
    assert plain.plan.is_empty and plain.plan.unchanged == 4


def test_a_new_unit_goes_under_the_unit_its_section_names(import_directory, tmp_path):
    path = tmp_path / "sections.csv"
    write_csv(path, [
        ["II. SỞ TƯ PHÁP", "", "", "", ""],
        [1, "Đinh Văn Sáu", "Chuyên viên", "Phòng Hành chính - Tổng hợp", "sau.stp@hanoi.gov.vn"],
        [2, "Đinh Thị Bảy", "Chuyên viên", "Phòng Hành chính - Tổng hợp", "bay.stp@hanoi.gov.vn"],
    ])  # fmt: skip
    outcome = run_import(import_directory, path, "01", dry_run=True, create_units=True)
    [unit] = [c for c in outcome.plan.changes if c.kind == "unit"]
    assert unit.dn.startswith("govdirUnitCode=01-STP-PHCTH,govdirUnitCode=01-STP,")
    assert unit.row == 3 and outcome.plan.count("add") == 2
    assert {c.dn.split(",", 1)[1] for c in outcome.plan.changes if c.kind == "add"} == {unit.dn}
    [flag] = outcome.issues
    assert not flag.rejected and "01-STP-PHCTH" in flag.reason_en and "01-STP" in flag.reason_vi


def test_generated_codes_are_unique_and_stable():
    assert new_unit_code("01-STP", "Phòng Hành chính - Tổng hợp", set()) == "01-STP-PHCTH"
    assert new_unit_code("01", "Văn phòng UBND phường", set()) == "01-VPUBNDP"
    taken = {"01-stp-phcth"}
    first = new_unit_code("01-STP", "Phòng Hành chính - Tổng hợp", taken)
    assert first.startswith("01-STP-PHCTH-") and first.casefold() not in taken
    assert new_unit_code("01-STP", "phong hanh chinh tong hop", taken) == first
    other = new_unit_code("01-STP", "Phòng Hồ chứa Thủy hải", taken)
    assert other.startswith("01-STP-PHCTH-") and other != first
    assert new_unit_code("01-STP", "Phòng Hành chính - Tổng hợp", {*taken, first.casefold()})
    assert unit_type("VĂN PHÒNG SỞ") == model.OFFICE and unit_type("Ban Dự án") == model.DIVISION


def test_the_matcher_knows_a_unit_it_created_and_its_code_is_new_nationally():
    units = build_tree("2025")
    matcher = UnitMatcher(units, "01", create=True)
    assert matcher.match("Sở Nước Vùng").how == UNKNOWN
    unit = matcher.create_unit("3. Sở Nước Vùng", "01")
    assert unit.name == "Sở Nước Vùng" and unit.parent == "01"
    assert unit.code.startswith("01-SNV-")  # 01-SNV is Sở Nội vụ's
    assert unit.code not in {u.code for u in units}
    for text in ("Sở Nước Vùng", "so nuoc vung", "SỞ NƯỚC VÙNG"):
        result = matcher.match(text)
        assert (result.code, result.how) == (unit.code, NAME)
    assert matcher.created == {unit.code: unit}
