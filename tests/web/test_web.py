"""The web front end through Flask's test client: Vietnamese by default, search, person, errors."""

from __future__ import annotations

import re

import pytest

from directory_service.directory.settings import ConnectionSettings
from directory_service.directory.store import Directory
from directory_service.text import fold
from tests.conftest import EXTRA_UNIT


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


def test_more_than_n_on_the_page_and_in_the_api(client):
    data = client.get("/api/search?q=nguyen&per_page=50").get_json()
    total = data["total"]
    assert data["total_is_lower_bound"] and data["has_next"] and total >= 100
    html = client.get("/search?q=nguyen").get_data(as_text=True)
    assert f"Tìm thấy hơn {total} người." in html and 'rel="next"' in html
    assert "Chỉ liệt kê" not in html  # pages follow: not the last one
    last = -(-total // 20)
    html = client.get(f"/search?q=nguyen&page={last}").get_data(as_text=True)
    assert f"Tìm thấy hơn {total} người." in html and 'rel="next"' not in html
    assert f"Chỉ liệt kê {total} người đầu tiên tìm thấy." in html  # says so, no empty next page
    assert 'class="person"' in html
    html = client.get(f"/search?q=nguyen&page={last}&lang=en").get_data(as_text=True)
    assert f"Only the first {total} people found are listed." in html
    data = client.get(f"/api/search?q=nguyen&per_page=50&page={-(-total // 50)}").get_json()
    assert data["people"] and not data["has_next"] and data["total_is_lower_bound"]


@pytest.mark.parametrize("query", ["%00", "%2A", "%29%28", "%5C", "a%00%2A"])
def test_api_hostile_queries_are_a_clean_empty_result(client, query):
    resp = client.get(f"/api/search?q={query}")
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["people"] == [] and data["total"] == 0 and not data["total_is_lower_bound"]


def strings(value) -> list[str]:
    """Return every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for v in value for s in strings(v)] if isinstance(value, list) else []


@pytest.mark.parametrize("query", ["nguyen van", "thuy", "giam doc so"])
def test_api_never_shows_folded_values(client, web_directory, extra_people, query):
    data = client.get(f"/api/search?q={query}&per_page=50").get_json()
    assert data["people"]
    shown = " | ".join(strings(data["people"]))
    for person in data["people"]:
        stored = web_directory.person(person["uid"])  # first, accented values
        units = [web_directory.unit(u["code"]).name for u in person["unit"]]
        assert (person["name"], person["title"]) == (stored.name, stored.title)
        assert [u["name"] for u in person["unit"]] == units
        for text in (stored.name, stored.title, *units):
            if fold(text) != text:
                assert fold(text) not in shown, text


def test_thuy_and_duc_through_the_web(client, extra_people):
    data = client.get(f"/api/search?q=thuy&unit={EXTRA_UNIT}&per_page=50").get_json()
    names = {p["name"] for p in data["people"]}
    assert {"Ứng Ngọc Thuỷ", "Ứng Thị Thủy", "Ứng Thị Thúy", "Ứng Thị Thùy"} <= names
    html = client.get(f"/search?q=THUY&unit={EXTRA_UNIT}").get_data(as_text=True)
    shown = set(re.findall(r'<a class="name"[^>]*>([^<]+)</a>', html))
    assert {"Ứng Ngọc Thuỷ", "Ứng Thị Thủy", "Ứng Thị Thúy"} <= shown
    data = client.get("/api/search?q=duc&per_page=50").get_json()
    names = [p["name"] for p in data["people"]]
    assert any("Đức" in n.split() for n in names)
    assert all(any(w.startswith("duc") for w in fold(n).lower().split()) for n in names)
