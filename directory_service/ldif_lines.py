"""Write LDIF records (RFC 2849, unfolded lines) of entries, line by line."""

from __future__ import annotations

import base64
import re
from functools import lru_cache

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
