"""Run replica sets for the tests: `govdir up` processes on loopback ports, and what they hold."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import ldap

from directory_service.server.slapd import free_ports
from tests.importing.agency_files import csv_text
from tests.test_cli_up import start_up, stop

CATCH_UP_SECONDS = 120


@dataclass
class Server:
    """One `govdir up` of a replica set, and the options it was started with."""

    data_dir: Path
    args: list[str]
    proc: subprocess.Popen | None = None
    lines: dict[str, str] = field(default_factory=dict)

    def start(self) -> Server:
        """Start it and wait for its banner."""
        self.proc, self.lines = start_up(self.data_dir, *self.args)
        return self

    def stop(self) -> str:
        """Stop it as Ctrl-C does."""
        proc, self.proc = self.proc, None
        return stop(proc) if proc is not None else ""

    @property
    def uri(self) -> str:
        """Return its LDAP URI."""
        return self.lines["LDAP URI"]

    @property
    def web(self) -> str:
        """Return its web URL."""
        return self.lines["Web"]

    def state(self) -> dict:
        """Return its recorded state."""
        return json.loads((self.data_dir / "govdir.json").read_text())

    def admin(self) -> ldap.ldapobject.LDAPObject:
        """Return a connection bound as the database root."""
        state = self.state()
        conn = ldap.initialize(self.uri)
        conn.set_option(ldap.OPT_REFERRALS, 0)
        conn.simple_bind_s(f"cn=admin,{state['base_dn']}", state["admin_password"])
        return conn

    def slapd_pid(self) -> int | None:
        """Return the pid of its slapd, or None while it has none (being restarted)."""
        try:
            return int((self.data_dir / "run" / "slapd.pid").read_text())
        except (FileNotFoundError, ValueError):
            return None


def new_server(root: Path, name: str, *extra: str) -> Server:
    """Return a server with its own data directory and free ports (not started)."""
    ldap_port, ldaps_port, http_port = free_ports(3)
    ports = ["--ldap-port", str(ldap_port), "--ldaps-port", str(ldaps_port),
             "--http-port", str(http_port)]  # fmt: skip
    return Server(root / name, [*ports, *extra])


def context_csns(server: Server) -> set[bytes]:
    """Return the contextCSN values of a server's directory (one per server id)."""
    conn = server.admin()
    try:
        base = server.state()["base_dn"]
        found = conn.search_s(base, ldap.SCOPE_BASE, attrlist=["contextCSN"])
        return set(found[0][1].get("contextCSN", []))
    finally:
        conn.unbind_s()


def wait_in_step(*servers: Server, timeout: float = CATCH_UP_SECONDS) -> float:
    """Wait until every server holds the same contextCSNs; return the seconds it took."""
    started = time.monotonic()
    while True:
        try:
            csns = [context_csns(s) for s in servers]
            if csns[0] and all(c == csns[0] for c in csns):
                return time.monotonic() - started
        except ldap.SERVER_DOWN:
            pass
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not in step after {timeout} s: {csns}")
        time.sleep(0.2)


def dump(server: Server, base: str | None = None) -> list[tuple[str, dict[str, list[bytes]]]]:
    """Return every entry under base with its user and replication attributes, sorted by DN."""
    conn = server.admin()
    try:
        base = base or server.state()["base_dn"]
        found = conn.search_s(base, ldap.SCOPE_SUBTREE, "(objectClass=*)",
                              ["*", "entryUUID", "entryCSN"])  # fmt: skip
    finally:
        conn.unbind_s()
    return sorted(((dn.lower(), attrs) for dn, attrs in found), key=lambda e: e[0])


def uuids(server: Server, base: str | None = None) -> dict[str, bytes]:
    """Return each entry's entryUUID by DN."""
    return {dn: attrs["entryUUID"][0] for dn, attrs in dump(server, base)}


def people_csv(path: Path, count: int, tag: str, first: int = 1) -> Path:
    """Write a list of invented people of Hà Nội's Sở Tư pháp, numbered from first."""
    given = ["An", "Bình", "Cường", "Dung", "Đức", "Giang", "Hà", "Hùng", "Khánh", "Lan"]
    middle = ["Văn", "Thị", "Minh", "Ngọc", "Quang"]
    header = ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Email"]
    rows = [
        [n, f"Thử {middle[n % 5]} {_word(n)} {given[n % 10]}", "Chuyên viên", "Sở Tư pháp",
         f"{tag}{n}.stp@hanoi.gov.vn"]
        for n in range(first, first + count)
    ]  # fmt: skip
    path.write_text(csv_text([header, *rows]), encoding="utf-8")
    return path


def _word(n: int) -> str:
    """Return a made-up name word for a number (names may not hold digits)."""
    syllables = ["ba", "ca", "da", "ga", "ha", "kha", "la", "ma", "na", "pha"]
    return "".join(syllables[int(d)] for d in str(n)).capitalize()


def govdir(data_dir: Path, *args: str, background: bool = False):
    """Run a govdir command against a data directory (in the background if asked)."""
    cmd = [sys.executable, "-m", "directory_service.cli", *args, "--data-dir", str(data_dir)]
    if background:
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


def kill_slapd(server: Server) -> None:
    """Kill a server's slapd with SIGKILL, as a lost machine would stop it."""
    import os

    os.kill(server.slapd_pid(), signal.SIGKILL)
