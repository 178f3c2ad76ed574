"""Replication delay: how soon a consumer holds a provider's writes, and how fast it starts.

On loopback ports, in a temporary directory: a provider with N people and a consumer of it.
1. A new consumer's first copy: govdir's (a read as cn=replicator loaded with slapadd, then
   syncrepl from the copied contextCSN) against the raw tool, syncrepl's own full refresh
   of an empty consumer; prints both and the ratio.
2. Single writes: a modify on the provider, then the time until the consumer shows it
   (polled every 5 ms), W times; p50, p95, max.
3. An import of M people on the provider: the time from its end until the consumer's
   contextCSN equals the provider's.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ldap

from directory_service.server.replica_set import password_file_of, take_role
from directory_service.server.replication import Role
from directory_service.server.slapd import free_ports
from directory_service.server.up import prepare

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from tests.server.replicas import people_csv  # noqa: E402 (the tests' synthetic list maker)


def bound(slapd, state):
    """Return a connection bound as the database root."""
    conn = ldap.initialize(slapd.uri)
    conn.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    return conn


def csns(conn, base):
    """Return a server's contextCSNs."""
    return conn.search_s(base, ldap.SCOPE_BASE, attrlist=["contextCSN"])[0][1].get("contextCSN")


def wait_in_step(p, c, base, poll=0.001):
    """Return the seconds until the consumer's contextCSNs equal the provider's."""
    started = time.perf_counter()
    want = csns(p, base)
    while csns(c, base) != want:
        time.sleep(poll)
    return time.perf_counter() - started


def consumer(root, name, provider_uri, password_file, copy):
    """Start a consumer; copy=False makes it start empty, as plain syncrepl would."""
    port, tls = free_ports(2)
    role = Role(replica_of=provider_uri)
    if copy:
        state, slapd = prepare(root / name, port, tls, 0, quiet=True, role=role,
                               password_file=str(password_file))  # fmt: skip
    else:
        import directory_service.server.up as up

        saved = up.copy_directory
        up.copy_directory = lambda slapd, state: 0  # the raw tool: syncrepl does it all
        try:
            state, slapd = prepare(root / name, port, tls, 0, quiet=True, role=role,
                                   password_file=str(password_file))  # fmt: skip
        finally:
            up.copy_directory = saved
    slapd.start()
    take_role(root / name, state, slapd, None)
    return state, slapd


def main() -> int:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--import-rows", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        port, tls = free_ports(2)
        pstate, provider = prepare(root / "p", port, tls, args.people, quiet=True,
                                 role=Role(server_id=1))  # fmt: skip
        provider.start()
        take_role(root / "p", pstate, provider, None)
        base, pfile = pstate.base_dn, password_file_of(root / "p")
        p = bound(provider, pstate)
        n = len(p.search_s(base, ldap.SCOPE_SUBTREE, "(objectClass=*)", ["1.1"]))
        print(f"provider: {n:,} entries ({args.people:,} people)")

        started = time.perf_counter()
        rstate, raw = consumer(root, "raw", provider.uri, pfile, copy=False)
        r = bound(raw, rstate)
        raw_s = time.perf_counter() - started + wait_in_step(p, r, base, poll=0.2)
        r.unbind_s()
        raw.stop()
        started = time.perf_counter()
        cstate, ours = consumer(root, "c", provider.uri, pfile, copy=True)
        c = bound(ours, cstate)
        ours_s = time.perf_counter() - started + wait_in_step(p, c, base, poll=0.2)
        print(f"first copy of {n:,} entries: govdir {ours_s:.1f} s ({n / ours_s:,.0f}/s); "
              f"plain syncrepl refresh {raw_s:.1f} s ({n / raw_s:,.0f}/s); "
              f"ratio {ours_s / raw_s:.2f}x")  # fmt: skip

        units = p.search_s(base, ldap.SCOPE_SUBTREE, "(objectClass=govdirUnit)", ["1.1"])
        target = units[len(units) // 2][0]
        delays = []
        for i in range(args.writes):
            value = f"bench {i}".encode()
            p.modify_s(target, [(ldap.MOD_REPLACE, "description", [value])])
            started = time.perf_counter()
            while c.search_s(target, ldap.SCOPE_BASE, attrlist=["description"])[0][1].get(
                "description"
            ) != [value]:
                time.sleep(0.005)
            delays.append(time.perf_counter() - started)
        delays.sort()
        p50, p95 = statistics.median(delays), delays[int(0.95 * len(delays))]
        print(f"single writes ({args.writes}): delay p50 {p50 * 1000:.1f} ms, "
              f"p95 {p95 * 1000:.1f} ms, max {delays[-1] * 1000:.1f} ms")  # fmt: skip

        csv = people_csv(root / "import.csv", args.import_rows, "bench", 100_000)
        cmd = [sys.executable, "-m", "directory_service.cli", "import", str(csv), "--unit",
               "01-STP", "--data-dir", str(root / "p")]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True)
        import_s = time.perf_counter() - started
        behind = wait_in_step(p, c, base)
        applied = [line for line in done.stdout.splitlines() if line.startswith("Applied")]
        print(f"import of {args.import_rows:,} people on the provider: {import_s:.1f} s "
              f"({applied[0] if applied else done.stderr.strip()}); consumer in step "
              f"{behind:.2f} s after it ended")  # fmt: skip
        c.unbind_s()
        p.unbind_s()
        ours.stop()
        provider.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
