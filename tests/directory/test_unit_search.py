"""Search that names units: the units as results, and their people by title or by name."""

from __future__ import annotations

import pytest

from directory_service.directory.search import search_people
from directory_service.model import Person
from directory_service.reference.positions import title_rank
from tests.conftest import add_people, delete_entries

# (uid, middle, given, unit, title): people of a family the synthetic staff never has (Khổng).
UNIT_PEOPLE = [
    ("ptestkh01", "Minh", "Đạt", "01-SNV", "Giám đốc Sở"),
    ("ptestkh02", "Văn", "Bình", "01-STC", "Phó Giám đốc Sở"),
    ("ptestkh03", "Thị", "Cúc", "01-STC", "Phó Giám đốc Sở"),
    ("ptestkh04", "Văn", "Dũng", "01-STC", "Chuyên viên"),
    ("ptestkh05", "Văn", "Em", "00004", "Chủ tịch UBND phường"),
    ("ptestkh06", "Thị", "Hoa", "00004", "Phó Chủ tịch UBND phường"),
    ("ptestkh07", "Văn", "Hải", "00004", "Phó Chủ tịch UBND phường"),
    ("ptestkh08", "Văn", "Khải", "BTC-VP", "Chánh Văn phòng"),
    ("ptestkh09", "Văn", "Lâm", "BTC-VP", "Phó Chánh Văn phòng"),
]
BTC_AN = "ptestbtcan"
NGHE_AN_HAI = "ptestngohai"


@pytest.fixture(scope="module")
def unit_people(instance):
    """Add title holders in a few units, and a Nguyễn Văn An in the Bộ Tài chính."""
    people = [
        Person(uid=uid, family="Khổng", middle=middle, given=given, unit_code=unit, title=title,
               mail=[f"{uid}@test.gov.vn"])
        for uid, middle, given, unit, title in UNIT_PEOPLE
    ] + [Person(uid=BTC_AN, family="Nguyễn", middle="Văn", given="An", unit_code="BTC-PC",
                title="Chuyên viên", mail=["annv.pc@mof.gov.vn"]),
         Person(uid=NGHE_AN_HAI, family="Ngô", middle="Văn", given="Hải", unit_code="40-SNV",
                title="Chuyên viên", mail=["haingo.snv@nghean.gov.vn"])]  # fmt: skip
    dns = add_people(instance, people)
    yield {uid: unit for uid, _, _, unit, _ in UNIT_PEOPLE}
    delete_entries(instance, dns)


@pytest.mark.parametrize(
    "query",
    ["sở nội vụ hà nội", "so noi vu ha noi", "hà nội sở nội vụ", "so noi vu thanh pho ha noi",
     "Sở Nội vụ TP Hà Nội", "snv@hanoi", "01-snv"],
)  # fmt: skip
def test_unit_and_place_give_the_unit_then_its_people(web_directory, unit_people, query):
    page = search_people(web_directory, query, per_page=100)
    assert [u.code for u in page.units] == ["01-SNV"] and page.units_total == 1
    assert page.units[0].mail == "snv@hanoi.gov.vn"
    # Its people only, leaders first: no Hải or Hằng of another province's Sở Nội vụ.
    assert page.people and all(p.unit_code == "01-SNV" for p in page.people)
    ranks = [title_rank(p.title) for p in page.people]
    assert ranks == sorted(ranks) and page.people[0].title == "Giám đốc Sở"


def test_people_of_a_department_by_title(web_directory, unit_people):
    page = search_people(web_directory, "chuyen vien so tai chinh ha noi", per_page=100)
    assert [u.code for u in page.units] == ["01-STC"]
    assert "ptestkh04" in [p.uid for p in page.people]
    assert all(p.unit_code == "01-STC" and p.title.startswith("Chuyên viên") for p in page.people)
    ranks = [title_rank(p.title) for p in page.people]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize(
    "query, title, unit",
    [
        ("giám đốc sở nội vụ hà nội", "Giám đốc Sở", "01-SNV"),
        ("giam doc so noi vu ha noi", "Giám đốc Sở", "01-SNV"),
        ("chủ tịch ubnd phường ba đình", "Chủ tịch UBND phường", "00004"),
        ("chu tich ubnd p. ba dinh ha noi", "Chủ tịch UBND phường", "00004"),
        ("chánh văn phòng bộ tài chính", "Chánh Văn phòng", "BTC-VP"),
        ("chanh vp bo tai chinh", "Chánh Văn phòng", "BTC-VP"),
    ],
)
def test_title_unit_and_place_put_the_holder_first(web_directory, unit_people, query, title, unit):
    page = search_people(web_directory, query, per_page=20)
    first = page.people[0]
    assert (first.title, first.unit_code) == (title, unit), query
    holders = [p.uid for p in page.people if p.title == title and p.unit_code == unit]
    assert holders == [p.uid for p in page.people[: len(holders)]]
    assert set(unit_people) & set(holders)


@pytest.mark.parametrize(
    "query, title, uids",
    [
        (
            "phó chủ tịch ubnd phường ba đình",
            "Phó Chủ tịch UBND phường",
            {"ptestkh06", "ptestkh07"},
        ),
        ("pho giam doc so tai chinh ha noi", "Phó Giám đốc Sở", {"ptestkh02", "ptestkh03"}),
    ],
)
def test_deputy_titles_list_the_deputies(web_directory, unit_people, query, title, uids):
    page = search_people(web_directory, query, per_page=20)
    deputies = [p for p in page.people if p.title == title]
    assert deputies == page.people[: len(deputies)] and uids <= {p.uid for p in deputies}
    assert all(p.title.startswith("Phó") for p in page.people)


@pytest.mark.parametrize("query", ["nguyễn văn an bộ tài chính", "bo tai chinh nguyen van an",
                                   "nguyen van an bo tc"])  # fmt: skip
def test_name_and_unit_narrow_to_the_unit(web_directory, unit_people, query):
    page = search_people(web_directory, query, per_page=100)
    assert BTC_AN in [p.uid for p in page.people[:3]], query
    assert all("BTC" in p.unit_path for p in page.people)
    assert page.people[0].name == "Nguyễn Văn An"


def test_a_reading_that_finds_nobody_gives_way_to_the_next(web_directory, unit_people):
    # "Văn Hải" is also the old name of a commune of Nghệ An: read first as that commune
    # with "ngô" and "ubnd" left over, it finds nobody; the province's reading finds him.
    page = search_people(web_directory, "ngo van hai ubnd tinh nghe an", per_page=10)
    assert page.people[0].uid == NGHE_AN_HAI and [u.code for u in page.units] == ["40"]


def test_a_scope_keeps_the_units_inside_it(web_directory, unit_people):
    everywhere = search_people(web_directory, "so noi vu", per_page=5)
    assert everywhere.units_total == 34 and len(everywhere.units) == 5
    hanoi = search_people(web_directory, "so noi vu", unit_code="01", per_page=50)
    assert [u.code for u in hanoi.units] == ["01-SNV"]
    assert hanoi.people and all(p.unit_code == "01-SNV" for p in hanoi.people)


def test_a_name_that_is_also_a_unit_place_still_finds_names_first(web_directory):
    # "Thanh Hoa" is a given name and Tỉnh Thanh Hóa: names first, no unit block.
    page = search_people(web_directory, "nguyen thanh hoa", per_page=5)
    assert page.units == []
    page = search_people(web_directory, "thanh hoa", per_page=5)
    assert "38" in [u.code for u in page.units]


def test_a_title_in_every_commune_s_division_is_searched_by_the_division_s_name(web_directory):
    # "phòng kinh tế" names some 2,600 divisions: too many to list as codes in a filter, so
    # the people directly in them are found by the name they all share.
    page = search_people(web_directory, "chuyen vien phong kinh te", per_page=100)
    assert page.units_total > 1000 and page.people
    units = web_directory.units()
    assert all(units[p.unit_code].name == "Phòng Kinh tế" for p in page.people)
    titled = [p for p in page.people if p.title.startswith("Chuyên viên")]
    assert titled and titled == page.people[: len(titled)]
