"""Collection rounds: statuses from imports and confirmations, and the CLI's report."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest

from directory_service import cli
from directory_service.coverage.figures import compute
from directory_service.coverage.rounds import (
    CONFIRMED,
    LATE,
    NOT_SUBMITTED,
    SUBMITTED,
    RoundBook,
    RoundError,
)
from directory_service.importing.online import run_import

HEADER = "STT,Họ và tên,Chức vụ,Đơn vị,Email\n"


def _import(small, tmp_path, code: str, name: str, mail: str) -> None:
    path = tmp_path / f"{code}.csv"
    path.write_text(HEADER + f"1,{name},Chuyên viên,,{mail}\n", encoding="utf-8")
    directory = small["directory"]
    outcome = run_import(directory, path, code, writer=directory.connection(), dry_run=False)
    assert outcome.verified and outcome.result.applied.get("add") == 1
    directory.forget_units()


def test_an_import_submits_a_confirmation_confirms_and_the_rest_are_missing(small, tmp_path):
    book = RoundBook(small["data_dir"])
    deadline = (date.today() + timedelta(days=3)).isoformat()
    book.open("vong-2026", deadline, "local")
    _import(small, tmp_path, small["a"], "Ngô Thị Gửi", "gui.cov@hanoi.gov.vn")
    d = str(small["data_dir"])
    assert cli.main(["rounds", "confirm", "vong-2026", "--unit", small["b"], "--data-dir", d]) == 0
    coverage = compute(small["directory"])
    book.get("vong-2026").apply(coverage)
    figures = coverage.by_code()
    assert figures[small["a"]].status == SUBMITTED
    assert figures[small["b"]].status == CONFIRMED
    assert figures["01"].status == SUBMITTED  # a commune of it has sent its list
    assert figures["79"].status == NOT_SUBMITTED
    assert figures["BTC"].status is None  # a central agency: outside a local round
    book.close("vong-2026")
    with pytest.raises(RoundError):
        book.confirm("vong-2026", small["a"], "someone")


def test_an_import_after_the_deadline_is_late(small, tmp_path):
    book = RoundBook(small["data_dir"])
    opened = datetime.now(UTC) - timedelta(days=10)
    book.open("vong-tre", (date.today() - timedelta(days=2)).isoformat(), "all", now=opened)
    _import(small, tmp_path, "01-SNV", "Cao Văn Muộn", "muon.cov@hanoi.gov.vn")
    coverage = compute(small["directory"])
    book.get("vong-tre").apply(coverage)
    assert coverage.by_code()["01"].status == LATE
    assert coverage.by_code()["BTC"].status == NOT_SUBMITTED
    book.close("vong-tre")


def test_rounds_refuse_bad_names_deadlines_scopes_and_duplicates(small, capsys):
    d = str(small["data_dir"])
    assert cli.main(["rounds", "open", "vong-x", "--deadline", "31/12/2026", "--data-dir", d]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert cli.main(["rounds", "open", "vong x", "--deadline", "2026-12-31", "--data-dir", d]) == 1
    assert cli.main(["rounds", "open", "vong-y", "--deadline", "2026-12-31", "--data-dir", d]) == 0
    assert cli.main(["rounds", "open", "vong-y", "--deadline", "2026-12-31", "--data-dir", d]) == 1
    assert "exists" in capsys.readouterr().err
    assert cli.main(["report", "--round", "khong-co", "--data-dir", d]) == 1
    assert cli.main(["rounds", "close", "vong-y", "--data-dir", d]) == 0


def test_the_report_prints_json_and_writes_the_workbook(small, tmp_path, capsys):
    d = str(small["data_dir"])
    assert cli.main(["rounds", "open", "vong-bc", "--deadline", "2099-01-01", "--scope", "local",
                     "--data-dir", d]) == 0  # fmt: skip
    capsys.readouterr()
    out = tmp_path / "report.xlsx"
    assert cli.main(["report", "--json", "--output", str(out), "--data-dir", d]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["round"]["name"] == "vong-bc"
    assert data["national"]["people"] >= 7
    hanoi = next(u for u in data["units"] if u["code"] == "01")
    wanted = {"code", "name", "level", "people", "official", "personal", "invalid",
              "units_expected", "units_with_people", "last_update", "status"}  # fmt: skip
    assert wanted <= set(hanoi) and hanoi["level"] == "province"
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["Toàn quốc (National)", "Trung ương (Central)", "Tỉnh (Provinces)",
                               "Xã (Communes)", "Chưa gửi (Not submitted)"]  # fmt: skip
    header = next(book["Xã (Communes)"].iter_rows(values_only=True))
    assert "Có Chủ tịch, Phó Chủ tịch (Leadership listed)" in header
    missing = {row[0] for row in book["Chưa gửi (Not submitted)"].iter_rows(values_only=True)}
    assert "79" in missing and "BTC" not in missing  # a local round
    assert cli.main(["rounds", "close", "vong-bc", "--data-dir", d]) == 0
