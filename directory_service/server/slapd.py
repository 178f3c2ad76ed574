"""Run a private slapd: initialise its cn=config, load data offline, start, wait, stop."""

from __future__ import annotations

import ctypes
import os
import queue
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

import ldap
import ldif

from directory_service.server.config import (
    MODULE_DIR,
    SUBSTR_LOOKUP,
    SlapdLayout,
    acls,
    config_ldif,
    limits,
)
from directory_service.server.plugin import PluginBuildError, build_guard

SLAPD_CANDIDATES = ("/usr/sbin/slapd", "/usr/local/libexec/slapd", "/usr/libexec/slapd")


class SlapdError(RuntimeError):
    """A private slapd could not be set up, started or stopped."""


def find_binary(name: str) -> str:
    """Return the path of an OpenLDAP program, or raise SlapdError saying what to install."""
    found = shutil.which(name) or next(
        (c for c in SLAPD_CANDIDATES if name == "slapd" and os.path.exists(c)), None
    )
    if not found and os.path.exists(f"/usr/sbin/{name}"):
        found = f"/usr/sbin/{name}"
    if not found:
        raise SlapdError(f"{name} not found: install the slapd and ldap-utils packages")
    return found


def hash_password(password: str) -> str:
    """Return an {ARGON2} hash of password made by slappasswd with the argon2 module."""
    out = subprocess.run(
        [
            find_binary("slappasswd"),
            "-o", f"module-path={MODULE_DIR}",
            "-o", "module-load=argon2.la",
            "-h", "{ARGON2}",
            "-T", "/dev/stdin",
        ],
        input=password.encode(),
        capture_output=True,
        check=True,
    )  # fmt: skip
    return out.stdout.decode().strip()


def free_port(preferred: int | None = None, host: str = "127.0.0.1") -> int:
    """Return preferred if it can be bound on host, else a free port the kernel picks."""
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise SlapdError("no free TCP port")


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """Return count distinct ports the kernel picks as free (for tests and tools)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind((host, 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Return whether a server (which sets SO_REUSEADDR, as slapd does) can bind port on host."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
        return True


def _die_with_parent() -> None:
    """Ask Linux to send the child SIGTERM if its parent dies, so no slapd is orphaned."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _feed(pending: queue.Queue, stream) -> None:
    """Write queued chunks to stream until None; after a broken pipe, drop the rest."""
    broken = False
    while (chunk := pending.get()) is not None:
        if not broken:
            try:
                stream.write(chunk)
            except BrokenPipeError:
                broken = True
    try:
        stream.close()
    except BrokenPipeError:
        pass


class _EntryParser(ldif.LDIFParser):
    """Pass each entry of an LDIF stream to a callback."""

    def __init__(self, stream, handle: Callable[[str, dict[str, list[bytes]]], None]):
        super().__init__(stream)
        self._handle = handle

    def handle(self, dn: str, entry: dict[str, list[bytes]]) -> None:
        """Pass one entry on."""
        self._handle(dn, entry)


def _replace_differing(conn, dn: str, wanted: dict[str, list[bytes]]) -> None:
    """Replace the values of an entry's attributes that differ from wanted, in one modify."""
    _, attrs = conn.search_s(dn, ldap.SCOPE_BASE, attrlist=list(wanted))[0]
    changes = [(ldap.MOD_REPLACE, k, v) for k, v in wanted.items() if attrs.get(k) != v]
    if changes:
        conn.modify_s(dn, changes)


class Slapd:
    """A private slapd instance living entirely inside one data directory."""

    def __init__(
        self, layout: SlapdLayout, port: int, host: str = "127.0.0.1", ldaps_port: int | None = None
    ):
        self.layout = layout
        self.port = port
        self.ldaps_port = ldaps_port
        self.host = host
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        """Return the ldap:// URI clients use."""
        return f"ldap://{self.host}:{self.port}"

    @property
    def ldaps_uri(self) -> str | None:
        """Return the ldaps:// URI, when the instance offers LDAPS."""
        return f"ldaps://{self.host}:{self.ldaps_port}" if self.ldaps_port else None

    @property
    def ldapi_uri(self) -> str:
        """Return the ldapi:// URI of the local socket."""
        return "ldapi://" + urllib.parse.quote(str(self.layout.ldapi_path), safe="")

    def is_initialised(self) -> bool:
        """Return whether cn=config and the database directory exist already."""
        return (self.layout.config_dir / "cn=config.ldif").exists()

    def initialise(
        self,
        root_pw_hash: str,
        require_tls: bool = False,
        provides: bool = False,
        replica: bool = False,
    ) -> None:
        """Write a fresh cn=config with slapadd -n0 and create the database directory."""
        if self.is_initialised():
            raise SlapdError(f"{self.layout.config_dir} exists already")
        layout = self.layout
        for d in (layout.config_dir, layout.db_dir, layout.accesslog_dir, layout.run_dir):
            d.mkdir(parents=True, exist_ok=True)
            d.chmod(0o700)
        self.build_guard()
        # A bind to an account that does not exist checks the password against this hash of
        # a secret nobody knows, so it takes as long as a wrong password does.
        decoy = hash_password(secrets.token_urlsafe(24))
        ldif = config_ldif(self.layout, root_pw_hash, decoy, require_tls, provides, replica)
        self._run([find_binary("slapadd"), "-n0", "-F", str(self.layout.config_dir)], ldif.encode())

    def load(
        self, chunks: Iterable[bytes], quick: bool = True, queued: int = 8, database: int = 1
    ) -> None:
        """Feed LDIF chunks to slapadd into the (stopped) main database (or another one).

        A thread writes to slapadd while the caller's generator makes the next chunks, so the
        two run side by side; up to queued chunks wait for slapadd (a generator that hands
        over a sorted window of chunks at once needs room for all of them, or it stops making
        the next window until slapadd has nearly taken this one). If the generator fails,
        slapadd is given what came before (it keeps those entries) and the error is raised.
        """
        self.build_guard()
        cmd = [find_binary("slapadd"), f"-n{database}", "-F", str(self.layout.config_dir)]
        if quick:
            cmd.append("-q")
        log = self.layout.data_dir / "slapadd.log"
        pending: queue.Queue[bytes | None] = queue.Queue(maxsize=queued)
        with open(log, "wb") as err:
            proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=err, stdout=err)
            assert proc.stdin is not None
            feeder = threading.Thread(target=_feed, args=(pending, proc.stdin), daemon=True)
            feeder.start()
            try:
                for chunk in chunks:
                    pending.put(chunk)
            finally:
                pending.put(None)
                feeder.join()
                rc = proc.wait()
        if rc != 0:
            tail = log.read_text(errors="replace")[-2000:]
            raise SlapdError(f"slapadd failed ({rc}): {tail}")

    def dump(self, filterstr: str, handle: Callable[[str, dict[str, list[bytes]]], None]) -> None:
        """Pass each entry of the main database that matches filterstr to handle (slapcat)."""
        self.build_guard()
        cmd = [find_binary("slapcat"), "-n1", "-F", str(self.layout.config_dir),
               "-a", filterstr, "-o", "ldif-wrap=no"]  # fmt: skip
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err)
            assert proc.stdout is not None
            try:
                _EntryParser(proc.stdout, handle).parse()
            finally:
                proc.stdout.close()
                rc = proc.wait()
            if rc != 0:
                err.seek(0)
                tail = err.read().decode(errors="replace")[-2000:]
                raise SlapdError(f"slapcat failed ({rc}): {tail}")

    def dump_to(self, out: BinaryIO, database: int = 1) -> None:
        """Write a whole database (the main one unless told) as unwrapped LDIF (slapcat)."""
        self.build_guard()
        cmd = [find_binary("slapcat"), f"-n{database}", "-F", str(self.layout.config_dir),
               "-o", "ldif-wrap=no"]  # fmt: skip
        with tempfile.TemporaryFile() as err:
            rc = subprocess.run(cmd, stdout=out, stderr=err).returncode
            if rc != 0:
                err.seek(0)
                tail = err.read().decode(errors="replace")[-2000:]
                raise SlapdError(f"slapcat failed ({rc}): {tail}")

    def has_guard(self) -> bool:
        """Return whether the instance's cn=config loads the guard plugin."""
        db = self.layout.config_dir / "cn=config" / "olcDatabase={1}mdb.ldif"
        return db.exists() and "olcPlugin:" in db.read_text()

    def export(self, database: int, out) -> None:
        """Write one database as LDIF to a binary file (slapcat; consistent while slapd runs)."""
        cmd = [find_binary("slapcat"), f"-n{database}", "-F", str(self.layout.config_dir),
               "-o", "ldif-wrap=no"]  # fmt: skip
        done = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE)
        if done.returncode != 0:
            tail = done.stderr.decode(errors="replace")[-2000:]
            raise SlapdError(f"slapcat -n{database} failed ({done.returncode}): {tail}")

    def build_guard(self) -> Path:
        """Compile the guard plugin into the data directory (slapd and slapadd load it)."""
        try:
            return build_guard(self.layout.guard_path)
        except PluginBuildError as e:
            raise SlapdError(str(e)) from e

    def running_pid(self) -> int | None:
        """Return the pid of a slapd already serving this data directory, if any."""
        pid_file = self.layout.run_dir / "slapd.pid"
        try:
            pid = int(pid_file.read_text().strip())
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def start(self, timeout: float = 30.0, local_only: bool = False) -> None:
        """Start slapd in the foreground as a child process and wait until it answers.

        local_only: listen on the ldapi socket alone, so no client or peer sees it yet.
        """
        if pid := self.running_pid():
            raise SlapdError(f"a slapd (pid {pid}) already serves {self.layout.data_dir}")
        for port in (self.port, self.ldaps_port):
            if port and not port_is_free(port, self.host):
                raise SlapdError(f"port {port} on {self.host} is in use")
        self.layout.run_dir.mkdir(parents=True, exist_ok=True)
        self.build_guard()
        if self.layout.ldapi_path.exists():
            self.layout.ldapi_path.unlink()
        log = open(self.layout.data_dir / "slapd.log", "ab")
        cmd = [
            self._binary(),
            "-d", "0",
            "-F", str(self.layout.config_dir),
            "-h", " ".join(u + "/" for u in (self.uri, self.ldaps_uri, self.ldapi_uri)
                           if u and (not local_only or u == self.ldapi_uri)),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            cmd,
            stdout=log,
            stderr=log,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        log.close()
        self.wait_ready(timeout, local_only)

    def sync_access(self) -> None:
        """Make the running database's ACLs, limits and substring lookups this version's.

        For instances made by an earlier version: they keep their data and get today's access
        rules (limits take effect from slapd's next start) and substring lookup step.
        """
        numbered = {
            "olcAccess": [f"{{{n}}}{a}".encode() for n, a in enumerate(acls(self.layout))],
            "olcLimits": [f"{{{n}}}{a}".encode() for n, a in enumerate(limits(self.layout))],
        }
        conn = ldap.initialize(self.ldapi_uri)
        try:
            conn.sasl_non_interactive_bind_s("EXTERNAL")
            lookup = {k: [v.encode()] for k, v in SUBSTR_LOOKUP.items()}
            _replace_differing(conn, "cn=config", lookup)
            _replace_differing(conn, "olcDatabase={1}mdb,cn=config", numbered)
        except ldap.LDAPError as e:
            raise SlapdError(f"cannot update the access rules over ldapi: {e}") from e
        finally:
            conn.unbind_s()

    def _binary(self) -> str:
        """Return the slapd to run: a private copy where AppArmor confines /usr/sbin/slapd."""
        slapd = find_binary("slapd")
        try:
            profiles = Path("/sys/kernel/security/apparmor/profiles").read_text()
        except OSError:
            return slapd
        # Ubuntu's profile only lets slapd read /etc/ldap and /var/lib/ldap; a copy under
        # the data directory is not covered by it (the profile is attached by path).
        if f"{slapd} (enforce)" not in profiles:
            return slapd
        private = self.layout.data_dir / "bin" / "slapd"
        private.parent.mkdir(exist_ok=True)
        if not private.exists() or private.stat().st_size != os.stat(slapd).st_size:
            shutil.copy2(slapd, private)
        return str(private)

    def wait_ready(self, timeout: float = 30.0, local_only: bool = False) -> None:
        """Poll the LDAP port (or socket) until slapd accepts connections, or raise SlapdError."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                tail = (self.layout.data_dir / "slapd.log").read_text(errors="replace")[-2000:]
                raise SlapdError(f"slapd exited with {self.process.returncode}: {tail}")
            try:
                if local_only:
                    with socket.socket(socket.AF_UNIX) as s:
                        s.connect(str(self.layout.ldapi_path))
                else:
                    with socket.create_connection((self.host, self.port), timeout=0.5):
                        pass
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise SlapdError(f"slapd did not answer on {self.uri} within {timeout:.0f} s")

    def stop(self, timeout: float = 30.0) -> None:
        """Stop slapd with SIGTERM (it flushes and closes the database), then SIGKILL."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    @staticmethod
    def _run(cmd: list[str], stdin: bytes) -> None:
        out = subprocess.run(cmd, input=stdin, capture_output=True)
        if out.returncode != 0:
            msg = (out.stderr or out.stdout).decode(errors="replace")[-2000:]
            raise SlapdError(f"{Path(cmd[0]).name} failed ({out.returncode}): {msg}")
