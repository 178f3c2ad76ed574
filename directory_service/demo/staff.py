"""Generate synthetic, reproducible demo staff for a unit tree, streamed one Person at a time.

Everything random comes from one ``random.Random(seed)`` (and, for a domain's mail style, a
``random.Random`` seeded with a string built from the seed and the domain), so the same units,
count and seed always give the same people. People come out unit by unit, leaders first.

How many people each unit gets is decided first, then each unit fills its leader posts, most senior
first, and puts the rest on ordinary staff titles. A unit that gets k people holds its top k posts.
A fully staffed directory has about ``_STAFF_PER_POST`` ordinary staff per leader post (some
1,000,000 people for the national tree): the leader posts plus the staff shared out by unit-type
weight. A smaller directory is a scaled-down sample of that one rather than the most senior posts
nationwide: every unit's expected size shrinks in proportion, a unit too small to show its leaders
next to staff appears (at a fuller size) only with the matching probability, and a unit that
appears brings the head of every unit above it (a Vụ its Bộ trưởng, a commune office its Chủ tịch
UBND xã and tỉnh). So 3,000 people still hold mostly Chuyên viên, Công chức and the like, and the
ministries and provinces keep their heads.
"""

from __future__ import annotations

import random
import re
import zlib
from bisect import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from directory_service.demo import names
from directory_service.model import (
    BRANCH,
    CENTRAL_AGENCY_TYPES,
    CENTRE,
    CITY,
    DISTRICT,
    DIVISION,
    INSPECTORATE,
    OFFICE,
    PROVINCE,
    Person,
    Unit,
)
from directory_service.reference.positions import (
    COMMUNE_LEVEL_TYPES,
    LEVEL_CENTRAL,
    LEVEL_COMMUNE,
    LEVEL_DISTRICT,
    LEVEL_PROVINCE,
    UNKNOWN_RANK,
    infer_level,
    leader_slots,
    staff_titles,
    title_rank,
)
from directory_service.text import fold

# Mail local-part styles seen in Vietnamese government, for Nguyễn Văn An.
MAIL_STYLES = ("annv", "nvan", "nguyenvanan", "an.nguyenvan")
_STYLE_WEIGHTS = (0.6, 0.15, 0.15, 0.1)

# Relative number of ordinary staff per unit, by (level, unit type); 0 = leaders only.
_STAFF_WEIGHT = {
    (LEVEL_CENTRAL, OFFICE): 60.0,
    (LEVEL_CENTRAL, "vu"): 40.0,
    (LEVEL_CENTRAL, "cuc"): 150.0,
    (LEVEL_CENTRAL, INSPECTORATE): 40.0,
    (LEVEL_CENTRAL, CENTRE): 50.0,
    (LEVEL_PROVINCE, OFFICE): 50.0,
    (LEVEL_PROVINCE, "so"): 80.0,
    (LEVEL_PROVINCE, INSPECTORATE): 30.0,
    (LEVEL_PROVINCE, CENTRE): 20.0,
    (LEVEL_PROVINCE, DIVISION): 10.0,
    (LEVEL_DISTRICT, OFFICE): 6.0,
    (LEVEL_DISTRICT, DIVISION): 4.0,
    (LEVEL_DISTRICT, CENTRE): 3.0,
    (LEVEL_COMMUNE, OFFICE): 0.3,
    (LEVEL_COMMUNE, DIVISION): 0.25,
    (LEVEL_COMMUNE, CENTRE): 0.25,
}
_DEFAULT_STAFF_WEIGHT = 5.0
# Ordinary staff per leader post in a fully staffed directory: about 1,000,000 people in all for
# the national tree's 42,482 posts, 4% of them leaders. Smaller counts are scaled-down samples.
_STAFF_PER_POST = 22.5
# In a scaled-down directory a unit that appears holds at least this many people per leader post
# (unless it is smaller even when fully staffed): its leaders and twice as many ordinary staff.
_PEOPLE_PER_POST_IF_PRESENT = 3
_HEAD_TYPES = CENTRAL_AGENCY_TYPES | COMMUNE_LEVEL_TYPES | {PROVINCE, CITY, DISTRICT, BRANCH}

_WOMEN_SHARE_STAFF = 0.52
_WOMEN_SHARE_LEADERS = 0.3
_PHONE_SHARE = 0.75
_LANDLINE_SHARE = 0.55  # of those with a phone

_AREA_CODES = {"hanoi": "024", "tphcm": "028", "haiphong": "0225", "danang": "0236"}
_AREA_CODES |= {"hue": "0234", "cantho": "0292", "quangninh": "0203", "nghean": "0238"}
_PROVINCE_AREA_CODES = tuple(
    f"02{n:02d}"
    for n in (*range(3, 30), *range(32, 40), *range(51, 64), *range(69, 78), *range(90, 100))
    if n not in (17, 23, 24, 53, 95, 98)
)
_MOBILE_PREFIXES = tuple(
    "090 091 093 094 096 097 098 086 088 089 032 033 034 035 036 037 038 039 "
    "070 076 077 078 079 081 082 083 084 085".split()
)

_UID_BITS = 46  # 2**46 < 36**9, so every uid is "p" + exactly 9 base-36 characters
_UID_MASK = (1 << _UID_BITS) - 1
_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_B36_TRIPLES = tuple(a + b + c for a in _B36 for b in _B36 for c in _B36)
_DIGITS3 = tuple(f"{i:03d}" for i in range(1000))
_DIGITS4 = tuple(f"{i:04d}" for i in range(10000))


def _fold_word(word: str) -> str:
    """Return a name word as lower-case ASCII letters only (Đức -> duc)."""
    return re.sub(r"[^a-z]", "", fold(word).lower())


def local_part(family: str, middle: str, given: str, style: str = "annv") -> str:
    """Return the mail local part of a name in one of MAIL_STYLES, without clash numbers."""
    fam = _fold_word(family)
    mids = [_fold_word(w) for w in middle.split()]
    giv = "".join(_fold_word(w) for w in given.split())
    initials = fam[:1] + "".join(m[:1] for m in mids)
    if style == "annv":
        return giv + initials
    if style == "nvan":
        return initials + giv
    if style == "nguyenvanan":
        return fam + "".join(mids) + giv
    if style == "an.nguyenvan":
        return f"{giv}.{fam}{''.join(mids)}"
    raise ValueError(f"unknown mail style {style!r}")


def mail_style(domain: str, seed: int = 1) -> str:
    """Return the one mail style a domain uses, fixed by the seed and the domain name."""
    rng = random.Random(f"mail-style:{seed}:{domain.lower()}")
    return rng.choices(MAIL_STYLES, weights=_STYLE_WEIGHTS)[0]


@dataclass
class _Table:
    """A weighted table prepared for fast draws: items plus cumulative weights."""

    items: list
    cum: list[float]
    total: float

    @classmethod
    def of(cls, items: Sequence, weights: Sequence[float]) -> _Table:
        """Return the table, its last bound infinite so a draw rounded up to total still fits."""
        cum = list(accumulate(weights))
        total = cum[-1] if cum else 0.0
        if cum:
            cum[-1] = float("inf")
        return cls(list(items), cum, total)


def _name_tables(rows, boost: dict[str, float] | None = None) -> _Table:
    """Return a table of (display, folded, initials, last word) for name components."""
    items, weights = [], []
    for text, weight in rows:
        words = text.split()
        folded = [_fold_word(w) for w in words]
        items.append((text, "".join(folded), "".join(f[:1] for f in folded), words[-1]))
        weights.append(weight * ((boost or {}).get(words[0], 1.0)))
    return _Table.of(items, weights)


_FAMILY = _name_tables(names.FAMILY_NAMES)
_GIVEN = {"M": _name_tables(names.MALE_GIVEN_NAMES), "F": _name_tables(names.FEMALE_GIVEN_NAMES)}
_MIDDLE = {
    ("M", False): _name_tables(names.MALE_MIDDLE_NAMES),
    ("F", False): _name_tables(names.FEMALE_MIDDLE_NAMES),
    ("M", True): _name_tables(names.MALE_MIDDLE_NAMES, names.SENIOR_MIDDLE_BOOST),
    ("F", True): _name_tables(names.FEMALE_MIDDLE_NAMES, names.SENIOR_MIDDLE_BOOST),
}


@dataclass
class _Domain:
    """Mail state of one domain: its style and, per base local part, how many are taken."""

    name: str
    style: int
    taken: dict[str, int] = field(default_factory=dict)


@dataclass
class _Plan:
    """What generating people for one unit needs, worked out once."""

    unit: Unit
    domain: _Domain
    leaders: list[str]
    staff: _Table
    weight: float
    area: str
    parent: int = -1  # index of the nearest planned unit above this one, -1 if none


def unit_levels(units: Iterable[Unit]) -> dict[str, str]:
    """Return each unit's government level, from its nearest administrative or agency ancestor."""
    units = list(units)
    by_code = {u.code: u for u in units}
    levels: dict[str, str] = {}
    for unit in units:
        node: Unit | None = unit
        seen = set()
        level = None
        while node is not None and node.code not in seen:
            seen.add(node.code)
            if node.type in CENTRAL_AGENCY_TYPES:
                level = LEVEL_CENTRAL
            elif node.type in (PROVINCE, CITY):
                level = LEVEL_PROVINCE
            elif node.type == DISTRICT:
                level = LEVEL_DISTRICT
            elif node.type in COMMUNE_LEVEL_TYPES:
                level = LEVEL_COMMUNE
            if level:
                break
            node = by_code.get(node.parent) if node.parent else None
        levels[unit.code] = level or infer_level(unit)
    return levels


def _unit_domain(unit: Unit, by_code: dict[str, Unit]) -> str | None:
    """Return the unit's mail domain, inherited from the nearest ancestor that has one."""
    node: Unit | None = unit
    for _ in range(64):
        if node is None:
            return None
        if node.domain:
            return node.domain.lower()
        node = by_code.get(node.parent) if node.parent else None
    return None


def _area_code(domain: str, level: str) -> str:
    """Return a plausible landline area code for a unit (Hà Nội's for central agencies)."""
    label = domain.split(".")[0]
    if label in _AREA_CODES:
        return _AREA_CODES[label]
    if level == LEVEL_CENTRAL:
        return "024"
    return _PROVINCE_AREA_CODES[zlib.crc32(domain.encode()) % len(_PROVINCE_AREA_CODES)]


def _plans(units: list[Unit], seed: int) -> list[_Plan]:
    """Return a plan for every unit that can hold people (has a domain, is not a branch)."""
    by_code = {u.code: u for u in units}
    levels = unit_levels(units)
    domains: dict[str, _Domain] = {}
    plans = []
    for unit in units:
        domain = _unit_domain(unit, by_code)
        if unit.type == BRANCH or not domain:
            continue
        if domain not in domains:
            domains[domain] = _Domain(domain, MAIL_STYLES.index(mail_style(domain, seed)))
        level = levels[unit.code]
        titles = staff_titles(unit, level)
        if unit.type in _HEAD_TYPES:
            weight = 0.0
        else:
            weight = _STAFF_WEIGHT.get((level, unit.type), _DEFAULT_STAFF_WEIGHT)
        plans.append(
            _Plan(
                unit=unit,
                domain=domains[domain],
                leaders=leader_slots(unit, level),
                staff=_Table.of([t for t, _ in titles], [w for _, w in titles]),
                weight=weight if titles else 0.0,
                area=_area_code(domain, level),
            )
        )
    index = {plan.unit.code: i for i, plan in enumerate(plans)}
    for plan in plans:
        code, seen = plan.unit.parent, {plan.unit.code}
        while code and code not in index and code not in seen and code in by_code:
            seen.add(code)
            code = by_code[code].parent
        if code in index and code not in seen:
            plan.parent = index[code]
    return plans


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Return whole numbers summing to total in proportion to weights (largest remainder first).

    Ties go to the lower index; only items of non-zero weight get anything.
    """
    weight_sum = sum(weights)
    shares = [total * w / weight_sum for w in weights]
    whole = [int(s) for s in shares]
    by_remainder = sorted(
        (i for i, w in enumerate(weights) if w), key=lambda i: (whole[i] - shares[i], i)
    )
    for k in range(total - sum(whole)):
        whole[by_remainder[k % len(by_remainder)]] += 1
    return whole


def _allocate(plans: list[_Plan], count: int, rng: random.Random) -> list[tuple[int, int]]:
    """Return (leaders, staff) per plan summing to count: each unit's size, its top posts first.

    At full scale or above (``_STAFF_PER_POST`` staff per leader post, or more) every leader post
    is filled and the rest is shared out by unit-type weight. Below it, see :func:`_scaled_sizes`.
    """
    posts = [len(p.leaders) for p in plans]
    total_posts = sum(posts)
    weights = [p.weight * rng.uniform(0.6, 1.4) for p in plans]
    if not any(weights):  # no unit that normally has staff: spread them evenly instead
        weights = [1.0 if p.staff.items else 0.0 for p in plans]
    total = sum(weights)
    full_staff = round(total_posts * _STAFF_PER_POST) if total else 0
    if count >= total_posts + full_staff:
        rest = count - total_posts
        if rest and not total:
            raise ValueError("no unit can hold ordinary staff; pass units with a domain")
        staff = _apportion(rest, weights) if rest else [0] * len(plans)
        return [(n, s) for n, s in zip(posts, staff, strict=True)]
    per_weight = full_staff / total if total else 0.0
    full = [n + per_weight * w for n, w in zip(posts, weights, strict=True)]
    sizes = _scaled_sizes(plans, count, full, [w > 0 for w in weights], rng)
    return [(min(n, k), k - min(n, k)) for n, k in zip(posts, sizes, strict=True)]


def _scaled_sizes(
    plans: list[_Plan], count: int, full: list[float], has_staff: list[bool], rng: random.Random
) -> list[int]:
    """Return how many people each unit gets in a directory of count < sum(full) people.

    Each unit's expected size is its full size scaled down. A unit expecting fewer than
    ``_PEOPLE_PER_POST_IF_PRESENT`` people per leader post is instead present with the matching
    probability, at that size, so the units that appear show their leaders beside ordinary staff.
    Presence is drawn by systematic sampling in unit order (one random start), so the number of
    units that appear hardly varies and any run of units expecting a lump between them (say a
    ministry's Vụ and Cục) gets at least one. Every unit above one that appears gets at least its
    head; the sizes are then scaled to sum to count, a unit without staff never above its posts.
    """
    scale = count / sum(full)
    start = rng.random()
    acc, chosen, present = start, [], [0.0] * len(plans)
    for i, (plan, size) in enumerate(zip(plans, full, strict=True)):
        expected = size * scale
        lump = max(1.0, min(size, _PEOPLE_PER_POST_IF_PRESENT * len(plan.leaders)))
        p = min(1.0, expected / lump)
        before = int(acc)
        acc += p
        if int(acc) > before:
            present[i] = expected / p  # its lump, or its expected size if that is larger
            chosen.append(i)
    if not chosen and count:  # so few people that no unit came up: draw one, same odds
        target, acc = start * (acc - start), 0.0
        for i, (plan, size) in enumerate(zip(plans, full, strict=True)):
            lump = max(1.0, min(size, _PEOPLE_PER_POST_IF_PRESENT * len(plan.leaders)))
            acc += min(1.0, size * scale / lump)
            if acc > target:
                present[i] = lump
                chosen.append(i)
                break
    heads = [0] * len(plans)  # 1 for every unit above one that appears
    for i in chosen:
        j = plans[i].parent
        while j >= 0 and not heads[j]:
            heads[j] = 1
            j = plans[j].parent
    fixed = sum(heads)
    if fixed >= count:  # a handful of people: the most senior of those heads

        def seniority(i: int) -> tuple[int, int]:
            leaders = plans[i].leaders
            return (title_rank(leaders[0]) if leaders else UNKNOWN_RANK, i)

        order = sorted((i for i, h in enumerate(heads) if h), key=seniority)
        sizes = [0] * len(plans)
        for i in order[:count]:
            sizes[i] = 1
        return sizes
    extra = [max(0.0, t - h) for t, h in zip(present, heads, strict=True)]
    if not any(extra):
        extra = [size * scale for size in full]
    sizes = [h + n for h, n in zip(heads, _apportion(count - fixed, extra), strict=True)]
    # Rounding may push a unit without staff (a Bộ, a tỉnh, a xã) past its posts: move the excess.
    over = 0
    for i, plan in enumerate(plans):
        if not has_staff[i] and sizes[i] > len(plan.leaders):
            over += sizes[i] - len(plan.leaders)
            sizes[i] = len(plan.leaders)
    if over:
        room = [extra[i] if has_staff[i] else 0.0 for i in range(len(plans))]
        if not any(room):
            room = [1.0 if has_staff[i] else 0.0 for i in range(len(plans))]
        if any(room):
            sizes = [n + k for n, k in zip(sizes, _apportion(over, room), strict=True)]
        else:  # nothing can hold staff: let the units keep them after all
            sizes[chosen[0] if chosen else 0] += over
    return sizes


def generate_people(
    units: Iterable[Unit] | Sequence[Unit], count: int, seed: int = 1
) -> Iterator[Person]:
    """Return an iterator over exactly count synthetic people, reproducible from the seed."""
    if count < 0:
        raise ValueError("count must not be negative")
    plans = _plans(list(units), seed)
    if count and not plans:
        raise ValueError("no unit can hold people: every unit needs a domain (or a parent's)")
    rng = random.Random(seed)
    xor_key, mul1, mul2 = (rng.getrandbits(_UID_BITS) for _ in range(3))
    uid_keys = (xor_key, mul1 | 1, mul2 | 1)  # odd multipliers keep the mix invertible
    allocation = _allocate(plans, count, rng)
    return _people(plans, allocation, rng, uid_keys)


def _people(
    plans: list[_Plan],
    allocation: list[tuple[int, int]],
    rng: random.Random,
    uid_keys: tuple[int, int, int],
) -> Iterator[Person]:
    """Yield the people of each planned unit in turn; the hot loop of generate_people."""
    random_ = rng.random
    fam = _FAMILY
    fam_cum, fam_items, fam_total = fam.cum, fam.items, fam.total
    triples, mask = _B36_TRIPLES, _UID_MASK
    xor_key, mul1, mul2 = uid_keys
    mobiles, d3, d4 = _MOBILE_PREFIXES, _DIGITS3, _DIGITS4
    n_mobiles = len(mobiles)
    landline_below = _PHONE_SHARE * _LANDLINE_SHARE
    # Per gender and seniority: (women share, middle table, given table) flattened for speed.
    draws = {}
    for senior in (True, False):
        for gender in ("F", "M"):
            mid, giv = _MIDDLE[gender, senior], _GIVEN[gender]
            draws[gender, senior] = (mid.items, mid.cum, mid.total, giv.items, giv.cum, giv.total)
    serial = 0
    for plan, (n_leaders, n_staff) in zip(plans, allocation, strict=True):
        if not n_leaders and not n_staff:
            continue
        code = plan.unit.code
        dom = plan.domain
        at_domain = "@" + dom.name
        style = dom.style
        taken = dom.taken
        area = plan.area + " 3"
        long_area = len(plan.area) == 4
        staff_items, staff_cum, staff_total = plan.staff.items, plan.staff.cum, plan.staff.total
        leaders = plan.leaders
        for k in range(n_leaders + n_staff):
            if k < n_leaders:
                title = leaders[k]
                gender = "F" if random_() < _WOMEN_SHARE_LEADERS else "M"
                mids, mid_cum, mid_total, givs, giv_cum, giv_total = draws[gender, True]
            else:
                title = staff_items[bisect(staff_cum, random_() * staff_total)]
                gender = "F" if random_() < _WOMEN_SHARE_STAFF else "M"
                mids, mid_cum, mid_total, givs, giv_cum, giv_total = draws[gender, False]
            f_name, f_fold, f_init, _ = fam_items[bisect(fam_cum, random_() * fam_total)]
            m_name, m_fold, m_init, m_last = mids[bisect(mid_cum, random_() * mid_total)]
            g_name, g_fold, _, _ = givs[bisect(giv_cum, random_() * giv_total)]
            while g_name == m_last:  # "Thị Thu Thu" is not a name
                g_name, g_fold, _, _ = givs[bisect(giv_cum, random_() * giv_total)]
            if style == 0:
                base = g_fold + f_init + m_init
            elif style == 1:
                base = f_init + m_init + g_fold
            elif style == 2:
                base = f_fold + m_fold + g_fold
            else:
                base = g_fold + "." + f_fold + m_fold
            # Bases hold no digits, so "annv" + clash number never equals another base.
            taken[base] = clash = taken.get(base, 0) + 1
            local = base if clash == 1 else base + str(clash)
            # An invertible mix of the serial number: unique ids without a set of used ones.
            x = ((serial ^ xor_key) * mul1) & mask
            x ^= x >> 23
            x = (x * mul2) & mask
            x ^= x >> 21
            serial += 1
            x, lo = divmod(x, 46656)
            x, mid = divmod(x, 46656)
            uid = f"p{triples[x]}{triples[mid]}{triples[lo]}"
            p = random_()
            if p >= _PHONE_SHARE:
                phone = None
            else:  # one draw gives all the digits: the low bits of p are as random as the high
                n = int(p * 1e15) % 1000000000
                if p < landline_below:
                    if long_area:  # 0236 3xxx xxx
                        phone = f"{area}{d3[n // 1000 % 1000]} {d3[n % 1000]}"
                    else:  # 024 3xxx xxxx
                        phone = f"{area}{d3[n // 10000 % 1000]} {d4[n % 10000]}"
                else:  # 09xx xxx xxx
                    pre = mobiles[n // 10000000 * n_mobiles // 100]
                    phone = f"{pre}{n // 1000000 % 10} {d3[n // 1000 % 1000]} {d3[n % 1000]}"
            yield Person(
                uid, f_name, m_name, g_name, code, title, [local + at_domain], phone, gender
            )
