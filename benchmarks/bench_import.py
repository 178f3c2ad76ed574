"""Benchmark online imports into a large directory against ldapadd on the same entries.

    python benchmarks/bench_import.py [--data-dir DIR] [--people N] [--reimport M]

Uses the instance in DIR (as bench_search.py builds it: 1,000,000 people), and:
1. picks three units of Hồ Chí Minh City that no earlier run imported into (so a rerun on the
   same instance adds people rather than matching the namesakes an earlier run left), writes
   N new people as an agency CSV for one and the same N as LDIF for another;
2. times `ldapadd -f` on the LDIF (one durable commit per entry) and `govdir import` on the CSV
   (read, normalise, plan, apply in transactions of 100), printing both rates and the ratio;
3. imports an M-row list, changes 1% of its rows, and times the re-import;
4. puts back the database as it was before the run (copied aside at the start), so that the
   instance keeps the 1,000,000 people bench_search.py measures, not more after each run.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ldap.filter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from directory_service.directory.settings import ConnectionSettings  # noqa: E402
from directory_service.directory.store import Directory  # noqa: E402
from directory_service.entries.ldif_text import ldif_chunks  # noqa: E402
from directory_service.importing.online import run_import  # noqa: E402
from directory_service.importing.plan import make_plan  # noqa: E402
from directory_service.importing.rows import Record  # noqa: E402
from directory_service.server.slapd import find_binary  # noqa: E402
from directory_service.server.up import prepare  # noqa: E402

FAMILY = ["Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Đức", "Ngọc", "Minh", "Thu", "Quốc", "Hữu", "Thanh", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Hà", "Hương", "Lan", "Minh", "Thủy"]


def person(i: int, tag: str) -> tuple[str, str, str, str]:
    """Return (family, middle, given, mail) of synthetic person i of a run.

    Three middle names keep them apart from the demo's people (who have at most two), so the
    importer adds them rather than matching someone of the same name in the unit.
    """
    middle = f"{MIDDLE[i // 1000 % 10]} {MIDDLE[i // 100 % 10]} {MIDDLE[i // 10000 % 10]}"
    return FAMILY[i // 10 % 10], middle, GIVEN[i % 10], f"b{tag}{i}@tphcm.gov.vn"


def fresh_units(directory: Directory, parent: str, n: int) -> list[str]:
    """Return the codes of n units under parent holding none of this benchmark's people."""
    units = directory.units()
    found = []
    for code in sorted(c for c, u in units.items() if parent in u.path and c != parent):
        if not unit_has_bench_people(directory, code):
            found.append(code)
            if len(found) == n:
                return found
    raise SystemExit(f"no {n} units under {parent} without benchmark people: rebuild {parent}")


BENCH_MAIL = re.compile(rb"^b[0-9a-f]{6}[lgr]\d+@tphcm\.gov\.vn$")  # see person()


def unit_has_bench_people(directory: Directory, code: str) -> bool:
    """Return whether an earlier run imported people into the unit (see BENCH_MAIL)."""
    filt = ldap.filter.filter_format("(&(govdirUnitCode=%s)(mail=b*@tphcm.gov.vn))", [code])
    entries, _ = directory.search(filt, ["mail"])
    return any(BENCH_MAIL.match(m) for _, attrs in entries for m in attrs.get("mail", []))


def snapshot(slapd) -> Path:
    """Copy the stopped instance's database aside (sparse, as LMDB leaves it); return the copy.

    A copy left by a run that did not finish is put back first, so every run starts from the
    instance as bench_search.py measured it.
    """
    db = slapd.layout.db_dir / "data.mdb"
    saved = db.with_name("data.mdb.before-bench-import")
    if saved.exists():
        put_back(slapd, saved)
    subprocess.run(["cp", "--sparse=always", str(db), str(saved)], check=True)
    return saved


def put_back(slapd, saved: Path) -> None:
    """Make a copy from snapshot() the stopped instance's database again."""
    os.replace(saved, slapd.layout.db_dir / "data.mdb")
    (slapd.layout.db_dir / "lock.mdb").unlink(missing_ok=True)  # LMDB makes a new one


def write_csv(path: Path, n: int, tag: str, unit: str, title: str = "Chuyên viên") -> None:
    """Write an agency list of n people in a unit."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Email"])
        for i in range(n):
            family, middle, given, mail = person(i, tag)
            w.writerow([i + 1, f"{family} {middle} {given}", title, unit, mail])


def main(argv: list[str] | None = None) -> int:
    """Run the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--reimport", type=int, default=50_000)
    parser.add_argument(
        "--keep", action="store_true", help="leave the imported people in the instance"
    )
    args = parser.parse_args(argv)
    state, slapd = prepare(Path(args.data_dir), demo_people=1_000_000)
    saved = None if args.keep else snapshot(slapd)
    slapd.start()
    tmp = Path(tempfile.mkdtemp(prefix="govdir-bench-import-"))
    try:
        admin = ConnectionSettings(slapd.uri, f"cn=admin,{state.base_dn}", state.admin_password,
                                   state.base_dn)  # fmt: skip
        directory = Directory(admin)
        units = directory.units()
        ldapadd_unit, import_unit, reimport_unit = fresh_units(directory, "79", 3)
        print(
            f"instance: {args.data_dir}; people to add: {args.people:,}; units "
            f"{ldapadd_unit} (ldapadd), {import_unit} (import), {reimport_unit} (re-import)"
        )
        tag = secrets.token_hex(3)

        # ldapadd on the LDIF of the same kind of people, into another unit.
        records = []
        for i in range(args.people):
            family, middle, given, mail = person(i, tag + "l")
            records.append(
                Record(i + 2, family, middle, given, "Chuyên viên", ldapadd_unit, [mail])
            )
        plan = make_plan(directory, ldapadd_unit, records)
        ldif_path = tmp / "people.ldif"
        adds = [(c.dn, c.attrs) for c in plan.changes if c.kind == "add"]
        with open(ldif_path, "wb") as f:
            for chunk in ldif_chunks(adds):
                f.write(chunk)
        t0 = time.perf_counter()
        subprocess.run(
            [find_binary("ldapadd"), "-x", "-H", slapd.uri, "-D", admin.bind_dn, "-w",
             admin.password, "-f", str(ldif_path)],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        ldapadd_s = time.perf_counter() - t0
        print(f"ldapadd -f:            {len(adds) / ldapadd_s:8,.0f} adds/s "
              f"({len(adds):,} in {ldapadd_s:.1f} s)")  # fmt: skip

        csv_path = tmp / "people.csv"
        write_csv(csv_path, args.people, tag + "g", units[import_unit].name)
        t0 = time.perf_counter()
        outcome = run_import(directory, csv_path, import_unit, writer=directory.connection(),
                             dry_run=False)  # fmt: skip
        import_s = time.perf_counter() - t0
        added = outcome.result.applied.get("add", 0)
        print(
            f"govdir import (all):   {added / import_s:8,.0f} adds/s ({import_s:.1f} s, "
            f"{outcome.result.commits:,} commits, {len(outcome.result.failures)} refused)"
        )
        if not adds or not added:
            raise SystemExit("nothing was added: the units already held these people")
        print(f"ratio govdir import / ldapadd: {added / import_s / (len(adds) / ldapadd_s):.2f}x")

        # A big agency list, re-imported with 1% of its rows changed.
        big = tmp / "big.csv"
        write_csv(big, args.reimport, tag + "r", units[reimport_unit].name)
        run_import(directory, big, reimport_unit, writer=directory.connection(), dry_run=False)
        rows = list(csv.reader(open(big, encoding="utf-8")))
        rng = random.Random(3)
        for i in rng.sample(range(1, len(rows)), max(1, args.reimport // 100)):
            rows[i][2] = "Chuyên viên chính"
        with open(big, "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
        t0 = time.perf_counter()
        outcome = run_import(directory, big, reimport_unit, writer=directory.connection(),
                             dry_run=False)  # fmt: skip
        re_s = time.perf_counter() - t0
        print(
            f"re-import {args.reimport:,} rows, 1% changed: {re_s:.1f} s, "
            f"{outcome.result.applied} applied, {outcome.plan.unchanged:,} unchanged"
        )
    finally:
        slapd.stop()
        if saved is not None:
            put_back(slapd, saved)
            print("put back the instance as it was before the run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
