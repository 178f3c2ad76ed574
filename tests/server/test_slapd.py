"""The managed slapd: config, indexes, limits and the security model, bound as each identity."""

from __future__ import annotations

import ldap
import ldap.modlist
import pytest

from directory_service.directory.store import Directory, DirectoryUnavailable
from directory_service.server.config import (
    ADDRESSBOOK_SIZE_LIMIT,
    MAX_INCOMING_AUTH,
    WEB_LONG_TIME_LIMIT,
)
from tests.conftest import TEST_PEOPLE, settings_for
from tests.mail_clients import CLIENTS, assertions

MAIN_DB = "olcDatabase={1}mdb,cn=config"


def bind(instance, dn=None, password=None):
    state, slapd, _ = instance
    conn = ldap.initialize(slapd.uri)
    if dn:
        conn.simple_bind_s(dn, password)
    return conn


def config_conn(instance):
    _, slapd, _ = instance
    conn = ldap.initialize(slapd.ldapi_uri)
    conn.sasl_external_bind_s()
    return conn


def test_private_instance_keeps_everything_in_its_data_dir(instance):
    state, slapd, data_dir = instance
    assert slapd.layout.config_dir.is_relative_to(data_dir)
    conf = config_conn(instance)
    [(_, db)] = conf.search_s("olcDatabase={1}mdb,cn=config", ldap.SCOPE_BASE)
    assert db["olcDbDirectory"][0].decode() == str(data_dir / "db")
    assert db["olcSuffix"] == [state.base_dn.encode()]
    state_file = data_dir / "govdir.json"
    assert state_file.stat().st_mode & 0o777 == 0o600


def configured_indexes(instance) -> dict[str, set[str]]:
    """Return attribute (lower case) -> index types, read from the running server's cn=config."""
    conf = config_conn(instance)
    [(_, db)] = conf.search_s(
        "olcDatabase={1}mdb,cn=config", ldap.SCOPE_BASE, attrlist=["olcDbIndex"]
    )
    indexes: dict[str, set[str]] = {}
    for line in db["olcDbIndex"]:
        attrs, types = line.decode().split()
        kinds = set(types.split(","))
        if "sub" in kinds:
            kinds |= {"subinitial", "subany", "subfinal"}
        for attr in attrs.split(","):
            indexes.setdefault(attr.lower(), set()).update(kinds)
    return indexes


def test_indexes_cover_searched_attributes(instance):
    indexes = configured_indexes(instance)
    for attr in ("cn", "sn", "givenName", "mail"):
        assert {"eq", "subinitial", "subany", "subfinal"} <= indexes.get(attr.lower(), set()), attr
    for attr in ("ou", "uid", "govdirUnitCode", "govdirUnitPath", "govdirNameWord"):
        assert "eq" in indexes.get(attr.lower(), set()), attr


def test_every_mail_client_filter_is_indexed_for_its_match_type(instance):
    indexes = configured_indexes(instance)
    needed = {
        (attr.lower(), kind)
        for client in CLIENTS
        for typed in (*client.inputs, *client.index_inputs)
        for attr, kind in assertions(client.filter(typed))
    }
    assert {("objectclass", "eq"), ("cn", "subany"), ("mail", "subinitial")} <= needed
    missing = sorted((attr, kind) for attr, kind in needed if kind not in indexes.get(attr, ()))
    assert missing == []


def test_root_pw_and_service_passwords_are_argon2(instance, admin_directory):
    state, _, _ = instance
    conf = config_conn(instance)
    [(_, db)] = conf.search_s(
        "olcDatabase={1}mdb,cn=config", ldap.SCOPE_BASE, attrlist=["olcRootPW"]
    )
    assert db["olcRootPW"][0].startswith(b"{ARGON2}$argon2")
    entries, _ = admin_directory.search("(cn=addressbook)", ["userPassword"])
    assert entries[0][1]["userPassword"][0].startswith(b"{ARGON2}$argon2")


def test_anonymous_reads_root_dse_and_schema_only(instance):
    state, _, _ = instance
    conn = bind(instance)
    [(_, dse)] = conn.search_s("", ldap.SCOPE_BASE, attrlist=["namingContexts", "+"])
    # The directory first (clients that pick a base take the first), then the audit log,
    # which anonymous users cannot read either.
    assert dse["namingContexts"] == [state.base_dn.encode(), b"cn=accesslog"]
    with pytest.raises(ldap.NO_SUCH_OBJECT):
        conn.search_s("cn=accesslog", ldap.SCOPE_SUBTREE, "(objectClass=*)")
    [(_, schema)] = conn.search_s("cn=Subschema", ldap.SCOPE_BASE, attrlist=["objectClasses"])
    assert any(b"'govdirPerson'" in oc for oc in schema["objectClasses"])
    # Anonymous users are not even told that the base entry exists.
    with pytest.raises(ldap.NO_SUCH_OBJECT):
        conn.search_s(state.base_dn, ldap.SCOPE_SUBTREE, "(objectClass=govdirPerson)")


def test_addressbook_is_read_only_and_size_limited(instance):
    book = Directory(settings_for(instance, "addressbook"))
    entries, truncated = book.search("(objectClass=govdirPerson)", ["cn"])
    assert truncated and len(entries) == ADDRESSBOOK_SIZE_LIMIT < TEST_PEOPLE
    state, _, _ = instance
    conn = bind(instance, f"cn=addressbook,{state.base_dn}", state.addressbook_password)
    dn = entries[0][0]
    with pytest.raises(ldap.INSUFFICIENT_ACCESS):
        conn.modify_s(dn, [(ldap.MOD_REPLACE, "title", [b"Hacked"])])
    [(_, attrs)] = conn.search_s(dn, ldap.SCOPE_BASE, attrlist=["userPassword", "cn"])
    assert "userPassword" not in attrs and attrs["cn"]


def test_the_web_account_may_ask_for_a_long_time_limit(instance):
    conn = config_conn(instance)
    [(_, db)] = conn.search_s(MAIN_DB, ldap.SCOPE_BASE, attrlist=["olcLimits"])
    [web] = [v.decode() for v in db["olcLimits"] if "cn=web," in v.decode()]
    assert f"time.hard={WEB_LONG_TIME_LIMIT}" in web and "time.soft=10" in web


def test_a_search_the_server_cannot_finish_in_time_is_directory_unavailable(instance):
    # An unindexed OR of many inner substrings makes slapd test every entry against each one
    # (kept under the request size slapd reads from a bound client).
    slow = "(|" + "".join(f"(displayName=*q{n}x*)" for n in range(2200)) + ")"
    assert len(slow) < MAX_INCOMING_AUTH * 0.8
    web = Directory(settings_for(instance, "web"))
    with pytest.raises(DirectoryUnavailable, match="could not answer"):
        web.search(slow, ["cn"], time_limit=1)
    assert len(web.units()) > 1000  # the same connection still serves


def test_wrong_password_is_refused(instance):
    state, _, _ = instance
    with pytest.raises(ldap.INVALID_CREDENTIALS):
        bind(instance, f"cn=addressbook,{state.base_dn}", "wrong")


def test_agency_admin_writes_only_inside_own_unit(instance, admin_directory):
    state, slapd, _ = instance
    admin = bind(instance, f"cn=admin,{state.base_dn}", state.admin_password)
    account = f"cn=quantri-01,{state.base_dn}"
    admin.add_s(
        account,
        ldap.modlist.addModlist(
            {
                "objectClass": [b"applicationProcess", b"simpleSecurityObject", b"govdirAccount"],
                "cn": [b"quantri-01"],
                "userPassword": [b"placeholder"],
                "govdirAdminOf": [b"01"],
            }
        ),
    )
    admin.passwd_s(account, None, "agency-secret")
    agency = bind(instance, account, "agency-secret")
    inside, _ = admin_directory.search("(&(objectClass=govdirPerson)(govdirUnitPath=01))", ["1.1"])
    outside, _ = admin_directory.search("(&(objectClass=govdirPerson)(govdirUnitPath=79))", ["1.1"])
    assert inside and outside
    agency.modify_s(inside[0][0], [(ldap.MOD_REPLACE, "title", "Chuyên viên chính".encode())])
    with pytest.raises(ldap.INSUFFICIENT_ACCESS):
        agency.modify_s(outside[0][0], [(ldap.MOD_REPLACE, "title", [b"Chuyen vien"])])
    with pytest.raises(ldap.INSUFFICIENT_ACCESS):
        agency.modify_s(account, [(ldap.MOD_REPLACE, "govdirAdminOf", [b"79"])])


def test_web_account_reads_but_cannot_write(instance, admin_directory):
    state, _, _ = instance
    web = bind(instance, f"cn=web,{state.base_dn}", state.web_password)
    people, _ = admin_directory.search("(objectClass=govdirPerson)", ["1.1"], limit=1)
    assert web.search_s(people[0][0], ldap.SCOPE_BASE, attrlist=["cn"])[0][1]["cn"]
    with pytest.raises(ldap.INSUFFICIENT_ACCESS):
        web.modify_s(people[0][0], [(ldap.MOD_REPLACE, "title", [b"Chuyen vien"])])


def test_an_older_instance_gets_todays_access_rules_and_lookups(tmp_path):
    from directory_service.server.config import SUBSTR_LOOKUP, acls
    from directory_service.server.instance import ACCESS_VERSION, load_state
    from directory_service.server.slapd import free_ports
    from directory_service.server.up import prepare, update_access

    data_dir = tmp_path / "inst"
    state, slapd = prepare(data_dir, *free_ports(2), demo_people=0, quiet=True)
    assert state.access_version == ACCESS_VERSION
    unit = f"govdirUnitCode=01,govdirUnitCode=DP,{state.base_dn}"
    dn = "olcDatabase={1}mdb,cn=config"
    slapd.start()
    try:
        # An instance from before the current rules: an old rule set, an old state file.
        conn = ldap.initialize(slapd.ldapi_uri)
        conn.sasl_external_bind_s()
        conn.modify_s(dn, [(ldap.MOD_REPLACE, "olcAccess", [b"{0}to * by * write"])])
        conn.modify_s("cn=config", [(ldap.MOD_REPLACE, "olcIndexSubstrAnyStep", [b"2"])])
        state.access_version = 0
        web = bind((state, slapd, None), f"cn=web,{state.base_dn}", state.web_password)
        web.modify_s(unit, [(ldap.MOD_REPLACE, "description", [b"changed"])])
        update_access(data_dir, state, slapd)
        got = conn.search_s(dn, ldap.SCOPE_BASE, attrlist=["olcAccess"])[0][1]["olcAccess"]
        assert [a.decode().split("}", 1)[1] for a in got] == acls(slapd.layout)
        assert load_state(data_dir).access_version == ACCESS_VERSION
        step = conn.search_s("cn=config", ldap.SCOPE_BASE, attrlist=[*SUBSTR_LOOKUP])[0][1]
        assert step == {k: [v.encode()] for k, v in SUBSTR_LOOKUP.items()}
        web = bind((state, slapd, None), f"cn=web,{state.base_dn}", state.web_password)
        with pytest.raises(ldap.INSUFFICIENT_ACCESS):
            web.modify_s(unit, [(ldap.MOD_REPLACE, "description", [b"again"])])
    finally:
        slapd.stop()
