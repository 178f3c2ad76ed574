"""Submission by link: a portal page served by a local HTTP server, fetched, planned, imported."""

from __future__ import annotations

import functools
import http.server
import threading
from datetime import date, timedelta

import pytest

from directory_service import cli
from directory_service.coverage.figures import compute
from directory_service.coverage.links import LinkBook, LinkError, check_url, fetch_list
from directory_service.coverage.rounds import SUBMITTED, RoundBook

TABLE = """<html><head><meta charset="utf-8"><title>Danh bạ</title></head><body>
<h1>Danh sách thư điện tử công vụ</h1>
<table><tr><th>STT</th><th>Họ và tên</th><th>Chức vụ</th><th>Email</th></tr>
<tr><td>1</td><td>Lý Thị Trang</td><td>Chủ tịch UBND</td><td>trang.link@hanoi.gov.vn</td></tr>
<tr><td>2</td><td>Mạc Văn Liên</td><td>Phó Chủ tịch UBND</td><td>lien.link@hanoi.gov.vn</td></tr>
</table></body></html>"""


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """Serve a folder of portal pages on a free local port; yield (folder, base URL)."""
    root = tmp_path_factory.mktemp("portal")
    (root / "danh-ba.html").write_text(TABLE, encoding="utf-8")
    (root / "tai-ve.html").write_text(
        '<html><body><p>Tải danh sách: <a href="files/ds.csv">ds.csv</a></p></body></html>',
        encoding="utf-8",
    )
    (root / "files").mkdir()
    (root / "files" / "ds.csv").write_text(
        "STT,Họ và tên,Chức vụ,Email\n1,Tạ Văn Tệp,Chuyên viên,tep.link@hanoi.gov.vn\n",
        encoding="utf-8",
    )
    (root / "doi-bo-cuc.html").write_text("<html><body><p>Đang cập nhật</p></body></html>",
                                          encoding="utf-8")  # fmt: skip
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture()
def private_ok(monkeypatch):
    monkeypatch.setenv("GOVDIR_FETCH_PRIVATE", "1")


def test_a_link_to_this_machine_is_refused_unless_allowed(portal, monkeypatch):
    monkeypatch.delenv("GOVDIR_FETCH_PRIVATE", raising=False)
    with pytest.raises(LinkError, match="private"):
        check_url(portal[1] + "/danh-ba.html")
    with pytest.raises(LinkError, match="http"):
        check_url("file:///etc/passwd")


def test_a_page_with_a_table_is_planned_and_nothing_written_until_applied(
    small, portal, private_ok, tmp_path
):
    fetched = fetch_list(small["directory"], small["b"], portal[1] + "/danh-ba.html", tmp_path)
    assert fetched.outcome.valid == 2 and fetched.outcome.plan.count("add") == 2
    assert fetched.outcome.result is None  # a preview only
    found, _ = small["directory"].search("(mail=*.link@hanoi.gov.vn)", ["1.1"])
    assert found == []


def test_a_page_linking_to_a_spreadsheet_is_followed(small, portal, private_ok, tmp_path):
    fetched = fetch_list(small["directory"], small["b"], portal[1] + "/tai-ve.html", tmp_path)
    assert fetched.url.endswith("/files/ds.csv") and fetched.outcome.valid == 1


def test_a_missing_page_or_a_changed_layout_is_reported_and_imports_nothing(
    small, portal, private_ok, tmp_path
):
    with pytest.raises(LinkError, match="404"):
        fetch_list(small["directory"], small["b"], portal[1] + "/khong-co.html", tmp_path)
    with pytest.raises(LinkError, match="no list"):
        fetch_list(small["directory"], small["b"], portal[1] + "/doi-bo-cuc.html", tmp_path,
                   writer=small["directory"].connection(), apply=True)  # fmt: skip
    found, _ = small["directory"].search("(mail=*.link@hanoi.gov.vn)", ["1.1"])
    assert found == []


def test_the_cli_fetches_every_link_of_a_round_applies_and_records(
    small, portal, private_ok, capsys
):
    d, a, b = str(small["data_dir"]), small["a"], small["b"]
    deadline = (date.today() + timedelta(days=7)).isoformat()
    RoundBook(small["data_dir"]).open("vong-link", deadline, "local")
    assert cli.main(["links", "set", "--unit", b, "--url", portal[1] + "/danh-ba.html",
                     "--data-dir", d]) == 0  # fmt: skip
    assert cli.main(["links", "set", "--unit", a, "--url", portal[1] + "/doi-bo-cuc.html",
                     "--data-dir", d]) == 0  # fmt: skip
    capsys.readouterr()
    assert cli.main(["rounds", "fetch", "vong-link", "--apply", "--data-dir", d]) == 1
    out = capsys.readouterr().out
    assert f"{b}\tapplied" in out and f"{a}\tfailed" in out
    found, _ = small["directory"].search("(mail=*.link@hanoi.gov.vn)", ["1.1"])
    assert len(found) == 2
    small["directory"].forget_units()
    coverage = compute(small["directory"])
    RoundBook(small["data_dir"]).get("vong-link").apply(coverage)
    assert coverage.by_code()[b].status == SUBMITTED
    fetches = {code: link["fetches"][-1] for code, link in LinkBook(d).links().items()}
    assert fetches[b]["ok"] and not fetches[a]["ok"]
    RoundBook(small["data_dir"]).close("vong-link")
