"""Take the README's screenshots: main pages at desktop and phone width, in headless Chromium.

    python tools/screenshots.py [--out docs/screenshots] [--people 50000]

Builds a throwaway instance with synthetic people, serves the app, and writes PNG files.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from directory_service.directory.settings import ConnectionSettings  # noqa: E402
from directory_service.directory.store import Directory  # noqa: E402
from directory_service.server.slapd import free_ports  # noqa: E402
from directory_service.server.up import prepare  # noqa: E402
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from web import create_app  # noqa: E402

SHOTS = [
    ("search", "/search?q=nguyen+van"),
    (
        "unit-search",
        "/search?q=s%E1%BB%9F+n%E1%BB%99i+v%E1%BB%A5+h%C3%A0+n%E1%BB%99i",
    ),  # sở nội vụ hà nội
    ("person", None),  # the first result of the search above
    ("unit", "/units/01-SNV"),
    ("browse", "/browse"),
]


def main(argv: list[str] | None = None) -> int:
    """Build, serve and photograph."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--people", type=int, default=50_000)
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        ldap_port, ldaps_port = free_ports(2)
        state, slapd = prepare(Path(tmp), ldap_port, ldaps_port, args.people, seed=7, quiet=True)
        slapd.start()
        try:
            web = ConnectionSettings(slapd.uri, f"cn=web,{state.base_dn}", state.web_password,
                                     state.base_dn)  # fmt: skip
            server = make_server("127.0.0.1", 0, create_app({"DIRECTORY": Directory(web)}))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            url = f"http://127.0.0.1:{server.server_port}"
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for label, size in (("desktop", (1280, 860)), ("phone", (360, 740))):
                    page = browser.new_page(
                        viewport={"width": size[0], "height": size[1]}, locale="vi-VN"
                    )
                    person = None
                    for name, path in SHOTS:
                        page.goto(url + (path or person))
                        if name == "search":
                            person = page.locator("li.person a.name").first.get_attribute("href")
                        page.screenshot(path=str(out / f"{name}-{label}.png"), full_page=False)
                    page.goto(url + "/")
                    page.locator("#q").press_sequentially("tran thi h", delay=50)
                    page.get_by_role("listbox").wait_for(state="visible")
                    page.screenshot(path=str(out / f"autocomplete-{label}.png"))
                browser.close()
            server.shutdown()
        finally:
            slapd.stop()
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
