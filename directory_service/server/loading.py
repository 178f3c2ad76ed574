"""Build the LDIF of a directory (base, national tree, demo staff) and load it with slapadd."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator

import ldif
from tqdm import tqdm

from directory_service import LDIF_DIR
from directory_service.demo.staff import generate_people
from directory_service.entries.build import TreeIndex
from directory_service.entries.ldif_text import Entry, entry_ldif, joined, ldif_chunks
from directory_service.entries.records import name_sort_key
from directory_service.model import Person, Unit
from directory_service.reference.tree import build_tree
from directory_service.server.slapd import Slapd, hash_password

BASE_SUFFIX = "dc=gov,dc=vn"


def base_entries(base_dn: str, passwords: dict[str, str]) -> list[Entry]:
    """Return the entries of ldif/base.ldif for base_dn, with hashed service passwords."""
    with open(LDIF_DIR / "base.ldif", "rb") as f:
        records = ldif.LDIFRecordList(f)
        records.parse()
    out = []
    for dn, attrs in records.all_records:
        dn = dn[: -len(BASE_SUFFIX)] + base_dn if dn.endswith(BASE_SUFFIX) else dn
        attrs = {k: list(v) for k, v in attrs.items()}
        if dn == base_dn:
            attrs["dc"] = [base_dn.split(",")[0].split("=", 1)[1].encode()]
        for name in ("member", "pwdPolicySubentry", "authzTo"):
            if name in attrs:
                attrs[name] = [
                    v.decode().replace(BASE_SUFFIX, base_dn).encode() for v in attrs[name]
                ]
        cn = attrs.get("cn", [b""])[0].decode()
        if cn == "replicator" and cn not in passwords:
            continue  # made with its password on first start (replica_set.ensure_replicator)
        if cn in passwords:
            attrs["userPassword"] = [hash_password(passwords[cn]).encode()]
        out.append((dn, attrs))
    return out


def units_with_people(
    units: list[Unit], index: TreeIndex, people: Iterable[Person]
) -> Iterator[Entry]:
    """Yield every unit's entry (parents first), each followed by its people.

    slapadd numbers entries in the order it reads them, and slapd scans an index range in that
    order. With the 17,000 units first, a mail client's filter whose candidates are a range (a
    two-letter "*vo*", or a common word OR'ed with a unit's mailbox) read every unit before the
    first person; with each unit's people right after it, the scan meets people at once.
    """
    placed: set[str] = set()
    pending = iter(people)
    person = next(pending, None)
    for unit in units:
        yield index.unit_entry(unit)
        placed.add(unit.code)
        while person is not None and person.unit_code in placed:
            yield index.person_entry(person)
            person = next(pending, None)
    if person is not None:  # people of units not in the tree: slapadd refuses them by name
        yield index.person_entry(person)
        yield from map(index.person_entry, pending)


# How many people an offline load sorts by name at a time: the first window is small, so
# slapadd starts soon, and each next one twice the last, up to NAME_ORDER_WINDOW, which bounds
# the importer's memory; larger windows did not make slapadd faster (docs/performance.md).
NAME_ORDER_FIRST = 12_500
NAME_ORDER_WINDOW = 100_000
NAME_ORDER_BATCH = 1_000  # entries per chunk handed to slapadd
# Chunks that may wait for slapadd (Slapd.load's queued): a whole sorted window and a few more,
# so the next window is made while slapadd writes this one.
NAME_ORDER_QUEUE = NAME_ORDER_WINDOW // NAME_ORDER_BATCH + 8
_PERSON_CLASS = b"govdirPerson"


def name_key(attrs: dict[str, list[bytes]]) -> bytes:
    """Return the sort key of a person entry (person_records.name_sort_key of its names)."""
    cn = attrs.get("cn") or [b""]
    return name_sort_key((attrs.get("givenName") or cn)[-1], cn[min(1, len(cn) - 1)])


def _record(item: bytes) -> memoryview:
    """Return the LDIF record of a held item (given name NUL, full name NUL, record)."""
    return memoryview(item)[item.index(b"\0", item.index(b"\0") + 1) + 1 :]


def name_ordered_chunks(
    entries: Iterable[Entry | bytes],
    progress: Callable[[int], None] | None = None,
    window: int = NAME_ORDER_WINDOW,
    batch: int = NAME_ORDER_BATCH,
    first: int = NAME_ORDER_FIRST,
) -> Iterator[bytes]:
    """Yield LDIF with people sorted by name window by window, other entries as they come.

    slapadd writes a few hundred index keys per person, most of them pieces of the name, and
    commits in batches. People who share a given name share most of those keys, so in name
    order each commit touches far fewer index pages, and slapadd loads faster
    (docs/performance.md). Windows grow from first people, doubling, to window, so slapadd does not
    wait long for its first. A unit entry (a unit --create-units made) goes out at once, so
    it still comes before its people, which follow it in entries. A person may come as
    its sort key and record in one bytes object already, as PersonRecords.keyed writes it.
    """
    held: list[bytes] = []  # sort key + LDIF record
    size = min(first, window)

    def taken() -> Iterator[memoryview]:
        held.sort(reverse=True)  # taken from the end, so each chunk's memory goes with it
        while held:
            yield _record(held.pop())

    def flush() -> Iterator[bytes]:
        return joined(taken(), progress, batch)

    for item in entries:
        if isinstance(item, bytes):  # a person's sort key and record in one
            held.append(item)
        elif _PERSON_CLASS in item[1].get("objectClass", ()):
            held.append(name_key(item[1]) + entry_ldif(*item))
        else:
            yield entry_ldif(*item)
            if progress is not None:
                progress(1)
            continue
        if len(held) >= size:
            yield from flush()
            size = min(2 * size, window)
    yield from flush()


def directory_entries(
    base_dn: str, passwords: dict[str, str], structure: str, people: int, seed: int
) -> tuple[int, Iterator[Entry]]:
    """Return the number of entries and an iterator over every entry of a new directory."""
    units = build_tree(structure)
    index = TreeIndex(units, base_dn)
    base = base_entries(base_dn, passwords)

    def all_entries() -> Iterator[Entry]:
        yield from base
        yield from units_with_people(units, index, generate_people(units, people, seed))

    return len(base) + len(units) + people, all_entries()


def load_directory(
    slapd: Slapd,
    passwords: dict[str, str],
    structure: str = "2025",
    people: int = 0,
    seed: int = 1,
    quiet: bool | None = None,
) -> int:
    """Load base entries, the national tree and synthetic staff into a stopped slapd."""
    total, entries = directory_entries(slapd.layout.base_dn, passwords, structure, people, seed)
    disable = (not sys.stderr.isatty()) if quiet is None else quiet
    with tqdm(total=total, unit=" entries", desc="slapadd", disable=disable) as bar:
        slapd.load(ldif_chunks(entries, bar.update))
    return total
