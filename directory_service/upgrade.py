"""Rebuild an instance made by an earlier version under today's schema, indexes and values.

A change of schema or indexes, or of the values derived for search, cannot be applied entry by
entry in reasonable time on a million people (back-mdb has one writer), so the stopped database
is dumped with slapcat, each person entry gets the values today's search needs, and the result
is loaded with slapadd under a freshly written cn=config. Entries keep their IDs' order, their
entryUUID, timestamps and passwords. The old configuration and database stay aside in
``previous/`` until the new ones are loaded, and are put back if anything fails.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from .entries import title_prefix_bytes, word_prefixes
from .loading import entry_ldif
from .slapd import Slapd, SlapdError

_READ_BYTES = 1 << 20


def with_search_values(attrs: dict[str, list[bytes]]) -> dict[str, list[bytes]]:
    """Return a person entry's attributes with the word beginnings search looks up (version 2)."""
    words = [w.decode() for w in attrs.get("govdirNameWord", [])]
    attrs["govdirNamePrefix"] = [p.encode() for p in word_prefixes(words)]
    titles = attrs.get("title") or [b""]
    attrs["govdirTitlePrefix"] = title_prefix_bytes(titles[0].decode())
    return {k: v for k, v in attrs.items() if v}


def upgraded(dn: str, attrs: dict[str, list[bytes]]) -> bytes:
    """Return one dumped entry as LDIF, with today's search values if it is a person."""
    classes = {c.lower() for c in attrs.get("objectClass", [])}
    if b"govdirperson" in classes:
        attrs = with_search_values(attrs)
    return entry_ldif(dn, attrs)


def _file_chunks(path: Path) -> Iterator[bytes]:
    """Yield a file in blocks."""
    with open(path, "rb") as f:
        while chunk := f.read(_READ_BYTES):
            yield chunk


def rebuild(slapd: Slapd, root_pw_hash: str, say: Callable[[str], None] = print) -> int:
    """Reload the stopped database under a fresh cn=config; return how many entries it holds."""
    if pid := slapd.running_pid():
        raise SlapdError(f"slapd (pid {pid}) is running: stop it before the upgrade")
    layout = slapd.layout
    previous = layout.data_dir / "previous"
    if previous.exists():
        raise SlapdError(
            f"{previous} exists: an earlier upgrade stopped part way; the database there is "
            f"the instance's data: move it back to {layout.db_dir} (and slapd.d) or remove it"
        )
    dump = layout.data_dir / "upgrade.ldif"
    count = 0
    say("Upgrading the directory to this version's schema and indexes: reading it ...")
    try:
        with open(dump, "wb") as out:

            def write(dn: str, attrs: dict[str, list[bytes]]) -> None:
                nonlocal count
                out.write(upgraded(dn, attrs))
                count += 1

            slapd.dump("(objectClass=*)", write)
    except BaseException:
        dump.unlink(missing_ok=True)
        raise
    previous.mkdir()
    moved = []
    try:
        for d in (layout.config_dir, layout.db_dir):
            d.rename(previous / d.name)
            moved.append(d)
        slapd.initialise(root_pw_hash)
        say(f"... loading {count:,} entries ...")
        slapd.load(_file_chunks(dump))
    except BaseException:
        for d in (layout.config_dir, layout.db_dir):
            shutil.rmtree(d, ignore_errors=True)
        for d in moved:
            (previous / d.name).rename(d)
        previous.rmdir()
        dump.unlink()
        raise
    shutil.rmtree(previous)
    dump.unlink()
    say("... done.")
    return count
