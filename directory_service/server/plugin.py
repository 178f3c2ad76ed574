"""Build the guard plugin that slapd loads: a SLAPI pre-operation plugin written in C."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

GUARD_SOURCE = Path(__file__).with_name("guard.c")
SLAPI_HEADER = Path("/usr/include/slapi-plugin.h")


class PluginBuildError(RuntimeError):
    """The guard plugin could not be compiled."""


def build_guard(target: Path) -> Path:
    """Compile the guard plugin to target unless it was built from today's source already."""
    source = GUARD_SOURCE.read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    stamp = target.with_suffix(".sha256")
    if target.exists() and stamp.exists() and stamp.read_text().strip() == digest:
        return target
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None or not SLAPI_HEADER.exists():
        raise PluginBuildError(
            "the slapd guard plugin needs a C compiler and slapd's plugin header: "
            "install the gcc and slapi-dev packages"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.tmp")
    out = subprocess.run(
        [compiler, "-shared", "-fPIC", "-O2", "-o", str(partial), str(GUARD_SOURCE)],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        partial.unlink(missing_ok=True)
        raise PluginBuildError(f"compiling {GUARD_SOURCE.name} failed: {out.stderr[-2000:]}")
    # A running slapd keeps the file it mapped; the next start maps the new one.
    os.replace(partial, target)
    stamp.write_text(digest + "\n")
    return target
