"""Write LDIF records (RFC 2849, unfolded lines) of entries, line by line, and in chunks."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

Entry = tuple[str, dict[str, list[bytes]]]

# RFC 2849 SAFE-STRING: ASCII without NUL, LF or CR, not starting with space, ":" or "<", and
# (so that no reader trims it) not ending with a space. Anything else is written base64.
_SAFE_STRING = re.compile(
    rb"[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f]"
    rb"(?:[\x01-\x09\x0b\x0c\x0e-\x7f]*[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x7f])?"
)
# Attributes whose values are nearly all different from entry to entry: not worth caching.
_UNCACHED = frozenset({"uid", "cn", "displayName", "mail", "telephoneNumber", "dn"})


def ldif_line(name: str, value: bytes) -> bytes:
    """Return one LDIF line, base64-encoding values that RFC 2849 does not allow as text."""
    if not value or _SAFE_STRING.fullmatch(value):
        return b"%s: %s\n" % (name.encode(), value)
    return b"%s:: %s\n" % (name.encode(), base64.b64encode(value))


_cached_line = lru_cache(maxsize=65_536)(ldif_line)


def entry_ldif(dn: str, attrs: dict[str, list[bytes]]) -> bytes:
    """Return an entry as an LDIF record (unfolded lines), like ldif.LDIFWriter but faster."""
    parts = [ldif_line("dn", dn.encode())]
    append = parts.append
    for name, values in attrs.items():
        line = ldif_line if name in _UNCACHED else _cached_line
        for value in values:
            append(line(name, value))
    append(b"\n")
    return b"".join(parts)


def ldif_chunks(
    entries: Iterable[Entry], progress: Callable[[int], None] | None = None, batch: int = 2000
) -> Iterator[bytes]:
    """Yield LDIF in chunks of batch entries, telling progress how many each chunk holds."""
    return joined((entry_ldif(dn, attrs) for dn, attrs in entries), progress, batch)


def joined(
    records: Iterable[bytes | memoryview], progress: Callable[[int], None] | None, batch: int
) -> Iterator[bytes]:
    """Yield LDIF records joined batch at a time, telling progress how many each chunk holds."""
    buf: list[bytes] = []
    for record in records:
        buf.append(record)
        if len(buf) == batch:
            yield b"".join(buf)
            if progress is not None:
                progress(len(buf))
            buf = []
    if buf:
        yield b"".join(buf)
        if progress is not None:
            progress(len(buf))


def write_ldif(path: Path, entries: Iterable[Entry]) -> None:
    """Write entries to an LDIF file."""
    with open(path, "wb") as f:
        for chunk in ldif_chunks(entries):
            f.write(chunk)
