"""The web front end through Flask's test client: Vietnamese by default, search, person, errors."""

from __future__ import annotations

from directory_service.instance import ConnectionSettings
from directory_service.store import Directory


def test_home_is_vietnamese_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert 'lang="vi"' in html and "Danh bạ thư điện tử công vụ" in html and "Tìm kiếm" in html


def test_english_can_be_chosen_and_is_remembered(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert "Government email directory" in html
    assert "Government email directory" in client.get("/").get_data(as_text=True)


def test_search_page_lists_name_title_unit_and_email(client):
    html = client.get("/search?q=nguyen+van").get_data(as_text=True)
    assert "Nguyễn Văn " in html and "mailto:" in html and "người" in html
    assert "Nguyen Van " not in html  # folded values stay out of what people see


def test_api_search_returns_json(client):
    data = client.get("/api/search?q=nguyen+van").get_json()
    assert data["total"] > 0 and data["people"][0]["name"].startswith("Nguyễn")
    person = data["people"][0]
    assert person["mail"] and person["unit"] and person["title"]


def test_person_page(client):
    uid = client.get("/api/search?q=nguyen").get_json()["people"][0]["uid"]
    html = client.get(f"/people/{uid}").get_data(as_text=True)
    assert "Chức vụ" in html and "mailto:" in html
    assert client.get("/people/does-not-exist").status_code == 404


def test_hostile_and_long_queries(client):
    assert client.get("/search?q=%29%28%2A%5C").status_code == 200
    resp = client.get("/search?q=" + "a" * 10_000)
    assert resp.status_code == 200 and "quá dài" in resp.get_data(as_text=True)
    assert client.get("/api/search?q=" + "a" * 10_000).status_code == 400


def test_directory_down_gives_a_friendly_page():
    from web import create_app

    dead = Directory(ConnectionSettings("ldap://127.0.0.1:1", None, None, "dc=gov,dc=vn"), 1)
    client = create_app({"TESTING": True, "DIRECTORY": dead}).test_client()
    resp = client.get("/search?q=an")
    assert resp.status_code == 503
    html = resp.get_data(as_text=True)
    assert "Thử lại" in html and "Traceback" not in html
    assert client.get("/api/search?q=an").status_code == 503


def test_search_can_be_narrowed_to_a_province(client):
    html = client.get("/").get_data(as_text=True)
    assert "Cả nước" in html and '<option value="01">Thành phố Hà Nội</option>' in html
    data = client.get("/api/search?q=nguyen&unit=01").get_json()
    assert data["total"] > 0
    assert all(p["unit"][0]["code"] == "01" for p in data["people"])


def test_web_account_sees_every_unit(web_directory):
    assert len(web_directory.units()) > 17_000  # past its soft size limit of 1,000
