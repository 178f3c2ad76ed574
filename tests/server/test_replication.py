"""A read-only consumer (`govdir up --replica-of`): real slapd processes on loopback ports."""

from __future__ import annotations

import json
import time
import urllib.request

import ldap
import pytest

from tests.server.replicas import (
    dump,
    govdir,
    new_server,
    people_csv,
    uuids,
    wait_in_step,
)

UNIT = "01-STP"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """Start a provider with a small staff, and a consumer of it on an empty data directory."""
    root = tmp_path_factory.mktemp("replicas")
    provider = new_server(root, "provider", "--demo-people", "60").start()
    password_file = provider.lines["Replication password"]
    consumer = new_server(root, "consumer", "--replica-of", provider.uri,
                          "--replication-password-file", password_file)  # fmt: skip
    consumer.start()
    wait_in_step(provider, consumer)
    yield provider, consumer
    consumer.stop()
    provider.stop()


def unit_dn(server, code: str = UNIT) -> str:
    conn = server.admin()
    try:
        base = server.state()["base_dn"]
        unit = f"(&(objectClass=govdirUnit)(govdirUnitCode={code}))"
        return conn.search_s(base, ldap.SCOPE_SUBTREE, unit, ["1.1"])[0][0]
    finally:
        conn.unbind_s()


def test_a_new_consumer_copies_the_whole_directory(pair):
    provider, consumer = pair
    copied, source = dump(consumer), dump(provider)
    assert len(copied) == len(source) > 17_000
    assert copied == source  # every entry, its values, entryUUID and entryCSN
    # The service accounts are the set's: the consumer's web tier reads as cn=web.
    with urllib.request.urlopen(consumer.web + "api/search?q=nguyen") as resp:
        assert json.load(resp)["total"] > 0


def test_the_consumer_refers_writes_to_its_provider(pair):
    provider, consumer = pair
    conn = consumer.admin()
    dn = unit_dn(consumer)
    with pytest.raises(ldap.REFERRAL) as refused:
        conn.modify_s(dn, [(ldap.MOD_REPLACE, "description", [b"written on a consumer"])])
    assert provider.uri.encode() in repr(refused.value).encode()
    assert consumer.state()["replica_of"] == provider.uri


def test_an_import_on_the_provider_reaches_the_consumer_within_seconds(pair, tmp_path):
    provider, consumer = pair
    done = govdir(provider.data_dir, "import", str(people_csv(tmp_path / "a.csv", 40, "prov")),
                  "--unit", UNIT)  # fmt: skip
    assert "Applied: 40 add" in done.stdout, done.stdout + done.stderr
    assert wait_in_step(provider, consumer, timeout=30) < 30
    base = unit_dn(provider)
    assert uuids(consumer, base) == uuids(provider, base)


def test_an_import_against_the_consumer_is_applied_by_the_provider(pair, tmp_path):
    provider, consumer = pair
    done = govdir(consumer.data_dir, "import", str(people_csv(tmp_path / "c.csv", 5, "cons", 100)),
                  "--unit", UNIT)  # fmt: skip
    assert "Applied: 5 add" in done.stdout, done.stdout + done.stderr
    wait_in_step(provider, consumer)
    base = unit_dn(provider)
    mail = b"cons100.stp@hanoi.gov.vn"
    held = [dn for dn, a in dump(provider, base) if mail in a.get("mail", [])]
    assert len(held) == 1 and uuids(consumer, base) == uuids(provider, base)


def test_a_consumer_stopped_during_an_import_catches_up_after_restart(pair, tmp_path):
    provider, consumer = pair
    path = people_csv(tmp_path / "b.csv", 1000, "late", 1000)
    running = govdir(provider.data_dir, "import", str(path), "--unit", UNIT, background=True)
    base = unit_dn(provider)
    while not [dn for dn, a in dump(provider, base) if a.get("mail", [b""])[0].startswith(b"late")]:
        assert running.poll() is None, running.stdout.read()
        time.sleep(0.1)
    writing = running.poll() is None  # the import is still writing as the consumer stops
    consumer.stop()
    assert writing
    out, _ = running.communicate(timeout=300)
    assert "Applied: 1,000 add" in out, out
    consumer.start()
    wait_in_step(provider, consumer)
    assert uuids(consumer, base) == uuids(provider, base)
    assert dump(consumer) == dump(provider)
