"""The coverage dashboard, its printable report and reminders, for admins only, in their scope."""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, datetime, timedelta

import ldap
import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from directory_service.coverage.links import LinkBook
from directory_service.coverage.rounds import RoundBook
from tests.coverage.test_links import portal  # noqa: F401 (fixture)
from tests.web.test_account_web import csrf, sign_in
from tests.web.test_audit_web import _admin
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS
from web import coverage as coverage_views

PASSWORD = "a web password long enough"


@pytest.fixture()
def people(instance, app, tmp_path):
    """An admin of Hà Nội, an official without rights, and an open round in a fresh book."""
    state, slapd, _ = instance
    _admin(instance, "pcovweb1", "01-SNV", "kiemkv.snv@hanoi.gov.vn", "01")
    _admin(instance, "pcovweb2", "79-SNV", "kiemkv.snv@tphcm.gov.vn", "79")
    root = ldap.initialize(slapd.uri)
    root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    [(dn, _)] = root.search_s(state.base_dn, ldap.SCOPE_SUBTREE, "(uid=pcovweb2)", ["1.1"])
    root.modify_s(dn, [(ldap.MOD_DELETE, "govdirAdminOf", None)])  # a plain official now
    app.config["ROUNDS_DIR"] = str(tmp_path)
    in_vietnam = (datetime.now(UTC) + timedelta(hours=7)).date()
    RoundBook(tmp_path).open("vong-web", (in_vietnam + timedelta(days=5)).isoformat(), "local")
    coverage_views.forget()
    yield app
    coverage_views.forget()
    for dn, _ in root.search_s(state.base_dn, ldap.SCOPE_SUBTREE, "(uid=pcovweb*)", ["1.1"]):
        root.delete_s(dn)


def test_an_agency_admin_sees_their_province_its_communes_and_the_round(people):
    with people.test_client() as client:
        assert client.get("/coverage").status_code == 302  # sign in first
        sign_in(client, password=PASSWORD, mail="kiemkv.snv@hanoi.gov.vn")
        page = client.get("/coverage")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Thành phố Hà Nội" in text and "vong-web" in text and "còn 5 ngày" in text
        assert "<svg" in text and 'class="communes"' in text
        assert client.get("/coverage?unit=79").status_code == 403  # not theirs
        assert client.get("/coverage?unit=01-SNV").status_code == 200  # below theirs
        printed = client.get("/coverage/print").get_data(as_text=True)
        assert "BÁO CÁO" in printed and "Đơn vị chậm" in printed
        reminders = client.get("/coverage/reminders.csv")
        rows = list(csv.reader(io.StringIO(reminders.get_data(as_text=True).lstrip("\ufeff"))))
        assert rows[0][0] == "Mã (Code)"
        codes = {r[0] for r in rows[1:]}
        assert "01" in codes and "79" not in codes  # only their own subtree


def test_an_official_without_rights_gets_no_dashboard(people):
    with people.test_client() as client:
        sign_in(client, password=PASSWORD, mail="kiemkv.snv@tphcm.gov.vn")
        assert client.get("/coverage").status_code == 403
        assert client.get("/coverage/reminders.csv").status_code == 403


def test_the_dashboard_in_chromium_draws_a_bar_per_commune_row_and_a_countdown(people):
    server = make_server("127.0.0.1", 0, people, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    site = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(locale="vi-VN")
            page.goto(site + "/login")
            page.get_by_label("Thư điện tử").fill("kiemkv.snv@hanoi.gov.vn")
            page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            page.get_by_role("link", name="Mức độ bao phủ").click()
            assert page.locator("td.people").inner_text().replace(",", "").isdigit()
            assert page.locator("svg.chart rect.bar").count() == 1  # the province itself
            assert page.locator("table.communes tr").count() > 100  # Hà Nội's communes
            assert "còn 5 ngày" in page.locator(".countdown").inner_text()
            with page.expect_download() as download:
                page.get_by_role("link", name="Đơn vị chưa gửi (CSV)").click()
            assert download.value.suggested_filename == "chua-gui.csv"
            browser.close()
    finally:
        server.shutdown()


def test_an_admin_submits_by_link_and_sees_the_preview(people, portal, monkeypatch):  # noqa: F811
    page_url = portal[1] + "/danh-ba.html"
    with people.test_client() as client:
        sign_in(client, password=PASSWORD, mail="kiemkv.snv@hanoi.gov.vn")
        token = csrf(client, "/units/01-SNV/import")
        monkeypatch.delenv("GOVDIR_FETCH_PRIVATE", raising=False)
        refused = client.post("/units/01-SNV/import/link", data={"csrf_token": token,
                                                                 "url": page_url})  # fmt: skip
        assert refused.status_code == 422 and "private" in refused.get_data(as_text=True)
        monkeypatch.setenv("GOVDIR_FETCH_PRIVATE", "1")
        fetched = client.post("/units/01-SNV/import/link", data={"csrf_token": token,
                                                                 "url": page_url})  # fmt: skip
        assert fetched.status_code == 302
        batch = client.get(fetched.headers["Location"]).get_data(as_text=True)
        assert 'class="change-add"' in batch and ">2<" in batch
        assert page_url in client.get("/units/01-SNV/import").get_data(as_text=True)
    links = LinkBook(people.config["ROUNDS_DIR"]).links()
    assert links["01-SNV"]["url"] == page_url and links["01-SNV"]["fetches"][-1]["ok"]


def test_an_admin_confirms_their_list_and_others_cannot_confirm_it_or_open_rounds(people):
    book = RoundBook(people.config["ROUNDS_DIR"])
    with people.test_client() as client:
        sign_in(client, password=PASSWORD, mail="kiemkv.snv@tphcm.gov.vn")  # no rights
        token = csrf(client, "/me")
        refused = client.post("/coverage/confirm", data={"csrf_token": token, "unit": "01"})
        assert refused.status_code == 303
        assert book.get("vong-web").confirmations == {}
        opened = client.post("/coverage/rounds", data={"csrf_token": token, "name": "x",
                                                       "deadline": "2030-01-01"})  # fmt: skip
        assert opened.status_code == 403  # national admins only
    with people.test_client() as client:
        sign_in(client, password=PASSWORD, mail="kiemkv.snv@hanoi.gov.vn")
        token = csrf(client, "/coverage")
        done = client.post("/coverage/confirm", data={"csrf_token": token, "unit": "01"})
        assert done.status_code == 302
        assert "01" in book.get("vong-web").confirmations
        assert 'data-status="confirmed"' in client.get("/coverage").get_data(as_text=True)
