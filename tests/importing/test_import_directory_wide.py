"""Duplicates against the whole directory: addresses held outside the target, renames by address."""

from __future__ import annotations

import csv

import openpyxl

from directory_service.importing.apply import apply_plan
from directory_service.importing.online import run_import
from directory_service.importing.plan import lookups as plan_module
from directory_service.importing.plan import make_plan
from directory_service.importing.rows import Record

from .test_import_end_to_end import govdir

HEADER = ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Email"]


def write_csv(path, rows, header=HEADER) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def holders(directory, address: str) -> list[tuple[str, str]]:
    """Return (unit code, name) of every person entry holding the address."""
    entries, _ = directory.search(
        f"(&(objectClass=govdirPerson)(mail={address}))", ["govdirUnitCode", "displayName"]
    )
    return sorted(
        (a["govdirUnitCode"][0].decode(), a["displayName"][0].decode()) for _, a in entries
    )


def test_an_address_held_outside_the_target_is_rejected_and_the_rest_lands(
    empty_instance, import_directory, admin_conn, tmp_path
):
    hcm, hanoi, report = tmp_path / "79.csv", tmp_path / "01.csv", tmp_path / "report.xlsx"
    write_csv(hcm, [[1, "Nguyễn Văn Chuyên", "Chuyên viên", "Sở Nội vụ", "chuyen@hanoi.gov.vn"]])
    first = run_import(import_directory, hcm, "79", writer=admin_conn, dry_run=False)
    assert first.result.applied == {"add": 1}
    write_csv(hanoi, [
        [1, "Trần Thị Hoa", "Chuyên viên", "Sở Nội vụ", "hoatt.snv@hanoi.gov.vn"],
        [2, "Nguyễn Văn Chuyên", "Chuyên viên", "Sở Nội vụ", "CHUYEN@hanoi.gov.vn"],
        [3, "Lê Văn Khánh", "Chuyên viên", "Sở Nội vụ", "khanhlv.snv@hanoi.gov.vn"],
    ])  # fmt: skip

    dry = govdir(empty_instance, "import", str(hanoi), "--unit", "01", "--dry-run",
                 "--report", str(report))  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert "2 valid, 1 rejected" in dry.stdout and "2 add," in dry.stdout, dry.stdout
    [header, line] = list(openpyxl.load_workbook(report).active.iter_rows(values_only=True))
    row, column, value, status, reason_vi, reason_en, suggestion = line
    assert (row, column, value) == (3, "mail", "chuyen@hanoi.gov.vn")  # row 3 of the file
    assert status.startswith("Bị loại")
    assert "Nguyễn Văn Chuyên" in reason_vi and "79-SNV" in reason_vi and "ngoài" in reason_vi
    assert "belongs to Nguyễn Văn Chuyên" in reason_en and "outside 01" in reason_en
    # The lowest unit above both Hà Nội and Hồ Chí Minh City: import there to make it a move.
    assert "DP Chính quyền địa phương" in suggestion and "correct the address" in suggestion

    applied = govdir(empty_instance, "import", str(hanoi), "--unit", "01")
    assert applied.returncode == 0 and "Applied: 2 add" in applied.stdout, applied.stdout
    assert holders(import_directory, "chuyen@hanoi.gov.vn") == [("79-SNV", "Nguyễn Văn Chuyên")]
    assert holders(import_directory, "hoatt.snv@hanoi.gov.vn") == [("01-SNV", "Trần Thị Hoa")]
    assert holders(import_directory, "khanhlv.snv@hanoi.gov.vn") == [("01-SNV", "Lê Văn Khánh")]

    again = run_import(import_directory, hanoi, "01", dry_run=True)
    assert again.plan.is_empty and again.plan.unchanged == 2  # idempotent; still refused
    assert [(i.row, i.rejected) for i in again.issues] == [(3, True)]
    assert again.valid == 2 and again.rejected == 1
    assert [r.row for r in again.records] == [2, 4]

    # Imported into the common parent, the same row finds the person and moves them.
    by_code = tmp_path / "dp.csv"
    moved = [1, "Nguyễn Văn Chuyên", "Chuyên viên", "01-SNV", "chuyen@hanoi.gov.vn"]
    write_csv(by_code, [moved], header=["STT", "Họ và tên", "Chức vụ", "Mã đơn vị", "Email"])
    common = run_import(import_directory, by_code, "DP", dry_run=True)
    assert not common.issues
    assert sorted(c.kind for c in common.plan.changes) == ["modify", "move"]


def test_a_changed_address_held_outside_the_target_leaves_the_person_as_they_are(
    import_directory, admin_conn
):
    held = Record(2, "Phạm", "Văn", "Giữ", "Chuyên viên", "79-STP", ["giu.stp@hanoi.gov.vn"])
    apply_plan(admin_conn, make_plan(import_directory, "79", [held]))
    mine = Record(2, "Đỗ", "Thị", "Lan", "Chuyên viên", "01-STP", ["lan.stp@hanoi.gov.vn"])
    apply_plan(admin_conn, make_plan(import_directory, "01", [mine]))
    # Same person (by name and unit), now also listing the address someone in 79 holds.
    claims = Record(2, "Đỗ", "Thị", "Lan", "Trưởng phòng", "01-STP",
                    ["lan.stp@hanoi.gov.vn", "giu.stp@hanoi.gov.vn"])  # fmt: skip
    plan = make_plan(import_directory, "01", [claims], retire=True)
    [(lan_dn, _)] = import_directory.search("(mail=lan.stp@hanoi.gov.vn)", ["1.1"])[0]
    # Not modified, and not retired either (the others of 01, from other tests, are).
    assert plan.count("modify") == 0 and plan.count("retire") == len(plan.changes)
    assert lan_dn not in {c.dn for c in plan.changes} and plan.rejected_rows == {2}
    assert [i.value for i in plan.issues] == ["giu.stp@hanoi.gov.vn"]
    # Without the clashing address, the title change goes through.
    retitled = Record(2, "Đỗ", "Thị", "Lan", "Trưởng phòng", "01-STP", ["lan.stp@hanoi.gov.vn"])
    plan = make_plan(import_directory, "01", [retitled])
    assert [c.kind for c in plan.changes] == ["modify"] and not plan.issues


def test_addresses_are_looked_up_in_batches_and_escaped(import_directory, admin_conn, monkeypatch):
    apply_plan(admin_conn, make_plan(import_directory, "79", [
        Record(2, "Bùi", "Văn", "Xa", "Chuyên viên", "79-SYT", ["xay@hanoi.gov.vn"]),
        Record(3, "Bùi", "Thị", "Giữa", "Chuyên viên", "79-SYT", ["giua150@hanoi.gov.vn"]),
    ]))  # fmt: skip
    records = [
        Record(i + 2, "Hồ", "Văn", f"Người{chr(97 + i % 26)}", "Chuyên viên", "01-SYT",
               [f"giua{i}@hanoi.gov.vn"])
        for i in range(250)
    ]  # fmt: skip
    # Escaped or not, "*" finds nothing wrong (hits are compared with what was asked), but an
    # unescaped "(" breaks the filter: every address goes through ldap.filter.
    for row, address in ((300, "x*y@hanoi.gov.vn"), (301, "x(y)@hanoi.gov.vn")):
        records.append(Record(row, "Hồ", "Văn", "Sao", "Chuyên viên", "01-SYT", [address]))
    searches = []
    search = import_directory.search

    def counted(filterstr, *args, **kwargs):
        if "(|(mail=" in filterstr:
            searches.append(filterstr.count("(mail="))
        return search(filterstr, *args, **kwargs)

    monkeypatch.setattr(import_directory, "search", counted)
    plan = make_plan(import_directory, "01", records)
    assert searches == [100, 100, 52]  # 252 new addresses, 100 to a search
    assert [(i.row, i.value) for i in plan.issues] == [(152, "giua150@hanoi.gov.vn")]
    assert plan.count("add") == 251 and 152 not in {c.row for c in plan.changes}
    assert plan_module.MAIL_BATCH == 100


def test_a_rename_through_an_address_is_flagged_and_applied(import_directory, admin_conn, tmp_path):
    path, report = tmp_path / "rename.csv", tmp_path / "report.csv"
    write_csv(path, [[1, "Vũ Văn Đổi", "Chuyên viên", "Sở Y tế", "doi.syt@hanoi.gov.vn"]])
    run_import(import_directory, path, "01", writer=admin_conn, dry_run=False)
    write_csv(path, [[1, "Vũ Thị Đào", "Chuyên viên", "Sở Y tế", "doi.syt@hanoi.gov.vn"]])
    dry = run_import(import_directory, path, "01", dry_run=True, report=report)
    assert [c.kind for c in dry.plan.changes] == ["modify"]
    [flag] = dry.issues
    assert (flag.row, flag.column, flag.value, flag.rejected) == (2, "name", "Vũ Thị Đào", False)
    assert "Vũ Văn Đổi" in flag.reason_vi and "Vũ Văn Đổi" in flag.reason_en
    assert "doi.syt@hanoi.gov.vn" in flag.reason_en and flag.suggestion
    assert dry.flagged == 1 and dry.rejected == 0
    assert flag in dry.records[0].flags
    assert "Vũ Văn Đổi" in report.read_text(encoding="utf-8-sig")
    done = run_import(import_directory, path, "01", writer=admin_conn, dry_run=False)
    assert done.result.applied == {"modify": 1}
    assert holders(import_directory, "doi.syt@hanoi.gov.vn") == [("01-SYT", "Vũ Thị Đào")]
    again = run_import(import_directory, path, "01", dry_run=True)
    assert again.plan.is_empty and not again.issues  # the name is the person's now


def test_a_new_address_or_a_retitle_is_not_flagged_as_a_rename(import_directory, admin_conn):
    rec = Record(2, "Đặng", "Văn", "Giữ", "Chuyên viên", "01-SCT", ["giu.sct@hanoi.gov.vn"])
    apply_plan(admin_conn, make_plan(import_directory, "01", [rec]))
    # Matched by name and unit with a new address, then by address with a new title.
    for changed in (["giu.moi@hanoi.gov.vn"], ["giu.sct@hanoi.gov.vn"]):
        other = Record(2, "Đặng", "Văn", "Giữ", "Phó Giám đốc Sở", "01-SCT", changed)
        plan = make_plan(import_directory, "01", [other])
        assert [c.kind for c in plan.changes] == ["modify"] and not plan.issues
