"""What an agency admin sees in Chromium: activating, signing in, adding someone, a refusal."""

from __future__ import annotations

import re
import threading

import ldap
import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from directory_service import cli
from directory_service.directory.settings import web_secret
from tests.web.test_audit_web import _admin
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS

FIRST = "mật khẩu đầu tiên của tôi"


@pytest.fixture(scope="module")
def site(instance, web_directory):
    """Serve the app as `govdir up` does (the instance's secret), on a free local port."""
    from web import create_app

    _, _, data_dir = instance
    app = create_app({"DIRECTORY": web_directory, "SECRET_KEY": web_secret(data_dir)})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture()
def people(instance):
    """An official of Sở Tư pháp Hà Nội, to be made its admin, and an admin of province 79."""
    state, slapd, _ = instance
    hanoi = _admin(instance, "pbrowseradm1", "01-STP", "trinhdt.stp@hanoi.gov.vn", "01-STP")
    other = _admin(instance, "pbrowseradm2", "79-STP", "khacnv.stp@tphcm.gov.vn", "79")
    root = ldap.initialize(slapd.uri)
    root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    root.modify_s(hanoi, [(ldap.MOD_DELETE, "govdirAdminOf", None),
                          (ldap.MOD_DELETE, "userPassword", None)])  # fmt: skip
    yield hanoi
    for dn, _ in root.search_s(state.base_dn, ldap.SCOPE_SUBTREE,
                               "(|(uid=pbrowseradm*)(mail=tranbrowser*))", ["1.1"]):  # fmt: skip
        root.delete_s(dn)
    del other


def test_an_agency_admin_activates_signs_in_adds_a_person_and_another_is_refused(
    instance, site, people, capsys
):
    _, _, data_dir = instance
    assert cli.main(["--data-dir", str(data_dir), "admins", "grant",
                     "trinhdt.stp@hanoi.gov.vn", "--unit", "01-STP"]) == 0  # fmt: skip
    path = re.search(r"(/activate/\S+)", capsys.readouterr().out).group(1)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(locale="vi-VN")
        page.goto(site + path)
        page.get_by_label("Mật khẩu mới (từ 12 ký tự)").fill(FIRST)
        page.get_by_label("Nhập lại mật khẩu mới").fill(FIRST)
        page.get_by_role("button", name="Lưu").click()
        page.get_by_label("Thư điện tử").fill("trinhdt.stp@hanoi.gov.vn")
        page.get_by_label("Mật khẩu", exact=True).fill(FIRST)
        page.get_by_role("button", name="Đăng nhập").click()
        assert "Đơn vị bạn quản trị" in page.content() and "(01-STP)" in page.content()

        page.goto(site + "/units/01-STP/people/new")
        page.get_by_label("Họ và tên").fill("Trần Văn Trình Duyệt")
        page.get_by_label("Chức vụ").fill("Chuyên viên")
        page.get_by_label("Thư điện tử").fill("tranbrowser@hanoi.gov.vn")
        page.get_by_role("button", name="Thêm").click()
        assert page.locator("h1").inner_text() == "Trần Văn Trình Duyệt"
        assert "Đã thêm." in page.content()

        page.goto(site + "/units/01-STP/changes")
        assert (
            "tranbrowser" in page.content() or "Trần" in page.content() or "add" in page.content()
        )

        other = browser.new_page(locale="vi-VN")
        other.goto(site + "/login")
        other.get_by_label("Thư điện tử").fill("khacnv.stp@tphcm.gov.vn")
        other.get_by_label("Mật khẩu", exact=True).fill("a web password long enough")
        other.get_by_role("button", name="Đăng nhập").click()
        other.goto(site + "/units/01-STP/people/new")
        other.get_by_label("Họ và tên").fill("Lê Văn Lạ")
        other.get_by_label("Thư điện tử").fill("tranbrowser2@hanoi.gov.vn")
        other.get_by_role("button", name="Thêm").click()
        assert "Danh bạ từ chối thay đổi" in other.content()
        browser.close()


def test_an_admin_imports_a_list_watches_it_apply_and_a_locked_account_is_told(
    instance, site, tmp_path
):
    state, slapd, _ = instance
    _admin(instance, "pbrowseradm3", "01-STP", "nhapds.stp@hanoi.gov.vn", "01-STP")
    the_list = tmp_path / "danh-sach.csv"
    rows = ["STT,Họ và tên,Chức vụ,Đơn vị,Email"]
    rows += [f"{i + 1},Đoàn Văn Duyệt{chr(97 + i)},Chuyên viên,Sở Tư pháp,"
             f"tranbrowser{i + 10}@hanoi.gov.vn" for i in range(12)]  # fmt: skip
    the_list.write_text("\n".join(rows) + "\n", encoding="utf-8")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=CHROMIUM_ARGS)  # fmt: skip
            page = browser.new_page(locale="vi-VN", accept_downloads=True)
            page.goto(site + "/login")
            page.get_by_label("Thư điện tử").fill("nhapds.stp@hanoi.gov.vn")
            page.get_by_label("Mật khẩu", exact=True).fill("a web password long enough")
            page.get_by_role("button", name="Đăng nhập").click()
            page.goto(site + "/units/01-STP")
            page.get_by_role("link", name="Nhập danh sách").click()
            page.get_by_label("Danh sách", exact=True).set_input_files(str(the_list))
            page.get_by_role("button", name="Xem trước", exact=True).click()
            assert page.locator("dd.change-add").inner_text() == "12"
            with page.expect_download() as report:
                page.get_by_role("link", name="Tải báo cáo").click()
            assert report.value.suggested_filename.startswith("bao-cao-01-STP-")
            page.get_by_role("button", name="Áp dụng").click()
            page.wait_for_selector("section.progress[data-state='done']", timeout=60_000)
            assert "add: 12" in page.locator("p.result").inner_text()
            page.goto(site + "/units/01-STP/changes")
            assert page.locator("table.changes tr", has_text="add").count() >= 12

            locked = browser.new_page(locale="vi-VN")
            for password in ["sai mật khẩu lần nữa"] * 5 + ["a web password long enough"]:
                locked.goto(site + "/login")
                locked.get_by_label("Thư điện tử").fill("nhapds.stp@hanoi.gov.vn")
                locked.get_by_label("Mật khẩu", exact=True).fill(password)
                locked.get_by_role("button", name="Đăng nhập").click()
            assert "Tài khoản đã bị khóa" in locked.locator("p.error").inner_text()
            browser.close()
    finally:
        root = ldap.initialize(slapd.uri)
        root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
        made = "(|(uid=pbrowseradm3)(mail=tranbrowser*))"
        for dn, _ in root.search_s(state.base_dn, ldap.SCOPE_SUBTREE, made, ["1.1"]):
            root.delete_s(dn)
