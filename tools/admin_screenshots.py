"""Take the admin guide's screenshots: an agency admin importing a list in headless Chromium.

    python tools/admin_screenshots.py [--out docs/screenshots] [--people 5000]

Builds a throwaway instance with synthetic people, makes a synthetic official of Sở Tư
pháp Hà Nội admin of Hà Nội, opens a round, serves the app, and writes admin-*.png.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from directory_service import cli  # noqa: E402
from directory_service.coverage.rounds import RoundBook  # noqa: E402
from directory_service.directory.settings import ConnectionSettings, web_secret  # noqa: E402
from directory_service.directory.store import Directory  # noqa: E402
from directory_service.server.slapd import free_ports  # noqa: E402
from directory_service.server.up import prepare  # noqa: E402
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from web import create_app  # noqa: E402

ADMIN = "quantri.mau@hanoi.gov.vn"
PASSWORD = "mật khẩu mẫu đủ dài"
ROWS = [
    ("Nguyễn Thị Ánh", "Phó Giám đốc", "Sở Tư pháp", "anhnt.mau@hanoi.gov.vn"),
    ("Trần Văn Bình", "Chuyên viên", "Sở Tư pháp", "binhtv.mau@hanoi.gov.vn"),
    ("Lê Thị Cúc", "Chuyên viên", "Sở Tư pháp", "cuclt.mau@gmail.com"),
    ("Phạm Văn Dũng", "Chuyên viên", "Sở Tư pháp", "dung pv @ hanoi"),
    ("Hoàng Văn Em", "Trưởng phòng", "Phòng Không Có", "emhv.mau@hanoi.gov.vn"),
]


def _write_list(path: Path) -> None:
    lines = ["STT,Họ và tên,Chức vụ,Đơn vị,Email"]
    lines += [f"{i},{n},{t},{u},{m}" for i, (n, t, u, m) in enumerate(ROWS, 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Build, serve and photograph."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--people", type=int, default=5_000)
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir, tmp = Path(tmp) / "data", Path(tmp)
        ldap_port, ldaps_port = free_ports(2)
        state, slapd = prepare(data_dir, ldap_port, ldaps_port, args.people, seed=7, quiet=True)
        slapd.start()
        try:
            return _photograph(data_dir, tmp, state, slapd, out)
        finally:
            slapd.stop()


def _photograph(data_dir: Path, tmp: Path, state, slapd, out: Path) -> int:
    import ldap

    root = ldap.initialize(slapd.uri)
    root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    unit = "(&(objectClass=govdirUnit)(govdirUnitCode=01-STP))"
    [(unit_dn, _)] = root.search_s(state.base_dn, ldap.SCOPE_SUBTREE, unit, ["1.1"])
    root.add_s(f"uid=pmau-admin,{unit_dn}", [
        ("objectClass", [b"top", b"person", b"organizationalPerson", b"inetOrgPerson",
                         b"govdirPerson"]),
        ("uid", [b"pmau-admin"]), ("cn", ["Đỗ Thị Quản".encode()]), ("sn", ["Đỗ".encode()]),
        ("givenName", ["Quản".encode()]), ("mail", [ADMIN.encode()]),
        ("govdirUnitCode", [b"01-STP"]), ("govdirUnitPath", [b"DP", b"01", b"01-STP"]),
    ])  # fmt: skip
    password_file = tmp / "password"
    password_file.write_text(PASSWORD, encoding="utf-8")
    assert cli.main(["--data-dir", str(data_dir), "admins", "grant", ADMIN, "--unit", "01",
                     "--password-file", str(password_file)]) == 0  # fmt: skip
    the_list = tmp / "danh-sach-so-tu-phap.csv"
    _write_list(the_list)
    web = ConnectionSettings(slapd.uri, f"cn=web,{state.base_dn}", state.web_password,
                             state.base_dn)  # fmt: skip
    deadline = (datetime.now(UTC) + timedelta(hours=7, days=12)).date().isoformat()
    RoundBook(data_dir).open("2026", deadline, "local")
    app = create_app({"DIRECTORY": Directory(web), "SECRET_KEY": web_secret(data_dir),
                      "ROUNDS_DIR": str(data_dir)})  # fmt: skip
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="vi-VN")

            def shot(name: str, full_page: bool = True) -> None:
                page.screenshot(path=str(out / f"admin-{name}.png"), full_page=full_page)

            page.goto(url + "/login")
            page.get_by_label("Thư điện tử").fill(ADMIN)
            page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
            shot("1-login")
            page.get_by_role("button", name="Đăng nhập").click()
            page.goto(url + "/units/01-STP")
            shot("2-unit")
            page.get_by_role("link", name="Nhập danh sách").click()
            page.get_by_label("Danh sách", exact=True).set_input_files(str(the_list))
            shot("3-upload")
            page.get_by_role("button", name="Xem trước", exact=True).click()
            shot("4-preview")
            page.get_by_role("button", name="Áp dụng").click()
            page.wait_for_selector("section.progress[data-state='done']", timeout=60_000)
            shot("5-applied")
            page.goto(url + "/units/01-STP/changes")
            shot("6-changes")
            page.goto(url + "/coverage")
            shot("7-coverage", full_page=False)
            browser.close()
    finally:
        server.shutdown()
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
