"""`govdir backup` of a running instance and `govdir restore` into an empty data directory."""

from __future__ import annotations

import subprocess
import sys
import tarfile

import ldap

from directory_service.server.instance import layout_for, load_state
from directory_service.server.slapd import Slapd, free_ports
from tests.conftest import settings_for

# Compared on both sides: what a restore must keep, operational attributes included.
KEPT = ["*", "entryUUID", "entryCSN", "createTimestamp", "modifyTimestamp", "creatorsName",
        "modifiersName", "pwdChangedTime", "contextCSN"]  # fmt: skip


def govdir(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "directory_service.cli", *args],
                          capture_output=True, text=True, timeout=600)  # fmt: skip


def everything(uri: str, state) -> tuple[list, list]:
    """Return every entry of the directory and of the audit log, sorted, as the root sees them."""
    conn = ldap.initialize(uri)
    conn.simple_bind_s(f"cn=admin,{state.base_dn}", state.admin_password)
    try:
        directory = conn.search_s(state.base_dn, ldap.SCOPE_SUBTREE, "(objectClass=*)", KEPT)
        audit = conn.search_s("cn=accesslog", ldap.SCOPE_SUBTREE, "(objectClass=*)", KEPT)
    finally:
        conn.unbind_s()
    return sorted(directory), sorted(audit)


def test_a_backup_restores_every_entry_hash_and_audit_record(instance, known_person, tmp_path):
    state, slapd, data_dir = instance
    conn = ldap.initialize(slapd.uri)
    admin = settings_for(instance, "admin")
    conn.simple_bind_s(admin.bind_dn, admin.password)
    conn.passwd_s(known_person, None, "a password for the backup test")  # an argon2 hash, audited
    conn.unbind_s()
    before = everything(slapd.uri, state)
    assert any(b"userPassword" in str(a).encode() for _, a in before[0])
    assert len(before[1]) > 1 and before[1][0][0] == "cn=accesslog"  # it holds the change

    archive = tmp_path / "backup.tar.gz"
    done = govdir("backup", "--output", str(archive), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        assert {"config.ldif", "directory.ldif", "accesslog.ldif", "govdir.json",
                "tls/cert.pem", "tls/key.pem"} <= set(tar.getnames())  # fmt: skip

    target = tmp_path / "restored"
    (target / "something").mkdir(parents=True)
    refused = govdir("restore", str(archive), "--data-dir", str(target))
    assert refused.returncode == 1 and "not empty" in refused.stderr
    (target / "something").rmdir()
    done = govdir("restore", str(archive), "--data-dir", str(target))
    assert done.returncode == 0, done.stderr
    restored_state = load_state(target)
    port, tls_port = free_ports(2)
    restored = Slapd(layout_for(target, restored_state), port, ldaps_port=tls_port)
    restored.start()
    try:
        after = everything(restored.uri, restored_state)
    finally:
        restored.stop()
    assert len(after[0]) == len(before[0]) and after[0] == before[0]
    # The audit log's records, as they were; slapadd gives its container entry (which slapd
    # made without them) an entryUUID and timestamps.
    assert [e for e in after[1] if e[0] != "cn=accesslog"] == before[1][1:]


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    archive = tmp_path / "other.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        (tmp_path / "x").write_text("x")
        tar.add(tmp_path / "x", arcname="x")
    done = govdir("restore", str(archive), "--data-dir", str(tmp_path / "new"))
    assert done.returncode == 1 and "not a govdir backup" in done.stderr
