"""Run every benchmark in turn: `make bench` (BENCH_PEOPLE=N to change the size)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH_DIR = str(HERE.parent / "var" / "bench")  # the instance bench_search.py builds


def main() -> int:
    """Run each benchmark script with the configured number of people."""
    people = os.environ.get("BENCH_PEOPLE", "1000000")
    runs = [
        ("bench_generator.py", "--people", people),
        ("bench_load.py", "--people", people),
        ("bench_search.py", "--people", people),  # builds var/bench once, then reuses it
        ("bench_relevance.py", "--data-dir", BENCH_DIR, "--people", people),  # hit rates
        ("bench_guard_cost.py", "--people", people),  # the security plugin's cost, var/bench
        ("bench_signed_in_search.py", "--people", people),  # signed in against anonymous
        ("bench_report.py", "--people", people),  # the coverage report against the raw search
        ("bench_import.py",),  # online imports into var/bench
        ("bench_offline_import.py", "--rows", people),
        ("bench_reorganise.py", "--people", people),  # the legacy demo into the 2025 tree
        # A provider and consumers of their own; a full syncrepl refresh of a million
        # entries (the raw side) takes most of an hour here, so it runs at 200,000.
        ("bench_replication.py", "--people", str(min(int(people), 200_000))),
    ]
    failed = 0
    for script, *args in runs:
        print(f"== {script} {' '.join(args)}", flush=True)
        failed += subprocess.run([sys.executable, str(HERE / script), *args]).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
