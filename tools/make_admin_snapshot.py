"""Write the pinned administrative-unit snapshots from the vietnamadminunits SQLite dataset.

Run once by a developer, with the MIT-licensed package ``vietnamadminunits`` installed (it is not a
runtime dependency):

    python tools/make_admin_snapshot.py [--db PATH] [--date YYYY-MM-DD] [--out DIR]

It writes, into ``directory_service/data/``:

- ``admin_units_2025.json``: 34 provinces, their communes/wards/special zones (since 1 July 2025);
- ``admin_units_legacy.json``: 63 provinces, their districts and communes (before 1 July 2025);
- ``admin_units_2025_mapping.json``: old commune code -> new commune code(s), from the package's
  ``converter_2025.json``.

Every file records the source, its version, licence and the generation date. Entries are keyed by
the statistics office code and written one per line, so a re-generation diffs cleanly.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import re
import sqlite3
import sys
import unicodedata
from collections import Counter
from pathlib import Path

PACKAGE = "vietnamadminunits"
PACKAGE_URL = "https://github.com/tranngocminhhieu/vietnamadminunits"
EXPECTED_VERSION = "1.0.4"
LICENSE = "MIT, Copyright (c) 2025 Tran Ngoc Minh Hieu"
OUT_DIR = Path(__file__).resolve().parent.parent / "directory_service" / "data"

# Unit-type codes, the same strings as directory_service.model (kept literal so this tool runs
# without importing the package).
PROVINCE_TYPES = {"Tỉnh": "tinh", "Thành phố": "thanh-pho"}
COMMUNE_TYPES = {"Xã": "xa", "Phường": "phuong", "Đặc khu": "dac-khu", "Thị trấn": "thi-tran"}
DISTRICT_TYPE = "huyen"
DISTRICT_KINDS = ("Quận", "Huyện", "Thị xã", "Thành phố")


def clean(text: str) -> str:
    """Return text in NFC with surrounding and repeated whitespace removed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class Fixes:
    """Collect the corrections applied to source values, to be recorded in the snapshot."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, str], list[str]] = {}

    def note(self, code: str, field: str, old: str, new: str) -> str:
        """Record one correction if the value changed and return the new value."""
        if old != new:
            self.seen[(code, field)] = [code, field, old, new]
        return new

    @property
    def items(self) -> list[list[str]]:
        """Return the corrections as [code, field, source value, snapshot value], sorted."""
        return [self.seen[k] for k in sorted(self.seen)]


def split_kind(full_name: str, kinds) -> tuple[str, str]:
    """Split "Thị Xã Buôn Hồ" into ("Thị xã", "Buôn Hồ"), matching the kind case-insensitively."""
    name = clean(full_name)
    for kind in sorted(kinds, key=len, reverse=True):
        if name.lower().startswith(kind.lower() + " "):
            return kind, name[len(kind) + 1 :]
    raise ValueError(f"unknown kind of unit: {full_name!r}")


def short_name(short: str) -> str:
    """Drop the source's disambiguating suffix: "Kỳ Anh (Huyện)" -> "Kỳ Anh"."""
    return re.sub(r"\s*\((Huyện|Thị xã|Thành phố|Quận|Xã|Phường|Thị trấn)\)$", "", clean(short))


def unit(fixes: Fixes, code: str, full: str, short: str, kind: str | None, kinds) -> list[str]:
    """Return [name, short name, kind word] with the kind taken from the name's own prefix.

    The name's prefix wins over the source's separate type column where the two disagree (a few
    rows, e.g. "Phường Tân Lộc" typed Xã); every such change is recorded in ``fixes``.
    """
    word, rest = split_kind(full, kinds)
    name = fixes.note(code, "name", clean(full), f"{word} {rest}")
    if kind is not None:
        fixes.note(code, "type", clean(kind), word)
    return [name, fixes.note(code, "short_name", clean(short), short_name(short)), word]


def read_2025(db: sqlite3.Connection, fixes: Fixes) -> tuple[dict, dict]:
    """Return (provinces, communes) of the 2025 two-tier structure, keyed by code."""
    provinces: dict[str, list] = {}
    communes: dict[str, list] = {}
    rows = db.execute(
        "SELECT provinceCode, province, provinceShort, wardCode, ward, wardShort, wardType"
        " FROM admin_units"
    )
    for pcode, pname, pshort, code, name, short, kind in rows:
        pname, pshort, pword = unit(fixes, pcode, pname, pshort, None, PROVINCE_TYPES)
        entry = [pname, pshort, PROVINCE_TYPES[pword]]
        if provinces.setdefault(pcode, entry) != entry:
            raise ValueError(f"province {pcode} has two names")
        if code in communes:
            raise ValueError(f"duplicate commune code {code}")
        name, short, word = unit(fixes, code, name, short, kind, COMMUNE_TYPES)
        communes[code] = [name, short, COMMUNE_TYPES[word], pcode]
    return provinces, communes


def read_legacy(db: sqlite3.Connection, fixes: Fixes) -> tuple[dict, dict, dict]:
    """Return (provinces, districts, communes) of the pre-2025 three-tier structure."""
    provinces: dict[str, list] = {}
    districts: dict[str, list] = {}
    communes: dict[str, list] = {}
    rows = db.execute(
        "SELECT provinceCode, province, provinceShort, districtCode, district, districtShort,"
        " districtType, wardCode, ward, wardShort, wardType FROM admin_units_legacy"
    )
    for row in rows:
        pcode, pname, pshort, dcode, dname, dshort, dkind, code, name, short, kind = row
        pname, pshort, pword = unit(fixes, pcode, pname, pshort, None, PROVINCE_TYPES)
        entry = [pname, pshort, PROVINCE_TYPES[pword]]
        if provinces.setdefault(pcode, entry) != entry:
            raise ValueError(f"province {pcode} has two names")
        dname, dshort, _ = unit(fixes, dcode, dname, dshort, dkind, DISTRICT_KINDS)
        dentry = [dname, dshort, DISTRICT_TYPE, pcode]
        if districts.setdefault(dcode, dentry) != dentry:
            raise ValueError(f"district {dcode} has two names")
        if code is None:  # island districts without communes (Côn Đảo, Hoàng Sa, ...)
            continue
        if code in communes:
            raise ValueError(f"duplicate commune code {code}")
        name, short, word = unit(fixes, code, name, short, kind, COMMUNE_TYPES)
        communes[code] = [name, short, COMMUNE_TYPES[word], pcode, dcode]
    return provinces, districts, communes


def read_mapping(db: sqlite3.Connection, converter: Path) -> dict[str, str | list[str]]:
    """Return old commune (or island district) code -> new code, or a list, default first."""
    new = {
        (pk, wk): code
        for pk, wk, code in db.execute("SELECT provinceKey, wardKey, wardCode FROM admin_units")
    }
    old = {}
    rows = db.execute(
        "SELECT provinceKey, districtKey, wardKey, wardCode, districtCode FROM admin_units_legacy"
    )
    for pk, dk, wk, code, dcode in rows:
        old[f"{pk}_{dk}_{wk or ''}"] = code or dcode
    data = json.loads(converter.read_text(encoding="utf-8"))
    targets: dict[str, list[tuple[str, bool]]] = {}
    for pkey, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, old_keys in wards.items():
            for okey in old_keys:
                targets.setdefault(old[okey], []).append((new[(pkey, wkey)], True))
    for pkey, divided in data["DICT_PROVINCE_WARD_DIVIDED"].items():
        for okey, parts in divided.items():
            for part in parts:
                pair = (new[(pkey, part["newWardKey"])], bool(part["isDefaultNewWard"]))
                targets.setdefault(old[okey], []).append(pair)
    mapping: dict[str, str | list[str]] = {}
    for code, pairs in sorted(targets.items()):
        defaults = [c for c, is_default in pairs if is_default]
        if len(defaults) != 1:
            raise ValueError(f"old unit {code} has {len(defaults)} default successors")
        others = sorted({c for c, _ in pairs} - set(defaults))
        mapping[code] = defaults[0] if not others else defaults + others
    missing = set(old.values()) - set(mapping)
    if missing:
        raise ValueError(f"{len(missing)} old units have no successor, e.g. {sorted(missing)[:5]}")
    return mapping


def dump(path: Path, header: dict, sections: dict[str, dict]) -> None:
    """Write the header, then each section's entries one per line, sorted by code."""
    lines = ["{"]
    for key, value in header.items():
        if isinstance(value, list) and value:  # long lists (corrections): one item per line
            items = [json.dumps(v, ensure_ascii=False) for v in value]
            lines.append(f"  {json.dumps(key)}: [\n    " + ",\n    ".join(items) + "\n  ],")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},")
    names = list(sections)
    for i, name in enumerate(names):
        entries = sections[name]
        lines.append(f"  {json.dumps(name)}: {{")
        items = sorted(entries.items())
        for j, (code, value) in enumerate(items):
            comma = "," if j < len(items) - 1 else ""
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            lines.append(f"    {json.dumps(code)}:{text}{comma}")
        lines.append("  }" + ("," if i < len(names) - 1 else ""))
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    json.loads(path.read_text(encoding="utf-8"))  # round-trip check


def main(argv: list[str] | None = None) -> int:
    """Read the dataset, check the counts and write the snapshot files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="dataset.db (default: the installed package's)")
    parser.add_argument("--date", default=datetime.date.today().isoformat())
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)

    version = importlib.metadata.version(PACKAGE)
    if version != EXPECTED_VERSION:
        print(f"warning: {PACKAGE} {version} installed, snapshot pinned to {EXPECTED_VERSION}")
    if args.db is None:
        import vietnamadminunits  # only needed here, to locate its data

        args.db = Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"
    converter = args.db.parent / "converter_2025.json"
    db = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True)

    def meta(structure: str, table: str) -> dict:
        return {
            "source": {"package": PACKAGE, "url": PACKAGE_URL, "table": table},
            "source_version": version,
            "license": LICENSE,
            "generated": args.date,
            "generator": "tools/make_admin_snapshot.py",
            "structure": structure,
        }

    fixes = Fixes()
    provinces, communes = read_2025(db, fixes)
    kinds = Counter(c[2] for c in communes.values())
    counts = {"provinces": len(provinces), "communes": len(communes), **dict(sorted(kinds.items()))}
    if len(provinces) != 34:
        raise SystemExit(f"expected 34 provinces in 2025, found {len(provinces)}")
    print("2025:", counts)
    header = meta("2025: 34 provinces, two tiers", "admin_units") | {"counts": counts}
    header["corrections"] = fixes.items
    header["columns"] = {
        "provinces": ["name", "short_name", "type"],
        "communes": ["name", "short_name", "type", "province"],
    }
    dump(args.out / "admin_units_2025.json", header, {"provinces": provinces, "communes": communes})

    fixes = Fixes()
    lprov, ldist, lcomm = read_legacy(db, fixes)
    kinds = Counter(c[2] for c in lcomm.values())
    dkinds = Counter(split_kind(d[0], DISTRICT_KINDS)[0] for d in ldist.values())
    counts = {
        "provinces": len(lprov),
        "districts": len(ldist),
        "communes": len(lcomm),
        **dict(sorted(kinds.items())),
        "district_kinds": dict(sorted(dkinds.items())),
    }
    if len(lprov) != 63:
        raise SystemExit(f"expected 63 legacy provinces, found {len(lprov)}")
    print("legacy:", counts)
    header = meta("legacy: 63 provinces, districts, communes", "admin_units_legacy")
    header["counts"] = counts
    header["corrections"] = fixes.items
    header["columns"] = {
        "provinces": ["name", "short_name", "type"],
        "districts": ["name", "short_name", "type", "province"],
        "communes": ["name", "short_name", "type", "province", "district"],
    }
    sections = {"provinces": lprov, "districts": ldist, "communes": lcomm}
    dump(args.out / "admin_units_legacy.json", header, sections)

    mapping = read_mapping(db, converter)
    split = sum(1 for v in mapping.values() if isinstance(v, list))
    header = meta("mapping: legacy commune code -> 2025 commune code", "converter_2025.json")
    header["source"]["table"] = "data/converter_2025.json + admin_units + admin_units_legacy"
    header["counts"] = {"old_units": len(mapping), "split": split}
    header["format"] = (
        "keys: legacy commune code (5 digits), or legacy district code (3 digits) for the island"
        " districts that had no communes; value: the 2025 code, or, for a unit split between"
        " several new ones, a list whose first element is the package's default successor"
    )
    dump(args.out / "admin_units_2025_mapping.json", header, {"mapping": mapping})
    print("mapping:", header["counts"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
