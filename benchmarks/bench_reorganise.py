"""Benchmark `govdir reorganise` on the legacy demo against plain slapcat + slapadd of its data.

    python benchmarks/bench_reorganise.py [--people N] [--seed S] [--sample K] [--work-dir DIR]

Measures, in one run and on one machine:
1. building the legacy demo (63 provinces, districts, communes and N synthetic people);
2. the online alternative, on K people of the legacy branch: a moddn to another unit and a
   modify of the values a person takes from their unit (what an online reorganisation does to
   each person), one durable commit per operation, then in LDAP transactions of 100 people;
   the rate is extrapolated to the people the reorganisation moves;
3. the raw tool: plain `slapcat` of the database to a file, then `slapadd -q` of that file into
   a fresh instance;
4. `govdir reorganise` (its reorganise function) of the same database, end to end: slapcat,
   rewrite, slapadd under a fresh cn=config, the report;
and prints each time and the ratio of (4) to (3).
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ldap  # noqa: E402
from raw_tools import count_people, time_slapadd  # noqa: E402

from directory_service.directory.transactions import transaction  # noqa: E402
from directory_service.reorganising import reorganise  # noqa: E402
from directory_service.server.config import SlapdLayout  # noqa: E402
from directory_service.server.slapd import Slapd, find_binary, free_ports, hash_password  # noqa: E402
from directory_service.server.up import prepare  # noqa: E402

TXN_PEOPLE = 100


def legacy_people(conn, base_dn: str, count: int) -> list[tuple[str, list[bytes]]]:
    """Return the DN and unit path of count people under legacy districts and communes."""
    out: list[tuple[str, list[bytes]]] = []
    msgid = conn.search_ext(
        f"govdirUnitCode=DP,{base_dn}", ldap.SCOPE_SUBTREE,
        "(objectClass=govdirPerson)", ["govdirUnitPath"],
    )  # fmt: skip
    while len(out) < count:
        kind, data, *_ = conn.result3(msgid, all=0)
        if kind == ldap.RES_SEARCH_RESULT:
            break
        out += [(dn, a["govdirUnitPath"]) for dn, a in data if len(a["govdirUnitPath"]) >= 4]
    conn.abandon(msgid)
    return out[:count]


def _changes(dn: str, path: list[bytes]) -> tuple[str, str, list]:
    """Return a person's RDN, new parent (their province's office) and unit values."""
    rdn, parent = dn.split(",", 1)
    province = path[1].decode()
    office = f"{province}-VP"
    branch = parent.split(f"govdirUnitCode={province},", 1)[1]
    new_parent = f"govdirUnitCode={office},govdirUnitCode={province},{branch}"
    values = [
        (ldap.MOD_REPLACE, "govdirUnitCode", [office.encode()]),
        (ldap.MOD_REPLACE, "govdirUnitPath", [b"DP", province.encode(), office.encode()]),
    ]
    return rdn, new_parent, values


def online_rates(slapd: Slapd, state, sample: int) -> tuple[float, float | None]:
    """Return people/s moved online: one commit per operation, then transactions of 100."""
    conn = ldap.initialize(slapd.uri)
    conn.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    people = legacy_people(conn, state.base_dn, 2 * sample)
    serial, batched = people[:sample], people[sample:]
    t0 = time.perf_counter()
    for dn, path in serial:
        rdn, parent, values = _changes(dn, path)
        conn.rename_s(dn, rdn, parent)
        conn.modify_s(f"{rdn},{parent}", values)
    serial_rate = len(serial) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    try:
        for start in range(0, len(batched), TXN_PEOPLE):
            with transaction(conn) as txn:
                for dn, path in batched[start : start + TXN_PEOPLE]:
                    rdn, parent, values = _changes(dn, path)
                    # The values first, on the DN the entry has when the transaction starts.
                    txn.modify(dn, values)
                    txn.pending.append(conn.rename(dn, rdn, parent, serverctrls=txn.controls))
    except (ldap.SERVER_DOWN, ldap.NO_SUCH_OBJECT):
        return serial_rate, None  # slapd 2.5.13 refuses it, or dies
    batched_rate = len(batched) / (time.perf_counter() - t0)
    conn.unbind_s()
    return serial_rate, batched_rate


def raw_dump_and_load(slapd: Slapd, state, work: Path) -> tuple[float, float, int]:
    """Return seconds of plain slapcat to a file and slapadd -q of it, and the file's size."""
    dump = work / "raw.ldif"
    t0 = time.perf_counter()
    with open(dump, "wb") as out:
        subprocess.run(
            [find_binary("slapcat"), "-n1", "-F", str(slapd.layout.config_dir),
             "-o", "ldif-wrap=no"],
            stdout=out, check=True,
        )  # fmt: skip
    slapcat = time.perf_counter() - t0
    fresh = Slapd(SlapdLayout(work / "raw", state.base_dn), 0)
    fresh.initialise(hash_password(state.admin_password))
    slapadd = time_slapadd(fresh, dump)
    size = dump.stat().st_size
    dump.unlink()
    shutil.rmtree(work / "raw")
    return slapcat, slapadd, size


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=2000, help="people moved online, each way")
    parser.add_argument("--work-dir", help="keep the instances here (default: a temporary one)")
    args = parser.parse_args()
    work = Path(args.work_dir or tempfile.mkdtemp(prefix="bench-reorganise-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.machine()}, {platform.python_version()}, work dir {work}")
    data_dir = work / "legacy"
    ldap_port, ldaps_port = free_ports(2)
    t0 = time.perf_counter()
    state, slapd = prepare(data_dir, ldap_port, ldaps_port, args.people, structure="legacy",
                           seed=args.seed, quiet=True)  # fmt: skip
    print(f"legacy demo with {args.people:,} people: built in {time.perf_counter() - t0:.0f} s")

    slapd.start()
    try:
        serial, batched = online_rates(slapd, state, args.sample)
    finally:
        slapd.stop()
    txn = f"{batched:,.0f} people/s" if batched else "failed (moddn in a transaction)"
    print(f"online, {args.sample:,} people each: moddn + modify {serial:,.0f} people/s; "
          f"in transactions of {TXN_PEOPLE} people: {txn}")  # fmt: skip

    slapcat, slapadd, size = raw_dump_and_load(slapd, state, work)
    raw = slapcat + slapadd
    print(f"raw tool: slapcat {slapcat:.0f} s ({size / 2**20:,.0f} MiB) + slapadd -q "
          f"{slapadd:.0f} s = {raw:.0f} s")  # fmt: skip

    marks: list[tuple[float, str]] = []
    t0 = time.perf_counter()
    outcome = reorganise(
        slapd, hash_password(state.admin_password), state.require_tls, work / "report.xlsx",
        say=lambda line: marks.append((time.perf_counter() - t0, line)),
    )  # fmt: skip
    ours = time.perf_counter() - t0
    for at, line in marks:
        print(f"  {at:7.1f} s  {line}")
    print(f"govdir reorganise: {ours:.0f} s ({ours / 60:.1f} min); {outcome.moved:,} entries "
          f"moved, {outcome.entries:,} entries written, {len(outcome.plan.moves):,} legacy "
          f"units, {outcome.rights} rights dropped")  # fmt: skip
    people = count_people(slapd)
    print(f"people after: {people:,}")
    for name, rate in (("serial", serial), ("transactions", batched)):
        if rate:
            print(f"online estimate ({name}) for {outcome.moved:,} moves: "
                  f"{outcome.moved / rate / 60:.0f} min")  # fmt: skip
    print(f"ratio, reorganise / (slapcat + slapadd): {ours / raw:.2f}x")
    if not args.work_dir:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
