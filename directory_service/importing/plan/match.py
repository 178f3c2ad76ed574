"""Find the entry each record describes among the target unit's people."""

from __future__ import annotations

from directory_service.directory.store import first_value, shown_name
from directory_service.importing.plan.attrs import Attrs, key_mail, name_unit_key
from directory_service.importing.rows import Record

Entry = tuple[str, Attrs]


class EntryMatcher:
    """Match records to existing entries: by uid, then by an address, then by name and unit."""

    def __init__(self, existing: list[Entry]):
        self.existing = existing
        self.by_mail: dict[str, Entry] = {}
        self.by_uid: dict[str, Entry] = {}
        for dn, attrs in existing:
            for address in key_mail(attrs):
                self.by_mail.setdefault(address, (dn, attrs))
            self.by_uid[attrs["uid"][0].decode()] = (dn, attrs)
        self._names: dict[tuple[str, str], Entry] | None = None
        self.seen: set[str] = set()  # DNs already matched: one entry, one row

    def _by_name(self, rec: Record) -> Entry | None:
        if self._names is None:  # built on first use: most rows are matched by address
            self._names = {}
            for dn, attrs in self.existing:
                key = name_unit_key(shown_name(attrs), first_value(attrs, "govdirUnitCode"))
                self._names.setdefault(key, (dn, attrs))
        return self._names.get(name_unit_key(rec.full_name, rec.unit_code))

    def match(self, rec: Record) -> tuple[Entry | None, str]:
        """Return the entry the record describes (None for a new person) and the address used."""
        address = ""
        found = self.by_uid.get(rec.uid) if rec.uid else None
        if found is None:
            address = next((a for a in rec.mail if a.lower() in self.by_mail), "")
            found = self.by_mail[address.lower()] if address else self._by_name(rec)
        if found and found[0] in self.seen:
            found = None  # two rows matched one entry: the second becomes a new person
        if found:
            self.seen.add(found[0])
        return found, address
