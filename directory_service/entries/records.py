"""Write people's LDIF records straight from their values, the parts people share made once.

A bulk load writes a million people whose names, titles and units repeat: the lines a name
gives (``cn``, ``sn``, ``givenName``, the search words and their beginnings), a title's and a
unit's are cached as bytes, so a record costs its DN, uid, addresses and phone and a join. The
record is byte for byte what ``entry_ldif(*index.person_entry(person))`` writes (the tests
compare the two), so the offline import gives slapadd the entries the online import would add.
"""

from __future__ import annotations

from functools import lru_cache

from directory_service.entries.attributes import PERSON_NAMES
from directory_service.entries.build import (
    PERSON_CLASSES,
    UNIT_RDN,
    TreeIndex,
    name_part_bytes,
    name_search_bytes,
    title_bytes,
)
from directory_service.entries.ldif_text import ldif_line
from directory_service.model import Person

_CLASSES = b"".join(ldif_line("objectClass", c) for c in PERSON_CLASSES)
# The attributes a record's parts write, in the order keyed() joins them: the definition's
# order (entries.attributes.PERSON), so the record is what entry_ldif writes of person_entry.
_NAME_HEAD = ("cn", "displayName", "sn", "givenName", "govdirMiddleName")
_UNIT_AFTER = ("ou", "o", "st", "govdirUnitPath")
_NAME_SEARCH = ("govdirNameWord", "govdirNamePrefix")
WRITTEN = (
    "objectClass", "uid", *_NAME_HEAD, "mail", "title", "telephoneNumber", UNIT_RDN,
    "govdirStatus", *_UNIT_AFTER, *_NAME_SEARCH, "govdirTitlePrefix",
)  # fmt: skip
if WRITTEN != PERSON_NAMES:
    raise ImportError("PersonRecords does not write every attribute of entries.attributes.PERSON")


def _lines(name: str, values: list[bytes]) -> bytes:
    """Return an attribute's lines; letters and digits only (folded words) need no checking."""
    if values and all(v.isalnum() for v in values):  # bytes.isalnum: ASCII, not empty
        start = name.encode() + b": "
        return start + (b"\n" + start).join(values) + b"\n"
    return b"".join(ldif_line(name, v) for v in values)


def name_sort_key(given: bytes, full: bytes) -> bytes:
    """Return the key people sort by in a bulk load: folded given name, NUL, full name, NUL.

    The names hold no NUL (normalising rejects it; it is dropped here all the same), so these
    keys sort as the (given, full) pairs would and the record can follow its key in one bytes
    object.
    """
    return b"%s\0%s\0" % (given.lower().replace(b"\0", b""), full.lower().replace(b"\0", b""))


# As many names as full_name_bytes keeps.
@lru_cache(maxsize=65_536)
def _name_lines(family: str, middle: str, given: str) -> tuple[bytes, bytes, bytes]:
    """Return a name's lines before the addresses, its search lines, and its sort key."""
    cn, words, prefixes = name_search_bytes(family, middle, given)  # cached as lines here
    sn, given_values, middle_values = name_part_bytes(family, middle, given)
    head = b"".join(
        (
            _lines("cn", cn),
            _lines("displayName", cn[:1]),
            _lines("sn", sn),
            _lines("givenName", given_values),
            _lines("govdirMiddleName", middle_values),
        )
    )
    search = _lines("govdirNameWord", words) + _lines("govdirNamePrefix", prefixes)
    cn = cn or [b""]
    key = name_sort_key((given_values or cn)[-1], cn[min(1, len(cn) - 1)])
    return head, search, key


@lru_cache(maxsize=16_384)
def _title_lines(title: str) -> tuple[bytes, bytes]:
    """Return a title's own line(s) and its word beginnings' lines."""
    values, prefixes = title_bytes(title)
    return _lines("title", values), _lines("govdirTitlePrefix", prefixes)


class PersonRecords:
    """Write the LDIF records of people of one tree, with a sort key for bulk loads."""

    def __init__(self, index: TreeIndex):
        self.index = index
        self._units: dict[str, tuple[bytes, bytes]] = {}
        self._status: dict[str, bytes] = {}

    def _unit(self, code: str) -> tuple[bytes, bytes]:
        """Return the lines a unit's people carry before and after their status."""
        found = self._units.get(code)
        if found is None:
            shared = self.index.shared_attrs(code)
            after = b"".join(_lines(k, shared[k]) for k in _UNIT_AFTER)
            found = (_lines(UNIT_RDN, shared[UNIT_RDN]), after)
            self._units[code] = found
        return found

    def record(self, person: Person) -> bytes:
        """Return the person's LDIF record, as entry_ldif writes their entry."""
        return self.keyed(person, False)

    def keyed(self, person: Person, with_key: bool = True) -> bytes:
        """Return the person's sort key (name_sort_key) followed by their LDIF record."""
        head, search, key = _name_lines(person.family, person.middle, person.given)
        title, title_search = _title_lines(person.title)
        unit_code, unit_rest = self._unit(person.unit_code)
        dn = self.index.dn_of(person.uid, person.unit_code).encode()
        status = self._status.get(person.status)
        if status is None:
            status = ldif_line("govdirStatus", person.status.encode())
            self._status[person.status] = status
        parts = [key if with_key else b"", ldif_line("dn", dn), _CLASSES]
        parts += (ldif_line("uid", person.uid.encode()), head)
        parts += [ldif_line("mail", a.encode()) for a in person.mail if a]
        phone = ldif_line("telephoneNumber", person.phone.encode()) if person.phone else b""
        parts += (title, phone)
        parts += (unit_code, status, unit_rest, search, title_search, b"\n")
        return b"".join(parts)
