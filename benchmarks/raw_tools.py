"""What the benchmarks compare against: plain slapadd, and a count of what landed."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from directory_service.server.slapd import Slapd, find_binary


def time_slapadd(slapd: Slapd, ldif_path: Path) -> float:
    """Return the seconds plain `slapadd -q -l` takes to load the file into a stopped instance."""
    t0 = time.perf_counter()
    subprocess.run(
        [find_binary("slapadd"), "-q", "-n1", "-F", str(slapd.layout.config_dir),
         "-l", str(ldif_path)],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return time.perf_counter() - t0


def count_people(slapd: Slapd) -> int:
    """Return how many people slapcat finds in the database (a check that all landed)."""
    count = 0

    def handle(dn, attrs):
        nonlocal count
        count += 1

    slapd.dump("(objectClass=govdirPerson)", handle)
    return count
