"""Measure what the guard plugin costs the address book: the same searches with and without it.

    python benchmarks/bench_guard_cost.py [--data-dir DIR] [--people N] [--rounds R]

Uses (building on first use) the instance in DIR, as bench_search.py does. slapd is started in
turns with the instance's cn=config and with a copy of it that lacks the olcPlugin line (the
SLAPI guard: VLV refusal and bind timing), on the same database, and each turn replays the
Outlook filter on common name prefixes as the address-book account. The turns alternate so
that the machine's drift affects both alike; the rates and the ratio are printed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ldap  # noqa: E402

from directory_service.server.instance import layout_for, load_state  # noqa: E402
from directory_service.server.slapd import Slapd, find_binary, free_port  # noqa: E402
from directory_service.server.up import prepare  # noqa: E402

PREFIXES = ["ngu", "nguyen", "tran", "le", "pham", "hoang", "vu", "dang", "bui", "do", "an",
            "binh", "cuong", "dung", "duc", "ha", "huong", "lan", "minh", "thuy", "tram", "hai",
            "hung", "long", "nam"]  # fmt: skip


def without_plugin(config_dir: Path, into: Path) -> Path:
    """Return a copy of cn=config without the olcPlugin value."""
    copy = into / "slapd.d"
    shutil.copytree(config_dir, copy)
    db = next((copy / "cn=config").glob("olcDatabase={1}mdb.ldif"))
    lines = db.read_text().replace("\n ", "").splitlines()
    db.write_text("\n".join(line for line in lines if not line.startswith("olcPlugin:")) + "\n")
    return copy


def replay(uri: str, base: str, password: str, repeat: int) -> list[float]:
    """Return the seconds each Outlook filter search took as the address book."""
    conn = ldap.initialize(uri)
    conn.simple_bind_s(f"cn=addressbook,{base}", password)
    times = []
    for _ in range(repeat):
        for typed in PREFIXES:
            filt = f"(|(cn={typed}*)(mail={typed}*)(sn={typed}*)(givenName={typed}*))"
            started = time.perf_counter()
            try:
                conn.search_ext_s(base, ldap.SCOPE_SUBTREE, filt, ["cn", "mail", "title", "ou"])
            except ldap.SIZELIMIT_EXCEEDED:
                pass
            times.append(time.perf_counter() - started)
    conn.unbind_s()
    return times


def main() -> int:
    """Alternate turns with and without the plugin; print rates, p50 and the ratio."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    data_dir = Path(args.data_dir).resolve()
    prepare(data_dir, demo_people=args.people, quiet=None)
    state = load_state(data_dir)
    layout = layout_for(data_dir, state)
    results: dict[str, list[float]] = {"with the guard": [], "without it": []}
    with tempfile.TemporaryDirectory() as tmp:
        bare = without_plugin(layout.config_dir, Path(tmp))
        port = free_port()
        for turn in range(args.rounds * 2):
            label = "with the guard" if turn % 2 == 0 else "without it"
            slapd = Slapd(layout, port)
            start_with(slapd, bare if label == "without it" else layout.config_dir)
            try:
                replay(slapd.uri, state.base_dn, state.addressbook_password, 1)  # warm
                results[label] += replay(slapd.uri, state.base_dn, state.addressbook_password, 3)
            finally:
                slapd.stop()
    for label, times in results.items():
        rate = len(times) / sum(times)
        print(f"address book, Outlook filter, {label:15s} {rate:7,.0f}/s  "
              f"p50 {statistics.median(times) * 1000:5.2f} ms")  # fmt: skip
    with_guard, without = (len(t) / sum(t) for t in results.values())
    print(f"ratio with / without the guard: {with_guard / without:.2f}")
    print(f"instance: {data_dir} ({state.demo_people:,} people), {args.rounds} rounds")
    return 0


def start_with(slapd: Slapd, config_dir: Path) -> None:
    """Start slapd on the instance's database with the given cn=config directory."""
    slapd.layout.run_dir.mkdir(parents=True, exist_ok=True)
    slapd.layout.ldapi_path.unlink(missing_ok=True)
    cmd = [find_binary("slapd"), "-d", "0", "-F", str(config_dir), "-h", slapd.uri + "/"]
    slapd.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    slapd.wait_ready()


if __name__ == "__main__":
    raise SystemExit(main())
