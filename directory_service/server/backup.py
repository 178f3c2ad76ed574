"""Back up a running instance into one archive, and restore it into an empty data directory.

The archive holds slapcat dumps of cn=config, the directory and the audit log (slapcat reads
back-mdb in one read transaction, so each dump is consistent while slapd runs), the
instance's state file, its certificate and key, and the replica set's password file. A
restore loads the directory and the audit log with slapadd under a cn=config generated for
the new data directory (the dumped one names the old paths; it stays in the archive), so
entries keep their entryUUID, entryCSN, timestamps and password hashes.
"""

from __future__ import annotations

import io
import os
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

from directory_service.directory.settings import STATE_FILE
from directory_service.server.instance import layout_for, load_state, save_state
from directory_service.server.replication import PASSWORD_FILE
from directory_service.server.slapd import Slapd, SlapdError, hash_password

# Archive member: database number slapcat and slapadd use.
DUMPS = {"config.ldif": 0, "directory.ldif": 1, "accesslog.ldif": 2}
FILES = (STATE_FILE, "tls/cert.pem", "tls/key.pem", PASSWORD_FILE)
_BLOCK = 1 << 20


def backup(data_dir: Path, output: Path) -> list[str]:
    """Write the instance in data_dir to a gzipped tar archive (owner only); return members."""
    state = load_state(data_dir)
    if state is None:
        raise SlapdError(f"no instance in {data_dir}")
    slapd = Slapd(layout_for(data_dir, state), state.ldap_port)
    names = []
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        with tempfile.TemporaryDirectory(dir=data_dir) as tmp:
            for name, database in DUMPS.items():
                path = Path(tmp) / name
                with open(path, "wb") as out:
                    slapd.export(database, out)
                tar.add(path, arcname=name)
                names.append(name)
        for name in FILES:
            if (data_dir / name).exists():
                tar.add(data_dir / name, arcname=name)
                names.append(name)
    return names


def restore(archive: Path, data_dir: Path) -> int:
    """Make a stopped instance in the empty data_dir from an archive; return its entries."""
    if data_dir.exists() and any(data_dir.iterdir()):
        raise SlapdError(f"{data_dir} is not empty: restore into a new directory")
    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name: m for m in tar.getmembers() if m.isfile()}
        missing = [n for n in (*DUMPS, STATE_FILE) if n not in members]
        if missing:
            raise SlapdError(f"{archive} is not a govdir backup: it lacks {', '.join(missing)}")
        data_dir.mkdir(parents=True, exist_ok=True)
        data_dir.chmod(0o700)
        for name in FILES:
            if name in members:
                target = data_dir / name
                target.parent.mkdir(mode=0o700, exist_ok=True)
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as out:
                    out.write(tar.extractfile(members[name]).read())
        state = load_state(data_dir)
        slapd = Slapd(layout_for(data_dir, state), state.ldap_port)
        slapd.initialise(hash_password(state.admin_password), state.require_tls,
                         state.role.provides, bool(state.replica_of))  # fmt: skip
        entries = 0
        for name in ("directory.ldif", "accesslog.ldif"):
            counted = _Counted(tar.extractfile(members[name]))
            slapd.load(counted.chunks(), database=DUMPS[name])
            entries += counted.records if name == "directory.ldif" else 0
    save_state(data_dir, state)
    return entries


class _Counted:
    """Read an LDIF member in blocks, counting its records."""

    def __init__(self, stream: io.BufferedReader):
        self.stream, self.records = stream, 0

    def chunks(self) -> Iterator[bytes]:
        """Yield the member in blocks."""
        while block := self.stream.read(_BLOCK):
            self.records += block.count(b"\ndn: ") + block.startswith(b"dn: ")
            yield block
