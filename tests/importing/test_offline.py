"""The offline path: an agency list streamed into slapadd, checked without -q, then served."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import ldif
import openpyxl
import pytest

from directory_service.directory.search import search_people
from directory_service.directory.settings import STATE_FILE, ConnectionSettings
from directory_service.directory.store import Directory
from directory_service.importing import UnknownTargetError, run_import
from directory_service.importing.offline import OfflineImportError, run_offline_import
from directory_service.server.slapd import free_ports
from directory_service.server.up import prepare

from .test_import_end_to_end import agency_workbook, on_terminal


@pytest.fixture(scope="module")
def stopped_instance(tmp_path_factory):
    """Return a loaded instance (tree, nobody) whose slapd is stopped."""
    data_dir = tmp_path_factory.mktemp("offline")
    state, slapd = prepare(data_dir, *free_ports(2), demo_people=0, quiet=True)
    yield state, slapd, data_dir
    if slapd.process is not None:
        slapd.stop()


def admin_directory(state, slapd) -> Directory:
    return Directory(
        ConnectionSettings(
            slapd.uri, f"cn=admin,{state.base_dn}", state.admin_password, state.base_dn
        )  # fmt: skip
    )


def workbook_with_ascii_names(path):
    """Write the agency workbook plus rows whose names carry no diacritics (folded == accented)."""
    agency_workbook(path)
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.insert_rows(12, 2)
    ws.cell(12, 1, 8), ws.cell(12, 2, "Tran Van An"), ws.cell(12, 3, "Chuyên viên")
    ws.cell(12, 4, "Sở Tư pháp"), ws.cell(12, 5, "antv.stp@hanoi.gov.vn")
    ws.cell(13, 1, 9), ws.cell(13, 2, "LÊ VĂN AN"), ws.cell(13, 3, "Chuyên viên")
    ws.cell(13, 4, "Sở Tư pháp"), ws.cell(13, 5, "anlv.stp@hanoi.gov.vn")
    wb.save(path)


def test_offline_load_is_what_the_online_path_would_write(
    stopped_instance, empty_instance, admin_conn, tmp_path
):
    state, slapd, data_dir = stopped_instance
    xlsx, report, out = tmp_path / "stp.xlsx", tmp_path / "report.csv", tmp_path / "stp.ldif"
    workbook_with_ascii_names(xlsx)

    dry = run_offline_import(slapd, xlsx, "01", dry_run=True, ldif_out=out)
    assert dry.added == 6 and out.stat().st_size > 0

    # slapadd without -q: every entry checked as it goes in.
    outcome = run_offline_import(slapd, xlsx, "01", check=True, report=report, ldif_out=out)
    assert (outcome.rows, outcome.valid, outcome.added) == (9, 6, 6)
    assert outcome.rejected == 3 and outcome.flagged >= 1
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    assert any(line.startswith("9,") for line in lines)  # the unknown unit, by its row

    # The same LDIF, given to a running server one entry at a time, is accepted whole.
    parser = ldif.LDIFRecordList(open(out, "rb"))
    parser.parse()
    assert len(parser.all_records) == 6
    for dn, attrs in parser.all_records:
        dn = dn.replace(state.base_dn, empty_instance[0].base_dn)
        admin_conn.add_s(dn, [(k, v) for k, v in attrs.items()])

    with pytest.raises(OfflineImportError, match="already holds 6 people"):
        run_offline_import(slapd, xlsx, "01", dry_run=True)
    with pytest.raises(UnknownTargetError):
        run_offline_import(slapd, xlsx, "nope")

    slapd.start()
    try:
        with pytest.raises(OfflineImportError, match="is running"):
            run_offline_import(slapd, xlsx, "01", dry_run=True)
        directory = admin_directory(state, slapd)
        found = search_people(directory, "nguyen duc thang").people
        assert [p.name for p in found] == ["Nguyễn Đức Thắng"]
        assert found[0].mail == ["thangnd.stp@hanoi.gov.vn"]
        assert [p.name for p in search_people(directory, "le van an").people] == ["Lê Văn An"]
        # Loaded offline, then imported online: nothing left to change.
        online = run_import(directory, xlsx, "01", dry_run=True)
        assert online.plan.is_empty and online.plan.unchanged == 6
    finally:
        slapd.stop()


def offline_command(tmp_path):
    """Return a stopped instance holding only the tree, its environment and an import command."""
    data_dir = tmp_path / "inst"
    state, slapd = prepare(data_dir, *free_ports(2), demo_people=0, quiet=True)
    xlsx = tmp_path / "stp.xlsx"
    agency_workbook(xlsx)
    env = dict(os.environ, GOVDIR_DATA_DIR=str(data_dir))
    return (
        state,
        slapd,
        env,
        [sys.executable, "-m", "directory_service.cli", "import", str(xlsx), "--unit", "01"],
    )


def test_govdir_import_offline_command(tmp_path):
    state, slapd, env, cmd = offline_command(tmp_path)
    run = subprocess.run([*cmd, "--offline"], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "4 valid" in run.stdout and "Added 4 people" in run.stdout
    assert "slapadd" not in run.stderr and "\r" not in run.stderr  # no progress bar on a pipe
    retire = subprocess.run([*cmd, "--offline", "--retire"], env=env, capture_output=True)
    assert retire.returncode == 2 and b"--retire" in retire.stderr
    again = subprocess.run([*cmd, "--offline"], env=env, capture_output=True, text=True)
    assert again.returncode == 2 and "already holds 4 people" in again.stderr
    assert "Traceback" not in again.stderr
    slapd.start()
    try:
        directory = admin_directory(state, slapd)
        assert len(search_people(directory, "Sở Tư pháp", "01").people) == 4
    finally:
        slapd.stop()


def test_govdir_import_offline_shows_a_progress_bar_on_a_terminal(tmp_path):
    _, _, env, cmd = offline_command(tmp_path)
    code, out = on_terminal([*cmd, "--offline"], env)
    assert code == 0, out
    assert "Added 4 people" in out
    assert "\rslapadd: 4 people [" in out, out  # tqdm's last line, drawn by close()


def test_a_failing_source_stops_slapadd_cleanly_keeping_what_came_before(tmp_path):
    state, slapd = prepare(tmp_path / "inst", *free_ports(2), demo_people=0, quiet=True)
    unit_dn = f"govdirUnitCode=01,{state.base_dn}"

    def chunks():
        yield (f"dn: uid=pfirst,{unit_dn}\nobjectClass: inetOrgPerson\nuid: pfirst\n"
               "cn: Lê Văn Một\nsn: Lê\n\n").encode()  # fmt: skip
        raise ValueError("the file ended in the middle of a row")

    with pytest.raises(ValueError, match="middle of a row"):
        slapd.load(chunks())
    found = []
    slapd.dump("(uid=pfirst)", lambda dn, attrs: found.append(attrs["cn"]))
    assert found == [["Lê Văn Một".encode()]]


def write_rows(path, rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Email"])
        w.writerows(rows)


def test_offline_create_units_loads_each_new_unit_before_its_people(stopped_instance, tmp_path):
    state, slapd, data_dir = stopped_instance
    path, out, report = tmp_path / "79.csv", tmp_path / "79.ldif", tmp_path / "report.csv"
    held = tmp_path / "held.csv"
    write_rows(held, [[1, "Lý Văn Giữ", "Chuyên viên", "Sở Y tế", "giu.syt@hanoi.gov.vn"]])
    first = run_offline_import(slapd, held, "01-SYT")
    assert first.added == 1
    write_rows(path, [
        [1, "Trịnh Văn Một", "Chuyên viên", "Sở Y tế", "mot.syt@tphcm.gov.vn"],
        [2, "Trịnh Thị Hai", "Chuyên viên", "Phòng Pháp chế", "hai.ppc@tphcm.gov.vn"],
        [3, "Trịnh Văn Ba", "Chuyên viên", "phòng pháp chế", "ba.ppc@tphcm.gov.vn"],
        [4, "Lý Văn Giữ", "Chuyên viên", "Sở Y tế", "GIU.syt@hanoi.gov.vn"],  # held in 01-SYT
    ])  # fmt: skip
    env = dict(os.environ, GOVDIR_DATA_DIR=str(data_dir))
    cmd = [sys.executable, "-m", "directory_service.cli", "import", str(path), "--unit", "79",
           "--offline"]  # fmt: skip
    plain = subprocess.run([*cmd, "--dry-run", "--report", str(report)], env=env,
                           capture_output=True, text=True)  # fmt: skip
    assert "1 valid, 3 rejected" in plain.stdout and "New units" not in plain.stdout
    [line] = [x for x in report.read_text(encoding="utf-8-sig").splitlines() if "giu" in x]
    assert line.startswith("5,mail,giu.syt@hanoi.gov.vn,Bị loại") and "01-SYT" in line
    dry = subprocess.run([*cmd, "--dry-run", "--create-units"], env=env, capture_output=True,
                         text=True)  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    assert "New units under 79: 1" in dry.stdout and "79-PPC  Phòng Pháp chế" in dry.stdout
    assert "3 people would be added" in dry.stdout
    load = subprocess.run([*cmd, "--create-units", "--check", "--ldif-out", str(out)], env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert load.returncode == 0, load.stderr
    assert "Added 3 people" in load.stdout and "3 valid, 1 rejected" in load.stdout
    parser = ldif.LDIFRecordList(open(out, "rb"))
    parser.parse()
    dns = [dn.split(",", 1)[0] for dn, _ in parser.all_records]
    assert dns[0] == "govdirUnitCode=79-PPC" and len(dns) == 4  # before its people
    # People reach slapadd in given-name order (it writes their index keys faster).
    assert [a["givenName"][-1] for _, a in parser.all_records[1:]] == [b"Ba", b"Hai", b"Mot"]
    slapd.start()
    try:
        directory = admin_directory(state, slapd)
        assert directory.unit("79-PPC").name == "Phòng Pháp chế"
        assert directory.unit("79-PPC").path == ("DP", "79", "79-PPC")
        assert len(search_people(directory, "Trịnh", "79-PPC").people) == 2
        online = run_import(directory, path, "79", dry_run=True, create_units=True)
        assert online.plan.is_empty and online.plan.unchanged == 3
    finally:
        slapd.stop()


def test_offline_import_into_an_instance_of_an_earlier_version_asks_for_govdir_up(tmp_path):
    state, slapd, env, cmd = offline_command(tmp_path)
    state_file = slapd.layout.data_dir / STATE_FILE
    saved = json.loads(state_file.read_text())
    state_file.write_text(json.dumps({**saved, "data_version": 1}))
    run = subprocess.run([*cmd, "--offline"], env=env, capture_output=True, text=True)
    assert run.returncode == 2 and "govdir up" in run.stderr and "Traceback" not in run.stderr
    assert json.loads(state_file.read_text())["data_version"] == 1  # nothing was loaded
    found = []
    slapd.dump("(objectClass=govdirPerson)", lambda dn, attrs: found.append(dn))
    assert found == []
