"""Make the self-signed certificate a demo instance offers on LDAPS and StartTLS."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path


def ensure_certificate(tls_dir: Path, hostnames: tuple[str, ...] = ()) -> tuple[Path, Path]:
    """Return (certificate, key) in tls_dir, generating a self-signed pair if there is none."""
    cert, key = tls_dir / "cert.pem", tls_dir / "key.pem"
    if cert.exists() and key.exists():
        return cert, key
    tls_dir.mkdir(parents=True, exist_ok=True)
    tls_dir.chmod(0o700)
    names = ["localhost", socket.gethostname(), *hostnames]
    san = ",".join([*(f"DNS:{n}" for n in dict.fromkeys(names) if n), "IP:127.0.0.1", "IP:::1"])
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "825",
         "-subj", "/O=govdir demo/CN=localhost", "-addext", f"subjectAltName={san}"],
        check=True, capture_output=True,
    )  # fmt: skip
    key.chmod(0o600)
    return cert, key
