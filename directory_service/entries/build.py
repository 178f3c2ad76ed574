"""Map units and people to LDAP entries: DNs, object classes and attribute values."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import ldap.dn

from directory_service.entries.attributes import PERSON_NAMES
from directory_service.model import (
    ADMINISTRATIVE_TYPES,
    CENTRAL_AGENCY_TYPES,
    CITY,
    PROVINCE,
    STATUS_ACTIVE,
    STATUS_LEFT,
    Person,
    Unit,
)
from directory_service.text import fold, fold_key, nfc, search_words

UNIT_RDN = "govdirUnitCode"
PERSON_RDN = "uid"
PERSON_CLASSES = [b"top", b"person", b"organizationalPerson", b"inetOrgPerson", b"govdirPerson"]
UNIT_CLASSES = [b"top", b"organizationalUnit", b"govdirUnit"]
AGENCY_TYPES = CENTRAL_AGENCY_TYPES | ADMINISTRATIVE_TYPES
# Word beginnings kept per word for search by equality (a query word is cut to this length).
PREFIX_MIN, PREFIX_MAX = 2, 32
# uid characters that need no escaping in a DN (RFC 4514): new uids are "p" and hex digits.
_PLAIN_RDN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
_STATUS_BYTES = {STATUS_ACTIVE: [STATUS_ACTIVE.encode()], STATUS_LEFT: [STATUS_LEFT.encode()]}


@lru_cache(maxsize=65_536)
def name_values(text: str) -> tuple[str, ...]:
    """Return the accented value first and its folded form second, when they differ."""
    text = nfc(text)
    folded = fold(text)
    return (text, folded) if folded.lower() != text.lower() else (text,)


@lru_cache(maxsize=65_536)
def name_bytes(text: str) -> list[bytes]:
    """Return name_values(text) encoded, cached (callers must not change the list)."""
    return _enc(name_values(text))


def name_search_bytes(
    family: str, middle: str, given: str
) -> tuple[list[bytes], list[bytes], list[bytes]]:
    """Return the encoded cn, govdirNameWord and govdirNamePrefix values of a name."""
    values = full_name_values(family, middle, given)
    words = list(dict.fromkeys(fold_key(values[0]).split()))
    return _enc(values), _enc(words), prefix_bytes(words)


# Full names repeat: a cache of this size serves most rows of a national load from memory
# (hit rates in docs/performance.md).
full_name_bytes = lru_cache(maxsize=65_536)(name_search_bytes)


def name_part_bytes(
    family: str, middle: str, given: str
) -> tuple[list[bytes], list[bytes], list[bytes]]:
    """Return the encoded sn, givenName and govdirMiddleName values of a name's parts."""
    return (
        name_bytes(family or given),
        name_bytes(given) if given else [],
        name_bytes(middle) if middle else [],
    )


def title_bytes(title: str) -> tuple[list[bytes], list[bytes]]:
    """Return the encoded title and govdirTitlePrefix values of a title (none for no title)."""
    return (name_bytes(title), title_prefix_bytes(title)) if title else ([], [])


def word_prefixes(words: Iterable[str]) -> list[str]:
    """Return the distinct beginnings of PREFIX_MIN to PREFIX_MAX letters of words, in order.

    A word-prefix search asks for one of them by equality: one index key per beginning, where
    a substring index writes a dozen keys or more per value (slapd 2.5 writes inner and final
    keys even for "subinitial"), and a lookup reads one key with no entry test.
    """
    out: dict[str, None] = {}
    for word in words:
        for end in range(PREFIX_MIN, min(len(word), PREFIX_MAX) + 1):
            out[word[:end]] = None
    return list(out)


def prefix_bytes(words: Iterable[str]) -> list[bytes]:
    """Return word_prefixes(words) encoded, as entries hold them."""
    return _enc(word_prefixes(words))


@lru_cache(maxsize=16_384)
def title_prefix_bytes(title: str) -> list[bytes]:
    """Return the encoded govdirTitlePrefix values of a title (its search words' beginnings)."""
    return prefix_bytes(search_words(title))


def full_name_values(family: str, middle: str, given: str) -> tuple[str, ...]:
    """Return a full name's values: accented, folded, then words accented only up to a point.

    The third kind ("Nguyễn Van An") lets an unmodified mail client match what people type
    when they put the diacritics on the first word only ("nguyễn van").
    """
    parts = [p for p in (family, middle, given) if p]
    text = nfc(" ".join(parts))
    folded = " ".join(name_values(p)[-1] for p in parts)
    values = [text]
    seen = {text.lower()}
    words, folded_words = text.split(" "), folded.split(" ")
    candidates = [folded]
    if len(words) == len(folded_words):
        candidates += [" ".join(words[:k] + folded_words[k:]) for k in range(len(words) - 1, 0, -1)]
    for value in candidates:
        if value.lower() not in seen:
            seen.add(value.lower())
            values.append(value)
    return tuple(values)


def _enc(values: Iterable[str]) -> list[bytes]:
    return [v.encode() for v in values if v]


class TreeIndex:
    """Know every unit's DN, ancestor codes, agency and province, for building entries."""

    def __init__(self, units: Iterable[Unit], base_dn: str):
        self.base_dn = base_dn
        self.units: dict[str, Unit] = {}
        self.dns: dict[str, str] = {}
        self.paths: dict[str, list[str]] = {}
        self._unit_cache: dict[str, dict[str, list[bytes]]] = {}
        for unit in units:
            self.add(unit)

    def add(self, unit: Unit) -> None:
        """Register a unit whose parent (if any) is registered already."""
        rdn = f"{UNIT_RDN}={ldap.dn.escape_dn_chars(unit.code)}"
        if unit.parent is None:
            self.dns[unit.code] = f"{rdn},{self.base_dn}"
            self.paths[unit.code] = [unit.code]
        else:
            self.dns[unit.code] = f"{rdn},{self.dns[unit.parent]}"
            self.paths[unit.code] = [*self.paths[unit.parent], unit.code]
        self.units[unit.code] = unit

    def nearest(self, code: str, types: frozenset[str]) -> Unit | None:
        """Return the closest unit at or above code whose type is in types."""
        for c in reversed(self.paths[code]):
            if self.units[c].type in types:
                return self.units[c]
        return None

    def unit_entry(self, unit: Unit) -> tuple[str, dict[str, list[bytes]]]:
        """Return the DN and attributes of a unit entry."""
        attrs = {
            "objectClass": UNIT_CLASSES,
            "ou": _enc(name_values(unit.name)),
            UNIT_RDN: _enc([unit.code]),
            "govdirUnitType": _enc([unit.type]),
            "govdirUnitPath": _enc(self.paths[unit.code]),
        }
        optional = {
            "govdirMailDomain": unit.domain,
            "mail": unit.mail,
            "govdirAdminCode": unit.admin_code,
            "govdirEnglishName": unit.english_name,
        }
        attrs.update({k: _enc([v]) for k, v in optional.items() if v})
        if unit.former_codes:
            attrs["govdirFormerCode"] = _enc(unit.former_codes)
        if unit.former_names:
            attrs["govdirFormerName"] = _enc(unit.former_names)
        return self.dns[unit.code], attrs

    def person_dn(self, person: Person) -> str:
        """Return the DN of a person: a stable uid under their unit."""
        return self.dn_of(person.uid, person.unit_code)

    def dn_of(self, uid: str, unit_code: str) -> str:
        """Return the DN of the person with this uid in this unit."""
        rdn = uid if _PLAIN_RDN.issuperset(uid) else ldap.dn.escape_dn_chars(uid)
        return f"{PERSON_RDN}={rdn},{self.dns[unit_code]}"

    def shared_attrs(self, code: str) -> dict[str, list[bytes]]:
        """Return the attributes every person of a unit shares (cached per unit)."""
        cached = self._unit_cache.get(code)
        if cached is None:
            unit = self.units[code]
            agency = self.nearest(code, AGENCY_TYPES)
            province = self.nearest(code, frozenset({PROVINCE, CITY}))
            cached = {
                "ou": _enc(name_values(unit.name)),
                "o": _enc(name_values(agency.name)) if agency and agency is not unit else [],
                "st": _enc([province.name]) if province else [],
                UNIT_RDN: _enc([unit.code]),
                "govdirUnitPath": _enc(self.paths[unit.code]),
            }
            self._unit_cache[code] = cached
        return cached

    def person_sources(self, person: Person) -> dict[str, list[bytes]]:
        """Return a person entry's attributes that its other values are derived from."""
        values = self._source_values(person, [nfc(person.full_name).encode()])
        return {k: v for k, v in values.items() if v}

    def _source_values(self, person: Person, display: list[bytes]) -> dict[str, list[bytes]]:
        """Return the source attributes of a person entry, empty ones included."""
        sn, given, middle = name_part_bytes(person.family, person.middle, person.given)
        return {
            "displayName": display,
            "sn": sn,
            "givenName": given,
            "govdirMiddleName": middle,
            "mail": _enc(person.mail),
            "title": title_bytes(person.title)[0],
            "telephoneNumber": _enc([person.phone or ""]),
            UNIT_RDN: self.shared_attrs(person.unit_code)[UNIT_RDN],
            "govdirStatus": _STATUS_BYTES.get(person.status) or [person.status.encode()],
        }

    def person_entry(self, person: Person) -> tuple[str, dict[str, list[bytes]]]:
        """Return the DN and attributes of a person entry."""
        unit = self.shared_attrs(person.unit_code)
        cn, words, prefixes = full_name_bytes(person.family, person.middle, person.given)
        values = {
            "objectClass": PERSON_CLASSES,
            "uid": [person.uid.encode()],
            "cn": cn,
            **self._source_values(person, cn[:1]),
            "ou": unit["ou"],
            "o": unit["o"],
            "st": unit["st"],
            "govdirUnitPath": unit["govdirUnitPath"],
            "govdirNameWord": words,
            "govdirNamePrefix": prefixes,
            "govdirTitlePrefix": title_bytes(person.title)[1],
        }
        # In the definition's order, which the offline writer follows byte for byte.
        attrs = {name: values[name] for name in PERSON_NAMES if values[name]}
        return self.person_dn(person), attrs
