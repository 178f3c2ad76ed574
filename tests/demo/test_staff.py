"""Tests for the synthetic staff generator, its name data and the title rank order."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict

import pytest

from directory_service.demo import names
from directory_service.demo.staff import (
    MAIL_STYLES,
    generate_people,
    local_part,
    mail_style,
    unit_levels,
)
from directory_service.model import BRANCH, MINISTRY, Unit
from directory_service.reference.positions import UNKNOWN_RANK, leader_slots, title_rank
from directory_service.reference.tree import build_tree


def small_tree() -> list[Unit]:
    """Return a hand-built miniature national tree: a ministry, a city, two communes."""
    return [
        Unit("TW", "Cơ quan Trung ương", "nhanh", None, "gov.vn"),
        Unit("DP", "Chính quyền địa phương", "nhanh", None, "gov.vn"),
        Unit("BTP", "Bộ Tư pháp", "bo", "TW", "moj.gov.vn"),
        Unit("BTP-VP", "Văn phòng Bộ", "van-phong", "BTP", "moj.gov.vn"),
        Unit("BTP-PC", "Vụ Pháp chế", "vu", "BTP", "moj.gov.vn"),
        Unit("BTP-TT", "Thanh tra Bộ", "thanh-tra", "BTP", "moj.gov.vn"),
        Unit("BTP-CHT", "Cục Hộ tịch, quốc tịch, chứng thực", "cuc", "BTP", "moj.gov.vn"),
        Unit("NHNN", "Ngân hàng Nhà nước Việt Nam", "ngang-bo", "TW", "sbv.gov.vn"),
        Unit("01", "Thành phố Hà Nội", "thanh-pho", "DP", "hanoi.gov.vn", admin_code="01"),
        Unit("01-VP", "Văn phòng UBND thành phố", "van-phong", "01", "hanoi.gov.vn"),
        Unit("01-STP", "Sở Tư pháp", "so", "01", "hanoi.gov.vn"),
        Unit("00004", "Phường Ba Đình", "phuong", "01", "hanoi.gov.vn", admin_code="00004"),
        Unit("00004-VP", "Văn phòng HĐND và UBND", "van-phong", "00004", "hanoi.gov.vn"),
        Unit("00004-PKT", "Phòng Kinh tế, Hạ tầng và Đô thị", "phong", "00004", "hanoi.gov.vn"),
        Unit("00376", "Xã Sóc Sơn", "xa", "01", "hanoi.gov.vn", admin_code="00376"),
        Unit("00376-TT", "Trung tâm Phục vụ hành chính công", "trung-tam", "00376"),
    ]


def assert_top_posts_then_staff(units: list[Unit], people) -> dict[str, list[str]]:
    """Check each unit's people hold its top k posts, then staff titles; return titles by unit."""
    unit = {u.code: u for u in units}
    levels = unit_levels(units)
    by_unit = defaultdict(list)
    for p in people:
        by_unit[p.unit_code].append(p.title)
    for code, titles in by_unit.items():
        posts = leader_slots(unit[code], levels[code])
        k = min(len(titles), len(posts))
        assert titles[:k] == posts[:k], code  # its top k posts, most senior first
        assert all(title_rank(t) > max(map(title_rank, posts), default=0) for t in titles[k:])
    return by_unit


def as_rows(people) -> list[tuple]:
    """Return people as plain tuples, for comparing whole outputs."""
    return [
        (p.uid, p.family, p.middle, p.given, p.unit_code, p.title, tuple(p.mail), p.phone, p.gender)
        for p in people
    ]


@pytest.fixture(scope="module")
def sample():
    """Return 20,000 people over the small tree with seed 7."""
    return list(generate_people(small_tree(), 20_000, seed=7))


def test_generator_streams():
    people = generate_people(small_tree(), 10)
    assert iter(people) is people
    assert not isinstance(people, list | tuple)


def test_same_seed_same_people_and_other_seed_differs():
    first = as_rows(generate_people(small_tree(), 3_000, seed=42))
    assert first == as_rows(generate_people(small_tree(), 3_000, seed=42))
    other = as_rows(generate_people(small_tree(), 3_000, seed=43))
    assert first != other
    assert {r[0] for r in first}.isdisjoint({r[0] for r in other})


@pytest.mark.parametrize("count", [0, 1, 7, 40, 41, 999, 5_003])
def test_count_is_exact(count):
    assert sum(1 for _ in generate_people(small_tree(), count, seed=3)) == count


def test_uids_unique_and_shaped(sample):
    uids = [p.uid for p in sample]
    assert len(set(uids)) == len(uids)
    assert all(re.fullmatch(r"p[0-9a-z]{9}", u) for u in uids)


def test_mail_unique_per_domain_and_on_the_units_domain(sample):
    domain_of = {u.code: u.domain for u in small_tree()}
    domain_of["00376-TT"] = "hanoi.gov.vn"  # no domain of its own: inherits its commune's
    seen = set()
    for p in sample:
        assert len(p.mail) == 1
        local, domain = p.mail[0].split("@")
        assert domain == domain_of[p.unit_code]
        assert re.fullmatch(r"[a-z]+(\.[a-z]+)?[0-9]*", local), local
        assert p.mail[0] not in seen
        seen.add(p.mail[0])


def test_clashes_numbered_from_two_without_gaps():
    tiny = [Unit("X1-PKT", "Phòng Kinh tế", "phong", None, "tiny.gov.vn")]
    mails = [p.mail[0] for p in generate_people(tiny, 3_000, seed=5)]
    assert len(set(mails)) == len(mails)
    numbers = defaultdict(list)
    for mail in mails:
        base, number = re.fullmatch(r"([a-z.]+)([0-9]*)@tiny\.gov\.vn", mail).groups()
        numbers[base].append(int(number) if number else 1)
    assert max(max(n) for n in numbers.values()) > 2  # clashes did happen
    for base, taken in numbers.items():
        assert taken == list(range(1, len(taken) + 1)), base  # first plain, then 2, 3, ...


def test_local_part_styles_fold_d_with_stroke():
    assert local_part("Nguyễn", "Văn", "An", "annv") == "annv"
    assert local_part("Nguyễn", "Văn", "An", "nvan") == "nvan"
    assert local_part("Nguyễn", "Văn", "An", "nguyenvanan") == "nguyenvanan"
    assert local_part("Nguyễn", "Văn", "An", "an.nguyenvan") == "an.nguyenvan"
    assert local_part("Đặng", "Đình", "Đức", "annv") == "ducdd"
    assert local_part("Đỗ", "Thị Thu", "Hằng", "annv") == "hangdtt"
    assert local_part("Đoàn", "Thị Thùy", "Dương", "nguyenvanan") == "doanthithuyduong"
    with pytest.raises(ValueError):
        local_part("Lê", "Văn", "Tám", "tamlv")


def test_generated_mail_folds_d(sample):
    people_with_d = [p for p in sample if "đ" in p.full_name.lower()]
    assert people_with_d
    assert all(p.mail[0].isascii() and "đ" not in p.mail[0] for p in people_with_d)


def test_mail_style_is_fixed_per_domain_and_mostly_annv():
    assert mail_style("moj.gov.vn", 1) == mail_style("MOJ.gov.vn", 1)
    styles = Counter(mail_style(f"d{i}.gov.vn", 1) for i in range(400))
    assert set(styles) <= set(MAIL_STYLES)
    assert styles.most_common(1)[0][0] == "annv"


def test_family_name_frequencies(sample):
    families = Counter(p.family for p in sample)
    share = families["Nguyễn"] / len(sample)
    assert 0.33 <= share <= 0.43
    assert families["Trần"] > families["Hoàng"] > families["Lý"]
    assert len(families) > 30


def test_gender_roughly_half_and_middle_names_by_gender(sample):
    women = [p for p in sample if p.gender == "F"]
    assert 0.4 <= len(women) / len(sample) <= 0.6
    assert {p.gender for p in sample} == {"F", "M"}
    assert sum(p.middle.startswith("Thị") for p in women) > len(women) / 3
    men = [p for p in sample if p.gender == "M"]
    assert not any(p.middle.startswith("Thị") for p in men)
    assert sum(" " in p.middle for p in women) > len(women) / 10


def test_names_are_nfc(sample):
    for rows in (names.FAMILY_NAMES, names.MALE_GIVEN_NAMES, names.FEMALE_MIDDLE_NAMES):
        assert all(unicodedata.is_normalized("NFC", name) for name, _ in rows)
    for p in sample:
        for text in (p.family, p.middle, p.given, p.title):
            assert unicodedata.is_normalized("NFC", text)


def test_names_vary(sample):
    full_names = Counter(p.full_name for p in sample)
    assert len(full_names) > len(sample) / 4
    assert full_names.most_common(1)[0][1] < len(sample) / 100


def test_phones_look_vietnamese(sample):
    phones = [p.phone for p in sample if p.phone]
    assert 0.5 * len(sample) < len(phones) < len(sample)
    for phone in phones:
        assert re.fullmatch(r"0\d{2,3} 3\d{3} \d{3,4}|0[3789]\d{2} \d{3} \d{3}", phone), phone


def test_leaders_first_when_count_allows():
    units = small_tree()
    people = list(generate_people(units, 2_000, seed=1))  # full scale: every post is filled
    titles = Counter(p.title for p in people)
    assert titles["Bộ trưởng"] == 1
    assert titles["Thống đốc"] == 1
    assert titles["Chủ tịch UBND thành phố"] == 1
    assert titles["Chủ tịch UBND xã"] == 1
    minister = next(p for p in people if p.title == "Bộ trưởng")
    assert minister.unit_code == "BTP"
    by_unit = defaultdict(list)
    for p in people:
        by_unit[p.unit_code].append(p.title)
    unit = {u.code: u for u in units}
    levels = unit_levels(units)
    assert levels["00376-TT"] == levels["00004-PKT"] == "commune"
    for code, unit_titles in by_unit.items():
        posts = leader_slots(unit[code], levels[code])
        assert unit_titles[: len(posts)] == posts, code  # every post filled, leaders first
    assert not by_unit.get("TW") and not by_unit.get("DP")  # branches hold nobody


@pytest.mark.parametrize("count", [1, 3, 7, 40, 300, 1_000])
def test_below_full_scale_units_hold_their_top_posts_then_staff(count):
    units = small_tree()  # fully staffed at about 1,700 people (72 posts)
    people = list(generate_people(units, count, seed=2))
    assert len(people) == count
    by_unit = assert_top_posts_then_staff(units, people)
    parent = {u.code: u.parent for u in units if u.type != BRANCH}
    for code in by_unit:  # every unit above one with people has its head
        assert parent[code] is None or parent[code] in by_unit or parent[code] in ("TW", "DP")
    ministry = next(u for u in units if u.code == "BTP")
    assert len(by_unit["BTP"]) <= len(leader_slots(ministry))  # a Bộ holds leaders only


def test_few_people_are_heads_not_staff():
    people = list(generate_people(small_tree(), 3, seed=1))
    assert all(title_rank(p.title) < title_rank("Chuyên viên cao cấp") for p in people)


def test_small_directory_reproducible_with_unique_uids_and_mail():
    first = as_rows(generate_people(small_tree(), 500, seed=11))
    assert first == as_rows(generate_people(small_tree(), 500, seed=11))
    assert first != as_rows(generate_people(small_tree(), 500, seed=12))
    assert len({r[0] for r in first}) == len({r[6] for r in first}) == len(first) == 500


def test_small_directory_mixes_leaders_and_staff():
    people = list(generate_people(small_tree(), 300, seed=1))
    titles = Counter(p.title for p in people)
    assert titles["Chuyên viên"] > 0
    assert titles["Bộ trưởng"] == 1  # its Vụ, Cục and office carry weight, so it is present


@pytest.fixture(scope="module")
def national():
    """Return the real national tree and 3,000 people generated over it with seed 7."""
    units = list(build_tree())
    return units, list(generate_people(units, 3_000, seed=7))


def test_small_national_directory_is_mostly_ordinary_staff(national):
    units, people = national
    assert len(people) == 3_000
    levels = unit_levels(units)
    posts = {u.code: leader_slots(u, levels[u.code]) for u in units}
    staff = [p for p in people if p.title not in posts[p.unit_code]]
    assert len(staff) >= 0.4 * len(people)
    assert all(title_rank(p.title) >= title_rank("Chuyên viên cao cấp") for p in staff)
    titles = Counter(p.title for p in people)
    assert titles["Chuyên viên"] > 0 and sum(t.startswith("Công chức") for t in titles) > 0
    assert_top_posts_then_staff(units, people)


def test_small_national_directory_keeps_ministers_and_chairs(national):
    units, people = national
    children = Counter(u.parent for u in units if u.type in ("cuc", "vu"))
    ministries = [u for u in units if u.type == MINISTRY]
    heaviest = max(ministries, key=lambda u: (children[u.code], u.code))
    held = Counter((p.unit_code, p.title) for p in people)
    assert held[heaviest.code, "Bộ trưởng"] == 1
    assert all(held[m.code, "Bộ trưởng"] == 1 for m in ministries)
    for u in units:
        if u.type in ("tinh", "thanh-pho"):
            assert held[u.code, leader_slots(u)[0]] == 1, u.code


def test_staff_goes_mostly_to_ministry_units_and_departments(sample):
    per_unit = Counter(p.unit_code for p in sample)
    assert per_unit["BTP-CHT"] > per_unit["BTP-PC"] > per_unit["00004-PKT"]
    assert per_unit["01-STP"] > 10 * per_unit["00004-VP"]


def test_units_without_any_domain_are_refused():
    with pytest.raises(ValueError):
        list(generate_people([Unit("X", "Vụ X", "vu")], 5))
    with pytest.raises(ValueError):
        generate_people(small_tree(), -1)


def test_title_rank_order():
    order = ["Bộ trưởng", "Thứ trưởng", "Vụ trưởng", "Phó Vụ trưởng", "Chuyên viên"]
    assert [title_rank(t) for t in order] == sorted(title_rank(t) for t in order)
    assert len({title_rank(t) for t in order}) == len(order)
    commune = ["Chủ tịch UBND xã", "Phó Chủ tịch UBND xã", "Trưởng phòng"]
    assert title_rank(commune[0]) < title_rank(commune[1]) < title_rank(commune[2])
    ladder = [
        "Giám đốc Trung tâm",
        "Trưởng phòng",
        "Phó Trưởng phòng",
        "Chuyên viên cao cấp",
        "Chuyên viên chính",
        "Chuyên viên",
        "Cán sự",
        "Văn thư",
    ]
    assert [title_rank(t) for t in ladder] == sorted(title_rank(t) for t in ladder)
    province = ["Chủ tịch UBND tỉnh", "Phó Chủ tịch UBND tỉnh", "Giám đốc Sở", "Phó Giám đốc Sở"]
    assert [title_rank(t) for t in province] == sorted(title_rank(t) for t in province)
    assert title_rank("Phó Vụ trưởng") < title_rank("Giám đốc Trung tâm")


def test_title_rank_is_tolerant():
    assert title_rank("Phó Giám đốc Sở Tư pháp") == title_rank("Phó Giám đốc Sở")
    assert title_rank("PHÓ GIÁM ĐỐC SỞ") == title_rank("phó giám đốc sở")
    assert title_rank("Chủ tịch Ủy ban nhân dân xã Tân An") == title_rank("Chủ tịch UBND xã")
    assert title_rank("Chủ tịch Uỷ ban nhân dân xã") == title_rank("Chủ tịch UBND xã")
    assert title_rank("Vụ trưởng Vụ Pháp chế") == title_rank("Vụ trưởng")
    assert title_rank("Chuyên viên chính") < title_rank("Chuyên viên")
    assert title_rank("Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ") == title_rank("Bộ trưởng")
    assert title_rank("Phó Giám đốc Sở") < title_rank("Giám đốc Trung tâm")
    assert title_rank("Thủ quỹ") == title_rank("") == UNKNOWN_RANK
    assert title_rank("Văn thư") < UNKNOWN_RANK
