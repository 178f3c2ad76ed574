"""Benchmark the offline import of a big agency CSV against plain slapadd on the LDIF it produces.

    python benchmarks/bench_offline_import.py [--rows N] [--unit CODE] [--work-dir DIR]

Measures, in one run and on one machine:
1. writing an N-row CSV in the importer's column layout (synthetic people of the unit's subtree);
2. `govdir import CSV --unit CODE --offline` into a fresh instance holding only the tree (read,
   normalise, check, build entries, stream into slapadd -q), end to end, in a child process
   whose own peak memory is reported (slapadd's mapped database is not counted), with the CPU
   time the importer and slapadd each used;
3. plain `slapadd -q` of the LDIF that step 2 gave slapadd, into another fresh instance;
and prints rows/s and the ratio of (2) to (3).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from raw_tools import count_people, time_slapadd  # noqa: E402

from directory_service.demo.staff import generate_people  # noqa: E402
from directory_service.exports.ldif_export import HEADER  # noqa: E402
from directory_service.importing.offline import run_offline_import  # noqa: E402
from directory_service.reference.tree import build_tree  # noqa: E402
from directory_service.server.slapd import free_ports  # noqa: E402
from directory_service.server.up import prepare  # noqa: E402


def subtree_units(code: str) -> list:
    """Return the units of the 2025 tree inside the unit with this code, parents first."""
    units = build_tree("2025")
    inside = {code}
    out = []
    for unit in units:  # build_tree lists parents before children
        if unit.code == code or unit.parent in inside:
            inside.add(unit.code)
            out.append(unit)
    return out


def write_csv(path: Path, rows: int, code: str, seed: int) -> None:
    """Write an agency list of synthetic people in the importer's (and export's) layout."""
    units = subtree_units(code)
    names = {u.code: u.name for u in units}
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER[:-1])  # a first list has no UID column
        for n, p in enumerate(generate_people(units, rows, seed), 1):
            w.writerow([n, p.full_name, p.title, names[p.unit_code], p.unit_code,
                        "; ".join(p.mail), p.phone or ""])  # fmt: skip


def fresh(root: Path, name: str):
    """Return a new stopped instance under root holding the tree and nobody."""
    return prepare(root / name, *free_ports(2), demo_people=0, quiet=True)


def child(args: argparse.Namespace) -> int:
    """Run the offline import alone in this process and print its figures as JSON."""
    state, slapd = prepare(Path(args.child))
    t0 = time.perf_counter()
    outcome = run_offline_import(slapd, args.csv, args.unit, ldif_out=args.ldif)
    seconds = time.perf_counter() - t0
    own = resource.getrusage(resource.RUSAGE_SELF)
    slapadd = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"seconds": seconds, "rows": outcome.rows, "added": outcome.added,
                      "rejected": outcome.rejected, "flagged": outcome.flagged,
                      "peak_rss": own.ru_maxrss * 1024, "cpu": own.ru_utime + own.ru_stime,
                      "slapadd_cpu": slapadd.ru_utime + slapadd.ru_stime}))  # fmt: skip
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the three measurements and print their rates and ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--unit", default="01", help="unit the list covers (01: Hà Nội)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work-dir", help="where to put files and instances (default: temp)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    parser.add_argument("--ldif", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    root = Path(args.work_dir or tempfile.mkdtemp(prefix="govdir-bench-offline-"))
    root.mkdir(parents=True, exist_ok=True)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; rows: {args.rows:,} into unit {args.unit}"
    )
    try:
        csv_path, ldif_path = root / "list.csv", root / "list.ldif"
        t0 = time.perf_counter()
        write_csv(csv_path, args.rows, args.unit, args.seed)
        print(f"write CSV:              {time.perf_counter() - t0:7.1f} s "
              f"({csv_path.stat().st_size / 2**20:,.0f} MiB)")  # fmt: skip
        fresh(root, "pipeline")
        _, raw = fresh(root, "raw")

        out = subprocess.run(
            [sys.executable, __file__, "--child", str(root / "pipeline"), "--csv", str(csv_path),
             "--ldif", str(ldif_path), "--unit", args.unit],
            capture_output=True, text=True,
        )  # fmt: skip
        if out.returncode != 0:
            print(f"the import failed (exit {out.returncode}):\n{out.stderr}", file=sys.stderr)
            return 1
        got = json.loads(out.stdout.strip().splitlines()[-1])
        pipe_s = got["seconds"]
        print(f"govdir import --offline: {pipe_s:7.1f} s = {got['rows'] / pipe_s:7,.0f} rows/s "
              f"({got['added']:,} added, {got['rejected']:,} rejected, {got['flagged']:,} "
              f"flagged; peak RSS of the importer {got['peak_rss'] / 2**20:,.0f} MiB)")  # fmt: skip
        print(f"  CPU time in it: the importer's own {got['cpu']:.1f} s, "
              f"slapadd's {got['slapadd_cpu']:.1f} s")  # fmt: skip

        raw_s = time_slapadd(raw, ldif_path)
        print(f"slapadd -q (raw):        {raw_s:7.1f} s = {got['added'] / raw_s:7,.0f} entries/s "
              f"({ldif_path.stat().st_size / 2**20:,.0f} MiB of LDIF)")  # fmt: skip
        print(f"ratio offline import / raw slapadd: {pipe_s / raw_s:.2f}x")
        _, pipeline = prepare(root / "pipeline")
        people = count_people(pipeline)
        print(f"people in the imported directory: {people:,} (added {got['added']:,})")
        return 0 if people == got["added"] else 1
    finally:
        if not args.work_dir:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
