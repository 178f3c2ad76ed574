"""`govdir import` end to end against a real slapd: dry run, report, apply, idempotence, kill -9."""

from __future__ import annotations

import csv
import gc
import os
import signal
import subprocess
import sys
import time

import openpyxl
import pytest

import directory_service.importing.run as run
from directory_service.importing.plan import make_plan
from directory_service.importing.run import run_import


def env_for(instance) -> dict[str, str]:
    state, slapd, _ = instance
    return dict(
        os.environ,
        GOVDIR_LDAP_URI=slapd.uri,
        GOVDIR_BIND_DN=f"cn=admin,{state.base_dn}",
        GOVDIR_BIND_PASSWORD=state.admin_password,
        GOVDIR_BASE_DN=state.base_dn,
        GOVDIR_DATA_DIR="/nonexistent",
    )


def govdir(instance, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "directory_service.cli", *args],
        env=env_for(instance), capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def agency_workbook(path, extra=()):
    """Write a list the way a provincial department sends it: titles, messy rows, a footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["UBND THÀNH PHỐ HÀ NỘI"])
    ws.append(["DANH SÁCH ĐỊA CHỈ THƯ ĐIỆN TỬ CÔNG VỤ CỦA SỞ TƯ PHÁP"])
    ws.append([])
    ws.append(["STT", "Họ và tên", "Chức vụ", "Đơn vị công tác", "Địa chỉ thư điện tử", "Ghi chú"])
    ws.append([1, "Lê Thị Hồng Nhung", "Giám đốc Sở", "Sở Tư pháp", "nhunglth.stp@hanoi.gov.vn"])
    ws.append(
        [2, "NGUYỄN ĐỨC THẮNG", "Phó Giám đốc Sở", "Sở Tư pháp", " ThangND.STP@hanoi.gov.vn. "]
    )
    ws.append([3, "Pha\u0323m Va\u0306n Hu\u0300ng", "Chuyên viên", "Sở Tư pháp",
               "hungpv.stp@hanoi.gov.vn; hungpv@gmail.com"])  # fmt: skip
    ws.append([4, "Đỗ Thị Mai", "Chuyên viên", "Sở Tư pháp", "maidt.stp@gmail.com"])
    ws.append([5, "Trần Văn Bình", "Chuyên viên", "Phòng không tồn tại", "binhtv.stp@hanoi.gov.vn"])
    ws.append([6, "Hoàng Văn Nam", "Chuyên viên", "Sở Tư pháp", "nhunglth.stp@hanoi.gov.vn"])
    ws.append([7, "Vũ Thị Lan", "Chuyên viên", "Sở Tư pháp", "không có"])
    for values in extra:
        ws.append(values)
    ws.append(["", "Tổng cộng: 7 người"])
    ws.append([])
    ws.append(["", "", "", "GIÁM ĐỐC"])
    wb.save(path)


def test_dry_run_report_apply_and_rerun(empty_instance, tmp_path):
    xlsx, report = tmp_path / "stp.xlsx", tmp_path / "report.xlsx"
    agency_workbook(xlsx)
    dry = govdir(empty_instance, "import", str(xlsx), "--unit", "01", "--dry-run",
                 "--report", str(report))  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert "4 add" in dry.stdout and "Dry run" in dry.stdout
    rows = list(openpyxl.load_workbook(report).active.iter_rows(values_only=True))
    by_row = {}
    for line in rows[1:]:
        by_row.setdefault(line[0], []).append(line)
    assert set(by_row) >= {7, 8, 9, 10, 11}  # file rows of the flagged and rejected people
    assert any("gmail" in str(line[2]) for line in by_row[7])  # personal address, kept, flagged
    assert any(line[3].startswith("Bị loại") for line in by_row[9])  # unknown unit
    assert any(line[3].startswith("Bị loại") for line in by_row[10])  # duplicate address
    assert all(line[4] and line[5] for line in rows[1:])  # reasons in Vietnamese and English

    applied = govdir(empty_instance, "import", str(xlsx), "--unit", "01")
    assert "Applied: 4 add" in applied.stdout, applied.stdout + applied.stderr
    again = govdir(empty_instance, "import", str(xlsx), "--unit", "01")
    assert "0 add, 0 modify, 0 move, 0 retire; 4 unchanged" in again.stdout


def test_bad_inputs_are_clear_errors(empty_instance, tmp_path):
    png = tmp_path / "list.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    out = govdir(empty_instance, "import", str(png), "--unit", "01", "--dry-run")
    assert out.returncode == 2 and "Traceback" not in out.stderr and out.stderr.strip()
    out = govdir(empty_instance, "import", str(png), "--unit", "99999", "--dry-run")
    assert out.returncode == 2 and "99999" in out.stderr


def big_csv(path, n: int, unit: str = "Sở Y tế") -> None:
    family = ["Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
    middle = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Thu", "Quốc", "Hữu", "Thanh", "Kim"]
    given = ["An", "Bình", "Cường", "Dũng", "Đức", "Hà", "Hương", "Lan", "Minh", "Thủy"]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Email"])
        for i in range(n):
            # distinct names: the digits of i pick the parts
            middles = f"{middle[i // 100 % 10]} {middle[i // 10 % 10]}"
            name = f"{family[i // 1000 % 10]} {middles} {given[i % 10]}"
            w.writerow([i + 1, name, "Chuyên viên", unit, f"cv{i}.syt@hanoi.gov.vn"])


def people_under(directory, unit: str) -> list[tuple[str, str]]:
    entries, _ = directory.search(
        f"(&(objectClass=govdirPerson)(govdirUnitPath={unit}))", ["mail", "cn"], limit=1_000_000
    )
    return sorted((a["mail"][0].decode(), a["cn"][0].decode()) for _, a in entries)


def test_kill_9_during_apply_then_rerun_converges(empty_instance, import_directory, tmp_path):
    n = 3000
    path = tmp_path / "syt.csv"
    big_csv(path, n)
    proc = subprocess.Popen(
        [sys.executable, "-m", "directory_service.cli", "import", str(path), "--unit", "01"],
        env=env_for(empty_instance), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if 300 <= len(people_under(import_directory, "01-SYT")) < n:
            break
        time.sleep(0.05)
    if proc.poll() is not None:
        pytest.fail("the import finished before it could be killed; make the file bigger")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _, slapd, _ = empty_instance
    time.sleep(0.5)
    if slapd.process.poll() is not None:
        # slapd 2.5.13 can crash (SIGSEGV in back-mdb) when a client dies with a transaction
        # open; its database is intact, and `govdir up` starts it again. So does this test.
        assert slapd.process.returncode == -signal.SIGSEGV
        slapd.process = None
        slapd.start()
    partial = len(people_under(import_directory, "01-SYT"))
    assert 0 < partial < n
    rerun = govdir(empty_instance, "import", str(path), "--unit", "01")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    final = people_under(import_directory, "01-SYT")
    assert len(final) == n and len({m for m, _ in final}) == n  # every row once, none twice
    # Exactly what a clean run leaves: nothing left to do, and the same content.
    outcome = run_import(import_directory, path, "01", dry_run=True)
    assert outcome.plan.is_empty and outcome.plan.unchanged == n
    assert make_plan(import_directory, "01", outcome.records).is_empty


# Values a spreadsheet would take for formulas: the export puts a quote before them.
FORMULA_LIKE = [
    [8, "Bùi Văn Ba", "- Phó phòng", "Sở Tư pháp", "-ba@hanoi.gov.vn"],
    [9, "Ngô Thị Tư", "+ Chuyên viên", "Sở Tư pháp", "+tu.stp@hanoi.gov.vn"],
    [10, "Đinh Văn Năm", "@ Văn thư", "Sở Tư pháp", "=nam.stp@hanoi.gov.vn"],
]


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "ldif"])
def test_export_then_import_plans_nothing(empty_instance, import_directory, tmp_path, suffix):
    agency_workbook(tmp_path / "stp.xlsx", extra=FORMULA_LIKE)
    wb = openpyxl.load_workbook(tmp_path / "stp.xlsx")
    for row in wb.active.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, as an agency would type it with a leading quote
    wb.save(tmp_path / "stp.xlsx")
    govdir(empty_instance, "import", str(tmp_path / "stp.xlsx"), "--unit", "01")
    stored = {mail for mail, _ in people_under(import_directory, "01-STP")}
    assert {"-ba@hanoi.gov.vn", "+tu.stp@hanoi.gov.vn", "=nam.stp@hanoi.gov.vn"} <= stored
    out = tmp_path / f"01-STP.{suffix}"
    exported = govdir(empty_instance, "export", "--unit", "01-STP", "--output", str(out))
    assert exported.returncode == 0 and out.stat().st_size > 0, exported.stderr
    back = govdir(empty_instance, "import", str(out), "--unit", "01", "--dry-run")
    assert back.returncode == 0, back.stderr
    assert "0 add, 0 modify, 0 move, 0 retire" in back.stdout, back.stdout


def test_legacy_font_names_in_a_unicode_list_are_converted_and_reported(import_directory, tmp_path):
    xlsx, report = tmp_path / "stc.xlsx", tmp_path / "report.csv"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Chức vụ", "Đơn vị công tác", "Địa chỉ thư điện tử"])
    for n, name in enumerate(["Lê Văn Một", "Trần Thị Hai", "Phạm Văn Ba", "Hồ Thị Bốn"], 1):
        ws.append([n, name, "Chuyên viên", "Sở Tài chính", f"nv{n}.stc@hanoi.gov.vn"])
    ws.append([5, "Vò ThÞ Lan", "Chuyªn viªn", "Sở Tài chính", "lanvt.stc@hanoi.gov.vn"])  # TCVN3
    ws.append([6, "D\xad¬ng V¨n H\xadng", "Chuyên viên", "Sở Tài chính", "hungdv.stc@hanoi.gov.vn"])
    ws.append([7, "Trần Thị ðào", "Chuyên viên", "Sở Tài chính", "daott.stc@hanoi.gov.vn"])
    wb.save(xlsx)
    outcome = run_import(import_directory, xlsx, "01", dry_run=True, report=report)
    assert outcome.encoding == "unicode"
    names = [r.full_name for r in outcome.records]
    assert names[-2:] == ["Vũ Thị Lan", "Dương Văn Hưng"] and len(names) == 6
    assert (outcome.rejected, outcome.flagged, len(outcome.plan.changes)) == (1, 2, 6)
    with open(report, encoding="utf-8-sig", newline="") as f:
        lines = [line for line in csv.reader(f)][1:]
    flagged = [(int(row), column, value, reason) for row, column, value, _, _, reason, _ in lines]
    assert flagged == [
        (6, "name", "Vò ThÞ Lan", "Converted from TCVN3 to Unicode (the original is in the Value"
         " column)"),
        (6, "title", "Chuyªn viªn", "Converted from TCVN3 to Unicode (the original is in the Value"
         " column)"),
        (7, "name", "D\xad¬ng V¨n H\xadng", "Converted from TCVN3 to Unicode (the original is in"
         " the Value column)"),
        (8, "name", "Trần Thị ðào", "The name has characters outside the Vietnamese alphabet (ð):"
         " the text looks like a wrong font or encoding"),
    ]  # fmt: skip
    assert [line[3] for line in lines] == ["Lưu ý / flagged"] * 3 + ["Bị loại / rejected"]
    assert [line[6] for line in lines[:3]] == ["Vũ Thị Lan", "Chuyên viên", "Dương Văn Hưng"]


def test_server_killed_during_apply_is_a_clear_stop_and_a_rerun_finishes(
    empty_instance, import_directory, tmp_path
):
    n = 3000
    path = tmp_path / "sxd.csv"
    big_csv(path, n, unit="Sở Xây dựng")
    proc = subprocess.Popen(
        [sys.executable, "-m", "directory_service.cli", "import", str(path), "--unit", "01"],
        env=env_for(empty_instance), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    _, slapd, _ = empty_instance
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if 300 <= len(people_under(import_directory, "01-SXD")) < n:
            break
        time.sleep(0.05)
    if proc.poll() is not None:
        pytest.fail("the import finished before slapd could be killed; make the file bigger")
    slapd.process.send_signal(signal.SIGKILL)
    slapd.process.wait()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, out + err
    assert "stopped answering" in err and "run the same import again" in err
    assert "Traceback" not in err
    slapd.process = None
    slapd.start()
    partial = len(people_under(import_directory, "01-SXD"))
    assert 0 < partial < n
    rerun = govdir(empty_instance, "import", str(path), "--unit", "01")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert len(people_under(import_directory, "01-SXD")) == n


def test_an_import_pauses_the_garbage_collector_and_restores_it(
    empty_instance, import_directory, tmp_path, monkeypatch
):
    path = tmp_path / "few.csv"
    big_csv(path, 20)
    seen = []
    plan = run.make_plan
    monkeypatch.setattr(run, "make_plan", lambda *a: seen.append(gc.isenabled()) or plan(*a))
    assert gc.isenabled()
    run_import(import_directory, path, "01", dry_run=True)
    assert seen == [False] and gc.isenabled()
    with pytest.raises(run.UnknownTargetError):
        run_import(import_directory, path, "NO-SUCH-UNIT", dry_run=True)
    assert gc.isenabled()


def test_an_import_leaves_no_reference_cycles(
    empty_instance, import_directory, tmp_path, monkeypatch
):
    """The collector is paused during an import because nothing it makes is cyclic: keep it so."""
    xlsx, big = tmp_path / "stp.xlsx", tmp_path / "big.csv"
    agency_workbook(xlsx)  # rejected, flagged and repaired rows
    big_csv(big, 1500)
    gc.disable()  # or an automatic collection may take the cycles before we count them
    try:
        for path, parallel_bytes in ((xlsx, 10**12), (big, 10**12), (big, 1)):
            monkeypatch.setattr(run, "PARALLEL_BYTES", parallel_bytes)  # 1: worker processes
            gc.collect()
            out = run_import(import_directory, path, "01", dry_run=True, report=tmp_path / "r.csv")
            assert out.issues or out.valid == 1500
            # A cycle per row would leave 1,500 or more; the worker pool leaves a few of its
            # own (three small classes it makes, with their tuples), whatever the file's size.
            assert gc.collect() < 50, (path.name, parallel_bytes)
    finally:
        gc.enable()


def test_worker_processes_give_the_same_outcome_as_one_process(
    empty_instance, import_directory, tmp_path, monkeypatch
):
    path = tmp_path / "mixed.csv"
    big_csv(path, 1500)
    with open(path, "a", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow([1501, "Trần Văn Lỗi", "Chuyên viên", "Phòng không tồn tại", "loi@hanoi.gov.vn"])
        w.writerow([1502, "Lê Thị Trùng", "Chuyên viên", "Sở Y tế", "cv7.syt@hanoi.gov.vn"])
        w.writerow([1503, "Ngô 123", "Chuyên viên", "Sở Y tế", "ngo@hanoi.gov.vn"])
        # The same person twice, with two addresses: the second row is kept and flagged.
        w.writerow([1504, "Phạm Thị Hai", "Chuyên viên", "Sở Y tế", "hai1@hanoi.gov.vn"])
        w.writerow([1505, "PHẠM THỊ HAI", "Chuyên viên", "Sở Y tế", "hai2@hanoi.gov.vn"])

    pool = run.normalising_pool

    def outcome(parallel: bool):
        monkeypatch.setattr(run, "PARALLEL_BYTES", 1 if parallel else 10**12)
        used = []
        monkeypatch.setattr(run, "normalising_pool", lambda *a: used.append(pool(*a)) or used[0])
        got = run_import(import_directory, path, "01", dry_run=True)
        assert (used[0] is not None) == parallel
        return got

    one, many = outcome(False), outcome(True)
    assert (many.rows, many.valid, many.rejected) == (one.rows, one.valid, one.rejected) == (
        1505, 1502, 3)  # fmt: skip
    assert many.flagged == one.flagged >= 1
    assert [(i.row, i.column, i.reason_en) for i in many.issues] == [
        (i.row, i.column, i.reason_en) for i in one.issues
    ]
    index = run.tree_index(import_directory)
    assert [(r.row, r.full_name, r.mail, r.sources) for r in many.records] == [
        (r.row, r.full_name, r.mail, run.source_attrs(index, r)) for r in one.records
    ]
    assert [[f.reason_en for f in r.flags] for r in many.records] == [
        [f.reason_en for f in r.flags] for r in one.records
    ]
    assert any("same name" in f.reason_en.lower() for f in many.records[-1].flags)
    assert [c.kind for c in many.plan.changes] == [c.kind for c in one.plan.changes]
