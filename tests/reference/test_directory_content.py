"""What the loaded demo directory holds: the whole national tree, the demo staff, stored NFC."""

from __future__ import annotations

import unicodedata

import ldap.filter

from directory_service.entries.build import full_name_values, name_values
from directory_service.reference.admin_units import communes, provinces
from directory_service.text import fold_key
from tests.conftest import TEST_PEOPLE


def test_every_province_and_commune_is_reachable_by_code(admin_directory):
    units = admin_directory.units()
    province_codes = {p.code for p in provinces("2025")}
    commune_codes = {c.code for c in communes("2025")}
    assert len(province_codes) == 34 and len(commune_codes) == 3321
    assert province_codes <= units.keys() and commune_codes <= units.keys()
    for code in ("01", "79", "00004"):
        filt = ldap.filter.filter_format("(&(objectClass=govdirUnit)(govdirUnitCode=%s))", [code])
        entries, _ = admin_directory.search(filt, ["govdirUnitCode"])
        assert [e[1]["govdirUnitCode"] for e in entries] == [[code.encode()]]
    hanoi = units["01"]
    assert hanoi.name == "Thành phố Hà Nội" and hanoi.dn.startswith("govdirUnitCode=01,")


def test_units_have_names_types_and_codes_as_rdn(admin_directory):
    entries, _ = admin_directory.search(
        "(&(objectClass=govdirUnit)(govdirUnitCode=00004))",
        ["ou", "govdirUnitType", "govdirUnitPath", "mail"],
    )
    [(dn, attrs)] = entries
    assert dn.startswith("govdirUnitCode=00004,govdirUnitCode=01,govdirUnitCode=DP,")
    names = [v.decode() for v in attrs["ou"]]
    assert names[0] == "Phường Ba Đình" and names[1] == "Phuong Ba Dinh"
    assert attrs["govdirUnitType"] == [b"phuong"]
    assert [v.decode() for v in attrs["govdirUnitPath"]] == ["DP", "01", "00004"]


def test_all_demo_people_are_loaded_nfc_with_folded_second_values(admin_directory):
    entries, truncated = admin_directory.search(
        "(objectClass=govdirPerson)", ["uid", "cn", "sn", "givenName", "mail", "displayName"]
    )
    # Other tests add people of their own, all with uids starting "ptest".
    entries = [(dn, a) for dn, a in entries if not a["uid"][0].startswith(b"ptest")]
    assert not truncated and len(entries) == TEST_PEOPLE
    folded_seen = 0
    for _, attrs in entries:
        cn = [v.decode() for v in attrs["cn"]]
        assert unicodedata.is_normalized("NFC", cn[0])
        assert tuple(cn[:2]) == name_values(cn[0])
        assert {fold_key(v) for v in cn} == {fold_key(cn[0])}  # every value is the same name
        assert attrs["displayName"] == attrs["cn"][:1]
        folded_seen += len(cn) >= 2
        assert all(m.decode().isascii() for m in attrs["mail"])
    assert folded_seen > TEST_PEOPLE * 0.9


def test_name_values_folds_d_and_skips_equal_values():
    assert name_values("Đặng Văn Đức") == ("Đặng Văn Đức", "Dang Van Duc")
    assert name_values("An") == ("An",)
    assert name_values("Nguye\u0302\u0303n") == ("Nguyễn", "Nguyen")


def test_full_name_values_add_partly_accented_forms_for_mail_clients():
    assert full_name_values("Nguyễn", "Văn", "An") == (
        "Nguyễn Văn An",
        "Nguyen Van An",
        "Nguyễn Van An",
    )
    assert full_name_values("Phan", "", "Anh") == ("Phan Anh",)


def test_people_carry_their_folded_name_words(admin_directory, known_person):
    [(_, attrs)] = admin_directory.search("(uid=ptestannv01)", ["govdirNameWord"])[0]
    assert attrs["govdirNameWord"] == [b"nguyen", b"van", b"an"]
