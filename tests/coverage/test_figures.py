"""Coverage figures on a small tree with known answers."""

from __future__ import annotations

import ldap

from directory_service.coverage.figures import CENTRAL, COMMUNAL, PROVINCIAL, compute


def test_the_nation_counts_everyone_but_the_excluded_health_unit(small):
    national = compute(small["directory"]).national
    assert national.people == 7  # the doctor of the health unit is not counted
    assert (national.official, national.personal, national.invalid, national.other,
            national.no_address) == (3, 1, 1, 1, 1)  # fmt: skip
    assert national.units_with_people == 4  # two communes, a department, a ministry


def test_a_province_counts_its_communes_and_departments_and_not_its_hospital(small):
    directory = small["directory"]
    hanoi = compute(directory).by_code()["01"]
    under = [u for u in directory.units().values() if "01" in u.path]
    assert hanoi.level == PROVINCIAL and hanoi.people == 6
    assert hanoi.units_expected == len(under) - 1  # all but the hospital
    assert hanoi.units_with_people == 3
    assert "01-BVTEST" not in compute(directory).by_code()


def test_a_commune_shows_whether_its_leadership_and_mailbox_are_listed(small):
    directory = small["directory"]
    b_dn = directory.unit(small["b"]).dn
    [(_, before)] = small["conn"].search_s(b_dn, ldap.SCOPE_BASE, attrlist=["mail"])
    small["conn"].modify_s(b_dn, [(ldap.MOD_REPLACE, "mail", None)])
    directory.forget_units()
    try:
        figures = compute(directory).by_code()
    finally:
        small["conn"].modify_s(b_dn, [(ldap.MOD_REPLACE, "mail", before.get("mail"))])
        directory.forget_units()
    a, b = figures[small["a"]], figures[small["b"]]
    assert a.level == COMMUNAL and a.parent == "01"
    assert a.chair and a.vice_chair and a.leadership  # the council's chair is not counted
    assert b.chair and not b.vice_chair and not b.leadership
    assert a.mailbox and not b.mailbox
    assert a.people == 3 and b.invalid == 1


def test_a_ministry_is_a_central_agency_with_its_people(small):
    btc = compute(small["directory"]).by_code()["BTC"]
    assert btc.level == CENTRAL and btc.people == 1 and btc.official == 1


def test_the_figures_of_one_subtree_match_the_national_run(small):
    whole, hanoi = compute(small["directory"]), compute(small["directory"], within="01")
    assert hanoi.national.people == whole.by_code()["01"].people
    assert {f.code for f in hanoi.units} <= {f.code for f in whole.units}
    assert "BTC" not in hanoi.by_code()
