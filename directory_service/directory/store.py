"""Read the directory over LDAP: connections, searches with partial results, people and units."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import ldap
import ldap.filter
from ldap.controls import SimplePagedResultsControl

from directory_service.directory.settings import (
    LONG_SEARCH_SECONDS,
    PAGE_SIZE,
    ConnectionSettings,
)
from directory_service.directory.unit_names import UnitNames
from directory_service.directory.unit_words import UnitWords
from directory_service.entries.build import UNIT_RDN
from directory_service.text import search_words, word_sort_key

PERSON_ATTRS = [
    "uid", "cn", "displayName", "sn", "givenName", "govdirMiddleName", "mail", "title",
    "telephoneNumber", "ou", "o", "st", UNIT_RDN, "govdirUnitPath", "govdirStatus",
]  # fmt: skip
OPERATION_TIMEOUT = 300.0
UNITS_LIMIT = 1_000_000  # the whole unit list, read a page at a time
UNIT_ATTRS = [
    "ou", UNIT_RDN, "govdirUnitType", "mail", "govdirMailDomain", "govdirUnitPath",
    "govdirEnglishName", "govdirAdminCode", "govdirLastVerified",
    "govdirFormerCode", "govdirFormerName",
]  # fmt: skip


# Answers that say the server cannot serve a search now, as opposed to a wrong request.
_OVERLOADED = (
    ldap.TIMELIMIT_EXCEEDED, ldap.ADMINLIMIT_EXCEEDED, ldap.BUSY, ldap.UNAVAILABLE,
)  # fmt: skip


class DirectoryUnavailable(RuntimeError):
    """The LDAP server cannot be reached or refused our credentials."""


@dataclass(frozen=True)
class UnitInfo:
    """A unit as the front end shows it."""

    code: str
    name: str
    type: str
    dn: str
    path: tuple[str, ...]
    mail: str | None = None
    domain: str | None = None
    english_name: str | None = None
    admin_code: str | None = None
    verified: str | None = None  # when its list was last imported or confirmed (ISO 8601, UTC)
    former_codes: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()


def iso_time(generalized: str) -> str | None:
    """Return an LDAP GeneralizedTime (20261208031500Z) as ISO 8601 in UTC, or None."""
    try:
        when = datetime.strptime(generalized[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return when.isoformat()


def generalized_time(when: datetime) -> str:
    """Return a time as an LDAP GeneralizedTime in UTC."""
    return when.astimezone(UTC).strftime("%Y%m%d%H%M%SZ")


def verified_now() -> dict[str, list[bytes]]:
    """Return the values that mark a unit's list as imported or confirmed now."""
    return {"govdirLastVerified": [generalized_time(datetime.now(UTC)).encode()]}


def stamp_verified(conn: ldap.ldapobject.LDAPObject, unit_dn: str) -> bool:
    """Mark a unit's list as imported or confirmed now; return whether slapd took it.

    What coverage and rounds read. slapd decides who may: the unit's own admins and those
    above it.
    """
    try:
        conn.modify_s(unit_dn, [(ldap.MOD_REPLACE, k, v) for k, v in verified_now().items()])
    except ldap.LDAPError:
        return False
    return True


@dataclass
class PersonInfo:
    """A person as the front end shows it: first (accented) values only."""

    uid: str
    dn: str
    name: str
    family: str
    middle: str
    given: str
    title: str
    mail: list[str]
    phone: str | None
    unit_code: str
    unit_path: tuple[str, ...]
    status: str
    folded_names: list[str] = field(default_factory=list)


def ldap_error_text(e: ldap.LDAPError, detail: bool = False) -> str:
    """Return an LDAP error's description, with slapd's extra information when detail is set."""
    info = e.args[0] if e.args and isinstance(e.args[0], dict) else {}
    parts = (info.get("desc", type(e).__name__), info.get("info", "") if detail else "")
    return " ".join(x for x in parts if x)


def first_value(attrs: dict[str, list[bytes]], name: str, default: str = "") -> str:
    """Return an attribute's first value as text, or default when it has none."""
    values = attrs.get(name)
    return values[0].decode() if values else default


def _all(attrs: dict[str, list[bytes]], name: str) -> list[str]:
    return [v.decode() for v in attrs.get(name, [])]


def shown_name(attrs: dict[str, list[bytes]]) -> str:
    """Return a person entry's name as shown: displayName, else the first (accented) cn."""
    return first_value(attrs, "displayName") or first_value(attrs, "cn")


def person_order_fields(attrs: dict[str, list[bytes]]) -> tuple[str, str, str, str, str]:
    """Return what people are ranked and sorted by: name as shown, title, family, middle, given."""
    return (
        shown_name(attrs),
        first_value(attrs, "title"),
        first_value(attrs, "sn"),
        first_value(attrs, "govdirMiddleName"),
        first_value(attrs, "givenName"),
    )


def person_from_entry(dn: str, attrs: dict[str, list[bytes]]) -> PersonInfo:
    """Return the PersonInfo of an LDAP person entry."""
    name, title, family, middle, given = person_order_fields(attrs)
    return PersonInfo(
        uid=first_value(attrs, "uid"),
        dn=dn,
        name=name,
        family=family,
        middle=middle,
        given=given,
        title=title,
        mail=_all(attrs, "mail"),
        phone=first_value(attrs, "telephoneNumber") or None,
        unit_code=first_value(attrs, UNIT_RDN),
        unit_path=tuple(_all(attrs, "govdirUnitPath")),
        status=first_value(attrs, "govdirStatus", "active"),
        folded_names=_all(attrs, "cn")[1:],
    )


def unit_from_entry(dn: str, attrs: dict[str, list[bytes]]) -> UnitInfo:
    """Return the UnitInfo of an LDAP unit entry."""
    return UnitInfo(
        code=first_value(attrs, UNIT_RDN),
        name=first_value(attrs, "ou"),
        type=first_value(attrs, "govdirUnitType"),
        dn=dn,
        path=tuple(_all(attrs, "govdirUnitPath")),
        mail=first_value(attrs, "mail") or None,
        domain=first_value(attrs, "govdirMailDomain") or None,
        english_name=first_value(attrs, "govdirEnglishName") or None,
        admin_code=first_value(attrs, "govdirAdminCode") or None,
        verified=iso_time(first_value(attrs, "govdirLastVerified")),
        former_codes=tuple(_all(attrs, "govdirFormerCode")),
        former_names=tuple(_all(attrs, "govdirFormerName")),
    )


class Directory:
    """A read connection per thread to one directory, bound as one identity."""

    def __init__(self, settings: ConnectionSettings, timeout: float = 5.0, unit_ttl: float = 300):
        self.settings = settings
        self.timeout = timeout
        self._local = threading.local()
        self._units: dict[str, UnitInfo] | None = None
        self._units_at = 0.0
        self._unit_ttl = unit_ttl
        self._lock = threading.Lock()
        self._provider: Directory | None = None
        # Called with (operation, seconds) after each LDAP search (the web's metrics).
        self.observer: Callable[[str, float], None] | None = None

    @property
    def base_dn(self) -> str:
        """Return the base DN searches start from."""
        return self.settings.base_dn

    def _connect(self) -> ldap.ldapobject.LDAPObject:
        conn = ldap.initialize(self.settings.uri)
        conn.set_option(ldap.OPT_PROTOCOL_VERSION, 3)
        # Connecting gets a short timeout (a down server shows quickly); an operation may take
        # longer (a big export, a busy server): slapd's own time limits bound it.
        conn.set_option(ldap.OPT_NETWORK_TIMEOUT, self.timeout)
        conn.set_option(ldap.OPT_TIMEOUT, OPERATION_TIMEOUT)
        conn.set_option(ldap.OPT_REFERRALS, 0)
        if self.settings.bind_dn:
            conn.simple_bind_s(self.settings.bind_dn, self.settings.password or "")
        return conn

    def _conn(self) -> ldap.ldapobject.LDAPObject:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = self._connect()
            except ldap.INVALID_CREDENTIALS as e:
                raise DirectoryUnavailable("the directory refused our credentials") from e
            except ldap.LDAPError as e:
                raise DirectoryUnavailable(
                    f"cannot reach {self.settings.uri}: {ldap_error_text(e)}"
                ) from e
            self._local.conn = conn
        return conn

    def close_connection(self) -> None:
        """Unbind this thread's connection, if it has one (a thread about to end calls this)."""
        conn, self._local.conn = getattr(self._local, "conn", None), None
        if conn is not None:
            try:
                conn.unbind_s()
            except ldap.LDAPError:
                pass

    def connection(self) -> ldap.ldapobject.LDAPObject:
        """Return this thread's bound connection to where writes go (for the importer)."""
        return self.for_writes()._conn()

    def for_writes(self) -> Directory:
        """Return the directory that takes writes: the provider's, when this is a consumer.

        A consumer only refers writes; what is done as a signed-in person (writes, and reads
        of the audit log, which the provider keeps) goes to its provider.
        """
        if not self.settings.provider:
            return self
        with self._lock:
            if self._provider is None:
                settings = dataclasses.replace(self.settings, uri=self.settings.provider,
                                               provider=None)  # fmt: skip
                self._provider = Directory(settings, self.timeout, self._unit_ttl)
                self._provider.observer = self.observer
        return self._provider

    def search(
        self, filterstr: str, attrs: list[str], base: str | None = None,
        scope: int = ldap.SCOPE_SUBTREE, limit: int = 0, time_limit: int = -1,
        controls: list | None = None,
    ) -> tuple[list[tuple[str, dict[str, list[bytes]]]], bool]:  # fmt: skip
        """Return (entries, truncated): the entries found, and whether a size limit cut them.

        controls go with every request (the proxied authorization of a signed-in person).
        """
        started = time.perf_counter()
        try:
            return self._search(filterstr, attrs, base, scope, limit, time_limit, controls)
        finally:
            if self.observer is not None:
                self.observer("search", time.perf_counter() - started)

    def _search(self, filterstr, attrs, base, scope, limit, time_limit, controls):
        for attempt in (1, 2):
            conn = self._conn()
            try:
                return self._collect(
                    conn, base or self.base_dn, scope, filterstr, attrs, limit, time_limit,
                    controls or [],
                )  # fmt: skip
            except (ldap.SERVER_DOWN, ldap.CONNECT_ERROR) as e:
                self._local.conn = None
                if attempt == 2:
                    raise DirectoryUnavailable(
                        f"cannot reach {self.settings.uri}: {ldap_error_text(e)}"
                    ) from e
        raise AssertionError("unreachable")

    def scan(
        self, filterstr: str, attrs: list[str], base: str | None = None
    ) -> Iterator[list[tuple[str, dict[str, list[bytes]]]]]:
        """Yield every entry found, a page at a time (RFC 2696), for reading in bulk.

        A page is taken whole (one call into the client library per page, not per entry):
        what a report over a million people needs, and what no interactive search does.
        """
        conn = self._conn()
        page = SimplePagedResultsControl(True, size=PAGE_SIZE, cookie=b"")

        def ask():
            return conn.search_ext(base or self.base_dn, ldap.SCOPE_SUBTREE, filterstr, attrs,
                                   serverctrls=[page])  # fmt: skip

        try:
            msgid = ask()
            while True:
                _, data, _, answered = conn.result3(msgid)
                cookie = next(
                    (c.cookie for c in answered if c.controlType == page.controlType), b""
                )
                if cookie:
                    # Ask for the next page before this one is handed over: slapd reads it
                    # while the caller works through this one.
                    page.cookie = cookie
                    msgid = ask()
                yield [(dn, a) for dn, a in data if dn]
                if not cookie:
                    return
        except (ldap.SERVER_DOWN, ldap.CONNECT_ERROR) as e:
            self._local.conn = None
            raise DirectoryUnavailable(
                f"cannot reach {self.settings.uri}: {ldap_error_text(e)}"
            ) from e

    @staticmethod
    def _collect(conn, base, scope, filterstr, attrs, limit, time_limit=-1, controls=()):
        """Return (entries, truncated); more than a page is read a page at a time (RFC 2696).

        Every identity but the web and national admins has a total cap on paged searches as
        well, so paging never takes them past their size limit.
        """
        entries, truncated = [], False
        paged = limit == 0 or limit > PAGE_SIZE
        page = SimplePagedResultsControl(True, size=PAGE_SIZE, cookie=b"")
        try:
            while True:
                msgid = conn.search_ext(
                    base, scope, filterstr, attrs, timeout=time_limit,
                    sizelimit=0 if paged else limit,
                    serverctrls=[*controls, page] if paged else (list(controls) or None),
                )  # fmt: skip
                while True:
                    rtype, data, _, answered = conn.result3(msgid, all=0)
                    entries.extend((dn, a) for dn, a in data if dn)
                    if rtype == ldap.RES_SEARCH_RESULT:
                        break
                cookie = next(
                    (c.cookie for c in answered if c.controlType == page.controlType), b""
                )
                if not paged or not cookie:
                    break
                if limit and len(entries) >= limit:
                    # Tell slapd to drop the rest of the result set.
                    done = SimplePagedResultsControl(True, size=0, cookie=cookie)
                    conn.search_ext_s(
                        base, scope, filterstr, ["1.1"], serverctrls=[*controls, done]
                    )
                    truncated = True
                    break
                page.cookie = cookie
        except ldap.SIZELIMIT_EXCEEDED:
            truncated = True
        except ldap.NO_SUCH_OBJECT:
            pass
        except _OVERLOADED as e:
            # Not an error in the request: the server could not answer it now (a cold cache, a
            # busy machine). The web shows its "try again" page rather than a stack trace.
            text = ldap_error_text(e)
            raise DirectoryUnavailable(f"the directory could not answer: {text}") from e
        if limit and len(entries) > limit:
            entries, truncated = entries[:limit], True
        return entries, truncated

    def person(self, uid: str) -> PersonInfo | None:
        """Return the person with this uid, or None."""
        filt = ldap.filter.filter_format("(&(objectClass=govdirPerson)(uid=%s))", [uid])
        entries, _ = self.search(filt, PERSON_ATTRS, limit=2)
        return person_from_entry(*entries[0]) if entries else None

    def units(self) -> dict[str, UnitInfo]:
        """Return every unit by code, cached for a few minutes (units change rarely)."""
        with self._lock:
            if self._units is None or time.monotonic() - self._units_at > self._unit_ttl:
                entries, _ = self.search(
                    "(objectClass=govdirUnit)", UNIT_ATTRS, limit=UNITS_LIMIT,
                    time_limit=LONG_SEARCH_SECONDS,
                )  # fmt: skip
                self._units = {u.code: u for u in (unit_from_entry(*e) for e in entries)}
                self._units_at = time.monotonic()
            return self._units

    def forget_units(self) -> None:
        """Drop the cached unit list, so the next call reads it again (after units were added)."""
        with self._lock:
            self._units = None

    def unit_words(self) -> UnitWords:
        """Return the units' folded name words, indexed for matching unit names in queries."""
        units = self.units()
        cached = getattr(self, "_unit_words", None)
        if cached is None or cached[0] is not units:
            names = {code: tuple(search_words(u.name)) for code, u in units.items()}
            self._unit_words = cached = (units, UnitWords(names))
        return cached[1]

    def unit_names(self) -> UnitNames:
        """Return every unit's forms (names, aliases, codes, mailboxes) for reading queries.

        Built again only when the units themselves changed, not at every re-read of the list.
        """
        units = self.units()
        cached = getattr(self, "_unit_names", None)
        if cached is None or cached[0] is not units:
            fingerprint = hash(tuple(units.values()))
            if cached is None or cached[1] != fingerprint:
                cached = (units, fingerprint, UnitNames(units))
            self._unit_names = cached = (units, fingerprint, cached[2])
        return cached[2]

    def unit(self, code: str) -> UnitInfo | None:
        """Return the unit with this code, or None."""
        return self.units().get(code)

    def children(self, code: str) -> list[UnitInfo]:
        """Return the units directly under a unit, in Vietnamese name order."""
        kids = [u for u in self.units().values() if len(u.path) >= 2 and u.path[-2] == code]
        return sorted(kids, key=lambda u: word_sort_key(u.name))

    def unit_path_names(self, path: tuple[str, ...]) -> list[UnitInfo]:
        """Return the units along a path of codes, skipping the top branch."""
        units = self.units()
        return [units[c] for c in path[1:] if c in units]
