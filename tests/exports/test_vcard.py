"""vCard 4.0 cards of people: syntax, folding, escaping and round trips through vobject."""

from __future__ import annotations

import uuid

import vobject

from directory_service.directory.store import PersonInfo, UnitInfo
from directory_service.exports.vcard import people_vcards, person_uuid, person_vcard

HANOI = UnitInfo("01", "Thành phố Hà Nội", "thanh-pho", "govdirUnitCode=01", ("DP", "01"))
SNV = UnitInfo("01-SNV", "Sở Nội vụ", "so", "govdirUnitCode=01-SNV", ("DP", "01", "01-SNV"))
BA_DINH = UnitInfo("00004", "Phường Ba Đình", "phuong", "", ("DP", "01", "00004"))
PKT = UnitInfo(
    "00004-PKT", "Phòng Kinh tế, Hạ tầng và Đô thị", "phong", "", ("DP", "01", "00004", "00004-PKT")
)


def make_person(**changes) -> PersonInfo:
    """Return Nguyễn Văn An of Sở Nội vụ Hà Nội, with changes applied."""
    fields = dict(
        uid="ptestannv01", dn="uid=ptestannv01", name="Nguyễn Văn An", family="Nguyễn",
        middle="Văn", given="An", title="Chuyên viên", mail=["annv.snv@hanoi.gov.vn"],
        phone="024 3825 0000", unit_code="01-SNV", unit_path=("DP", "01", "01-SNV"),
        status="active", folded_names=["Nguyen Van An"],
    )  # fmt: skip
    fields.update(changes)
    return PersonInfo(**fields)


def parse_one(text: str):
    """Return the only vCard in text, parsed by vobject."""
    cards = list(vobject.readComponents(text))
    assert len(cards) == 1
    return cards[0]


def test_card_is_vcard_4_with_version_first():
    text = person_vcard(make_person(), [HANOI, SNV])
    lines = text.split("\r\n")
    assert lines[:2] == ["BEGIN:VCARD", "VERSION:4.0"]
    assert lines[-2:] == ["END:VCARD", ""]
    assert "VERSION:3.0" not in text and "INTERNET" not in text.upper()
    assert "KIND:individual" in lines


def test_every_line_ends_in_crlf():
    text = person_vcard(make_person(), [HANOI, SNV])
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")


def test_fields_round_trip_through_vobject():
    text = person_vcard(make_person(), [HANOI, SNV])
    card = parse_one(text)
    assert card.version.value == "4.0"
    assert card.fn.value == "Nguyễn Văn An"
    assert (card.n.value.family, card.n.value.given, card.n.value.additional) == (
        "Nguyễn", "An", "Văn",
    )  # fmt: skip
    assert card.email.value == "annv.snv@hanoi.gov.vn"
    assert card.email.params["TYPE"] == ["work"]
    assert card.tel.value == "024 3825 0000"
    assert card.tel.params["TYPE"] == ["work", "voice"]
    assert "TEL;TYPE=work,voice:024 3825 0000\r\n" in text
    assert card.title.value == "Chuyên viên"
    assert card.org.value == ["Thành phố Hà Nội", "Sở Nội vụ"]
    assert card.kind.value == "individual"


def test_org_line_is_the_unit_path():
    text = person_vcard(make_person(), [HANOI, SNV])
    assert "ORG:Thành phố Hà Nội;Sở Nội vụ\r\n" in text


def test_uid_is_a_stable_urn_uuid():
    card = parse_one(person_vcard(make_person()))
    value = card.uid.value
    assert value.startswith("urn:uuid:")
    assert uuid.UUID(value.removeprefix("urn:uuid:")) == person_uuid("ptestannv01")
    assert person_uuid("ptestannv01") == person_uuid("ptestannv01") != person_uuid("ptestannv02")
    assert person_uuid("ptestannv01").version == 5


def test_every_mail_is_a_work_email():
    person = make_person(mail=["annv.snv@hanoi.gov.vn", "an.nguyenvan@hanoi.gov.vn"])
    card = parse_one(person_vcard(person))
    assert [e.value for e in card.contents["email"]] == person.mail
    assert all(e.params["TYPE"] == ["work"] for e in card.contents["email"])


def test_missing_phone_title_and_units_are_left_out():
    text = person_vcard(make_person(phone=None, title=""))
    assert "TEL" not in text and "TITLE" not in text and "ORG" not in text
    assert parse_one(text).fn.value == "Nguyễn Văn An"


def test_d_with_stroke_and_every_tone_survive():
    person = make_person(
        name="Đặng Thị Ngọc Đức", family="Đặng", middle="Thị Ngọc", given="Đức",
        title="Phó Trưởng phòng", mail=["ducdtn@hanoi.gov.vn"],
    )  # fmt: skip
    card = parse_one(person_vcard(person, [HANOI, BA_DINH, PKT]))
    assert card.fn.value == "Đặng Thị Ngọc Đức"
    assert card.n.value.family == "Đặng" and card.n.value.additional == "Thị Ngọc"
    assert card.org.value == ["Thành phố Hà Nội", "Phường Ba Đình", PKT.name]


def test_commas_and_semicolons_are_escaped():
    person = make_person(title="Phó Giám đốc, phụ trách; kiêm nhiệm")
    text = person_vcard(person, [HANOI, PKT])
    assert "TITLE:Phó Giám đốc\\, phụ trách\\; kiêm nhiệm\r\n" in text
    assert "Phòng Kinh tế\\, Hạ tầng và Đô thị" in text
    card = parse_one(text)
    assert card.title.value == person.title
    assert card.org.value == ["Thành phố Hà Nội", PKT.name]


def test_long_lines_fold_at_75_octets_between_characters():
    # 50 characters but far more than 75 octets: vobject alone would not fold this line.
    long_title = "Phó Trưởng Ban Quản lý dự án đầu tư xây dựng công trình dân dụng và công nghiệp"
    person = make_person(title=long_title)
    text = person_vcard(person, [HANOI, BA_DINH, PKT])
    raw = text.encode("utf-8")
    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    for line in lines:
        line.decode("utf-8")  # no UTF-8 sequence is split across lines
    card = parse_one(text)
    assert card.title.value == long_title
    assert card.org.value == ["Thành phố Hà Nội", "Phường Ba Đình", PKT.name]


def test_short_line_with_many_accents_is_folded():
    name = "Đặng Đức Đạt Đạo Đẳng Đoàn Đồng Đường Đằng Đặng Đức Đạt Đạo Đẳng"
    assert len("FN:" + name) < 75 < len(("FN:" + name).encode())
    text = person_vcard(make_person(name=name))
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert parse_one(text).fn.value == name


def test_many_people_make_one_vcf():
    people = [make_person(uid=f"p{i}", mail=[f"p{i}@hanoi.gov.vn"]) for i in range(3)]
    text = people_vcards(people, lambda p: [HANOI, SNV])
    cards = list(vobject.readComponents(text))
    assert [c.email.value for c in cards] == [
        "p0@hanoi.gov.vn",
        "p1@hanoi.gov.vn",
        "p2@hanoi.gov.vn",
    ]
    assert all(c.version.value == "4.0" and c.org.value == ["Thành phố Hà Nội", "Sở Nội vụ"]
               for c in cards)  # fmt: skip
    assert len({c.uid.value for c in cards}) == 3
    assert people_vcards([]) == ""


def test_folded_names_stay_out_of_the_card():
    text = person_vcard(make_person(), [HANOI, SNV])
    assert "Nguyen" not in text and "Chuyen" not in text and "Ha Noi" not in text
