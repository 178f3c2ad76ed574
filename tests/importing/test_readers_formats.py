"""Reading each kind of file: workbooks (XLSX, ODS, XLS), LDIF, HTML pages and pages by URL."""

from __future__ import annotations

import base64
import http.server
import io
import threading

import pytest
from ldif import LDIFWriter

from directory_service.importing.read import ImportFormatError, read_rows
from directory_service.importing.rows import (
    FAMILY,
    GIVEN,
    MAIL,
    MIDDLE,
    NAME,
    NUMBER,
    PHONE,
    TITLE,
    UID,
    UNIT,
    UNIT_CODE,
)
from tests.importing.agency_files import (
    HEADER,
    NAMES,
    PEOPLE,
    messy_rows,
    to_legacy,
    write_ods,
    write_xlsx,
)

# --- Workbooks -------------------------------------------------------------------------------


def test_xlsx_first_sheet_unless_one_is_named(tmp_path):
    import openpyxl

    path = write_xlsx(tmp_path / "two.xlsx", [HEADER, *PEOPLE[:2]])
    workbook = openpyxl.load_workbook(path)
    other = workbook.create_sheet("Khối huyện")
    for row in [HEADER, PEOPLE[4]]:
        other.append(row)
    workbook.save(path)
    table = read_rows(path)
    assert (table.kind, table.sheet) == ("xlsx", "Danh sách")
    assert [r.values[NAME] for r in table.rows] == NAMES[:2]
    table = read_rows(path, sheet="Khối huyện")
    assert [r.values[NAME] for r in table.rows] == [NAMES[4]]


def test_ods(tmp_path):
    table = read_rows(write_ods(tmp_path / "ds.ods", messy_rows()))
    rows = list(table.rows)
    assert (table.kind, table.header_row) == ("ods", 6)
    assert [r.values[NAME] for r in rows] == NAMES
    assert [r.number for r in rows] == [8, 9, 13, 14, 16]
    assert rows[0].values[NUMBER] == "1"
    assert rows[0].values[PHONE] == "0912345678"


def test_xls(tmp_path):
    import xlwt  # test-only: writes the XLS file that calamine then reads

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Danh sach")
    for r, row in enumerate(messy_rows()):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    path = tmp_path / "ds.xls"
    workbook.save(str(path))
    table = read_rows(path)
    rows = list(table.rows)
    assert table.kind == "xls"
    assert [r.values[NAME] for r in rows] == NAMES
    assert rows[0].values[PHONE] == "0912345678"


def test_html_saved_as_xls_is_read_as_html(tmp_path):
    page = "<table><tr><th>Họ và tên</th><th>Email</th></tr>"
    page += "<tr><td>Nguyễn Văn An</td><td>an@x.gov.vn</td></tr></table>"
    path = tmp_path / "export.xls"
    path.write_text(page, encoding="utf-8")
    table = read_rows(path)
    assert table.kind == "html"
    assert [r.values[MAIL] for r in table.rows] == ["an@x.gov.vn"]


# --- LDIF ------------------------------------------------------------------------------------


def _ldif_entries() -> bytes:
    out = io.StringIO()
    writer = LDIFWriter(out)
    unit = "govdirUnitCode=VP01,ou=units,dc=gov,dc=vn"
    writer.unparse(
        unit,
        {"objectClass": [b"organizationalUnit", b"govdirUnit"], "ou": ["Văn phòng".encode()]},
    )
    writer.unparse(
        f"uid=nva01,{unit}",
        {
            "objectClass": [b"inetOrgPerson", b"govdirPerson"],
            "uid": [b"nva01"],
            "cn": ["Nguyễn Văn An".encode(), b"Nguyen Van An", "Nguyễn Van An".encode()],
            "sn": ["Nguyễn".encode(), b"Nguyen"],
            "givenName": [b"An"],
            "govdirMiddleName": ["Văn".encode(), b"Van"],
            "title": ["Chánh Văn phòng".encode(), b"Chanh Van phong"],
            "ou": ["Văn phòng".encode(), b"Van phong"],
            "govdirUnitCode": [b"VP01"],
            "mail": [b"an.nv@angiang.gov.vn", b"nva@angiang.gov.vn"],
            "telephoneNumber": [b"0912345678"],
            "jpegPhoto": [b"\xff\xd8\xff\xe0 not text"],
        },
    )
    broken = b"dn: uid=broken,ou=people,dc=gov,dc=vn\nthis line has no colon\n\n"
    writer.unparse(
        f"uid=ttb02,{unit}",
        {
            "objectClass": [b"inetOrgPerson"],
            "uid": [b"ttb02"],
            "cn": ["Trần Thị Bình".encode()],
            "mail": [b"binh.tt@angiang.gov.vn"],
        },
    )
    text = out.getvalue().encode()
    second_break = text.index(b"dn: uid=ttb02")
    return (
        b"version: 1\n# exported for the test\n\n"
        + text[:second_break]
        + broken
        + text[second_break:]
    )


def test_ldif(tmp_path):
    path = tmp_path / "export.ldif"
    path.write_bytes(_ldif_entries())
    table = read_rows(path)
    rows = list(table.rows)
    assert (table.kind, table.encoding) == ("ldif", "utf-8")
    assert [r.number for r in rows] == [2, 4]
    assert rows[0].values == {
        NAME: "Nguyễn Văn An",
        FAMILY: "Nguyễn",
        GIVEN: "An",
        MIDDLE: "Văn",
        TITLE: "Chánh Văn phòng",
        UNIT: "Văn phòng",
        UNIT_CODE: "VP01",
        MAIL: "an.nv@angiang.gov.vn; nva@angiang.gov.vn",
        PHONE: "0912345678",
        UID: "nva01",
    }
    assert rows[0].raw["dn"].startswith("uid=nva01,")
    assert "jpegphoto" not in rows[0].raw or rows[0].raw["jpegphoto"] == ""
    assert rows[1].values[NAME] == "Trần Thị Bình"
    assert [(i.row, "line" in i.reason_en) for i in table.issues] == [(3, True)]
    assert "LDIF" in table.issues[0].suggestion and " / " in table.issues[0].suggestion


def test_ldif_passes_over_people_marked_left_and_change_records(tmp_path):
    unit = "govdirUnitCode=VP01,ou=units,dc=gov,dc=vn"
    path = tmp_path / "export.ldif"
    path.write_bytes(
        f"dn: uid=pactive,{unit}\nobjectClass: govdirPerson\ncn: Lê Văn Ba\n"
        "mail: ba.lv@angiang.gov.vn\ngovdirStatus: active\n"
        "jpegPhoto:< file:///nonexistent/ba.jpg\n\n"
        f"dn: uid=pleft,{unit}\nobjectClass: govdirPerson\ncn: Hồ Thị Tư\n"
        "mail: tu.ht@angiang.gov.vn\nGOVDIRSTATUS: Left\n\n"
        f"dn: uid=pactive,{unit}\nchangetype: modify\nreplace: title\ntitle: Chuyên viên\n-\n\n"
        f"dn: uid=pgone,{unit}\nchangetype: delete\n\n".encode()
    )
    table = read_rows(path)
    rows = list(table.rows)
    assert [(r.number, r.values[NAME], r.values[MAIL]) for r in rows] == [
        (1, "Lê Văn Ba", "ba.lv@angiang.gov.vn")  # the photo given by URL is not fetched
    ]
    left, *changes = table.issues
    assert (left.row, left.column, left.value, left.rejected) == (2, "govdirStatus", "left", False)
    assert "Hồ Thị Tư" in left.reason_vi and "Hồ Thị Tư" in left.reason_en
    assert "govdirStatus: active" in left.suggestion
    assert [(i.row, i.column, i.value, i.rejected) for i in changes] == [
        (3, "changetype", "modify", True),
        (4, "changetype", "delete", True),
    ]
    assert all("change record" in i.reason_en and i.suggestion for i in changes)


def test_legacy_font_values_in_ldif_are_converted_and_flagged(tmp_path):
    out = io.StringIO()
    cn, title = to_legacy("Vũ Thị Lan", "tcvn3"), to_legacy("Chuyên viên", "vni")
    person = {"objectClass": [b"inetOrgPerson"], "cn": [cn.encode()], "title": [title.encode()]}
    LDIFWriter(out).unparse("uid=vtl,dc=gov,dc=vn", person | {"mail": [b"lan@x.vn"]})
    path = tmp_path / "old.ldif"
    path.write_text(out.getvalue(), encoding="utf-8")
    table = read_rows(path)
    [row] = list(table.rows)
    assert (row.values[NAME], row.values[TITLE]) == ("Vũ Thị Lan", "Chuyên viên")
    assert [(i.column, i.value, i.rejected) for i in table.issues] == [
        (NAME, cn, False),
        (TITLE, title, False),
    ]
    [row] = list(read_rows(path, encoding="utf-8").rows)  # forced: as it is
    assert row.values[NAME] == cn


def test_ldif_is_recognised_by_content(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes(b"dn: uid=a,dc=gov,dc=vn\ncn: Nguyen Van An\nmail: a@x.vn\n")
    table = read_rows(path)
    assert table.kind == "ldif"
    assert [r.values[MAIL] for r in table.rows] == ["a@x.vn"]


# --- HTML ------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Danh bạ</title>
<style>td { color: red }</style><script>var x = "<table>";</script></head>
<body>
<table class="layout"><tr><td>Trang chủ</td><td>Liên hệ: <a href="mailto:web@x.vn">web@x.vn</a>
  <table><tr><th>Đường dây nóng</th><th>Số</th></tr><tr><td>Trực ban</td><td>0296</td></tr></table>
</td></tr></table>
<h2>DANH SÁCH ĐỊA CHỈ THƯ ĐIỆN TỬ</h2>
<table border="1">
 <thead>
  <tr><th rowspan="2">STT</th><th rowspan="2">Họ&nbsp;và tên</th><th rowspan="2">Đơn vị</th>
      <th colspan="2">Liên hệ</th></tr>
  <tr><th>E-mail</th><th>Điện thoại</th></tr>
 </thead>
 <tbody>
  <tr><td colspan="5"><b>I. LÃNH ĐẠO</b></td></tr>
  <tr><td>1</td><td><span>Nguyễn</span> <b>Văn</b> An</td><td rowspan="2">Văn phòng</td>
      <td>an.nv@angiang.gov.vn<br>nva@angiang.gov.vn</td><td>0912&nbsp;345&nbsp;678</td></tr>
  <tr><td>2</td><td>Trần Thị Bình &amp; cộng sự</td><td>binh.tt@angiang.gov.vn</td><td></td></tr>
 </tbody>
</table>
<p>Người lập biểu</p>
</body></html>
"""


def _check_page(table):
    rows = list(table.rows)
    assert table.kind == "html"
    assert table.columns["Liên hệ / E-mail"] == MAIL
    assert [(r.number, r.values[NAME], r.values[UNIT]) for r in rows] == [
        (4, "Nguyễn Văn An", "Văn phòng"),
        (5, "Trần Thị Bình & cộng sự", "Văn phòng"),
    ]
    assert rows[0].values[MAIL] == "an.nv@angiang.gov.vn nva@angiang.gov.vn"
    assert rows[0].values[PHONE] == "0912 345 678"
    assert rows[0].raw["section"] == "I. LÃNH ĐẠO"


def test_html_file(tmp_path):
    path = tmp_path / "danh-ba.html"
    path.write_text(PAGE, encoding="utf-8")
    _check_page(read_rows(path))


def test_legacy_font_cells_on_a_unicode_page_are_converted_and_flagged(tmp_path):
    legacy = [to_legacy(v, "tcvn3") if i in (1, 2) else v for i, v in enumerate(PEOPLE[4])]
    rows = [HEADER, PEOPLE[0], legacy]
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    path = tmp_path / "moi.html"
    path.write_text(f'<html><head><meta charset="utf-8"></head><body><table>{body}</table>')
    table = read_rows(path)
    assert table.encoding == "utf-8"
    assert [(r.values[NAME], r.values[TITLE]) for r in table.rows] == [
        ("Nguyễn Văn An", "Giám đốc"),
        ("Đỗ Minh Đức", "Trưởng phòng"),
    ]
    assert [(i.row, i.column, i.value) for i in table.issues] == [
        (3, NAME, legacy[1]),
        (3, TITLE, legacy[2]),
    ]


def test_html_in_a_legacy_font(tmp_path):
    cells = "".join(f"<td>{to_legacy(c, 'tcvn3')}</td>" for c in HEADER)
    person = "".join(f"<td>{to_legacy(c, 'tcvn3')}</td>" for c in PEOPLE[4])
    page = f'<html><body><font face=".VnTime"><table><tr>{cells}</tr><tr>{person}</tr></table>'
    path = tmp_path / "cu.htm"
    path.write_bytes(page.encode("latin-1"))
    table = read_rows(path)
    assert table.encoding == "tcvn3"
    assert [r.values[NAME] for r in table.rows] == ["Đỗ Minh Đức"]


@pytest.fixture()
def web_server():
    """Serve pages from a dict on 127.0.0.1 and return its base URL and the dict."""
    pages: dict[str, tuple[int, str, bytes]] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            status, content_type, body = pages.get(self.path, (404, "text/plain", b"not found"))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", pages
    server.shutdown()
    server.server_close()


def test_html_by_url(web_server):
    base, pages = web_server
    pages["/danh-ba"] = (200, "text/html; charset=utf-8", PAGE.encode("utf-8"))
    _check_page(read_rows(f"{base}/danh-ba"))


def test_url_failures_are_clear(web_server):
    base, pages = web_server
    with pytest.raises(ImportFormatError, match="HTTP 404"):
        read_rows(f"{base}/missing")
    pages["/big"] = (200, "text/html", b"<table>" + b" " * 5000)
    with pytest.raises(ImportFormatError, match="limit"):
        read_rows(f"{base}/big", download_limit=1000)
    with pytest.raises(ImportFormatError, match="Cannot download"):
        read_rows("http://127.0.0.1:9/nothing-listens-here", timeout=2)


def test_page_without_a_staff_table(tmp_path):
    path = tmp_path / "news.html"
    path.write_text("<html><body><table><tr><td>Tin tức</td></tr></table></body></html>")
    with pytest.raises(ImportFormatError, match="any table"):
        read_rows(path)


def test_ldif_fixture_has_base64_values():
    # LDIFWriter writes non-ASCII values base64-encoded: make sure the fixture exercises that.
    assert b"cn:: " + base64.b64encode("Nguyễn Văn An".encode()) in _ldif_entries()


def test_closing_a_table_twice_or_after_reading_is_harmless(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [HEADER, *PEOPLE])
    with read_rows(path) as table:
        assert len(list(table.rows)) == len(PEOPLE)
    table.close()
    with read_rows(path) as table:
        next(table.rows)
