"""Bring a directory instance up: initialise on first start, run slapd and the web UI."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from directory_service.server.instance import (
    ACCESS_VERSION,
    DATA_VERSION,
    DEFAULT_BASE_DN,
    InstanceState,
    layout_for,
    load_state,
    save_state,
)
from directory_service.server.loading import load_directory
from directory_service.server.replica_set import (
    copy_directory,
    joins,
    recover_after_crash,
    take_credentials,
    take_role,
)
from directory_service.server.replication import (
    PASSWORD_FILE,
    Role,
    check_role,
    read_credentials,
)
from directory_service.server.slapd import Slapd, SlapdError, free_port, hash_password, port_is_free
from directory_service.server.tls import ensure_certificate
from directory_service.server.upgrade import rebuild, recover

DEFAULT_LDAP_PORT = 3389
DEFAULT_LDAPS_PORT = 6636
DEFAULT_HTTP_PORT = 5000
DEFAULT_DEMO_PEOPLE = 50_000


def prepare(
    data_dir: Path,
    ldap_port: int | None = None,
    ldaps_port: int | None = None,
    demo_people: int | None = None,
    structure: str = "2025",
    seed: int = 1,
    base_dn: str = DEFAULT_BASE_DN,
    quiet: bool | None = None,
    require_tls: bool | None = None,
    role: Role | None = None,
    password_file: str | None = None,
) -> tuple[InstanceState, Slapd]:
    """Return the instance's state and its (stopped) slapd, creating and loading it if new.

    A new consumer, or a new peer given the set's password file, starts with an empty
    database and copies the directory from its provider once slapd runs (take_role).
    """
    if role is not None:
        check_role(role)
    state = load_state(data_dir)
    joining = state is None and role is not None and joins(role, password_file)
    if state is None:
        port = ldap_port or free_port(DEFAULT_LDAP_PORT)
        tls_port = ldaps_port or free_port(
            DEFAULT_LDAPS_PORT if port != DEFAULT_LDAPS_PORT else None
        )
        people = DEFAULT_DEMO_PEOPLE if demo_people is None else demo_people
        state = InstanceState.new(base_dn, port, tls_port, structure, people, seed)
        if joining:
            take_credentials(state, read_credentials(password_file))
            state.joined, state.demo_people = True, 0
        save_state(data_dir, state)
    elif password_file and (role or state.role).kind == "consumer":
        take_credentials(state, read_credentials(password_file))  # a changed password
    if role is not None:
        state.replica_of, state.server_id = role.replica_of, role.server_id
        state.peers = list(role.peers)
    if not state.web_secret:  # an instance made before sign-in existed
        state.web_secret = secrets.token_urlsafe(32)
    rebuild_config = require_tls is not None and require_tls != state.require_tls
    if require_tls is not None:
        state.require_tls = require_tls
    state.ldap_port = ldap_port or _still_free(state.ldap_port, avoid=state.ldaps_port)
    state.ldaps_port = ldaps_port or _still_free(state.ldaps_port, avoid=state.ldap_port)
    slapd = Slapd(layout_for(data_dir, state), state.ldap_port, ldaps_port=state.ldaps_port)
    if state.loaded:
        recover(slapd.layout)  # a reload (upgrade, reorganisation) killed part way
    if not state.loaded:
        if slapd.is_initialised():
            # A load that did not finish: start again from nothing, never from half a database.
            for d in (slapd.layout.config_dir, slapd.layout.db_dir):
                subprocess.run(["rm", "-rf", str(d)], check=True)
        ensure_certificate(slapd.layout.tls_dir)
        slapd.initialise(
            hash_password(state.admin_password), state.require_tls, state.role.provides,
            bool(state.replica_of),
        )  # fmt: skip
        if state.joined:
            started = time.monotonic()
            total = copy_directory(slapd, state)
            elapsed = time.monotonic() - started
            print(f"Copied {total:,} entries from {state.role.providers[0]} in {elapsed:.1f} s",
                  flush=True)  # fmt: skip
        else:
            _load(slapd, state, quiet)
        state.loaded = True
        state.data_version = DATA_VERSION
    elif state.data_version < DATA_VERSION or rebuild_config:
        rebuild(slapd, hash_password(state.admin_password), state.require_tls,
                provides=state.role.provides, replica=bool(state.replica_of))  # fmt: skip
        state.data_version = DATA_VERSION
        state.access_version = ACCESS_VERSION  # the rebuilt cn=config has today's rules
    if state.loaded and (state.role.kind != "standalone") == slapd.has_guard():
        # A server taking or leaving a provider's role: a provider's configuration has
        # syncprov and no guard plugin (see config_ldif); entries, UUIDs and CSNs are kept.
        print(f"{data_dir} changes role: rebuilding its configuration", flush=True)
        rebuild(slapd, hash_password(state.admin_password), state.require_tls,
                provides=state.role.provides, replica=bool(state.replica_of))  # fmt: skip
    save_state(data_dir, state)
    return state, slapd


def _load(slapd: Slapd, state: InstanceState, quiet: bool | None) -> None:
    """Load a new directory: base entries, the national tree and the demo staff."""
    passwords = {
        "addressbook": state.addressbook_password,
        "web": state.web_password,
        "replicator": state.replication_password,
    }
    started = time.monotonic()
    total = load_directory(
        slapd, passwords, state.structure, state.demo_people, state.seed, quiet=quiet
    )
    elapsed = time.monotonic() - started
    print(f"Loaded {total:,} entries in {elapsed:.1f} s ({total / elapsed:,.0f}/s)", flush=True)


def _still_free(port: int, avoid: int) -> int:
    """Return port if it can still be bound, else another free port (never avoid)."""
    if port and port_is_free(port):
        return port
    while (other := free_port()) == avoid:
        pass
    return other


def banner(state: InstanceState, web_url: str | None, data_dir: Path) -> str:
    """Return the lines telling a user where the directory is and how to bind to it."""
    lines = []
    if web_url:
        lines.append(f"Web:                   {web_url}")
    lines += [
        f"LDAP URI:              {state.ldap_uri}",
        f"LDAPS URI:             {state.ldaps_uri}",
        f"Base DN:               {state.base_dn}",
        f"Address book bind DN:  cn=addressbook,{state.base_dn}",
        f"Address book password: {state.addressbook_password}",
        f"CA certificate:        {data_dir / 'tls' / 'cert.pem'}",
    ]
    if state.replica_of:
        lines.append(f"Replica of:            {state.replica_of} (writes go there)")
    else:
        lines.append(f"Replication password:  {data_dir / PASSWORD_FILE}")
    if state.peers:
        lines.append(f"Peers (server {state.server_id}):     {' '.join(state.peers)}")
    return "\n".join(lines)


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Wait until a child process listens on port, or raise SlapdError."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SlapdError(f"web UI exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise SlapdError(f"web UI did not listen on port {port} within {timeout:.0f} s")


MAX_RESTARTS = 5  # within RESTART_WINDOW seconds, then give up
RESTART_WINDOW = 60.0


def restart_slapd(slapd: Slapd, restarts: list[float], state: InstanceState | None = None) -> bool:
    """Start slapd again after it died (its database survives a crash); False if it keeps dying.

    slapd 2.5.13 can crash in back-mdb when a client dies with an LDAP transaction open.
    """
    code = slapd.process.returncode if slapd.process else None
    now = time.monotonic()
    restarts[:] = [t for t in restarts if now - t < RESTART_WINDOW] + [now]
    if len(restarts) > MAX_RESTARTS:
        print("slapd keeps exiting; see slapd.log in the data directory", file=sys.stderr)
        return False
    print(f"slapd exited ({code}); starting it again", file=sys.stderr, flush=True)
    slapd.process = None
    if state is not None:
        recover_after_crash(slapd, state)
    else:
        slapd.start()
    return True


def update_access(data_dir: Path, state: InstanceState, slapd: Slapd) -> None:
    """Bring a running instance made by an earlier version up to today's access rules."""
    if state.access_version < ACCESS_VERSION:
        slapd.sync_access()
        state.access_version = ACCESS_VERSION
        save_state(data_dir, state)


def serve(
    data_dir: Path,
    state: InstanceState,
    slapd: Slapd,
    http_port: int | None,
    host: str = "127.0.0.1",
    share_to: str | None = None,
) -> int:
    """Run slapd and the web UI in the foreground until Ctrl-C or SIGTERM, then stop both."""
    port = http_port or free_port(DEFAULT_HTTP_PORT, host)
    if http_port and not port_is_free(port, host):
        raise SlapdError(f"HTTP port {port} is in use")
    slapd.host = host
    if (slapd.layout.run_dir / "slapd.pid").exists():  # slapd did not stop cleanly last time
        recover_after_crash(slapd, state)
    else:
        slapd.start()
    update_access(data_dir, state, slapd)
    take_role(data_dir, state, slapd, share_to)
    env = dict(os.environ, GOVDIR_DATA_DIR=str(data_dir))
    cmd = [sys.executable, "-m", "web", "--host", host, "--port", str(port)]
    web = subprocess.Popen(cmd, env=env)
    stop = {"now": False}
    restarts: list[float] = []

    def on_term(signum, frame):
        stop["now"] = True

    previous = signal.signal(signal.SIGTERM, on_term)
    # Started in the background by a script (`cmd &`, nohup), a process inherits SIGINT ignored,
    # and Python then leaves it ignored: Ctrl-C or `kill -INT` would never stop us.
    inherited_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        wait_for_port(port, web)
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        print(banner(state, f"http://{shown}:{port}/", data_dir), flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        while not stop["now"]:
            if web.poll() is not None:
                print(f"web UI exited with {web.returncode}", file=sys.stderr)
                return 1
            if slapd.process is None or slapd.process.poll() is not None:
                if not restart_slapd(slapd, restarts, state):
                    return 1
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C while stopping must not leave slapd or the web UI behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            if web.poll() is None:
                web.terminate()
                try:
                    web.wait(10)
                except subprocess.TimeoutExpired:
                    web.kill()
            slapd.stop()
        finally:
            signal.signal(signal.SIGINT, inherited_int)
            signal.signal(signal.SIGTERM, previous)
        print("Stopped.", flush=True)
    return 0
