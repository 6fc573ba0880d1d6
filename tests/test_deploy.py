"""The Dockerfile and deploy/compose.yaml say what the README says of them (no Docker daemon needed)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from mockserver import config

ROOT = Path(__file__).resolve().parents[1]


def test_the_compose_file_runs_two_replicas_on_one_redis_behind_a_balancer() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    replicas = [s for s in services.values() if "build" in s]
    assert len(replicas) == 2
    environments = [s["environment"] for s in replicas]
    assert environments[0] == environments[1]  # one server: the same store and prefix
    for name, text in environments[0].items():
        config.parse(name.removeprefix(config.PREFIX), str(text))  # each a setting serve takes
    store = environments[0]["CALLBACK_MOCK_STORE"]
    assert store.split("//")[1].split(":")[0] in services  # the Redis service of the file
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    replica_names = [name for name, s in services.items() if "build" in s]
    for upstream in re.findall(r"upstream \w+ \{([^}]*)\}", nginx):
        assert sorted(re.findall(r"server (\S+?):\d+;", upstream)) == sorted(replica_names)


def test_the_image_holds_every_package_the_project_ships() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    # setuptools finds the packages by these patterns ([tool.setuptools.packages.find]).
    block = re.search(r"^include = \[(.*?)\]", (ROOT / "pyproject.toml").read_text(), re.MULTILINE)
    assert block is not None
    shipped = [pattern.rstrip("*") for pattern in re.findall(r'"([\w.*]+)"', block.group(1))]
    copied = set(re.findall(r"^COPY (\S+) ", dockerfile, re.MULTILINE))
    assert shipped
    assert {package.split(".")[0] for package in shipped} <= copied
    assert "'.[redis]'" in dockerfile  # the store the compose file's replicas share
