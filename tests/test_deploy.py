"""Deployment files: the compose file's structure, images, ports, mounts; the Dockerfile.

Docker does not run on the development machines, so the compose file is checked as data: every
`govdir` command is one govdir accepts, with the roles a replica set needs, every image builds
from files in the repository, every mounted file exists and no secret is written in it.
"""

from __future__ import annotations

import json
import re
import shlex

import yaml

from directory_service import PROJECT_ROOT
from directory_service.cli import build_parser

COMPOSE = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
SERVERS = ("provider1", "provider2", "consumer")


def up_args(name: str):
    command = SERVICES[name]["command"]
    assert command[:2] == ["govdir", "up"]
    return build_parser().parse_args(command[1:])


def test_the_set_is_two_providers_a_consumer_web_proxy_and_redis():
    assert set(SERVICES) == {*SERVERS, "web", "proxy", "redis"}
    one, two, consumer = (up_args(s) for s in SERVERS)
    assert (one.server_id, two.server_id) == (1, 2)
    assert one.peer == ["ldap://provider2:3389"] and two.peer == ["ldap://provider1:3389"]
    assert consumer.replica_of == "ldap://provider1:3389" and not consumer.peer
    shared = {a.replication_password_file for a in (one, two, consumer)}
    assert shared == {"/shared/replication-password"}
    for args in (one, two, consumer):
        assert args.host == "0.0.0.0" and args.ldap_port == 3389 and args.http_port == 5000
    for name in ("provider2", "consumer"):  # they need the file the first provider writes
        assert SERVICES[name]["depends_on"]["provider1"]["condition"] == "service_healthy"


def test_the_web_tier_runs_gunicorn_workers_against_the_set():
    web = SERVICES["web"]
    command = web["command"]
    assert command[0] == "gunicorn" and command[-1] == "web:create_app()"
    assert int(command[command.index("--workers") + 1]) >= 2
    env = web["environment"]
    assert env["GOVDIR_LDAP_URI"] == "ldap://consumer:3389"
    assert env["GOVDIR_PROVIDER_URI"] == "ldap://provider1:3389"
    assert env["GOVDIR_RATELIMIT_STORAGE_URI"].startswith("redis://redis:")
    bind = command[command.index("--bind") + 1]
    assert SERVICES["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"
    conf = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    assert f"server web:{bind.rsplit(':', 1)[1]};" in conf and "listen 443 ssl" in conf


def test_only_the_proxy_and_the_consumer_publish_ports():
    published = {n: {p.split(":")[-2] for p in s.get("ports", [])} for n, s in SERVICES.items()}
    assert published["proxy"] == {"8443"} and published["consumer"] == {"3389", "6636"}
    assert not any(published[n] for n in ("provider1", "provider2", "web", "redis"))


def test_every_service_has_a_healthcheck_and_its_data_a_volume():
    for name, service in SERVICES.items():
        assert service["healthcheck"]["test"][0] == "CMD", name
    for name in (*SERVERS, "web", "redis", "proxy"):
        named = [v.split(":")[0] for v in SERVICES[name]["volumes"]]
        assert all(v in COMPOSE["volumes"] for v in named), (name, named)
    for name in SERVERS:
        assert f"{name}-data:/data" in SERVICES[name]["volumes"]


def test_images_build_from_files_in_the_repository_and_mounts_exist():
    for name, service in SERVICES.items():
        if "build" not in service:
            assert name == "redis" and service["image"].startswith("redis:")
            continue
        build = service["build"]
        context = PROJECT_ROOT / (build if isinstance(build, str) else build["context"])
        dockerfile = context / ("Dockerfile" if isinstance(build, str) else build["dockerfile"])
        assert dockerfile.exists(), dockerfile
        for line in dockerfile.read_text().splitlines():
            if line.startswith("COPY ") and not line.startswith("COPY . "):
                source = shlex.split(line)[1]
                assert (context / source).exists(), source
    for service in SERVICES.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith((".", "/")):
                assert (PROJECT_ROOT / source).exists(), source


def test_no_secret_is_written_in_the_file():
    text = (PROJECT_ROOT / "docker-compose.yml").read_text()
    for service in SERVICES.values():
        env = service.get("environment", {})
        assert not [k for k in env if re.search("PASSWORD|SECRET_KEY|TOKEN", k)], env
    assert "password:" not in text.lower()


def test_dockerfile_installs_slapd_and_runs_govdir_up():
    text = (PROJECT_ROOT / "Dockerfile").read_text()
    assert re.search(r"apt-get install[^\n]*\\\n\s+slapd ldap-utils", text)
    cmd = json.loads(re.search(r"^CMD (.+)$", text, re.M).group(1))
    build_parser().parse_args(cmd[1:])
