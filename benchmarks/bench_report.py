"""The national coverage report against the one raw search that reads the same attributes.

    python benchmarks/bench_report.py [--data-dir DIR] [--people N] [--rounds R]

Uses (building on first use) the instance in DIR, as bench_search.py does. Times, in
alternating rounds, `coverage.figures.compute` over the whole directory (what `govdir report`
and /coverage run) and a bare python-ldap paged search of every person for the same four
attributes, decoded by nothing (the floor: slapd's and the client library's share). Prints both,
the ratio and the peak memory of this process.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ldap  # noqa: E402
from ldap.controls import SimplePagedResultsControl  # noqa: E402

from directory_service.coverage.figures import PERSON_ATTRS, compute  # noqa: E402
from directory_service.directory.settings import ConnectionSettings  # noqa: E402
from directory_service.directory.store import Directory  # noqa: E402
from directory_service.server.instance import load_state  # noqa: E402
from directory_service.server.up import prepare  # noqa: E402


def raw_search(uri: str, dn: str, password: str, base: str) -> int:
    """Read every person's report attributes with python-ldap, 1,000 a page; return the count."""
    conn = ldap.initialize(uri)
    conn.simple_bind_s(dn, password)
    page = SimplePagedResultsControl(True, size=1000, cookie=b"")
    count = 0
    while True:
        msgid = conn.search_ext(base, ldap.SCOPE_SUBTREE, "(objectClass=govdirPerson)",
                                PERSON_ATTRS, serverctrls=[page])  # fmt: skip
        _, data, _, controls = conn.result3(msgid)
        count += len(data)
        cookie = next(c.cookie for c in controls if c.controlType == page.controlType)
        if not cookie:
            break
        page.cookie = cookie
    conn.unbind_s()
    return count


def main() -> int:
    """Time the report and the raw search in turns; print both and the ratio."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data_dir = Path(args.data_dir).resolve()
    _, slapd = prepare(data_dir, demo_people=args.people, quiet=None)
    state = load_state(data_dir)
    slapd.start()
    try:
        dn, pw = f"cn=admin,{state.base_dn}", state.admin_password
        ours, raw = [], []
        for _ in range(args.rounds):
            directory = Directory(ConnectionSettings(slapd.uri, dn, pw, state.base_dn))
            start = time.perf_counter()
            coverage = compute(directory)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            count = raw_search(slapd.uri, dn, pw, state.base_dn)
            raw.append(time.perf_counter() - start)
        ours_s, raw_s = statistics.median(ours), statistics.median(raw)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"people read: {count:,}; reporting units: {len(coverage.units):,}")
        print(f"national report (compute): {ours_s:.2f} s (median of {args.rounds})")
        print(f"raw python-ldap search of the same attributes: {raw_s:.2f} s")
        print(f"ratio: {ours_s / raw_s:.2f}x; peak RSS of this process {peak:.0f} MiB")
    finally:
        slapd.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
