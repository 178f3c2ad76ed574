"""Rebuild an instance made by an earlier version under today's schema, indexes and values.

A change of schema or indexes, or of the values derived for search, cannot be applied entry by
entry in reasonable time on a million people (back-mdb has one writer), so the stopped database
is dumped with slapcat, each person entry gets the values today's search needs, and the result
is loaded with slapadd under a freshly written cn=config. Entries keep their IDs' order, their
entryUUID, timestamps and passwords. The old configuration and database stay aside in
``previous/`` until the new ones are loaded, and are put back if anything fails, or at the
next start if the process was killed part way.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from directory_service.entries.build import prefix_bytes, title_prefix_bytes
from directory_service.entries.ldif_text import entry_ldif
from directory_service.server.config import AUDIT_DATABASE, SlapdLayout
from directory_service.server.loading import base_entries
from directory_service.server.slapd import Slapd, SlapdError

_READ_BYTES = 1 << 20


def with_search_values(attrs: dict[str, list[bytes]]) -> dict[str, list[bytes]]:
    """Return a person entry's attributes with the word beginnings search looks up (version 2)."""
    attrs["govdirNamePrefix"] = prefix_bytes(w.decode() for w in attrs.get("govdirNameWord", []))
    titles = attrs.get("title") or [b""]
    attrs["govdirTitlePrefix"] = title_prefix_bytes(titles[0].decode())
    return {k: v for k, v in attrs.items() if v}


def upgraded(
    dn: str, attrs: dict[str, list[bytes]], base: dict[str, list[bytes]] | None = None
) -> bytes:
    """Return one dumped entry as LDIF, with today's search values if it is a person.

    An entry of ldif/base.ldif also gets the attributes today's version of it has and the
    dumped one lacks (a service account's password policy, say).
    """
    classes = {c.lower() for c in attrs.get("objectClass", [])}
    if b"govdirperson" in classes:
        attrs = with_search_values(attrs)
    if base:
        attrs = attrs | {k: v for k, v in base.items() if k not in attrs}
    return entry_ldif(dn, attrs)


def _file_chunks(path: Path) -> Iterator[bytes]:
    """Yield a file in blocks."""
    with open(path, "rb") as f:
        while chunk := f.read(_READ_BYTES):
            yield chunk


def _put_back(layout: SlapdLayout, previous: Path) -> None:
    """Replace what a stopped or failed upgrade built with the old directories kept in previous.

    The old directories are moved there one by one, so any not there yet is still in place.
    """
    for d in (layout.config_dir, layout.db_dir, layout.accesslog_dir):
        if (previous / d.name).exists():
            shutil.rmtree(d, ignore_errors=True)
            (previous / d.name).rename(d)
    previous.rmdir()


def recover(layout: SlapdLayout, say: Callable[[str], None] = print) -> None:
    """Put back the database a reload killed part way kept aside, or finish removing it."""
    previous, finished = layout.data_dir / "previous", layout.data_dir / "previous.done"
    shutil.rmtree(finished, ignore_errors=True)  # a reload that was removing its old copy
    if previous.exists():
        say(f"An earlier reload stopped part way: putting the database in {previous} back")
        _put_back(layout, previous)


def reload_database(
    slapd: Slapd,
    root_pw_hash: str,
    require_tls: bool,
    chunks: Iterable[bytes],
    log_chunks: Iterable[bytes] | None = None,
    provides: bool = False,
    replica: bool = False,
) -> None:
    """Replace the stopped database by the LDIF chunks, under a fresh cn=config.

    With log_chunks, the audit log's database is replaced by them too (else it stays as it
    is). The old configuration and databases wait in previous/ and are put back if a load
    fails.
    """
    layout = slapd.layout
    previous, finished = layout.data_dir / "previous", layout.data_dir / "previous.done"
    previous.mkdir(mode=0o700)
    moved = [layout.config_dir, layout.db_dir]
    if log_chunks is not None:
        moved.append(layout.accesslog_dir)
    try:
        for d in moved:
            d.rename(previous / d.name)
        slapd.initialise(root_pw_hash, require_tls, provides, replica)
        slapd.load(chunks)
        if log_chunks is not None:
            slapd.load(log_chunks, database=AUDIT_DATABASE)
    except BaseException:
        _put_back(layout, previous)
        raise
    previous.rename(finished)  # from here a restart keeps the new database
    shutil.rmtree(finished)


def rebuild(
    slapd: Slapd,
    root_pw_hash: str,
    require_tls: bool = False,
    say: Callable[[str], None] = print,
    provides: bool = False,
    replica: bool = False,
) -> int:
    """Reload the stopped database under a fresh cn=config; return how many entries it holds."""
    if pid := slapd.running_pid():
        raise SlapdError(f"slapd (pid {pid}) is running: stop it before the upgrade")
    layout = slapd.layout
    recover(layout, say)
    dump = layout.data_dir / "upgrade.ldif"
    count = 0
    say("Upgrading the directory to this version's schema and indexes: reading it ...")
    try:
        # The dump holds password hashes: the owner's only, like the database.
        with os.fdopen(os.open(dump, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
            base = {dn.lower(): attrs for dn, attrs in base_entries(layout.base_dn, {})}

            def write(dn: str, attrs: dict[str, list[bytes]]) -> None:
                nonlocal count
                out.write(upgraded(dn, attrs, base.pop(dn.lower(), None)))
                count += 1

            slapd.dump("(objectClass=*)", write)
            # Base entries this version added (the password policies) come after the base.
            for dn, attrs in base_entries(layout.base_dn, {}):
                if dn.lower() in base:
                    out.write(entry_ldif(dn, attrs))
                    count += 1
    except BaseException:
        dump.unlink(missing_ok=True)
        raise
    say(f"... loading {count:,} entries ...")
    try:
        reload_database(slapd, root_pw_hash, require_tls, _file_chunks(dump),
                        provides=provides, replica=replica)  # fmt: skip
    finally:
        dump.unlink()
    say("... done.")
    return count
