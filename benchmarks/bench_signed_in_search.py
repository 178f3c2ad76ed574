"""Search through the web signed in as an agency admin, against the same search anonymous.

    python benchmarks/bench_signed_in_search.py [--data-dir DIR] [--people N] [--queries Q]

Uses (building on first use) the instance in DIR, as bench_search.py does, adds an admin of
Sở Tư pháp Hà Nội with a password, and times /api/search through the Flask app in process for
the same sampled name queries, in alternating rounds, anonymous and signed in. Prints both
rates, p50/p95 and the ratio. Reads go through the web's own account either way; a signed-in
request also reads the person's account (their rights) once.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ldap  # noqa: E402
import ldap.modlist  # noqa: E402

from directory_service.directory.people import tree_index  # noqa: E402
from directory_service.directory.settings import ConnectionSettings  # noqa: E402
from directory_service.directory.store import Directory, first_value  # noqa: E402
from directory_service.model import Person  # noqa: E402
from directory_service.server.instance import load_state  # noqa: E402
from directory_service.server.up import prepare  # noqa: E402
from web import create_app  # noqa: E402

PASSWORD = "a benchmark password"
MAIL = "benchmark.stp@hanoi.gov.vn"


def pct(values: list[float], p: int) -> float:
    """Return the p-th percentile of values."""
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main() -> int:
    """Time the same queries anonymous and signed in; print both and the ratio."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    data_dir = Path(args.data_dir).resolve()
    _, slapd = prepare(data_dir, demo_people=args.people, quiet=None)
    state = load_state(data_dir)
    slapd.start()
    try:
        web = Directory(ConnectionSettings(slapd.uri, f"cn=web,{state.base_dn}",
                                           state.web_password, state.base_dn))  # fmt: skip
        root = ldap.initialize(slapd.uri)
        root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
        person = Person("pbenchsignin", "Thử", "Văn", "Đo", "01-STP", "Chuyên viên", [MAIL])
        dn, attrs = tree_index(web).person_entry(person)
        attrs = {**attrs, "objectClass": [*attrs["objectClass"], b"govdirAccount"],
                 "govdirAdminOf": [b"01-STP"]}  # fmt: skip
        try:
            root.add_s(dn, ldap.modlist.addModlist(attrs))
        except ldap.ALREADY_EXISTS:
            pass
        root.passwd_s(dn, None, PASSWORD)
        sample, _ = web.search("(objectClass=govdirPerson)", ["cn"], limit=5000)
        rng = random.Random(5)
        queries = [first_value(a, "cn").split()[-1] + " " + first_value(a, "cn").split()[0]
                   for _, a in rng.sample(sample, min(args.queries, len(sample)))]  # fmt: skip
        app = create_app({"DIRECTORY": web, "SECRET_KEY": "benchmark", "RATELIMIT_ENABLED": False})
        anonymous, signed_in = app.test_client(), app.test_client()
        page = signed_in.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        signed_in.post("/login", data={"email": MAIL, "password": PASSWORD, "csrf_token": token})
        assert signed_in.get("/me").status_code == 200, "the benchmark's admin could not sign in"
        times: dict[str, list[float]] = {"anonymous": [], "signed in": []}
        for round_ in range(4):
            order = [("anonymous", anonymous), ("signed in", signed_in)]
            for label, client in order if round_ % 2 == 0 else order[::-1]:
                for q in queries:
                    started = time.perf_counter()
                    assert client.get(f"/api/search?q={quote(q)}").status_code == 200
                    times[label].append(time.perf_counter() - started)
        for label, values in times.items():
            ms = [v * 1000 for v in values]
            print(f"/api/search {label:10s} {len(values) / sum(values):7,.0f}/s  "
                  f"p50 {pct(ms, 50):6.1f} ms  p95 {pct(ms, 95):6.1f} ms")  # fmt: skip
        rates = [len(v) / sum(v) for v in times.values()]
        print(f"ratio signed in / anonymous (rates): {rates[1] / rates[0]:.2f}")
        root.delete_s(dn)
    finally:
        slapd.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
