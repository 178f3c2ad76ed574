"""Fixtures for import tests: a private slapd of their own, with the tree and no people."""

from __future__ import annotations

import ldap
import pytest

from directory_service.directory.settings import ConnectionSettings
from directory_service.directory.store import Directory
from directory_service.server.slapd import free_ports
from directory_service.server.up import prepare


@pytest.fixture(scope="module")
def empty_instance(tmp_path_factory):
    """Start a slapd holding the 2025 tree and nobody, for one test module."""
    data_dir = tmp_path_factory.mktemp("import")
    ldap_port, ldaps_port = free_ports(2)
    state, slapd = prepare(data_dir, ldap_port, ldaps_port, demo_people=0, quiet=True)
    slapd.start()
    yield state, slapd, data_dir
    slapd.stop()


@pytest.fixture(scope="module")
def admin_conn(empty_instance):
    """Return a python-ldap connection bound as the national administrator."""
    state, slapd, _ = empty_instance
    conn = ldap.initialize(slapd.uri)
    conn.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    return conn


@pytest.fixture(scope="module")
def import_directory(empty_instance):
    """Return a Directory bound as the national administrator of the import instance."""
    state, slapd, _ = empty_instance
    return Directory(
        ConnectionSettings(
            slapd.uri, f"cn=admin,{state.base_dn}", state.admin_password, state.base_dn
        )  # fmt: skip
    )
