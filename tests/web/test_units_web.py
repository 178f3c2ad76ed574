"""Unit pages, the browsable tree, its JSON and the unit list downloads, through the test client."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import pytest
from openpyxl import load_workbook

from directory_service.directory.store import PersonInfo, UnitInfo
from directory_service.exports.spreadsheets import HEADER, list_rows, neutralise, to_xlsx
from tests.conftest import KNOWN_MAIL, KNOWN_NAME

PROVINCE = "96"  # Tỉnh Cà Mau: the demo staff give it only its Chủ tịch; the fixture adds more
ADDED = [
    # (uid, family, middle, given, title), in no particular order
    ("ptestunit01", "Vũ", "Thị", "Yến", "Phó Chủ tịch UBND tỉnh"),
    ("ptestunit02", "Hoàng", "Thị", "Đào", "Chuyên viên"),
    ("ptestunit03", "Lê", "Thị", "Ánh", "Chuyên viên chính"),
    ("ptestunit04", "Phạm", "Văn", "Dũng", "Cán sự"),
    ("ptestunit05", "Bùi", "Văn", "Anh", "Phó Chủ tịch UBND tỉnh"),
    ("ptestunit06", "Đinh", "Văn", "Bình", "Chuyên viên cao cấp"),
    ("ptestunit07", "Trần", "Văn", "Anh", "Chuyên viên"),
]
# Vietnamese order: letters of the given name (d < đ), then of the family name, tones last
# (Ánh and Anh tie on letters, so Lê comes before Trần).
LEADERS_AFTER_HEAD = ["Bùi Văn Anh", "Vũ Thị Yến"]
STAFF = ["Lê Thị Ánh", "Trần Văn Anh", "Đinh Văn Bình", "Phạm Văn Dũng", "Hoàng Thị Đào"]
ACTIVE = "(&(objectClass=govdirPerson)(!(govdirStatus=left))(%s))"


@pytest.fixture(scope="module")
def province_staff(instance):
    """Add two deputies and five staff to Tỉnh Cà Mau for this module, then remove them."""
    import ldap
    import ldap.modlist

    from directory_service.entries.build import TreeIndex
    from directory_service.model import Person
    from directory_service.reference.tree import build_tree

    state, slapd, _ = instance
    index = TreeIndex(build_tree(), state.base_dn)
    conn = ldap.initialize(slapd.uri)
    conn.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    dns = []
    for uid, family, middle, given, title in ADDED:
        person = Person(
            uid=uid, family=family, middle=middle, given=given, unit_code=PROVINCE, title=title,
            mail=[f"{uid}@camau.gov.vn"], phone="0290 3831 000",
        )  # fmt: skip
        dn, attrs = index.person_entry(person)
        conn.add_s(dn, ldap.modlist.addModlist(attrs))
        dns.append(dn)
    yield dns
    for dn in dns:
        conn.delete_s(dn)
    conn.unbind_s()


@pytest.fixture()
def downloads_client(web_directory):
    """Return a test client of an app with UNIT_DOWNLOADS on."""
    from web import create_app

    app = create_app({"TESTING": True, "DIRECTORY": web_directory, "UNIT_DOWNLOADS": True})
    return app.test_client()


def section_rows(html: str, section: str) -> list[tuple[str, str]]:
    """Return (name, title) of each row of a people table on a unit page."""
    match = re.search(rf'<section aria-labelledby="{section}">(.*?)</section>', html, re.S)
    if match is None:
        return []
    return re.findall(
        r'<th scope="row"><a href="/people/[^"]+">([^<]+)</a></th>\s*<td>([^<]*)</td>', match[1]
    )


def subtree_counts(web_directory) -> Counter:
    """Count active people per unit code over whole subtrees, from their govdirUnitPath."""
    entries, truncated = web_directory.search(
        "(objectClass=govdirPerson)", ["govdirUnitPath", "govdirStatus"], limit=1_000_000
    )
    assert not truncated
    counts = Counter()
    for _, attrs in entries:
        if attrs.get("govdirStatus", [b"active"])[0] != b"left":
            counts.update(v.decode() for v in attrs["govdirUnitPath"])
    return counts


def test_province_page_lists_leaders_by_rank_then_staff_by_name(client, province_staff):
    resp = client.get(f"/units/{PROVINCE}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "<h1>Tỉnh Cà Mau</h1>" in html and "Tỉnh" in html
    assert 'href="mailto:' in html  # the province's own mailbox
    leaders, staff = section_rows(html, "leaders"), section_rows(html, "staff")
    assert [t for _, t in leaders] == ["Chủ tịch UBND tỉnh"] + ["Phó Chủ tịch UBND tỉnh"] * 2
    assert [n for n, _ in leaders][1:] == LEADERS_AFTER_HEAD
    assert [n for n, _ in staff] == STAFF
    assert html.index('id="leaders"') < html.index('id="staff"')
    assert 'href="/people/ptestunit05"' in html and "ptestunit07@camau.gov.vn" in html


def test_unit_page_breadcrumb_people_and_subunits(client, known_person):
    html = client.get("/units/01-SNV").get_data(as_text=True)
    assert 'href="/units/DP"' in html and 'href="/units/01"' in html  # ancestors, linked
    assert KNOWN_NAME in html and f"mailto:{KNOWN_MAIL}" in html
    assert 'href="/people/ptestannv01"' in html
    assert "Chức vụ" in html and "Điện thoại" in html
    page = client.get("/units/01").get_data(as_text=True)
    assert "Đơn vị trực thuộc" in page and 'href="/units/01-SNV"' in page


def test_subunit_counts_match_an_independent_count(client, web_directory, province_staff):
    counts = subtree_counts(web_directory)
    for code in ("DP", "TW", "01", PROVINCE):
        children = client.get(f"/api/units/{code}/children").get_json()["children"]
        assert children and {c["code"]: c["people"] for c in children} == {
            c["code"]: counts[c["code"]] for c in children
        }
    assert any(counts[c["code"]] for c in children)
    html = client.get("/units/01").get_data(as_text=True)
    assert 'href="/units/01-VP">' in html and f"{counts['01-VP']} người" in html


def test_children_json_lists_provinces_then_departments_and_communes(client, web_directory):
    data = client.get("/api/units/DP/children").get_json()
    assert data["code"] == "DP" and len(data["children"]) == 34
    assert {c["type"] for c in data["children"]} == {"tinh", "thanh-pho"}
    assert all(c["has_children"] for c in data["children"])
    hanoi = client.get("/api/units/01/children").get_json()["children"]
    codes = [c["code"] for c in hanoi]
    types = [c["type"] for c in hanoi]
    assert "01-SNV" in codes and "00004" in codes
    assert {"so", "phuong", "xa"} <= set(types)
    last_department = max(i for i, t in enumerate(types) if t in ("so", "van-phong", "thanh-tra"))
    assert last_department < types.index("phuong")  # departments, then communes
    ward = hanoi[codes.index("00004")]
    assert ward["name"] == "Phường Ba Đình" and ward["has_children"]
    assert set(ward) >= {"code", "name", "type", "has_children", "people"}


def test_browse_lists_both_branches_with_counts_and_plain_links(client, web_directory):
    html = client.get("/browse").get_data(as_text=True)
    assert "Trung ương" in html and "Địa phương" in html
    assert 'href="/units/TW"' in html and 'href="/units/01"' in html and 'href="/units/BTC"' in html
    assert 'src="/static/browse.js"' in html and "<script>" not in html
    local = subtree_counts(web_directory)["DP"]
    assert local > 1000 and f"{local:,}".replace(",", ".") + " người" in html
    english = client.get("/browse?lang=en").get_data(as_text=True)
    assert f"{local:,} people" in english
    assert "Duyệt theo đơn vị" in client.get("/").get_data(as_text=True)


def test_unknown_unit_is_not_found(client, downloads_client):
    assert client.get("/units/NO-SUCH-UNIT").status_code == 404
    resp = client.get("/api/units/NO-SUCH-UNIT/children")
    assert resp.status_code == 404 and resp.get_json() == {"error": "not found"}
    assert downloads_client.get("/units/NO-SUCH-UNIT/people.csv").status_code == 404
    assert downloads_client.get("/units/01/people.pdf").status_code == 404


def test_downloads_are_off_by_default(client):
    for fmt in ("csv", "xlsx", "vcf"):
        assert client.get(f"/units/01-SNV/people.{fmt}").status_code == 404
    assert "people.csv" not in client.get("/units/01-SNV").get_data(as_text=True)


def expected_rows(web_directory, code: str) -> int:
    entries, _ = web_directory.search(ACTIVE % f"govdirUnitCode={code}", ["1.1"], limit=10_000)
    return len(entries)


def test_csv_download(downloads_client, web_directory, known_person):
    assert 'href="/units/01-SNV/people.csv"' in downloads_client.get("/units/01-SNV").get_data(
        as_text=True
    )
    resp = downloads_client.get("/units/01-SNV/people.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    assert resp.data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == HEADER
    assert len(rows) - 1 == expected_rows(web_directory, "01-SNV")
    assert [r[0] for r in rows[1:]] == [str(n) for n in range(1, len(rows))]
    assert [KNOWN_NAME, "Chuyên viên", "Sở Nội vụ", KNOWN_MAIL, "024 3825 0000"] in [
        r[1:] for r in rows
    ]


def test_xlsx_download(downloads_client, web_directory, province_staff):
    resp = downloads_client.get(f"/units/{PROVINCE}/people.xlsx")
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADER and len(rows) - 1 == expected_rows(web_directory, PROVINCE)
    names = [r[1] for r in rows[1:]]
    assert names[1:] == LEADERS_AFTER_HEAD + STAFF  # the page's order
    assert rows[2] == (2, "Bùi Văn Anh", "Phó Chủ tịch UBND tỉnh", "Tỉnh Cà Mau",
                       "ptestunit05@camau.gov.vn", "0290 3831 000")  # fmt: skip


def test_vcard_download(downloads_client, province_staff):
    text = downloads_client.get(f"/units/{PROVINCE}/people.vcf").get_data(as_text=True)
    assert text.count("BEGIN:VCARD") == 1 + len(ADDED) and "FN:Trần Văn Anh" in text


def test_formula_injection_is_neutralised():
    for risky in ("=1+1", "+84 24", "-2", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(risky) == "'" + risky
    for plain in ("Nguyễn Văn An", "024 3825 0000", "an@gov.vn", ""):
        assert neutralise(plain) == plain
    unit = UnitInfo("X", "=Đơn vị", "so", "govdirUnitCode=X", ("DP", "X"))
    person = PersonInfo(
        uid="p1", dn="uid=p1", name='=HYPERLINK("http://evil.example","Bấm")', family="",
        middle="", given="", title="@cmd", mail=["-x@gov.vn"], phone="+84 1",
        unit_code="X", unit_path=("DP", "X"), status="active",
    )  # fmt: skip
    rows = list_rows(unit, [person])
    assert rows[1] == (1, "'" + person.name, "'@cmd", "'=Đơn vị", "'-x@gov.vn", "'+84 1")
    cells = list(load_workbook(io.BytesIO(to_xlsx(rows, "=Đơn vị"))).active.iter_rows())[1]
    assert all(c.data_type != "f" for c in cells) and cells[1].value == "'" + person.name


def test_downloads_can_be_enabled_from_the_environment(monkeypatch, web_directory):
    from web import create_app

    monkeypatch.setenv("GOVDIR_UNIT_DOWNLOADS", "1")
    client = create_app({"TESTING": True, "DIRECTORY": web_directory}).test_client()
    assert client.get("/units/01-SNV/people.csv").status_code == 200
    monkeypatch.delenv("GOVDIR_UNIT_DOWNLOADS")
    client = create_app({"TESTING": True, "DIRECTORY": web_directory}).test_client()
    assert client.get("/units/01-SNV/people.csv").status_code == 404
