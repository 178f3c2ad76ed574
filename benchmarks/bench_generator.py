"""Measure how fast directory_service.demo.staff generates people, and the peak memory it takes.

Usage: python benchmarks/bench_generator.py [--people N] [--seed S]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from directory_service.demo.staff import generate_people  # noqa: E402
from directory_service.model import Unit  # noqa: E402

_MINISTRY_DOMAINS = (
    "mod mps mofa moha moj mof moit mae moc bvhttdl mst moet moh ubdt sbv thanhtra".split()
)
_PROVINCES = (
    "hanoi tphcm haiphong danang hue cantho quangninh caobang langson laichau dienbien laocai "
    "thainguyen phutho bacninh hungyen ninhbinh thanhhoa nghean hatinh quangtri quangngai "
    "gialai khanhhoa lamdong daklak dongnai tayninh vinhlong dongthap camau angiang sonla "
    "tuyenquang".split()
)
_DEPARTMENTS = (
    "Nội vụ,Tư pháp,Tài chính,Công Thương,Nông nghiệp và Môi trường,Xây dựng,"
    "Khoa học và Công nghệ,Văn hóa - Thể thao và Du lịch,Giáo dục và Đào tạo,Y tế,"
    "Ngoại vụ,Dân tộc và Tôn giáo"
).split(",")


def synthetic_units() -> list[Unit]:
    """Return a hand-built national tree of about 17,600 units shaped like the real one."""
    units = [Unit("TW", "Trung ương", "nhanh"), Unit("DP", "Địa phương", "nhanh")]
    for m, label in enumerate(_MINISTRY_DOMAINS):
        code, domain = f"B{m:02d}", f"{label}.gov.vn"
        units.append(Unit(code, f"Bộ {m}", "bo", "TW", domain))
        units.append(Unit(f"{code}-VP", "Văn phòng", "van-phong", code, domain))
        units.append(Unit(f"{code}-TT", "Thanh tra", "thanh-tra", code, domain))
        for k in range(8):
            units.append(Unit(f"{code}-V{k}", f"Vụ {k}", "vu", code, domain))
        for k in range(12):
            units.append(Unit(f"{code}-C{k}", f"Cục {k}", "cuc", code, domain))
        for k in range(4):
            units.append(Unit(f"{code}-TTam{k}", f"Trung tâm {k}", "trung-tam", code, domain))
    commune = 0
    for p, label in enumerate(_PROVINCES):
        code, domain = f"{p + 1:02d}", f"{label}.gov.vn"
        units.append(Unit(code, f"Tỉnh {label}", "tinh", "DP", domain))
        units.append(Unit(f"{code}-VP", "Văn phòng UBND", "van-phong", code, domain))
        units.append(Unit(f"{code}-TT", "Thanh tra tỉnh", "thanh-tra", code, domain))
        for k, name in enumerate(_DEPARTMENTS):
            units.append(Unit(f"{code}-S{k:02d}", f"Sở {name}", "so", code, domain))
        for _ in range(98):
            c = f"{commune:05d}"
            commune += 1
            units.append(Unit(c, f"Xã {c}", "xa", code, domain))
            units.append(Unit(f"{c}-VP", "Văn phòng HĐND và UBND", "van-phong", c, domain))
            units.append(Unit(f"{c}-KT", "Phòng Kinh tế", "phong", c, domain))
            units.append(Unit(f"{c}-VH", "Phòng Văn hóa - Xã hội", "phong", c, domain))
            units.append(
                Unit(f"{c}-HCC", "Trung tâm Phục vụ hành chính công", "trung-tam", c, domain)
            )
    return units


def national_units() -> tuple[list[Unit], str]:
    """Return the project's national tree if reference.tree can build it, else ours."""
    try:
        from directory_service.reference.tree import build_tree

        units = list(build_tree())
        if units and all(isinstance(u, Unit) for u in units):
            return units, "directory_service.reference.tree.build_tree()"
    except Exception as exc:  # noqa: BLE001 - any failure means: fall back to the synthetic tree
        print(f"(tree.build_tree unavailable: {type(exc).__name__}: {exc})", file=sys.stderr)
    return synthetic_units(), "synthetic hand-built tree"


def main(argv: list[str] | None = None) -> None:
    """Generate the people, discard them, and print the rate and the peak RSS."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    units, source = national_units()
    print(f"units: {len(units):,} ({source})")
    start = time.perf_counter()
    generated = with_phone = 0
    for person in generate_people(units, args.people, seed=args.seed):
        generated += 1
        with_phone += person.phone is not None
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"people: {generated:,} in {elapsed:.2f} s = {generated / elapsed:,.0f} people/s")
    print(f"with phone: {with_phone:,}; peak RSS: {peak_kib / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
