"""Measure search under load: /api/search through gunicorn against python-ldap, by clients.

    python benchmarks/bench_load_search.py [--data-dir DIR] [--people N] [--clients 1,4,16]
        [--workers 1,5] [--seconds S] [--queries Q]

Uses the instance in DIR (built with N synthetic people on first use, then reused). For each
gunicorn worker count it starts `gunicorn -w W 'web:create_app(...)'` on a free local port,
warms every worker up, then for each number of clients C runs C client processes for S
seconds, each sending sampled name queries to /api/search over HTTP. The raw tool is
python-ldap: C processes, each with its own connection as the web account, replaying the
searches search_people makes for the same queries for S seconds. Prints searches per second,
p50/p95 of each side and the ratio of the rates. The rate limit on search (600 a minute per
address) is switched off in the app under test: it would hold a single client address back.
Every loop is bounded by time; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import ldap  # noqa: E402
from bench_search import pct, recorded_requests, sample_queries  # noqa: E402

from directory_service.directory.settings import ConnectionSettings  # noqa: E402
from directory_service.directory.store import Directory  # noqa: E402
from directory_service.server.slapd import free_ports  # noqa: E402
from directory_service.server.up import prepare  # noqa: E402

APP = "web:create_app({'RATELIMIT_ENABLED': False})"
WARM_SECONDS = 20.0  # every worker reads the unit list and builds its unit-name table first
START_TIMEOUT = 60.0


def http_client(port: int, paths: list[str], offset: int, seconds: float, out) -> None:
    """Send GET requests round the paths for `seconds`; put the latencies (s) on out."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times, i = [], offset
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        conn.request("GET", paths[i % len(paths)])
        resp = conn.getresponse()
        resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{paths[i % len(paths)]}: HTTP {resp.status}")
        times.append(time.perf_counter() - t0)
        i += 1
    conn.close()
    out.put(times)


def ldap_client(settings: ConnectionSettings, requests, offset: int, seconds: float, out) -> None:
    """Replay the recorded searches of each query for `seconds`; put the latencies on out."""
    conn = ldap.initialize(settings.uri)
    conn.simple_bind_s(settings.bind_dn, settings.password)
    times, i = [], offset
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        for filt, attrs, limit in requests[i % len(requests)]:
            try:
                conn.search_ext_s(settings.base_dn, ldap.SCOPE_SUBTREE, filt, attrs,
                                  sizelimit=limit)  # fmt: skip
            except ldap.SIZELIMIT_EXCEEDED:
                pass
        times.append(time.perf_counter() - t0)
        i += 1
    conn.unbind_s()
    out.put(times)


def run_clients(target, args: tuple, clients: int, seconds: float) -> tuple[float, list[float]]:
    """Run `clients` processes of target at once; return (searches per second, latencies).

    Each starts at its own place in the query list, so the clients do not move in step.
    """
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, k * 37, seconds, out)) for k in range(clients)]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    times = [t for _ in procs for t in out.get(timeout=seconds + 120)]
    wall = time.perf_counter() - t0
    for p in procs:
        p.join(timeout=30)
        if p.exitcode != 0:
            raise RuntimeError(f"a client process ended with {p.exitcode}")
    return len(times) / wall, times


def start_gunicorn(data_dir: Path, workers: int) -> tuple[subprocess.Popen, int]:
    """Start gunicorn with `workers` sync workers on a free port; return it and the port."""
    port = free_ports(1)[0]
    env = {**os.environ, "GOVDIR_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b",
         f"127.0.0.1:{port}", "--log-level", "warning", APP],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("gunicorn did not answer")


def line(label: str, rate: float, times: list[float]) -> str:
    """Return one side's rate and latencies as printed."""
    ms = [t * 1000 for t in times]
    return f"{label} {rate:6,.0f}/s p50 {pct(ms, 50):5.1f} ms p95 {pct(ms, 95):5.1f} ms"


def main(argv: list[str] | None = None) -> int:
    """Build or reuse the instance, then load both sides at each concurrency."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--workers", default="1,5")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir).resolve()
    clients = [int(c) for c in args.clients.split(",")]
    state, slapd = prepare(data_dir, demo_people=args.people, quiet=False)
    slapd.start()
    try:
        web = ConnectionSettings(slapd.uri, f"cn=web,{state.base_dn}", state.web_password,
                                 state.base_dn)  # fmt: skip
        directory = Directory(web)
        queries = sample_queries(directory, args.queries, seed=5)
        requests = recorded_requests(directory, queries)
        paths = [f"/api/search?q={quote(q)}" for q in queries]
        raw = {}
        for c in clients:
            raw[c] = run_clients(ldap_client, (web, requests), c, args.seconds)
        for workers in (int(w) for w in args.workers.split(",")):
            proc, port = start_gunicorn(data_dir, workers)
            try:
                run_clients(http_client, (port, paths), max(16, workers), WARM_SECONDS)
                for c in clients:
                    rate, times = run_clients(http_client, (port, paths), c, args.seconds)
                    print(f"gunicorn -w {workers:<2d} {c:3d} clients: "
                          f"{line('web', rate, times)} | {line('python-ldap', *raw[c])} | "
                          f"ratio {rate / raw[c][0]:.2f}", flush=True)  # fmt: skip
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    finally:
        slapd.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
