"""Two providers (`govdir up --peer URI --server-id N`): writes on both sides converge."""

from __future__ import annotations

import time

import ldap
import pytest

from tests.server.replicas import (
    dump,
    govdir,
    kill_slapd,
    new_server,
    people_csv,
    uuids,
    wait_in_step,
)
from tests.server.test_replication import UNIT, unit_dn


@pytest.fixture(scope="module")
def peers(tmp_path_factory):
    """Start a first provider with a small staff, then a second that copies it, as peers."""
    root = tmp_path_factory.mktemp("peers")
    first, second = new_server(root, "one"), new_server(root, "two")
    first_uri, second_uri = (f"ldap://127.0.0.1:{s.args[1]}" for s in (first, second))
    first.args += ["--demo-people", "60", "--peer", second_uri, "--server-id", "1"]
    first.start()
    second.args += ["--peer", first_uri, "--server-id", "2",
                    "--replication-password-file", first.lines["Replication password"]]  # fmt: skip
    second.start()
    wait_in_step(first, second)
    yield first, second
    second.stop()
    first.stop()


def answers(server) -> bool:
    """Return whether a server answers on its LDAP port."""
    try:
        server.admin().unbind_s()
    except ldap.LDAPError:
        return False
    return True


def people(server, prefix: bytes) -> list[bytes]:
    """Return the addresses of a server's people whose address starts with prefix."""
    found = dump(server, unit_dn(server))
    return sorted(m for _, a in found for m in a.get("mail", []) if m.startswith(prefix))


def test_the_second_provider_starts_from_a_copy_of_the_first(peers):
    first, second = peers
    assert second.state()["joined"] and not first.state()["joined"]
    assert dump(first) == dump(second)


def test_both_providers_take_imports_and_converge(peers, tmp_path):
    first, second = peers
    # One side after the other: Debian 12's slapd 2.5.13 crashes or stalls when both peers
    # take writes at the same moment (docs/deployment.md sends writes to one at a time).
    for n, (server, tag) in enumerate(((first, "east"), (second, "west"), (first, "north"))):
        path = people_csv(tmp_path / f"{tag}.csv", 150, tag, 2000 + 1000 * n)
        done = govdir(server.data_dir, "import", str(path), "--unit", UNIT)
        assert "Applied: 150 add" in done.stdout, done.stdout + done.stderr
        wait_in_step(first, second)
    # Compared as sorted dumps of both servers, as OpenLDAP's own multi-provider test does.
    assert dump(first) == dump(second)
    for server in peers:
        assert [len(people(server, t)) for t in (b"east", b"west", b"north")] == [150] * 3
    csns = {a["entryCSN"][0].split(b"#")[2] for _, a in dump(first, unit_dn(first))}
    assert {b"001", b"002"} <= csns  # written on each side


def test_a_provider_killed_during_an_import_converges_and_the_rerun_completes(peers, tmp_path):
    first, second = peers
    path = people_csv(tmp_path / "kill.csv", 1500, "kill", 5000)
    running = govdir(first.data_dir, "import", str(path), "--unit", UNIT, background=True)
    while not people(first, b"kill"):
        assert running.poll() is None, running.stdout.read()
        time.sleep(0.1)
    killed = first.slapd_pid()
    kill_slapd(first)  # `govdir up` starts slapd again at once
    running.communicate(timeout=300)
    deadline = time.monotonic() + 60
    while first.slapd_pid() in (killed, None) or not answers(first):  # `govdir up` restarted it
        assert time.monotonic() < deadline
        time.sleep(0.2)
    again = govdir(first.data_dir, "import", str(path), "--unit", UNIT)
    assert again.returncode == 0, again.stdout + again.stderr
    wait_in_step(first, second)
    expected = sorted(f"kill{n}.stp@hanoi.gov.vn".encode() for n in range(5000, 6500))
    for server in peers:
        assert people(server, b"kill") == expected  # nothing lost, nothing twice
    assert uuids(first) == uuids(second)
    assert dump(first) == dump(second)
