"""Fixtures: one real private slapd per test session, with the national tree and demo staff."""

from __future__ import annotations

import pytest

from directory_service.instance import ConnectionSettings
from directory_service.slapd import free_ports
from directory_service.store import Directory
from directory_service.up import prepare

TEST_PEOPLE = 3000
TEST_SEED = 7


@pytest.fixture(scope="session")
def instance(tmp_path_factory):
    """Start a private slapd holding the 2025 tree and TEST_PEOPLE synthetic people."""
    data_dir = tmp_path_factory.mktemp("govdir")
    ldap_port, ldaps_port = free_ports(2)
    state, slapd = prepare(data_dir, ldap_port, ldaps_port, TEST_PEOPLE, seed=TEST_SEED, quiet=True)
    slapd.start()
    yield state, slapd, data_dir
    slapd.stop()


def settings_for(instance, account: str) -> ConnectionSettings:
    """Return connection settings for one of the instance's accounts."""
    state, slapd, _ = instance
    dn, pw = {
        "admin": (f"cn=admin,{state.base_dn}", state.admin_password),
        "web": (f"cn=web,{state.base_dn}", state.web_password),
        "addressbook": (f"cn=addressbook,{state.base_dn}", state.addressbook_password),
        "anonymous": (None, None),
    }[account]
    return ConnectionSettings(uri=slapd.uri, bind_dn=dn, password=pw, base_dn=state.base_dn)


@pytest.fixture(scope="session")
def admin_directory(instance):
    """Return a Directory bound as the national administrator."""
    return Directory(settings_for(instance, "admin"))


@pytest.fixture(scope="session")
def web_directory(instance):
    """Return a Directory bound as the web tier's read-only account."""
    return Directory(settings_for(instance, "web"))


@pytest.fixture()
def app(web_directory):
    """Return the Flask app bound to the test directory."""
    from web import create_app

    return create_app({"TESTING": True, "DIRECTORY": web_directory})


@pytest.fixture()
def client(app):
    """Return a Flask test client."""
    return app.test_client()


KNOWN_NAME = "Nguyễn Văn An"
KNOWN_MAIL = "annv.snv@hanoi.gov.vn"


@pytest.fixture(scope="session")
def known_person(instance):
    """Add Nguyễn Văn An, Chuyên viên of Sở Nội vụ Hà Nội, and return his DN."""
    import ldap
    import ldap.modlist

    from directory_service.entries import TreeIndex
    from directory_service.model import Person
    from directory_service.tree import build_tree

    state, slapd, _ = instance
    index = TreeIndex(build_tree(), state.base_dn)
    person = Person(
        uid="ptestannv01", family="Nguyễn", middle="Văn", given="An", unit_code="01-SNV",
        title="Chuyên viên", mail=[KNOWN_MAIL], phone="024 3825 0000", gender="M",
    )  # fmt: skip
    dn, attrs = index.person_entry(person)
    conn = ldap.initialize(slapd.uri)
    conn.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    conn.add_s(dn, ldap.modlist.addModlist(attrs))
    conn.unbind_s()
    return dn
