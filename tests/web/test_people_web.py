"""Person pages: every public field, the vCard download and its QR code."""

from __future__ import annotations

import re

import pytest
import vobject

from tests.conftest import KNOWN_MAIL, KNOWN_NAME
from web.people import qr_svg

UID = "ptestannv01"


@pytest.fixture()
def page(client, known_person) -> str:
    """Return the HTML of Nguyễn Văn An's page."""
    resp = client.get(f"/people/{UID}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def visible_text(html: str) -> str:
    """Return the text of html without tags, scripts or the QR drawing, spaces collapsed."""
    html = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_person_page_shows_every_public_field(page):
    text = visible_text(page)
    assert KNOWN_NAME in text and "Chuyên viên" in text and "Sở Nội vụ" in text
    assert "Chức vụ" in text and "Đơn vị" in text and "024 3825 0000" in text
    assert f'href="mailto:{KNOWN_MAIL}"' in page and KNOWN_MAIL in text
    assert 'href="tel:02438250000"' in page


def test_breadcrumb_is_the_unit_path(app, page):
    nav = re.search(r'<nav class="breadcrumb".*?</nav>', page, flags=re.S).group(0)
    assert "Thành phố Hà Nội › Sở Nội vụ" in visible_text(nav)
    if "units.unit" in app.view_functions:
        assert 'href="/units/01"' in nav and 'href="/units/01-SNV"' in nav
    else:  # no unit pages yet: names, not links that would 404
        assert "<a " not in nav


def test_copy_buttons_wait_for_javascript(page):
    assert f'data-copy="{KNOWN_MAIL}"' in page
    button = re.search(r'<button[^>]*class="copy"[^>]*>', page).group(0)
    assert " hidden" in button and 'type="button"' in button
    assert f'aria-label="Sao chép {KNOWN_MAIL}"' in button


def test_script_is_served_by_the_app_and_never_inline(client, page):
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all('src="/static/' in s for s in scripts)
    assert '<script src="/static/person.js" defer>' in page
    assert "<script>" not in page and "http" not in "".join(scripts)
    resp = client.get("/static/person.js")
    assert resp.status_code == 200 and "navigator.clipboard" in resp.get_data(as_text=True)
    resp.close()


def test_vcard_download(client, known_person):
    resp = client.get(f"/people/{UID}.vcf")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/vcard; charset=utf-8"
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="Nguyen-Van-An.vcf"' in disposition
    assert "filename*=UTF-8''Nguy%E1%BB%85n%20V%C4%83n%20An.vcf" in disposition
    disposition.encode("ascii")
    cards = list(vobject.readComponents(resp.get_data().decode("utf-8")))
    assert len(cards) == 1
    card = cards[0]
    assert card.version.value == "4.0"
    assert card.fn.value == KNOWN_NAME
    assert card.email.value == KNOWN_MAIL
    assert card.tel.value == "024 3825 0000"
    assert card.title.value == "Chuyên viên"
    assert card.org.value == ["Thành phố Hà Nội", "Sở Nội vụ"]


def test_page_links_to_the_vcard(page):
    assert f'href="/people/{UID}.vcf"' in page and "Tải danh thiếp (vCard)" in page


def test_qr_code_holds_the_vcard(client, page):
    vcf = client.get(f"/people/{UID}.vcf").get_data(as_text=True)
    assert str(qr_svg(vcf)) in page
    assert f'role="img" aria-label="Mã QR danh thiếp của {KNOWN_NAME}"' in page


def test_english_page(client, known_person):
    html = client.get(f"/people/{UID}?lang=en").get_data(as_text=True)
    assert "Download vCard" in html and "Title" in html
    assert f"QR code of the contact card of {KNOWN_NAME}" in html


def test_unknown_people_are_404(client, known_person):
    assert client.get("/people/pdoesnotexist").status_code == 404
    assert client.get("/people/pdoesnotexist.vcf").status_code == 404
    assert client.get("/people/*.vcf").status_code == 404


def test_folded_values_are_never_shown(client, page):
    vcf = client.get(f"/people/{UID}.vcf").get_data(as_text=True)
    for folded in ("Nguyen Van An", "Chuyen vien", "So Noi vu", "Ha Noi"):
        assert folded not in page and folded not in vcf
