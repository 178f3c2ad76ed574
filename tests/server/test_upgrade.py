"""An instance of an earlier version is rebuilt at start: same data, today's indexes and values."""

from __future__ import annotations

import json

import pytest

from directory_service.directory.search import search_people
from directory_service.directory.settings import STATE_FILE, ConnectionSettings
from directory_service.directory.store import Directory
from directory_service.entries import build as entries
from directory_service.entries.build import word_prefixes
from directory_service.server import config as slapd_config
from directory_service.server import loading, upgrade
from directory_service.server.instance import DATA_VERSION, layout_for, load_state
from directory_service.server.slapd import Slapd, SlapdError, free_ports, hash_password
from directory_service.server.up import prepare

# The index set of data version 1: word beginnings came from substring indexes.
OLD_INDEXES = [
    i.replace(
        "govdirNameWord,govdirNamePrefix,govdirTitlePrefix eq", "govdirNameWord eq,sub"
    ).replace("title eq", "title eq,sub")
    for i in slapd_config.INDEXES
]
NEW_ATTRS = ("govdirNamePrefix", "govdirTitlePrefix")


def _old_instance(root, monkeypatch):
    """Return the data directory of a 200-person instance as data version 1 left it."""
    person_entry = entries.TreeIndex.person_entry

    def without_prefixes(self, person):
        dn, attrs = person_entry(self, person)
        return dn, {k: v for k, v in attrs.items() if k not in NEW_ATTRS}

    real_base = loading.base_entries

    def without_policies(base_dn, passwords):
        """Return the base entries as versions before the password policies had them."""
        return [
            (dn, {k: v for k, v in attrs.items() if k != "pwdPolicySubentry"})
            for dn, attrs in real_base(base_dn, passwords)
            if b"pwdPolicy" not in attrs["objectClass"]
        ]

    with monkeypatch.context() as m:
        m.setattr(slapd_config, "INDEXES", OLD_INDEXES)
        m.setattr(entries.TreeIndex, "person_entry", without_prefixes)
        m.setattr(loading, "base_entries", without_policies)
        prepare(root, *free_ports(2), demo_people=200, seed=3, quiet=True)
    state_file = root / STATE_FILE
    state = json.loads(state_file.read_text())
    del state["data_version"]  # as an earlier version wrote it
    state_file.write_text(json.dumps(state))
    return root


def _snapshot(slapd) -> dict[str, dict[str, list[bytes]]]:
    """Return every entry of the stopped database by DN."""
    found: dict[str, dict[str, list[bytes]]] = {}
    slapd.dump("(objectClass=*)", lambda dn, attrs: found.__setitem__(dn, attrs))
    return found


def _db_indexes(root) -> list[str]:
    path = root / "slapd.d" / "cn=config" / "olcDatabase={1}mdb.ldif"
    text = path.read_text().replace("\n ", "")  # unfold
    return [line.split(" ", 1)[1] for line in text.splitlines() if line.startswith("olcDbIndex:")]


def test_earlier_instance_is_rebuilt_with_todays_indexes_and_keeps_every_entry(
    tmp_path, monkeypatch
):
    root = _old_instance(tmp_path / "old", monkeypatch)
    state, slapd = prepare(root)
    assert state.data_version == DATA_VERSION  # prepare upgraded it
    after = _snapshot(slapd)

    assert _db_indexes(root) == slapd_config.INDEXES
    assert not (root / "previous").exists() and not (root / "upgrade.ldif").exists()
    # Base entries this version added, and attributes it added to older ones, are there.
    base = state.base_dn
    assert f"cn=password-policy,{base}" in after
    assert after[f"cn=addressbook,{base}"]["pwdPolicySubentry"] == [
        f"cn=service-password-policy,{base}".encode()
    ]
    assert after[f"cn=addressbook,{base}"]["userPassword"][0].startswith(b"{ARGON2}")
    people = {dn: a for dn, a in after.items() if b"govdirPerson" in a["objectClass"]}
    assert len(people) == 200
    for attrs in people.values():
        words = [w.decode() for w in attrs["govdirNameWord"]]
        assert attrs["govdirNamePrefix"] == [p.encode() for p in word_prefixes(words)]
        if "title" in attrs:
            assert attrs["govdirTitlePrefix"] == entries.title_prefix_bytes(
                attrs["title"][0].decode()
            )
    saved = json.loads((root / STATE_FILE).read_text())
    assert saved["data_version"] == DATA_VERSION

    slapd.start()
    try:
        settings = ConnectionSettings(slapd.uri, f"cn=web,{state.base_dn}", state.web_password,
                                      state.base_dn)  # fmt: skip
        directory = Directory(settings)
        for attrs in list(people.values())[:20]:
            folded = attrs["cn"][min(1, len(attrs["cn"]) - 1)].decode()  # typed without accents
            page = search_people(directory, folded, per_page=100)
            assert attrs["displayName"][0].decode() in [p.name for p in page.people], folded
    finally:
        slapd.stop()


def test_upgrade_keeps_entry_ids_uuids_timestamps_and_passwords(tmp_path, monkeypatch):
    root = _old_instance(tmp_path / "old", monkeypatch)

    state = load_state(root)
    before = _snapshot(Slapd(layout_for(root, state), state.ldap_port))
    _, slapd = prepare(root)
    after = _snapshot(slapd)
    # The same entries in the same (parents first) order, then the base entries this version
    # added (the password policies).
    added = [dn for dn in after if dn not in before]
    assert list(after) == list(before) + added
    assert all(b"pwdPolicy" in after[dn]["objectClass"] for dn in added) and len(added) == 2
    for dn, attrs in before.items():
        for name in ("entryUUID", "createTimestamp", "userPassword", "mail", "cn"):
            assert after[dn].get(name) == attrs.get(name), (dn, name)


def test_failed_upgrade_puts_the_old_database_back(tmp_path, monkeypatch):
    root = _old_instance(tmp_path / "old", monkeypatch)

    state = load_state(root)
    old = Slapd(layout_for(root, state), state.ldap_port)
    before = _snapshot(old)
    real = upgrade.upgraded

    def broken(dn, attrs, base=None):
        if b"govdirPerson" in attrs.get("objectClass", []):
            attrs = {**attrs, "noSuchAttribute": [b"x"]}  # slapadd refuses the entry
        return real(dn, attrs, base)

    with monkeypatch.context() as m:
        m.setattr(upgrade, "upgraded", broken)
        with pytest.raises(SlapdError, match="slapadd failed"):
            prepare(root)
    assert not (root / "previous").exists() and not (root / "upgrade.ldif").exists()
    assert _snapshot(old) == before
    assert _db_indexes(root) == OLD_INDEXES
    assert "data_version" not in json.loads((root / STATE_FILE).read_text())
    # With the fault gone the next start upgrades it.
    state, _ = prepare(root)
    assert state.data_version == DATA_VERSION
    assert _db_indexes(root) == slapd_config.INDEXES


def test_upgrade_killed_part_way_is_put_back_and_done_at_the_next_start(tmp_path, monkeypatch):
    root = _old_instance(tmp_path / "old", monkeypatch)

    state = load_state(root)
    old = Slapd(layout_for(root, state), state.ldap_port)
    before = _snapshot(old)
    # What kill -9 during the load leaves: the old directories in previous/, a new cn=config
    # and a database holding part of the entries, and a data_version not yet raised.
    (root / "previous").mkdir()
    for name in ("slapd.d", "db"):
        (root / name).rename(root / "previous" / name)
    old.initialise(hash_password(state.admin_password))
    old.load([b"dn: dc=gov,dc=vn\nobjectClass: top\nobjectClass: dcObject\n"
              b"objectClass: organization\ndc: gov\no: gov\n\n"])  # fmt: skip
    state, slapd = prepare(root)
    assert state.data_version == DATA_VERSION
    after = _snapshot(slapd)
    assert [dn for dn in after if dn in before] == list(before)
    assert all(after[dn].get("entryUUID") == a.get("entryUUID") for dn, a in before.items())
    assert not (root / "previous").exists() and not (root / "previous.done").exists()


def test_upgrade_keeps_its_copies_to_the_owner(tmp_path, monkeypatch):
    root = _old_instance(tmp_path / "old", monkeypatch)
    seen = {}
    real = upgrade.Slapd.load

    def load(self, chunks, *args, **kwargs):
        for name in ("previous", "upgrade.ldif"):
            seen[name] = (root / name).stat().st_mode & 0o777
        return real(self, chunks, *args, **kwargs)

    monkeypatch.setattr(upgrade.Slapd, "load", load)
    prepare(root)
    assert seen == {"previous": 0o700, "upgrade.ldif": 0o600}  # it holds password hashes
