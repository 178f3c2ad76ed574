"""Each mail client's address-book search, replayed against the real slapd with Vietnamese names."""

from __future__ import annotations

import ldap
import ldap.modlist
import pytest
from ldap.controls.pagedresults import SimplePagedResultsControl
from ldap.controls.sss import SSSRequestControl

from .conftest import KNOWN_NAME
from .mail_clients import CLIENTS, MailClient, expand_netscape

CASES = [(c, typed) for c in CLIENTS for typed in c.inputs]


def connect(instance, client: MailClient, dn: str, password: str):
    """Open a connection the way the client does (LDAPS, StartTLS or plain) and bind."""
    state, slapd, data_dir = instance
    uri = slapd.ldaps_uri if client.transport == "ldaps" else slapd.uri
    conn = ldap.initialize(uri)
    conn.set_option(ldap.OPT_X_TLS_CACERTFILE, str(data_dir / "tls" / "cert.pem"))
    conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
    conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
    if client.transport == "starttls":
        conn.start_tls_s()
    conn.simple_bind_s(dn, password)
    return conn


def addressbook(instance, client: MailClient):
    state, _, _ = instance
    return connect(instance, client, f"cn=addressbook,{state.base_dn}", state.addressbook_password)


def client_search(conn, client: MailClient, base_dn: str, filt: str):
    """Search as the client would; return (entries, result code name)."""
    ctrls = []
    if client.sort:
        # cn is one of slapd's built-in attribute types and has no ORDERING rule, so the
        # request names one; without it slapd answers inappropriateMatching (18).
        ctrls.append(
            SSSRequestControl(criticality=True, ordering_rules=["cn:caseIgnoreOrderingMatch"])
        )
    if client.paged:
        ctrls.append(SimplePagedResultsControl(True, size=50, cookie=""))
    base = "" if client.empty_base else base_dn
    try:
        msgid = conn.search_ext(base, client.scope, filt, ["cn", "mail"], serverctrls=ctrls)
        _, data, _, _ = conn.result3(msgid)
        return data, "success"
    except ldap.SIZELIMIT_EXCEEDED:
        return None, "sizeLimitExceeded"


@pytest.mark.parametrize(("client", "typed"), CASES, ids=[f"{c.name}-{t}" for c, t in CASES])
def test_client_finds_the_person_and_shows_diacritics(instance, known_person, client, typed):
    state, _, _ = instance
    conn = addressbook(instance, client)
    filt = client.filter(typed)
    # The entry matches exactly the filter the client sends ...
    [(dn, attrs)] = conn.search_s(known_person, ldap.SCOPE_BASE, filt, ["cn", "mail"])
    assert attrs["cn"][0].decode() == KNOWN_NAME  # what the client displays
    # ... and the client's own search (base, scope, controls) runs without an error.
    entries, code = client_search(conn, client, state.base_dn, filt)
    assert code in ("success", "sizeLimitExceeded")
    if code == "success" and not client.paged and len(typed) > 2:
        names = {a["cn"][0].decode() for d, a in entries if d}
        assert KNOWN_NAME in names


def test_thunderbird_template_expansion():
    template = CLIENTS[0].template
    assert expand_netscape(template, "nguyễn van") == (
        "(|(cn=*nguyễn*van*)(mail=*nguyễn van*)(givenName=*nguyễn*)(sn=*nguyễn van*))"
    )
    assert expand_netscape(template, "an") == "(|(cn=*an*)(mail=*an*)(givenName=*an*)(sn=*an*))"


def test_sogo_sort_is_by_cn_and_critical(instance, known_person):
    state, _, _ = instance
    sogo = next(c for c in CLIENTS if c.name == "sogo")
    conn = connect(instance, sogo, f"cn=admin,{state.base_dn}", state.admin_password)
    entries, code = client_search(conn, sogo, state.base_dn, sogo.filter("nguyen van"))
    assert code == "success"
    # RFC 2891 sorts a multi-valued attribute by its lowest value: here the folded name, so
    # "Đạt" sorts with "Dat" instead of after "Z" as a code-point sort of the first value would.
    keys = [min(v.decode().lower() for v in a["cn"]) for d, a in entries if d]
    assert len(keys) > 5 and keys == sorted(keys)


def test_evolution_default_one_level_scope_finds_nobody_so_readme_says_subtree(instance):
    state, _, _ = instance
    evolution = next(c for c in CLIENTS if c.name == "evolution")
    conn = addressbook(instance, evolution)
    one = conn.search_s(state.base_dn, ldap.SCOPE_ONELEVEL, evolution.filter("nguyen"))
    assert one == []


def test_anonymous_root_dse_and_schema_over_starttls(instance):
    _, slapd, data_dir = instance
    conn = ldap.initialize(slapd.uri)
    conn.set_option(ldap.OPT_X_TLS_CACERTFILE, str(data_dir / "tls" / "cert.pem"))
    conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
    conn.start_tls_s()
    [(_, dse)] = conn.search_s("", ldap.SCOPE_BASE, attrlist=["supportedControl"])
    assert b"1.2.840.113556.1.4.473" in dse["supportedControl"]  # server-side sort
    assert b"1.2.840.113556.1.4.319" in dse["supportedControl"]  # paged results


@pytest.fixture(scope="module")
def scan_probe(instance, admin_directory):
    """Return a connection whose searches fail when slapd would scan most of the database."""
    state, slapd, _ = instance
    entries, _ = admin_directory.search("(objectClass=*)", ["1.1"])
    threshold = int(len(entries) * 0.6)
    dn = f"cn=scan-probe,{state.base_dn}"
    conf = ldap.initialize(slapd.ldapi_uri)
    conf.sasl_external_bind_s()
    conf.modify_s(
        "olcDatabase={1}mdb,cn=config",
        [(ldap.MOD_ADD, "olcLimits", [f'{{0}}dn.exact="{dn}" size.soft=unlimited '
                                     f"size.hard=unlimited size.unchecked={threshold}".encode()])],
    )  # fmt: skip
    # slapd 2.5 applies a new olcLimits value only from its next start.
    slapd.stop()
    slapd.start()
    admin = ldap.initialize(slapd.uri)
    admin.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    admin.add_s(dn, ldap.modlist.addModlist({
        "objectClass": [b"applicationProcess", b"simpleSecurityObject"],
        "cn": [b"scan-probe"], "userPassword": [b"scan-probe-secret"],
    }))  # fmt: skip
    conn = ldap.initialize(slapd.uri)
    conn.simple_bind_s(dn, "scan-probe-secret")
    return conn


def test_scan_probe_detects_an_unindexed_filter(instance, scan_probe):
    state, _, _ = instance
    with pytest.raises(ldap.ADMINLIMIT_EXCEEDED):
        scan_probe.search_s(state.base_dn, ldap.SCOPE_SUBTREE, "(description=*nguyen*)")


SCAN_CASES = [(c, t) for c, t in CASES if len(t) >= 3]


@pytest.mark.parametrize(
    ("client", "typed"), SCAN_CASES, ids=[f"{c.name}-{t}" for c, t in SCAN_CASES]
)
def test_client_filters_are_answered_from_indexes(instance, scan_probe, client, typed):
    state, _, _ = instance
    base = "" if client.empty_base else state.base_dn
    found = scan_probe.search_s(base, ldap.SCOPE_SUBTREE, client.filter(typed), ["1.1"])
    assert found
