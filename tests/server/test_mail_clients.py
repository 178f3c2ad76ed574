"""Each mail client's address-book search, replayed against the real slapd with Vietnamese names."""

from __future__ import annotations

import ldap
import ldap.modlist
import ldap.schema
import pytest
from ldap.controls.pagedresults import SimplePagedResultsControl
from ldap.controls.sss import SSSRequestControl

from directory_service.entries.build import TreeIndex
from directory_service.model import Person
from directory_service.reference.tree import build_tree
from directory_service.server.slapd import free_ports
from directory_service.server.up import prepare
from tests.conftest import KNOWN_MAIL, KNOWN_NAME, TEST_SEED
from tests.mail_clients import CLIENTS, MailClient, assertions, expand_netscape, or_branches

CASES = [(c, typed) for c in CLIENTS for typed in c.inputs]

# cn is one of slapd's built-in attribute types and has no ORDERING rule, so a sort request
# must name one; a plain "cn" key is refused with inappropriateMatching (18).
SORT_KEY = "cn:caseIgnoreOrderingMatch"
# Small pages, so that a search in one unit already spans pages and the cookie is followed.
PAGE_SIZE = 2

# A directory small enough that every client's search returns all it matches within the
# address book's limit of 100 entries: the national tree, a hundred people, and Nguyễn Văn An
# with three namesakes in his unit (Sở Nội vụ Hà Nội).
SMALL_PEOPLE = 100
OFFICIAL_PASSWORD = "an official's own password"
UNIT = "01-SNV"
NAMESAKES = [
    ("ptestanhnv02", "Nguyễn", "Văn", "Anh", "anhnv.snv@hanoi.gov.vn"),
    ("ptestantt03", "Trần", "Thị", "An", "antt.snv@hanoi.gov.vn"),
    ("ptestannt04", "Nguyễn", "Thị", "Ân", "annt.snv@hanoi.gov.vn"),
]


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
    """Connect as the client does and bind as the read-only address-book account."""
    state, _, _ = instance
    return connect(instance, client, f"cn=addressbook,{state.base_dn}", state.addressbook_password)


def client_search(conn, client: MailClient, base: str, filt: str) -> list:
    """Search as the client would (scope, controls, every page); return the entries."""
    sort = [SSSRequestControl(criticality=True, ordering_rules=[SORT_KEY])] if client.sort else []
    paging = SimplePagedResultsControl(True, size=PAGE_SIZE, cookie="")
    entries = []
    while True:
        ctrls = sort + ([paging] if client.paged else [])
        msgid = conn.search_ext(base, client.scope, filt, ["cn", "mail"], serverctrls=ctrls)
        _, data, _, response = conn.result3(msgid)
        entries.extend((dn, attrs) for dn, attrs in data if dn)
        cookies = [c.cookie for c in response if c.controlType == paging.controlType]
        if not client.paged or not cookies[0]:
            return entries
        paging.cookie = cookies[0]


def add_person(instance, person: Person) -> str:
    """Add a person as the national administrator and return the DN."""
    state, slapd, _ = instance
    dn, attrs = TreeIndex(build_tree(), state.base_dn).person_entry(person)
    conn = ldap.initialize(slapd.uri)
    conn.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    conn.add_s(dn, ldap.modlist.addModlist(attrs))
    conn.unbind_s()
    return dn


@pytest.fixture(scope="module")
def small_book(tmp_path_factory):
    """Start a small directory holding Nguyễn Văn An and his namesakes; yield it and his DN."""
    data_dir = tmp_path_factory.mktemp("small-book")
    state, slapd = prepare(data_dir, *free_ports(2), SMALL_PEOPLE, seed=TEST_SEED, quiet=True)
    slapd.start()
    try:
        small = (state, slapd, data_dir)
        for uid, *name, mail in NAMESAKES:
            add_person(small, Person(uid, *name, UNIT, mail=[mail]))
        # Added last, so he comes after his namesakes: on Evolution's second page.
        family, middle, given = KNOWN_NAME.split()
        dn = add_person(
            small, Person("ptestannv01", family, middle, given, UNIT, mail=[KNOWN_MAIL])
        )
        # An official who binds with their own directory password instead of the shared one.
        official = add_person(small, Person("ptestofficial", "Lương", "Văn", "Tự", "01-STP",
                                            mail=["tulv.stp@hanoi.gov.vn"]))  # fmt: skip
        root = ldap.initialize(slapd.uri)
        root.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
        root.passwd_s(official, None, OFFICIAL_PASSWORD)
        yield small, dn, official
    finally:
        slapd.stop()


@pytest.mark.parametrize("account", ["addressbook", "official"])
@pytest.mark.parametrize(("client", "typed"), CASES, ids=[f"{c.name}-{t}" for c, t in CASES])
def test_client_finds_the_person_and_shows_diacritics(small_book, client, typed, account):
    small, dn, official = small_book
    if account == "addressbook":
        conn = addressbook(small, client)
    else:  # limits and the audit then apply per person
        conn = connect(small, client, official, OFFICIAL_PASSWORD)
    # Apple sends an empty base, for which slapd searches its default base, the whole tree;
    # the others search the base their user configured, here his own unit.
    base = "" if client.empty_base else dn.split(",", 1)[1]
    entries = client_search(conn, client, base, client.filter(typed))
    found = dict(entries)
    assert dn in found, f"{len(entries)} entries without him"
    assert found[dn]["cn"][0].decode() == KNOWN_NAME  # what the client displays


def test_thunderbird_template_expansion():
    template = CLIENTS[0].template
    assert expand_netscape(template, "nguyễn van") == (
        "(|(cn=*nguyễn*van*)(mail=*nguyễn van*)(givenName=*nguyễn*)(sn=*nguyễn van*))"
    )
    assert expand_netscape(template, "an") == "(|(cn=*an*)(mail=*an*)(givenName=*an*)(sn=*an*))"


def test_filter_parts_for_the_scan_probe_and_the_index_check():
    roundcube = next(c for c in CLIENTS if c.name == "roundcube")
    filt = roundcube.filter("duc")
    assert or_branches(filt) == ["(cn=*duc*)", "(mail=*duc*)", "(sn=*duc*)", "(givenName=*duc*)"]
    assert assertions(filt) == [("objectClass", "eq")] + [
        (a, "subany") for a in ("cn", "mail", "sn", "givenName")
    ]
    assert assertions("(|(cn=ng*)(cn=*a*b)(mail=*)(sn=x))") == [
        ("cn", "subinitial"), ("cn", "subany"), ("cn", "subfinal"), ("mail", "pres"), ("sn", "eq"),
    ]  # fmt: skip


def test_sogo_sort_is_by_cn_and_critical(instance, known_person):
    state, _, _ = instance
    sogo = next(c for c in CLIENTS if c.name == "sogo")
    conn = connect(instance, sogo, f"cn=admin,{state.base_dn}", state.admin_password)
    filt = sogo.filter("nguyen van")
    entries = client_search(conn, sogo, state.base_dn, filt)
    # RFC 2891 sorts a multi-valued attribute by its lowest value: here the folded name, so
    # "Đạt" sorts with "Dat" instead of after "Z" as a code-point sort of the first value would.
    keys = [min(v.decode().lower() for v in a["cn"]) for d, a in entries]
    assert len(keys) > 5 and keys == sorted(keys)
    # A sort key of plain "cn" (no ordering rule named) is refused, critical or not, because
    # slapd's built-in cn has no ORDERING rule: SOGo must send "cn:caseIgnoreOrderingMatch".
    for critical in (True, False):
        plain = SSSRequestControl(criticality=critical, ordering_rules=["cn"])
        with pytest.raises(ldap.INAPPROPRIATE_MATCHING) as refused:
            conn.search_ext_s(state.base_dn, ldap.SCOPE_SUBTREE, filt, serverctrls=[plain])
        assert refused.value.args[0]["info"] == "serverSort control: No ordering rule"


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
    conn.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
    conn.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
    conn.start_tls_s()
    assert conn.whoami_s() == ""  # anonymous
    attrs = ["supportedControl", "subschemaSubentry"]
    [(_, dse)] = conn.search_s("", ldap.SCOPE_BASE, attrlist=attrs)
    assert b"1.2.840.113556.1.4.473" in dse["supportedControl"]  # server-side sort
    assert b"1.2.840.113556.1.4.319" in dse["supportedControl"]  # paged results
    # Evolution then reads the subschema subentry the root DSE names.
    [subentry] = dse["subschemaSubentry"]
    [(_, schema)] = conn.search_s(
        subentry.decode(),
        ldap.SCOPE_BASE,
        "(objectClass=subschema)",
        ["attributeTypes", "objectClasses"],
    )
    parsed = ldap.schema.SubSchema(schema)
    for name in ("cn", "sn", "givenName", "mail"):
        assert parsed.get_obj(ldap.schema.AttributeType, name) is not None, name
    assert parsed.get_obj(ldap.schema.ObjectClass, "inetOrgPerson") is not None


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


def probe_search(probe, base: str, filt: str) -> list:
    """Search a filter, then each branch of its ORs alone; slapd refuses any that would scan.

    An AND narrows an OR's candidates before the probe's limit applies (Roundcube's
    objectClass=inetOrgPerson leaves only the people), so an unindexed branch of that OR,
    which makes slapd read every person, shows only when the branch is searched alone.
    """
    found = probe.search_s(base, ldap.SCOPE_SUBTREE, filt, ["1.1"])
    for branch in or_branches(filt):
        probe.search_s(base, ldap.SCOPE_SUBTREE, branch, ["1.1"])
    return found


def test_scan_probe_detects_an_unindexed_filter(instance, scan_probe):
    state, _, _ = instance
    with pytest.raises(ldap.ADMINLIMIT_EXCEEDED):
        probe_search(scan_probe, state.base_dn, "(description=*nguyen*)")


def test_scan_probe_detects_an_unindexed_branch_inside_roundcubes_and(instance, scan_probe):
    state, _, _ = instance
    roundcube = next(c for c in CLIENTS if c.name == "roundcube")
    template = roundcube.template.replace("(cn=*%v*)", "(cn=*%v*)(description=*%v*)")
    filt = expand_netscape(template, "nguyen")
    assert filt.startswith("(&(objectClass=inetOrgPerson)(|") and "(description=*nguyen*)" in filt
    with pytest.raises(ldap.ADMINLIMIT_EXCEEDED):
        probe_search(scan_probe, state.base_dn, filt)


SCAN_CASES = [(c, t) for c in CLIENTS for t in c.index_inputs]


@pytest.mark.parametrize(
    ("client", "typed"), SCAN_CASES, ids=[f"{c.name}-{t}" for c, t in SCAN_CASES]
)
def test_client_filters_are_answered_from_indexes(
    instance, known_person, scan_probe, client, typed
):
    state, _, _ = instance
    base = "" if client.empty_base else state.base_dn
    assert probe_search(scan_probe, base, client.filter(typed))
