"""`govdir up` end to end: first start builds and serves, Ctrl-C stops, restart reuses the data."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BANNER_KEYS = ("Web", "LDAP URI", "Address book bind DN", "Address book password")


def start_up(data_dir: Path, *extra: str) -> tuple[subprocess.Popen, dict[str, str]]:
    cmd = [sys.executable, "-m", "directory_service.cli", "up", "--data-dir", str(data_dir), *extra]
    # As a script's background job (`govdir up &`) starts it: with SIGINT ignored, which a
    # process inherits; Ctrl-C (SIGINT) must still stop it.
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )  # fmt: skip
    lines: dict[str, str] = {}
    deadline = time.monotonic() + 240
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if m := re.match(r"^([A-Za-z ]+):\s+(\S+)\s*$", line):
            lines[m.group(1).strip()] = m.group(2)
        if "Press Ctrl-C" in line:
            return proc, lines
    proc.kill()
    raise AssertionError(f"govdir up did not come up: {lines}")


def stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGINT)
    # up waits up to 10 s for the web UI and 30 s for slapd, then kills; a killed slapd can
    # still sit in the kernel while a busy disk syncs its database, so allow well beyond that.
    out, _ = proc.communicate(timeout=180)
    assert proc.returncode == 0, out
    return out


def ldapsearch(lines: dict[str, str], filt: str) -> str:
    out = subprocess.run(
        ["ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H", lines["LDAP URI"],
         "-D", lines["Address book bind DN"], "-w", lines["Address book password"],
         "-b", lines["Base DN"], filt, "cn", "mail"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode in (0, 4), out.stderr  # 4: size limit, partial results
    return out.stdout


def test_up_serves_web_and_ldap_then_restarts_on_the_same_data(tmp_path):
    data_dir = tmp_path / "demo"
    proc, lines = start_up(data_dir, "--demo-people", "800")
    try:
        for key in BANNER_KEYS:
            assert key in lines, lines
        assert lines["Address book bind DN"].startswith("cn=addressbook,")
        with urllib.request.urlopen(lines["Web"] + "api/search?q=nguyen+van") as resp:
            web = json.load(resp)
        assert web["total"] > 0 and web["people"][0]["name"].startswith("Nguyễn Văn")
        found = ldapsearch(lines, "(cn=nguyen van*)")
        first_mail = web["people"][0]["mail"][0]
        assert f"mail: {first_mail}" in ldapsearch(lines, f"(mail={first_mail})")
        assert found.count("dn: ") > 0
        with urllib.request.urlopen(lines["Web"] + "search?q=nguyen+van") as resp:
            assert "Nguyễn Văn" in resp.read().decode()
        # If slapd dies (2.5.13 can crash when a client dies inside a transaction), up restarts it.
        old_pid = int((data_dir / "run" / "slapd.pid").read_text())
        os.kill(old_pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            time.sleep(0.5)
            if _alive(data_dir) and int((data_dir / "run" / "slapd.pid").read_text()) != old_pid:
                break
        assert f"mail: {first_mail}" in ldapsearch(lines, f"(mail={first_mail})")
    finally:
        out = stop(proc)
    assert "Stopped." in out and "starting it again" in out
    assert not (data_dir / "run" / "slapd.pid").exists() or not _alive(data_dir)
    state = json.loads((data_dir / "govdir.json").read_text())
    assert oct((data_dir / "govdir.json").stat().st_mode & 0o777) == "0o600"

    proc, again = start_up(data_dir)
    try:
        assert again["Address book password"] == lines["Address book password"]
        assert f"mail: {first_mail}" in ldapsearch(again, f"(mail={first_mail})")
        assert state["demo_people"] == 800
    finally:
        out = stop(proc)
    assert "Loaded" not in out  # the second start reused the data instead of rebuilding it


def _alive(data_dir: Path) -> bool:
    try:
        os.kill(int((data_dir / "run" / "slapd.pid").read_text()), 0)
    except (OSError, ValueError):
        return False
    return True
