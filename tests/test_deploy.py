"""Deployment files: docker-compose and the Dockerfile run commands govdir accepts."""

from __future__ import annotations

import json
import re

import yaml

from directory_service import PROJECT_ROOT
from directory_service.cli import build_parser


def test_compose_service_runs_a_valid_govdir_up():
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    service = compose["services"]["directory"]
    assert service["build"] == "."
    command = service["command"]
    assert command[:2] == ["govdir", "up"]
    args = build_parser().parse_args(command[1:])
    assert args.host == "0.0.0.0" and args.ldap_port == 3389 and args.http_port == 5000
    published = {p.split(":")[-1] for p in service["ports"]}
    assert published == {"3389", "5000"}
    assert service["volumes"][0].endswith(":/data") and "govdir-data" in compose["volumes"]


def test_dockerfile_installs_slapd_and_runs_govdir_up():
    text = (PROJECT_ROOT / "Dockerfile").read_text()
    assert re.search(r"apt-get install[^\n]*\\\n\s+slapd ldap-utils", text)
    cmd = json.loads(re.search(r"^CMD (.+)$", text, re.M).group(1))
    build_parser().parse_args(cmd[1:])
