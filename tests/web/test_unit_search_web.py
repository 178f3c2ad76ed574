"""Units as search results on the page, in the JSON API and from `govdir search`."""

from __future__ import annotations

from directory_service import cli
from directory_service.directory.units import UnitTree


def test_api_lists_the_unit_beside_its_people(client, web_directory, known_person):
    data = client.get("/api/search?q=so+noi+vu+ha+noi").get_json()
    count = UnitTree(web_directory).people_count("01-SNV")
    assert data["units_total"] == 1 and data["units"] == [
        {
            "code": "01-SNV",
            "name": "Sở Nội vụ",
            "mail": "snv@hanoi.gov.vn",
            "path": [{"code": "01", "name": "Thành phố Hà Nội"}],
            "people": count,
        }
    ]
    assert count > 0 and data["people"]
    assert all(p["unit"][-1]["code"] == "01-SNV" for p in data["people"])


def test_api_names_no_unit_for_a_name(client):
    data = client.get("/api/search?q=nguyen+van").get_json()
    assert data["units"] == [] and data["units_total"] == 0 and data["people"]


def test_page_shows_the_unit_block_linking_to_the_unit(client):
    html = client.get("/search?q=h%C3%A0+n%E1%BB%99i+s%E1%BB%9F+n%E1%BB%99i+v%E1%BB%A5").get_data(
        as_text=True
    )
    block = html[html.index('class="unit-results"') : html.index("</section>")]
    assert 'href="/units/01-SNV"' in block and "Sở Nội vụ" in block
    assert "snv@hanoi.gov.vn" in block and "1 đơn vị" in block
    assert "Thành phố Hà Nội" in block and " người" in block
    assert html.index('class="unit-results"') < html.index('class="person"')


def test_page_lists_the_first_units_of_many(client):
    html = client.get("/search?q=so+noi+vu&lang=en").get_data(as_text=True)
    assert "34 units" in html and html.count('class="unit-hit"') == 5
    assert "The first 5 units are listed" in html
    second = client.get("/search?q=so+noi+vu&page=2").get_data(as_text=True)
    assert 'class="unit-results"' not in second


def test_cli_prints_units_before_people(instance, capsys, known_person):
    _, _, data_dir = instance
    code = cli.main(["--data-dir", str(data_dir), "search", "snv@hanoi", "--limit", "5"])
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert code == 0 and lines[0].split("\t")[:4] == [
        "unit", "01-SNV", "Thành phố Hà Nội › Sở Nội vụ", "snv@hanoi.gov.vn",
    ]  # fmt: skip
    assert int(lines[0].split("\t")[4]) > 0
    assert len(lines) > 1 and all(line.split("\t")[3] == "01-SNV" for line in lines[1:])
