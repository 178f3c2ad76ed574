"""Planning and applying imports against a real slapd: adds, modifies, moves, retires, failures."""

from __future__ import annotations

import dataclasses

import ldap

from directory_service.importing.apply import apply_plan
from directory_service.importing.online import failure_issues
from directory_service.importing.plan import make_plan
from directory_service.importing.rows import Record


def people(n: int, unit: str = "01-SNV", start: int = 0) -> list[Record]:
    """Return n synthetic records in a unit."""
    family = ["Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
    middle = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Thu", "Quốc", "Hữu", "Thanh", "Kim"]
    given = ["An", "Bình", "Cường", "Dũng", "Đức", "Hà", "Hương", "Lan", "Minh", "Thủy"]
    return [  # distinct names: i's three digits pick family, middle and given name
        Record(row=i - start + 2, family=family[i // 100 % 10], middle=middle[i // 10 % 10],
               given=given[i % 10], title="Chuyên viên", unit_code=unit,
               mail=[f"nv{i}.snv@hanoi.gov.vn"])
        for i in range(start, start + n)
    ]  # fmt: skip


def status_of(directory, mail: str) -> tuple[str, str, str]:
    entries, _ = directory.search(f"(mail={mail})", ["title", "govdirUnitCode", "govdirStatus"])
    [(_, a)] = entries
    return tuple(a[k][0].decode() for k in ("title", "govdirUnitCode", "govdirStatus"))


def test_add_then_rerun_is_idempotent(import_directory, admin_conn):
    records = people(250)
    plan = make_plan(import_directory, "01", records)
    assert plan.count("add") == 250 and plan.count("modify") == 0
    result = apply_plan(admin_conn, plan, batch=100)
    assert result.applied == {"add": 250} and not result.failures
    assert result.commits == 250  # one durable write each: transactions are opt-in
    again = make_plan(import_directory, "01", records)
    assert again.is_empty and again.unchanged == 250


def test_modify_move_and_retire(import_directory, admin_conn):
    records = people(20, start=400)
    apply_plan(admin_conn, make_plan(import_directory, "01", records))
    changed = list(records)
    changed[0] = dataclasses.replace(records[0], title="Phó Trưởng phòng")
    changed[1] = dataclasses.replace(records[1], unit_code="01-STP")
    del changed[2]
    plan = make_plan(import_directory, "01", changed, retire=True)
    kinds = sorted(c.kind for c in plan.changes)
    assert kinds.count("modify") == 2 and kinds.count("move") == 1
    assert kinds.count("retire") >= 1
    apply_plan(admin_conn, plan)
    assert status_of(import_directory, records[0].mail[0]) == (
        "Phó Trưởng phòng",
        "01-SNV",
        "active",
    )
    assert status_of(import_directory, records[1].mail[0])[1] == "01-STP"
    assert status_of(import_directory, records[2].mail[0])[2] == "left"  # marked, not deleted
    assert make_plan(import_directory, "01", changed, retire=True).is_empty


def test_a_refused_entry_is_isolated_and_its_batch_still_lands(import_directory, admin_conn):
    records = people(30, start=500)
    plan = make_plan(import_directory, "01", records)
    bad = plan.changes[7]
    bad.attrs["govdirStatus"] = [b"active", b"twice"]  # single-valued: slapd refuses the entry
    result = apply_plan(admin_conn, plan, batch=10)
    assert [f.change.row for f in result.failures] == [bad.row]
    error = result.failures[0].error  # slapd's own words: "... govdirStatus: multiple values ..."
    assert "govdirStatus" in error and "multiple values" in error, error
    assert result.applied == {"add": 29}
    [line] = failure_issues(result)  # the report line: its row, slapd's words, and a way out
    assert (
        line.row == bad.row
        and error in line.reason_en
        and "import the file again" in line.suggestion
    )
    with_bad_fixed = make_plan(import_directory, "01", records)
    assert with_bad_fixed.count("add") == 1  # only the refused one is still to do


def test_plan_stays_inside_the_target_unit(import_directory, admin_conn):
    apply_plan(admin_conn, make_plan(import_directory, "79", people(5, unit="79-SNV", start=600)))
    [(outside, _)] = admin_conn.search_s(
        "dc=gov,dc=vn", ldap.SCOPE_SUBTREE, "(mail=nv600.snv@hanoi.gov.vn)", ["1.1"]
    )
    assert ",govdirUnitCode=79-SNV,govdirUnitCode=79," in outside  # there, not listed for 01
    plan = make_plan(import_directory, "01", people(3, start=700), retire=True)
    retired = {c.dn for c in plan.changes if c.kind == "retire"}
    hanoi = "," + import_directory.unit("01").dn
    assert retired and all(dn.endswith(hanoi) for dn in retired)  # 01's earlier people
    assert all(",govdirUnitCode=79," not in c.dn for c in plan.changes)
    assert len(plan.changes) == 3 + len(retired)  # three adds; no other unit's people touched


def test_derived_values_follow_the_name_and_the_unit(import_directory, admin_conn):
    records = people(2, start=700)
    apply_plan(admin_conn, make_plan(import_directory, "01", records))
    changed = [
        dataclasses.replace(records[0], given="Đào"),  # a new name: its folded forms follow
        dataclasses.replace(records[1], unit_code="01-STP"),  # a new unit: ou, path follow
    ]
    plan = make_plan(import_directory, "01", changed)
    apply_plan(admin_conn, plan)
    attrs = ["cn", "govdirNameWord", "ou", "govdirUnitPath"]
    [(_, renamed)] = import_directory.search(f"(mail={records[0].mail[0]})", attrs)[0]
    [(_, moved)] = import_directory.search(f"(mail={records[1].mail[0]})", attrs)[0]
    assert b"dao" in renamed["govdirNameWord"]
    assert any(v.decode().lower().endswith(" dao") for v in renamed["cn"])
    assert moved["ou"][0].decode() == import_directory.unit("01-STP").name
    assert b"01-STP" in moved["govdirUnitPath"] and b"01-SNV" not in moved["govdirUnitPath"]
    assert make_plan(import_directory, "01", changed).is_empty
