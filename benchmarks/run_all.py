"""Run every benchmark in turn: `make bench` (BENCH_PEOPLE=N to change the size)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    """Run each benchmark script with the configured number of people."""
    people = os.environ.get("BENCH_PEOPLE", "1000000")
    failed = 0
    for script in ("bench_generator.py", "bench_load.py"):
        print(f"== {script} (people={people})", flush=True)
        failed += (
            subprocess.run([sys.executable, str(HERE / script), "--people", people]).returncode != 0
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
