"""What a person sees: the search page in a real headless Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def live_url(web_directory):
    """Serve the app on a free local port for the browser."""
    from web import create_app

    server = make_server("127.0.0.1", 0, create_app({"DIRECTORY": web_directory}), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    """Start headless Debian Chromium for the module."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(browser):
    """Return a desktop-sized page."""
    return browser.new_page(locale="vi-VN", accept_downloads=True)


@pytest.fixture()
def browser_page_factory(browser):
    """Return a function making pages with other options (e.g. a phone's viewport)."""
    pages = []

    def make(**options):
        pages.append(browser.new_page(locale="vi-VN", **options))
        return pages[-1]

    yield make
    for p in pages:
        p.close()


def test_typing_without_diacritics_finds_people_and_opens_one(live_url, page):
    page.goto(live_url + "/")
    page.get_by_label("Tìm theo họ tên, địa chỉ thư điện tử hoặc chức vụ").fill("nguyen van")
    page.keyboard.press("Enter")
    page.wait_for_selector("ol.results li.person")
    names = page.locator("li.person a.name").all_inner_texts()
    assert names and all(n.startswith("Nguyễn") for n in names[:5])
    first = names[0]
    page.locator("li.person a.name").first.click()
    assert page.locator("h1").inner_text() == first
    assert page.locator("a[href^='mailto:']").count() >= 1


def test_switching_to_english(live_url, page):
    page.goto(live_url + "/search?q=tran")
    page.get_by_role("link", name="English").click()
    assert page.locator("button[type=submit]").inner_text() == "Search"
    page.goto(live_url + "/?lang=vi")
    assert page.locator("button[type=submit]").inner_text() == "Tìm kiếm"


def test_autocomplete_with_the_keyboard(live_url, page):
    page.goto(live_url + "/")
    box = page.locator("#q")
    box.press_sequentially("tran thi", delay=60)
    listbox = page.get_by_role("listbox")
    listbox.wait_for(state="visible")
    # A suggestion answer still on its way would redraw the list after the arrow key.
    page.wait_for_load_state("networkidle")
    options = page.get_by_role("option")
    assert options.count() > 0
    assert box.get_attribute("aria-expanded") == "true"
    first = options.first.locator(".opt-name").inner_text()
    assert first.startswith("Trần")
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "q-opt-0"
    assert options.first.get_attribute("aria-selected") == "true"
    box.press("Enter")
    page.wait_for_url("**/people/**")
    assert page.locator("h1").inner_text() == first


def test_autocomplete_escape_closes(live_url, page):
    page.goto(live_url + "/")
    box = page.locator("#q")
    box.press_sequentially("nguyen", delay=40)
    page.get_by_role("listbox").wait_for(state="visible")
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert page.get_by_role("listbox").is_hidden()


def test_open_a_person_and_download_the_vcard(live_url, page, known_person):
    import vobject

    page.goto(live_url + "/search?q=nguyen+van+an")
    page.get_by_role("link", name="Nguyễn Văn An").first.click()
    with page.expect_download() as info:
        page.get_by_role("link", name="vCard").click()
    card = vobject.readOne(open(info.value.path(), encoding="utf-8").read())
    assert card.version.value == "4.0" and card.fn.value == "Nguyễn Văn An"
    assert "annv.snv@hanoi.gov.vn" in [e.value for e in card.contents["email"]]
    assert page.locator("svg").count() >= 1  # the QR code of the card


def test_browse_a_province_down_to_a_commune(live_url, page):
    page.goto(live_url + "/browse")
    hanoi = page.locator("li[data-code='01']")
    hanoi.get_by_role("button").click()
    ward = page.locator("li[data-code='00004']")
    ward.wait_for()
    assert ward.get_by_role("link").first.inner_text() == "Phường Ba Đình"
    ward.get_by_role("button").click()
    office = page.locator("li[data-code='00004-VP'] a")
    office.wait_for()
    office.click()
    page.wait_for_url("**/units/00004-VP")
    assert "Văn phòng HĐND và UBND" in page.locator("h1").inner_text()


def test_pages_work_at_phone_width(live_url, browser_page_factory):
    phone = browser_page_factory(viewport={"width": 360, "height": 740})
    for path in ("/", "/search?q=tran+thi", "/browse", "/units/01"):
        phone.goto(live_url + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)  # nothing forces sideways scrolling


def test_typing_with_diacritics_and_results_show_phone_and_mailto(live_url, page):
    page.goto(live_url + "/")
    box = page.locator("#q")
    box.press_sequentially("Trần Thị", delay=60)
    page.get_by_role("listbox").wait_for(state="visible")
    names = page.get_by_role("option").locator(".opt-name").all_inner_texts()
    assert names and all(n.startswith("Trần Thị") for n in names)
    box.press("Enter")  # nothing highlighted: the form submits, as it does without JavaScript
    page.wait_for_selector("ol.results li.person")
    first = page.locator("li.person").first
    assert first.locator("a.mail").get_attribute("href").startswith("mailto:")
    assert page.locator("li.person a.phone").count() > 0


def test_a_unit_and_its_place_show_the_unit_first_and_open_it(live_url, browser_page_factory,
                                                               known_person):  # fmt: skip
    for width in (1280, 360):
        page = browser_page_factory(viewport={"width": width, "height": 800})
        page.goto(live_url + "/")
        page.get_by_label("Tìm theo họ tên, địa chỉ thư điện tử hoặc chức vụ").fill(
            "ha noi so noi vu"
        )
        page.keyboard.press("Enter")
        block = page.locator("section.unit-results")
        block.wait_for()
        assert block.locator("h2").inner_text() == "1 đơn vị"
        assert "snv@hanoi.gov.vn" in block.inner_text()
        box = block.bounding_box()
        assert (
            box["width"] <= width and box["y"] < page.locator("li.person").first.bounding_box()["y"]
        )
        block.get_by_role("link", name="Sở Nội vụ").click()
        assert page.locator("h1").inner_text() == "Sở Nội vụ"
        assert page.url.endswith("/units/01-SNV")
