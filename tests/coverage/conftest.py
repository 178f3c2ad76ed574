"""A slapd of the coverage tests' own: the 2025 tree and a handful of people with known figures."""

from __future__ import annotations

import ldap
import ldap.modlist
import pytest

from directory_service.directory.settings import ConnectionSettings
from directory_service.directory.store import Directory
from directory_service.entries.build import TreeIndex
from directory_service.model import COMMUNE, HEALTH, Person, Unit
from directory_service.reference.tree import build_tree
from directory_service.server.slapd import free_ports
from directory_service.server.up import prepare


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Start a slapd holding the tree, a health unit of Hà Nội and seven people; yield details."""
    data_dir = tmp_path_factory.mktemp("coverage")
    ldap_port, ldaps_port = free_ports(2)
    state, slapd = prepare(data_dir, ldap_port, ldaps_port, demo_people=0, quiet=True)
    slapd.start()
    tree = build_tree()
    index = TreeIndex(tree, state.base_dn)
    communes = [u.code for u in tree if u.type == COMMUNE and index.paths[u.code][1] == "01"]
    a, b = communes[:2]
    health = Unit("01-BVTEST", "Bệnh viện Thử", HEALTH, "01")
    index.add(health)
    conn = ldap.initialize(slapd.uri)
    conn.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    conn.add_s(*_add(index.unit_entry(health)))
    people = [
        Person("pcov1", "Nguyễn", "Văn", "Chủ", a, "Chủ tịch UBND", ["chu@hanoi.gov.vn"]),
        Person("pcov2", "Trần", "Thị", "Phó", a, "Phó Chủ tịch UBND", ["pho.cov@gmail.com"]),
        Person("pcov3", "Lê", "Văn", "Hội", a, "Chủ tịch HĐND", []),
        Person("pcov4", "Phạm", "Thị", "Sai", b, "Chủ tịch UBND", ["sai@hanoi"]),
        Person("pcov5", "Hoàng", "Văn", "Nội", "01-SNV", "Giám đốc", ["noi@hanoi.gov.vn"]),
        Person("pcov6", "Vũ", "Thị", "Khác", "01-SNV", "Chuyên viên", ["khac@vnpt.vn"]),
        Person("pcov7", "Đỗ", "Văn", "Viện", "01-BVTEST", "Bác sĩ", ["vien@hanoi.gov.vn"]),
        Person("pcov8", "Bùi", "Thị", "Bộ", "BTC", "Chuyên viên", ["bo@mof.gov.vn"]),
    ]
    for person in people:
        conn.add_s(*_add(index.person_entry(person)))
    directory = Directory(ConnectionSettings(slapd.uri, f"cn=admin,{state.base_dn}",
                                             state.admin_password, state.base_dn))  # fmt: skip
    yield {"state": state, "slapd": slapd, "data_dir": data_dir, "directory": directory,
           "a": a, "b": b, "conn": conn, "index": index}  # fmt: skip
    slapd.stop()


def _add(entry):
    dn, attrs = entry
    return dn, ldap.modlist.addModlist(attrs)
