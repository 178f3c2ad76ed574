"""A read-only consumer (`govdir up --replica-of`): real slapd processes on loopback ports."""

from __future__ import annotations

import json
import time
import urllib.request
from urllib.parse import quote

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
    provider = new_server(root, "provider", "--demo-people", "60", "--server-id", "1").start()
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


def consumer_app(consumer, provider):
    from directory_service.directory.settings import ConnectionSettings
    from directory_service.directory.store import Directory
    from web import create_app

    state = consumer.state()
    base = state["base_dn"]
    settings = ConnectionSettings(
        consumer.uri, f"cn=web,{base}", state["web_password"], base, provider=provider.uri
    )
    return create_app({"TESTING": True, "DIRECTORY": Directory(settings)})


def set_syncrepl(consumer, values: list[bytes] | None) -> list[bytes]:
    """Replace the consumer's olcSyncrepl (None: stop copying); return what it was."""
    conn = ldap.initialize("ldapi://" + quote(str(consumer.data_dir / "run" / "ldapi"), safe=""))
    conn.sasl_non_interactive_bind_s("EXTERNAL")
    db = "olcDatabase={1}mdb,cn=config"
    found = conn.search_s(db, ldap.SCOPE_BASE, attrlist=["olcSyncrepl", "olcUpdateRef"])[0][1]
    before = {k.lower(): v for k, v in found.items()}
    if values is None:
        conn.modify_s(db, [(ldap.MOD_DELETE, "olcUpdateRef", None),
                           (ldap.MOD_DELETE, "olcSyncrepl", None)])  # fmt: skip
    else:
        referral = consumer.state()["replica_of"].encode()
        conn.modify_s(db, [(ldap.MOD_ADD, "olcSyncrepl", values),
                           (ldap.MOD_ADD, "olcUpdateRef", [referral])])  # fmt: skip
    conn.unbind_s()
    return before.get("olcsyncrepl", [])


def test_status_healthz_and_metrics_show_the_lag(pair, tmp_path, monkeypatch):
    provider, consumer = pair
    wait_in_step(provider, consumer)
    status = govdir(consumer.data_dir, "status")
    assert f"Role:           consumer of {provider.uri}" in status.stdout, status.stdout
    assert "in step" in status.stdout and "no write since" in status.stdout
    assert "Replication password file" in govdir(provider.data_dir, "status").stdout
    client = consumer_app(consumer, provider).test_client()
    healthy = client.get("/healthz")
    assert healthy.status_code == 200 and healthy.json["replication"]["max_lag_seconds"] == 0
    assert healthy.json["replication"]["idle_since"]

    syncrepl = set_syncrepl(consumer, None)  # the consumer stops copying
    try:
        path = people_csv(tmp_path / "h.csv", 3, "lag", 200)
        done = govdir(provider.data_dir, "import", str(path), "--unit", UNIT)
        assert "Applied: 3 add" in done.stdout, done.stdout + done.stderr
        monkeypatch.setenv("GOVDIR_MAX_LAG", "0.001")
        behind = client.get("/healthz")
        assert behind.status_code == 503 and behind.json["replication"]["max_lag_seconds"] > 0
        assert "s behind" in govdir(consumer.data_dir, "status").stdout
        client.get("/api/search?q=nguyen")
        text = client.get("/metrics").get_data(as_text=True)
        assert 'govdir_replication_lag_seconds{server_id="0"}' in text
        assert 'govdir_http_request_seconds_count{endpoint="views.api_search"}' in text
        assert 'govdir_ldap_operation_seconds_count{operation="search"}' in text
        assert 'govdir_searches_total{endpoint="views.api_search"}' in text
    finally:
        set_syncrepl(consumer, syncrepl)
    wait_in_step(provider, consumer)
    assert client.get("/healthz").status_code == 200
