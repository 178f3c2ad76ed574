"""Fixtures: one real private slapd per test session, with the national tree and demo staff."""

from __future__ import annotations

import pytest

from directory_service.directory.settings import ConnectionSettings
from directory_service.directory.store import Directory
from directory_service.server.slapd import free_ports
from directory_service.server.up import prepare

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


def add_people(instance, people: list) -> list[str]:
    """Add Person records to the instance as its administrator; return their DNs."""
    import ldap
    import ldap.modlist

    from directory_service.entries.build import TreeIndex
    from directory_service.reference.tree import build_tree

    state, slapd, _ = instance
    index = TreeIndex(build_tree(), state.base_dn)
    conn = ldap.initialize(slapd.uri)
    conn.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    dns = []
    for person in people:
        dn, attrs = index.person_entry(person)
        conn.add_s(dn, ldap.modlist.addModlist(attrs))
        dns.append(dn)
    conn.unbind_s()
    return dns


def delete_entries(instance, dns: list[str]) -> None:
    """Delete entries from the instance as its administrator."""
    import ldap

    state, slapd, _ = instance
    conn = ldap.initialize(slapd.uri)
    conn.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    for dn in dns:
        conn.delete_s(dn)
    conn.unbind_s()


@pytest.fixture(scope="session")
def known_person(instance):
    """Add Nguyễn Văn An, Chuyên viên of Sở Nội vụ Hà Nội, and return his DN."""
    from directory_service.model import Person

    person = Person(
        uid="ptestannv01", family="Nguyễn", middle="Văn", given="An", unit_code="01-SNV",
        title="Chuyên viên", mail=[KNOWN_MAIL], phone="024 3825 0000", gender="M",
    )  # fmt: skip
    return add_people(instance, [person])[0]


# People of a family name the synthetic staff never has (Ứng), in Vietnamese order: given name
# first (a ă â b c d đ e ê ...), then the middle name, then tones (none, huyền, hỏi, ngã, sắc,
# nặng): letters decide before tones, so Ngọc Thuỷ comes before Thị Thùy. "Thuỷ" has its tone
# on the y (the old placement), "Thủy" on the u: one name.
ORDERED_NAMES = [
    ("Thị", "An"), ("Văn", "An"), ("Thị", "Anh"), ("Thị", "Ánh"), ("Văn", "Ân"), ("Văn", "Bình"),
    ("Văn", "Dũng"), ("Minh", "Đức"), ("Văn", "Em"), ("Thị", "Hoa"), ("Văn", "Hòa"),
    ("Văn", "Hỏa"), ("Văn", "Hóa"), ("Ngọc", "Thuỷ"), ("Thị", "Thùy"), ("Thị", "Thủy"),
    ("Thị", "Thúy"),
]  # fmt: skip
EXTRA_FAMILY = "Ứng"
EXTRA_UNIT = "01-SNV"


@pytest.fixture(scope="module")
def extra_people(instance):
    """Add the ORDERED_NAMES people (family Ứng) to Sở Nội vụ Hà Nội for one test module."""
    from directory_service.model import Person

    people = [
        Person(uid=f"ptestung{i:02d}", family=EXTRA_FAMILY, middle=middle, given=given,
               unit_code=EXTRA_UNIT, title="Chuyên viên", mail=[f"ung{i:02d}.snv@hanoi.gov.vn"])
        for i, (middle, given) in enumerate(ORDERED_NAMES)
    ]  # fmt: skip
    dns = add_people(instance, people)
    yield [f"{EXTRA_FAMILY} {middle} {given}" for middle, given in ORDERED_NAMES]
    delete_entries(instance, dns)
