"""Turn a slapcat dump of a legacy directory into the LDIF of the 2025 one, record by record.

Entries outside the local branch are copied byte for byte. Under it, the legacy units are
replaced by the plan's 2025 units, each written just before the first entry that goes into it
(so each unit is still followed by its people, the order mail clients' scans profit from; see
docs/decisions.md), and every other entry keeps its record, operational attributes included
(entryUUID, password hash, timestamps), with a new DN under its unit's successor and, for a
person, the values that come from the unit (ou, o, st, govdirUnitCode, govdirUnitPath). An
agency admin's right over a unit that went into another code is dropped (the successor is a
larger unit; granting it is a national admin's decision) and reported. The audit log's records
name entries by DN, and follow them too (:meth:`Rewriter.log`).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import ldap.dn

from directory_service.entries.ldif_text import entry_ldif, ldif_line
from directory_service.reorganising.plan import Plan, ReorganiseError

_READ_BYTES = 1 << 20
# A person's values that come from their unit (TreeIndex.shared_attrs), rewritten on a move.
_FROM_UNIT = frozenset({b"ou", b"o", b"st", b"govdirunitcode", b"govdirunitpath"})
_PERSON = b"\nobjectClass: govdirPerson\n"
_UNIT_RDN = "govdirunitcode="
_LOGGED_DNS = {b"reqdn": "reqDN", b"reqauthzid": "reqAuthzID", b"reqnewsuperior": "reqNewSuperior"}


@dataclass(frozen=True)
class Right:
    """An agency admin's right over a unit that the reorganisation dropped."""

    account: str  # the account's new DN
    code: str  # the unit it administered
    successor: str  # the unit that went into


def records(path: Path) -> Iterator[bytes]:
    """Yield the LDIF records of a slapcat dump (unwrapped lines), without the blank line."""
    rest = b""
    with open(path, "rb") as f:
        while chunk := f.read(_READ_BYTES):
            parts = (rest + chunk).split(b"\n\n")
            rest = parts.pop()
            for part in parts:
                if part.strip(b"\n"):
                    yield part.lstrip(b"\n")
    if rest.strip(b"\n"):
        yield rest.strip(b"\n")


def record_dn(record: bytes) -> str:
    """Return the DN of an LDIF record."""
    first = record[: record.find(b"\n")] if b"\n" in record else record
    if first.startswith(b"dn:: "):
        return base64.b64decode(first[5:]).decode()
    if first.startswith(b"dn: "):
        return first[4:].decode()
    raise ReorganiseError(f"not an LDIF record: {first[:80]!r}")


def split_dn(dn: str) -> tuple[str, str]:
    """Return the first RDN of a DN and the rest (its parent's DN)."""
    if "\\" not in dn:
        rdn, _, parent = dn.partition(",")
        return rdn, parent
    parts = ldap.dn.str2dn(dn)
    return ldap.dn.dn2str(parts[:1]), ldap.dn.dn2str(parts[1:])


def _values(record: bytes, name: bytes) -> list[tuple[bytes, str]]:
    """Return (line, value) of each line of an attribute in a record (text values)."""
    out = []
    for line in record.split(b"\n"):
        head, sep, value = line.partition(b":")
        if sep and head.lower() == name:
            if value.startswith(b": "):
                out.append((line, base64.b64decode(value[2:]).decode()))
            else:
                out.append((line, value[1:].decode()))
    return out


class Rewriter:
    """Rewrite a dump according to a plan, counting what went where."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.written: set[str] = set()
        self.entries = 0  # records written
        self.moved = 0  # entries (people and others) given a new DN
        self.rights: list[Right] = []
        self._unit_lines: dict[str, bytes] = {}

    def run(self, dump: Path) -> Iterator[bytes]:
        """Yield the 2025 directory's LDIF records, each ending with its blank line."""
        for record in records(dump):
            yield from self._record(record)
        for code in self.plan.emit:  # units nobody went into, in tree order
            yield from self._unit(code)

    def new_dn(self, dn: str) -> str:
        """Return where an entry of the dump goes (the same DN outside the local branch)."""
        low = dn.lower()
        if not low.endswith(self.plan.branch_suffix):
            return dn
        if low in self.plan.targets:  # a unit: its successor's DN
            return self.plan.index.dns[self.plan.targets[low]]
        rdn, parent = split_dn(dn)
        target = self.plan.targets.get(parent.lower())
        if target is None:
            raise ReorganiseError(f"{dn}: its parent is not a unit the reorganisation knows")
        return f"{rdn},{self.plan.index.dns[target]}"

    def _unit(self, code: str) -> Iterator[bytes]:
        """Yield a 2025 unit's record, after its parents', once."""
        if code in self.written or code not in self.plan.emit:
            return
        parent = self.plan.index.units[code].parent
        if parent is not None:
            yield from self._unit(parent)
        self.written.add(code)
        self.entries += 1
        yield entry_ldif(*self.plan.emit[code])

    def _record(self, record: bytes) -> Iterator[bytes]:
        """Yield what one dumped record becomes (nothing for a legacy unit)."""
        dn = record_dn(record)
        low = dn.lower()
        if not low.endswith(self.plan.branch_suffix):
            self.entries += 1
            yield self._members(record) if b"\nmember:" in record else record + b"\n\n"
            return
        if low.startswith(_UNIT_RDN):
            return  # a unit of the legacy branch: written from the plan when first needed
        rdn, parent = split_dn(dn)
        parent_low = parent.lower()
        target = self.plan.targets.get(parent_low)
        if target is None:
            raise ReorganiseError(f"{dn}: its parent is not a unit the reorganisation knows")
        yield from self._unit(target)
        move = self.plan.moves.get(parent_low)
        if move is not None:
            move.people += 1
        self.moved += 1
        self.entries += 1
        new_dn = f"{rdn},{self.plan.index.dns[target]}"
        body = record[record.index(b"\n") + 1 :] if b"\n" in record else b""
        if _PERSON in record:
            body = self._person(new_dn, body, target)
        yield ldif_line("dn", new_dn.encode()) + body + b"\n\n"

    def _person(self, dn: str, body: bytes, target: str) -> bytes:
        """Return a person's attribute lines with their unit's values and rights rewritten."""
        lines = []
        for line in body.split(b"\n"):
            name = line[: line.find(b":")].lower()
            if name in _FROM_UNIT:
                continue
            if name == b"govdiradminof":
                line = self._right(dn, line)
                if not line:
                    continue
            lines.append(line)
        return b"\n".join(lines) + b"\n" + self._from_unit(target)

    def _right(self, dn: str, line: bytes) -> bytes:
        """Return a govdirAdminOf line, or nothing when the unit went into another code."""
        ((_, code),) = _values(line, b"govdiradminof")
        successor = self.plan.successor.get(code)
        if successor is None or successor == code:
            return line
        self.rights.append(Right(dn, code, successor))
        return b""

    def _from_unit(self, code: str) -> bytes:
        """Return the LDIF lines of the values a person takes from a unit (cached)."""
        lines = self._unit_lines.get(code)
        if lines is None:
            attrs = {k: v for k, v in self.plan.index.shared_attrs(code).items() if v}
            lines = entry_ldif("x", attrs)
            lines = self._unit_lines[code] = lines[lines.index(b"\n") + 1 : -1]
        return lines

    def log(self, dump: Path) -> Iterator[bytes]:
        """Yield the audit log's records with the DNs they name where those entries went.

        The DN written to (reqDN), the writer (reqAuthzID) and a move's new parent
        (reqNewSuperior) follow their entries, so a unit's and a person's history stays
        theirs; the values a write changed (reqMod, reqOld) stay as they were written.
        """
        for record in records(dump):
            if self.plan.branch_suffix.encode() not in record.lower():
                yield record + b"\n\n"
                continue
            out = []
            for line in record.split(b"\n"):
                name = line[: line.find(b":")].lower()
                if name in _LOGGED_DNS:
                    ((_, value),) = _values(line, name)
                    line = ldif_line(_LOGGED_DNS[name], self.new_dn(value).encode())[:-1]
                out.append(line)
            yield b"\n".join(out) + b"\n\n"

    def _members(self, record: bytes) -> bytes:
        """Return a group's record with its members' DNs where their entries went."""
        out = []
        for line in record.split(b"\n"):
            values = _values(line, b"member")
            if values:
                line = ldif_line("member", self.new_dn(values[0][1]).encode()).rstrip(b"\n")
            out.append(line)
        return b"\n".join(out) + b"\n\n"
