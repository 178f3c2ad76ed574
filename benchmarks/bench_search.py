"""Benchmark search on a large directory: JSON API vs raw python-ldap, and mail-client filters.

    python benchmarks/bench_search.py [--data-dir DIR] [--people N] [--queries Q]

Uses the instance in DIR (built with N synthetic people on first use, then reused; the number
of people it holds is counted and printed), and:
1. times the same name searches through raw python-ldap (one connection, replaying the searches
   search_people makes for each query: filters, attributes, size limits) and through the JSON
   API (/api/search, Flask in process), printing rates, p50/p95 and the ratio API/raw; then
   title-and-unit queries ("chuyen vien so tai chinh ha noi") through the API;
2. times the HTML pages, and each mail client's autocomplete filter as the address-book account
   (p50/p95), on the first 3 and 6 letters of sampled names and on every prefix of 3 letters
   or more, or a shorter whole word (what a client sends while a name is typed);
3. runs ldclt (389-ds-base's C load tool) on the exact-match filter when it is installed.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ldap  # noqa: E402
from ldap.filter import filter_format  # noqa: E402

from directory_service.directory.search import search_people  # noqa: E402
from directory_service.directory.settings import ConnectionSettings  # noqa: E402
from directory_service.directory.store import Directory, first_value  # noqa: E402
from directory_service.server.config import WEB_LONG_TIME_LIMIT  # noqa: E402
from directory_service.server.up import prepare  # noqa: E402
from directory_service.text import fold_key  # noqa: E402
from tests.mail_clients import CLIENTS  # noqa: E402


def pct(values: list[float], p: float) -> float:
    """Return the p-th percentile of values (milliseconds in, milliseconds out)."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def report(label: str, times: list[float]) -> float:
    """Print rate and latency of a list of durations in seconds; return the rate."""
    ms = [t * 1000 for t in times]
    rate = len(times) / sum(times)
    print(f"{label:34s} {rate:8,.0f}/s  p50 {pct(ms, 50):6.1f} ms  p95 {pct(ms, 95):6.1f} ms")
    return rate


def time_client(conn, client, base: str, typed: list[str]) -> list[float]:
    """Return the seconds each typed text's filter of a mail client takes, as that client asks."""
    times = []
    for t in typed:
        t0 = time.perf_counter()
        try:
            conn.search_ext_s(base, ldap.SCOPE_SUBTREE, client.filter(t), ["cn", "mail"])
        except ldap.SIZELIMIT_EXCEEDED:
            pass
        times.append(time.perf_counter() - t0)
    return times


def people_of_random_units(directory: Directory, seed: int, attrs: list[str], limit: int):
    """Yield (the generator, unit code, people) of random units, passing over empty ones."""
    rng = random.Random(seed)
    codes = sorted(directory.units())
    while True:
        code = rng.choice(codes)
        filt = filter_format("(&(objectClass=govdirPerson)(govdirUnitCode=%s))", [code])
        entries, _ = directory.search(filt, attrs, limit=limit)
        if entries:
            yield rng, code, entries


def title_unit_queries(directory: Directory, n: int, seed: int) -> list[str]:
    """Return queries of a title and a unit, folded ("pho giam doc so tai chinh ha noi")."""
    units = directory.units()
    queries = []
    for rng, code, entries in people_of_random_units(directory, seed, ["title"], 20):
        if len(queries) >= n:
            return queries
        titles = [first_value(a, "title") for _, a in entries if a.get("title")]
        if titles:
            queries.append(fold_key(f"{rng.choice(titles)} {units[code].name}"))


def count_people(directory: Directory) -> int:
    """Return how many people the directory holds (the instance may have grown since its build)."""
    people, _ = directory.search("(objectClass=govdirPerson)", ["1.1"], limit=2**31 - 1,
                                 time_limit=WEB_LONG_TIME_LIMIT)  # fmt: skip
    return len(people)


def sample_queries(directory: Directory, n: int, seed: int) -> list[str]:
    """Return name queries people type: full names, family + given, given names, accented."""
    queries = []
    for rng, _, entries in people_of_random_units(directory, seed, ["cn", "sn", "givenName"], 50):
        if len(queries) >= n:
            return queries
        _, a = rng.choice(entries)
        full, given, family = (first_value(a, k) for k in ("cn", "givenName", "sn"))
        queries.append(rng.choice([fold_key(full), f"{fold_key(given)} {fold_key(family)}",
                                   full, f"{family} {given}"]))  # fmt: skip


def recorded_requests(directory: Directory, queries: list[str]) -> list[list[tuple]]:
    """Return, per query, the searches (filter, attributes, size limit) search_people makes."""
    calls: list[tuple] = []
    search = directory.search

    def recording(filterstr, attrs, base=None, scope=ldap.SCOPE_SUBTREE, limit=0):
        calls.append((filterstr, attrs, limit))
        return search(filterstr, attrs, base=base, scope=scope, limit=limit)

    directory.search = recording
    out = []
    try:
        for q in queries:
            calls.clear()
            search_people(directory, q)
            out.append([c for c in calls if "objectClass=govdirUnit)" not in c[0]])
    finally:
        del directory.search
    return out


def time_pages(client, directory: Directory, queries: list[str]) -> None:
    """Print server time of the HTML search, person and unit pages (Flask in process)."""
    uids, codes = [], sorted(directory.units())
    rng = random.Random(9)
    for label, paths in (
        ("HTML /search", [f"/search?q={quote(q)}" for q in queries[:200]]),
        ("HTML /people/<uid>", None),
        ("HTML /units/<code>", [f"/units/{rng.choice(codes)}" for _ in range(200)]),
    ):
        if paths is None:
            for q in queries[:200]:
                data = client.get("/api/search", query_string={"q": q, "per_page": 1}).get_json()
                uids += [p["uid"] for p in data["people"]]
            paths = [f"/people/{u}" for u in uids]
        times = []
        for path in paths:
            t0 = time.perf_counter()
            assert client.get(path).status_code == 200, path
            times.append(time.perf_counter() - t0)
        report(label, times)


LDCLT = ROOT / "var" / "tools" / "ldclt" / "usr" / "bin" / "ldclt"


def prefix_with_some(directory: Directory, queries: list[str]) -> str | None:
    """Return a name prefix ("ly trung d") matching a few dozen people (ldclt's prefix case)."""
    for q in queries:
        name = fold_key(q)
        for k in range(len(name) - 1, 3, -1):
            if name[k - 1] == " ":
                continue
            filt = filter_format("(cn=%s*)", [name[:k]])
            found, more = directory.search(filt, ["1.1"], limit=500)
            if more or len(found) > 200:
                break
            if len(found) >= 20:
                return name[:k]
    return None


def run_ldclt(port: int, web: ConnectionSettings, base: str, name: str, prefix: str | None) -> None:
    """Print ldclt's search rate on an exact and a prefix filter: the server's ceiling."""
    if not LDCLT.exists():
        print("ldclt: not unpacked (make bench-tools), server ceiling not measured")
        return
    libs = [
        LDCLT.parents[1] / "lib" / "x86_64-linux-gnu",
        LDCLT.parents[1] / "lib" / "x86_64-linux-gnu" / "dirsrv",
    ]
    env = {"LD_LIBRARY_PATH": ":".join(map(str, libs)), "PATH": "/usr/bin:/bin"}
    filters = [("exact cn", f"(cn={fold_key(name)})")]
    if prefix:
        filters.append(("prefix cn", f"(cn={prefix}*)"))
    for label, filt in filters:
        out = subprocess.run(
            [str(LDCLT), "-h", "127.0.0.1", "-p", str(port), "-D", web.bind_dn, "-w",
             web.password, "-b", base, "-e", "esearch", "-f", filt, "-n", "2", "-N", "1", "-q"],
            capture_output=True, text=True, env=env,
        )  # fmt: skip
        rate = re.search(r"\(([\d.]+)/sec\)", out.stdout + out.stderr)
        shown = f"{float(rate.group(1)):8,.0f}/s" if rate else (out.stdout + out.stderr)[-300:]
        print(f"ldclt {label:28s} {shown}   ({filt}, 2 threads, 10 s)")


def main(argv: list[str] | None = None) -> int:
    """Build or reuse the instance, then run the measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args(argv)
    state, slapd = prepare(Path(args.data_dir), demo_people=args.people, quiet=False)
    slapd.start()
    try:
        web = ConnectionSettings(slapd.uri, f"cn=web,{state.base_dn}", state.web_password,
                                 state.base_dn)  # fmt: skip
        directory = Directory(web)
        directory.units()
        print(f"instance: {args.data_dir} ({count_people(directory):,} people)")
        queries = sample_queries(directory, args.queries, seed=5)
        requests = recorded_requests(directory, queries)

        conn = ldap.initialize(slapd.uri)
        conn.simple_bind_s(web.bind_dn, web.password)
        raw = []
        for per_query in requests:
            t0 = time.perf_counter()
            for filt, attrs, limit in per_query:
                try:
                    conn.search_ext_s(state.base_dn, ldap.SCOPE_SUBTREE, filt, attrs,
                                      sizelimit=limit)  # fmt: skip
                except ldap.SIZELIMIT_EXCEEDED:
                    pass
            raw.append(time.perf_counter() - t0)

        from web import create_app

        # The rate limit on search (600 a minute per address) would stop the run itself.
        client = create_app({"DIRECTORY": directory, "RATELIMIT_ENABLED": False}).test_client()
        api = []
        for q in queries:
            t0 = time.perf_counter()
            resp = client.get("/api/search", query_string={"q": q})
            api.append(time.perf_counter() - t0)
            assert resp.status_code == 200
        raw_rate = report("python-ldap, same filters", raw)
        api_rate = report("JSON API /api/search", api)
        print(f"ratio API / raw python-ldap: {api_rate / raw_rate:.2f}")
        titled = []
        for q in title_unit_queries(directory, 100, seed=7):
            t0 = time.perf_counter()
            assert client.get("/api/search", query_string={"q": q}).status_code == 200
            titled.append(time.perf_counter() - t0)
        report("JSON API, title + unit queries", titled)
        time_pages(client, directory, queries)

        book = ldap.initialize(slapd.uri)
        book.simple_bind_s(f"cn=addressbook,{state.base_dn}", state.addressbook_password)
        typed = [q.split()[0][:k] for q in queries[:100] for k in (3, 6)]
        # What a client sends while a name is typed: each prefix from 3 letters (or the whole
        # of a shorter word, "Lê") to the word.
        keystrokes = [w[:k] for w in (q.split()[0] for q in queries[:100])
                      for k in range(min(3, len(w)), len(w) + 1)]  # fmt: skip
        for mc in CLIENTS:
            base = "" if mc.empty_base else state.base_dn
            times = time_client(book, mc, base, typed)
            report(f"mail client filter: {mc.name}", times)
            slowest = sorted(zip(times, typed, strict=True), reverse=True)[:3]
            print("    slowest: " + ", ".join(f"{t!r} {s * 1000:.1f} ms" for s, t in slowest))
            report("    every prefix, 3 letters on", time_client(book, mc, base, keystrokes))

        prefix = prefix_with_some(directory, queries)
        run_ldclt(slapd.port, web, state.base_dn, queries[0], prefix)
    finally:
        slapd.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
