"""Measure how well search finds units, title holders and named people: hit rates, not speed.

    python benchmarks/bench_relevance.py [--data-dir DIR] [--people N] [--per-kind K] [--seed S]

Uses the instance in DIR (built with N synthetic people on first use, then reused) and makes,
by rules from what it holds, K queries of each kind with the answer each must give:

- unit + place: a unit and the units above it ("Sở Nội vụ Hà Nội", "hà nội sở nội vụ",
  "UBND P. Ba Đình", "Vụ Pháp chế Bộ TC"), both orders, with and without diacritics, with the
  usual abbreviations and without "tỉnh"/"thành phố"; the answer is the unit, first of the
  units listed;
- title + unit + place: the holder of a title held by one person in the unit ("giám đốc sở
  nội vụ hà nội", "chủ tịch ubnd phường ba đình"); the answer is that person, first;
- name + unit: a person's full name and their unit or one above it in which nobody else has
  that name ("nguyễn văn an bộ tài chính"); the answer is that person, among the first three.

Prints per kind the top-1 and top-3 hit rates, the mean reciprocal rank (over the first 10),
the latency of search_people (p50/p95) and a few misses. The raw tool here is no tool: there
is nothing to compare relevance against but the expected answers.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from directory_service.directory.search import search_people  # noqa: E402
from directory_service.directory.settings import ConnectionSettings  # noqa: E402
from directory_service.directory.store import (  # noqa: E402
    Directory,
    UnitInfo,
    person_from_entry,
)
from directory_service.directory.units import LEADER_RANK_LIMIT  # noqa: E402
from directory_service.entries.build import UNIT_RDN  # noqa: E402
from directory_service.model import ADMINISTRATIVE_TYPES  # noqa: E402
from directory_service.reference.positions import title_rank  # noqa: E402
from directory_service.server.config import WEB_LONG_TIME_LIMIT  # noqa: E402
from directory_service.server.up import prepare  # noqa: E402
from directory_service.text import fold_key  # noqa: E402

KIND_WORDS = ("Thành phố", "Tỉnh", "Phường", "Xã", "Đặc khu", "Thị trấn")
ABBREVIATED_KINDS = {"Thành phố": ["TP", "Tp.", "TP."], "Phường": ["P."], "Xã": ["X."]}
RANKED = 10  # results the reciprocal rank looks at
SHORT_NAMES: Counter[str] = Counter()  # folded short names of administrative units, counted


def short(unit: UnitInfo) -> str:
    """Return an administrative unit's name without its kind word ("Hà Nội", "Ba Đình")."""
    for kind in KIND_WORDS:
        if unit.name.startswith(kind + " "):
            return unit.name[len(kind) + 1 :]
    return unit.name


def kind_of(unit: UnitInfo) -> str:
    """Return an administrative unit's kind word as written in its name ("Phường")."""
    return next((k for k in KIND_WORDS if unit.name.startswith(k + " ")), "")


def initials(name: str) -> str | None:
    """Return "Bộ TC" for "Bộ Tài chính": the kind, then the initials of two or more words."""
    kind, *rest = name.replace(",", "").split()
    rest = [w for w in rest if w.lower() != "và"]
    if kind in ("Bộ", "Sở") and len(rest) >= 2:
        return f"{kind} {''.join(fold_key(w)[0].upper() for w in rest)}"
    return None


def place_text(unit: UnitInfo, rng: random.Random) -> str:
    """Return a way people write a place (province, commune, ministry), chosen by rules."""
    if unit.type in ADMINISTRATIVE_TYPES:
        kind = kind_of(unit)
        options = [short(unit), unit.name, f"{kind.lower()} {short(unit)}"]
        options += [f"{a} {short(unit)}" for a in ABBREVIATED_KINDS.get(kind, [])]
        if unit.code == "79":
            options += ["TP.HCM", "TP HCM"]
        return rng.choice(options)
    return rng.choice([unit.name, initials(unit.name) or unit.name])


def unit_text(unit: UnitInfo, rng: random.Random, abbreviate: bool = True) -> str:
    """Return a way people write a unit's own name ("UBND P. Ba Đình", "VP HĐND và UBND")."""
    if unit.type in ADMINISTRATIVE_TYPES:
        committee = rng.choice(["UBND", "Ủy ban nhân dân"])
        return f"{committee} {place_text(unit, rng)}"
    name = unit.name
    if abbreviate and name.startswith("Văn phòng ") and rng.random() < 0.3:
        name = "VP " + name[len("Văn phòng ") :]
    return rng.choice([name, initials(name) or name])


def places(unit: UnitInfo, units: dict[str, UnitInfo], rng: random.Random) -> list[str]:
    """Return the texts of the places above a unit: the nearest, sometimes the one above too.

    A place whose name others share (there are several Tân An) always gets the one above it,
    as a person would have to write it.
    """
    above = [units[c] for c in unit.path[1:-1] if c in units]
    if not above:
        return []
    shared = len(above) >= 2 and SHORT_NAMES[fold_key(short(above[-1]))] > 1
    chosen = above[-1:] if len(above) == 1 or (rng.random() < 0.6 and not shared) else above[-2:]
    return [place_text(p, rng) for p in reversed(chosen)]


def in_order(own: str, around: list[str], rng: random.Random) -> list[str]:
    """Return the unit's words and its places, the places after or before it."""
    return [own, *around] if rng.random() < 0.5 else [*reversed(around), own]


def spelled(parts: list[str], rng: random.Random) -> str:
    """Return the parts as typed: with diacritics or folded, and sometimes lower-cased."""
    query = " ".join(parts)
    if rng.random() < 0.5:
        return fold_key(query)
    return query.lower() if rng.random() < 0.5 else query


def merged(title: str, unit: str) -> str:
    """Return a title followed by a unit, the words both share said once ("Giám đốc Sở Nội vụ")."""
    t, u = title.split(), unit.split()
    for n in range(min(len(t), len(u)), 0, -1):
        if [w.lower() for w in t[-n:]] == [w.lower() for w in u[:n]]:
            return " ".join(t + u[n:])
    return f"{title} {unit}"


def people_by_unit(directory: Directory) -> dict[str, list]:
    """Return every active person, by the code of the unit they sit directly in."""
    attrs = ["uid", "displayName", "cn", "title", UNIT_RDN, "govdirUnitPath", "govdirStatus"]
    entries, _ = directory.search("(objectClass=govdirPerson)", attrs, limit=2**31 - 1,
                                  time_limit=WEB_LONG_TIME_LIMIT)  # fmt: skip
    out: dict[str, list] = {}
    for e in entries:
        p = person_from_entry(*e)
        if p.status != "left":
            out.setdefault(p.unit_code, []).append(p)
    return out


def unit_place_cases(units, people, n, rng) -> list[tuple[str, str]]:
    """Return n (query, unit code) pairs: units with a place above them."""
    codes = sorted(c for c, u in units.items() if len(u.path) >= 3)
    cases = []
    while len(cases) < n:
        unit = units[rng.choice(codes)]
        parts = in_order(unit_text(unit, rng), places(unit, units, rng), rng)
        cases.append((spelled(parts, rng), unit.code))
    return cases


def unique_leaders(people) -> list:
    """Return the leaders whose title nobody else directly in their unit holds."""
    out = []
    for staff in people.values():
        titles = [fold_key(p.title) for p in staff]
        out += [
            p
            for p in staff
            if title_rank(p.title) < LEADER_RANK_LIMIT and titles.count(fold_key(p.title)) == 1
        ]
    return sorted(out, key=lambda p: p.uid)


def title_cases(units, people, n, rng) -> list[tuple[str, str]]:
    """Return n (query, uid) pairs: a unique leader's title, their unit and its place."""
    leaders = unique_leaders(people)
    cases = []
    while len(cases) < n:
        person = rng.choice(leaders)
        unit = units[person.unit_code]
        own = unit_text(unit, rng, abbreviate=False)
        if unit.type in ADMINISTRATIVE_TYPES:  # "Chủ tịch UBND phường" + "UBND P. Ba Đình"
            own = f"{person.title.split(' UBND')[0]} {own}"
        else:  # "Giám đốc Sở" + "Sở Nội vụ": the shared "Sở" once
            own = merged(person.title, own)
        cases.append((spelled(in_order(own, places(unit, units, rng), rng), rng), person.uid))
    return cases


def name_cases(units, people, n, rng) -> list[tuple[str, str]]:
    """Return n (query, uid) pairs: a person's full name and their unit or one above it.

    The unit is one in which nobody else has the same name (folded): namesakes in one unit
    cannot be told apart by name and unit, so such a query has no one answer. People with a
    namesake in their own unit are not asked for.
    """
    everyone = sorted((p for staff in people.values() for p in staff), key=lambda p: p.uid)
    namesakes: dict[str, list] = {}
    for p in everyone:
        namesakes.setdefault(fold_key(p.name), []).append(p)
    cases = []
    while len(cases) < n:
        person = rng.choice(everyone)
        others = [o.unit_path for o in namesakes[fold_key(person.name)] if o is not person]
        chain = [
            units[c]
            for c in person.unit_path[1:]
            if c in units and not any(c in path for path in others)
        ]
        if not chain:
            continue
        unit = rng.choice(chain)
        words = in_order(unit_text(unit, rng), places(unit, units, rng), rng)
        words = [person.name, *words] if rng.random() < 0.5 else [*words, person.name]
        cases.append((spelled(words, rng), person.uid))
    return cases


def measure(label: str, cases, answer: Callable, directory: Directory, top: int) -> dict:
    """Run the queries; print and return top-1, top-3, MRR and latency for one kind."""
    ranks, times, misses = [], [], []
    for query, expected in cases:
        t0 = time.perf_counter()
        page = search_people(directory, query, per_page=RANKED)
        times.append(time.perf_counter() - t0)
        found = answer(page)
        rank = found.index(expected) + 1 if expected in found else None
        ranks.append(rank)
        if rank is None or rank > top:
            misses.append((query, expected, found[:3]))
    n = len(cases)
    top1 = sum(1 for r in ranks if r == 1) / n
    top3 = sum(1 for r in ranks if r and r <= 3) / n
    mrr = sum(1 / r for r in ranks if r) / n
    ms = sorted(t * 1000 for t in times)
    p50, p95 = statistics.median(ms), ms[int(0.95 * (len(ms) - 1))]
    print(f"{label:22s} {n:6,} queries  top-1 {top1:7.2%}  top-3 {top3:7.2%}  MRR {mrr:.3f}"
          f"  p50 {p50:5.1f} ms  p95 {p95:5.1f} ms")  # fmt: skip
    for query, expected, got in misses[:5]:
        print(f"    missed: {query!r} -> expected {expected}, got {got}")
    return {"top1": top1, "top3": top3, "mrr": mrr, "misses": len(misses)}


def main(argv: list[str] | None = None) -> int:
    """Build or reuse the instance, make the queries and print the hit rates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(ROOT / "var" / "relevance"))
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--per-kind", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args(argv)
    state, slapd = prepare(Path(args.data_dir), demo_people=args.people, quiet=False)
    slapd.start()
    try:
        web = ConnectionSettings(slapd.uri, f"cn=web,{state.base_dn}", state.web_password,
                                 state.base_dn)  # fmt: skip
        directory = Directory(web)
        units = directory.units()
        SHORT_NAMES.update(
            fold_key(short(u)) for u in units.values() if u.type in ADMINISTRATIVE_TYPES
        )
        people = people_by_unit(directory)
        directory.unit_names()  # built once, as a running web tier has it
        total = sum(len(s) for s in people.values())
        print(f"instance: {args.data_dir} ({total:,} people, {len(units):,} units)")
        rng = random.Random(args.seed)
        kinds = [
            ("unit + place", unit_place_cases, lambda page: [u.code for u in page.units], 1),
            ("title + unit + place", title_cases, lambda page: [p.uid for p in page.people], 1),
            ("name + unit", name_cases, lambda page: [p.uid for p in page.people], 3),
        ]
        for label, make, answer, top in kinds:
            cases = make(units, people, args.per_kind, rng)
            measure(label, cases, answer, directory, top)
    finally:
        slapd.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
