"""Benchmark the offline load of a demo directory against plain slapadd on the same LDIF.

    python benchmarks/bench_load.py [--people N] [--work-dir DIR]

Measures, in one run and on one machine:
1. generating the LDIF alone (tree + N synthetic people, written to a file);
2. plain `slapadd -q` of that file into a fresh instance (the raw tool);
3. the pipeline `govdir up` uses (generation streamed into slapadd) into another fresh
   instance, and prints its ratio to (2).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from raw_tools import count_people, time_slapadd  # noqa: E402

from directory_service.entries.ldif_text import write_ldif  # noqa: E402
from directory_service.server.config import SlapdLayout  # noqa: E402
from directory_service.server.loading import directory_entries, load_directory  # noqa: E402
from directory_service.server.slapd import Slapd, free_port, hash_password  # noqa: E402

PASSWORDS = {"addressbook": "bench-addressbook", "web": "bench-web"}


def fresh_instance(root: Path, name: str, root_hash: str) -> Slapd:
    """Return an initialised, empty, stopped instance under root."""
    slapd = Slapd(SlapdLayout(root / name), free_port())
    slapd.initialise(root_hash)
    return slapd


def main(argv: list[str] | None = None) -> int:
    """Run the three measurements and print their rates and ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work-dir", help="where to put the instances (default: a temp dir)")
    args = parser.parse_args(argv)
    root = Path(args.work_dir or tempfile.mkdtemp(prefix="govdir-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; people: {args.people:,}")  # fmt: skip
    root_hash = hash_password("bench-admin")
    try:
        ldif_path = root / "directory.ldif"
        t0 = time.perf_counter()
        total, entries = directory_entries(
            "dc=gov,dc=vn", PASSWORDS, "2025", args.people, args.seed
        )
        write_ldif(ldif_path, entries)
        gen = time.perf_counter() - t0
        size = ldif_path.stat().st_size
        print(f"generate LDIF:     {total:>10,} entries in {gen:7.1f} s = {total / gen:>9,.0f}/s "
              f"({size / 2**20:,.0f} MiB)")  # fmt: skip

        raw = fresh_instance(root, "raw", root_hash)
        raw_s = time_slapadd(raw, ldif_path)
        print(
            f"slapadd -q (raw):  {total:>10,} entries in {raw_s:7.1f} s = {total / raw_s:>9,.0f}/s"
        )
        ldif_path.unlink()

        piped = fresh_instance(root, "pipeline", root_hash)
        t0 = time.perf_counter()
        load_directory(piped, PASSWORDS, "2025", args.people, args.seed, quiet=True)
        pipe_s = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"govdir pipeline:   {total:>10,} entries in {pipe_s:7.1f} s = "
              f"{total / pipe_s:>9,.0f}/s (peak RSS of this process {peak:,.0f} MiB)")  # fmt: skip
        print(f"ratio pipeline / raw slapadd: {pipe_s / raw_s:.2f}x")
        people = count_people(piped)
        print(f"people in the loaded directory: {people:,} (expected {args.people:,})")
        return 0 if people == args.people else 1
    finally:
        if not args.work_dir:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
