"""The server's defences that are not access rules: TLS, request size, limits, lockout, timing."""

from __future__ import annotations

import socket
import ssl
import statistics
import time
import urllib.parse
import warnings

import ldap
import ldap.modlist
import pytest
from ldap.controls.ppolicy import PasswordPolicyControl

from directory_service.directory.settings import connection_settings
from directory_service.directory.store import Directory
from directory_service.server.config import CLIENT_TIME_LIMIT, MAX_INCOMING_AUTH, WEB_SIZE_LIMIT
from directory_service.server.slapd import free_ports
from directory_service.server.up import prepare
from tests.conftest import settings_for

OFFICIAL_PASSWORD = "a long enough secret"


MAIN_DB = "olcDatabase={1}mdb,cn=config"


def bind(uri: str, dn: str | None = None, password: str | None = None):
    conn = ldap.initialize(uri)
    conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_NEVER)
    conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
    if dn:
        conn.simple_bind_s(dn, password)
    return conn


def _handshake(port: int, version: ssl.TLSVersion) -> str:
    """Return the protocol slapd agreed to when the client offers only version."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # old versions, on purpose
        ctx.minimum_version = ctx.maximum_version = version
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")  # let the client offer what old clients did
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with ctx.wrap_socket(raw) as tls:
            return tls.version()


@pytest.mark.parametrize("old", [ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1])
def test_ldaps_refuses_tls_1_0_and_1_1(instance, old):
    _, slapd, _ = instance
    with pytest.raises((ssl.SSLError, ConnectionResetError)):
        _handshake(slapd.ldaps_port, old)


def test_ldaps_speaks_tls_1_2_and_1_3(instance):
    _, slapd, _ = instance
    assert _handshake(slapd.ldaps_port, ssl.TLSVersion.TLSv1_2) == "TLSv1.2"
    assert _handshake(slapd.ldaps_port, ssl.TLSVersion.TLSv1_3) == "TLSv1.3"


def test_an_instance_that_requires_tls_refuses_plain_simple_binds(tmp_path):
    data_dir = tmp_path / "tls-only"
    state, slapd = prepare(data_dir, *free_ports(2), demo_people=0, quiet=True, require_tls=True)
    slapd.start()
    try:
        dn, pw = f"cn=addressbook,{state.base_dn}", state.addressbook_password
        with pytest.raises(ldap.CONFIDENTIALITY_REQUIRED):
            bind(slapd.uri, dn, pw)
        assert bind(slapd.ldaps_uri, dn, pw).whoami_s() == f"dn:{dn}"
        starttls = bind(slapd.uri)
        starttls.start_tls_s()
        starttls.simple_bind_s(dn, pw)
        # What the web and the CLI are given: the local socket, which needs no TLS.
        settings = connection_settings(data_dir, account="web")
        assert settings.uri.startswith("ldapi://")
        assert urllib.parse.unquote(settings.uri[len("ldapi://") :]) == str(slapd.layout.ldapi_path)
        assert len(Directory(settings).units()) > 3000
    finally:
        slapd.stop()


def test_a_huge_filter_from_a_bound_client_is_not_read(instance):
    state, slapd, _ = instance
    book = bind(slapd.uri, f"cn=addressbook,{state.base_dn}", state.addressbook_password)
    huge = "(|" + "".join(f"(cn=*q{n}x*)" for n in range(10_000)) + ")"
    assert len(huge) > MAX_INCOMING_AUTH
    with pytest.raises(ldap.SERVER_DOWN):
        book.search_s(state.base_dn, ldap.SCOPE_SUBTREE, huge, ["cn"])
    # A filter well under the cap, as large as any client sends, still gets its answer.
    fine = "(|" + "".join(f"(mail=p{n}@hanoi.gov.vn)" for n in range(200)) + ")"
    book = bind(slapd.uri, f"cn=addressbook,{state.base_dn}", state.addressbook_password)
    assert book.search_s(state.base_dn, ldap.SCOPE_SUBTREE, fine, ["cn"]) == []


def test_a_costly_filter_from_the_address_book_is_cut_short(instance):
    state, slapd, _ = instance
    book = bind(slapd.uri, f"cn=addressbook,{state.base_dn}", state.addressbook_password)
    costly = "(|" + "".join(f"(govdirMiddleName=*q{n}x*)" for n in range(2_000)) + ")"
    started = time.monotonic()
    try:
        book.search_s(state.base_dn, ldap.SCOPE_SUBTREE, costly, ["cn"])
    except ldap.TIMELIMIT_EXCEEDED:
        pass
    assert time.monotonic() - started < CLIENT_TIME_LIMIT + 2
    conf = ldap.initialize(slapd.ldapi_uri)
    conf.sasl_external_bind_s()
    [(_, db)] = conf.search_s(MAIN_DB, ldap.SCOPE_BASE, attrlist=["olcLimits"])
    [limit] = [v.decode() for v in db["olcLimits"] if "cn=addressbook," in v.decode()]
    assert limit.endswith(f"time={CLIENT_TIME_LIMIT}")


def test_the_web_account_has_a_hard_size_cap_and_pages_past_it(instance):
    state, slapd, _ = instance
    web = bind(slapd.uri, f"cn=web,{state.base_dn}", state.web_password)
    asked = WEB_SIZE_LIMIT * 5
    msgid = web.search_ext(
        state.base_dn, ldap.SCOPE_SUBTREE, "(objectClass=govdirUnit)", ["1.1"], sizelimit=asked
    )
    received = 0
    with pytest.raises(ldap.SIZELIMIT_EXCEEDED):
        while True:
            rtype, data, _, _ = web.result3(msgid, all=0)
            received += len(data)
            if rtype == ldap.RES_SEARCH_RESULT:
                break
    assert received == WEB_SIZE_LIMIT
    units = Directory(settings_for(instance, "web")).units()
    assert len(units) > asked


@pytest.fixture()
def official(instance, admin_directory):
    """Add an official with a password under Sở Nội vụ Hà Nội; remove it afterwards."""
    from directory_service.entries.build import TreeIndex
    from directory_service.model import Person
    from directory_service.reference.tree import build_tree

    state, slapd, _ = instance
    index = TreeIndex(build_tree(), state.base_dn)
    person = Person(
        uid="plockout01", family="Khổng", middle="Thị", given="Khóa", unit_code="01-SNV",
        title="Chuyên viên", mail=["khoakt.snv@hanoi.gov.vn"],
    )  # fmt: skip
    dn, attrs = index.person_entry(person)
    root = bind(slapd.uri, f"cn=admin,{state.base_dn}", state.admin_password)
    root.add_s(dn, ldap.modlist.addModlist(attrs))
    root.passwd_s(dn, None, OFFICIAL_PASSWORD)
    yield dn
    root.delete_s(dn)


def _bind_with_policy(uri: str, dn: str, password: str):
    """Bind asking for the password policy response; return (error or None, its control)."""
    conn = ldap.initialize(uri)
    try:
        msgid = conn.simple_bind(dn, password, serverctrls=[PasswordPolicyControl()])
        _, _, _, controls = conn.result3(msgid)
        error = None
    except ldap.INVALID_CREDENTIALS as e:
        error, controls = e, e.args[0].get("ctrls", [])
        controls = [
            c
            for c in ldap.controls.DecodeControlTuples(controls)
            if c.controlType == PasswordPolicyControl.controlType
        ]
    policy = next((c for c in controls if isinstance(c, PasswordPolicyControl)), None)
    return error, policy


def test_five_wrong_passwords_lock_an_account_and_the_client_is_told(instance, official):
    _, slapd, _ = instance
    for _ in range(5):
        error, _ = _bind_with_policy(slapd.uri, official, "not the password")
        assert error is not None
    error, policy = _bind_with_policy(slapd.uri, official, OFFICIAL_PASSWORD)
    assert isinstance(error, ldap.INVALID_CREDENTIALS)
    assert policy is not None and policy.error == 1  # accountLocked


def test_a_short_password_is_refused(instance, official):
    _, slapd, _ = instance
    me = bind(slapd.uri, official, OFFICIAL_PASSWORD)
    with pytest.raises(ldap.CONSTRAINT_VIOLATION):
        me.passwd_s(official, OFFICIAL_PASSWORD, "short1")
    me.passwd_s(official, OFFICIAL_PASSWORD, "another long enough secret")


def _bind_ms(uri: str, dn: str, tries: int = 9) -> float:
    times = []
    for _ in range(tries):
        conn = ldap.initialize(uri)
        started = time.perf_counter()
        with pytest.raises(ldap.INVALID_CREDENTIALS):
            conn.simple_bind_s(dn, "a wrong guess")
        times.append(time.perf_counter() - started)
        conn.unbind_s()
    return statistics.median(times)


def test_a_bind_to_an_unknown_dn_costs_what_a_wrong_password_costs(instance):
    state, slapd, _ = instance
    _bind_ms(slapd.uri, f"cn=web,{state.base_dn}", tries=2)  # warm up
    known = _bind_ms(slapd.uri, f"cn=web,{state.base_dn}")
    unknown = _bind_ms(slapd.uri, f"uid=nobody-here,govdirUnitCode=01,{state.base_dn}")
    assert unknown > known / 2, (known, unknown)
