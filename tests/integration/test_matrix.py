"""The support matrix, as a newcomer meets it: for the oldest and the newest supported ansible-core, a
fresh virtual environment with that core, the built tarball installed with ``ansible-galaxy``, the
collection's requirements.txt installed from there, ``ansible-doc`` for every plugin and role, and
the three stories (quota, threat feed, AWS rules) run by playbook name against the doubles, with no
warning printed (but what ansible-core prints of its own, see CORE_OWN).

The oldest core is meta/runtime.yml's floor; the newest is the newest release below the cap in
requirements-test.txt. Each runs on a Python that core supports, found as ``make`` finds one
(tools/pick_python.sh); a core without one is skipped, naming the Pythons it needs. pip's cache
makes the second run of an environment quick.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pan.xapi
import pytest
from lxml import etree

from aws_double.server import CREDENTIALS, REGION, MotoServer
from aws_double.world import AwsWorld, tcp
from panos_emulator import builders
from panos_emulator.client import EmulatorControl
from tests.integration import tarball
from tests.integration.ansible_cli import ROOT

pytestmark = pytest.mark.playbook

FLOOR = re.search(r"^requires_ansible: \">=(\d+\.\d+)", (ROOT / "meta" / "runtime.yml").read_text(), re.MULTILINE)
CAP = re.search(r"^ansible-core>=[\d.]+,<(\d+)\.(\d+)$", (ROOT / "requirements-test.txt").read_text(), re.MULTILINE)
assert FLOOR and CAP, "meta/runtime.yml's requires_ansible or requirements-test.txt's ansible-core pin changed shape"
OLDEST, NEWEST = FLOOR.group(1), "%s.%d" % (CAP.group(1), int(CAP.group(2)) - 1)
# The controller Pythons of each core (ansible-core's support matrix), the preferred one first.
PYTHONS = {"2.16": ("3.11", "3.12", "3.10"), "2.17": ("3.11", "3.12", "3.10"), "2.18": ("3.11", "3.12", "3.13"),
           "2.19": ("3.11", "3.12", "3.13"), "2.20": ("3.13", "3.12", "3.14"), "2.21": ("3.13", "3.12", "3.14"),
           "2.22": ("3.13", "3.14", "3.12")}
# What ansible-core prints of its own, whatever the collection: 2.16.x's role argument validation
# builds its task with a mapping for `action` and then deprecates that form (ansible/ansible#85399,
# fixed in 2.19, not backported), one line per run of a role with an argument spec; 2.22's
# `ansible-doc -t role` warns about its own internal collection ansible._protomatter.
CORE_OWN = re.compile(
    r"^\[DEPRECATION WARNING\]: Using a mapping for `action` is deprecated\..*?deprecation_warnings=False in ansible\.cfg\.\n"
    r"|^\[WARNING\]: Collection at '[^']*/ansible/_protomatter' does not have a MANIFEST\.json file[^\n]*\n",
    re.MULTILINE | re.DOTALL)
WARNED = re.compile(r"\[(DEPRECATION )?WARNING\]|Warning:")
GUEST = "10.1.9.50"  # sends 42 MB in a 15-minute bucket: over the 20 MB quota


def find_python(version: str) -> str | None:
    """``python3.X`` as a working command, else from pyenv's versions (as tools/pick_python.sh)."""
    command = shutil.which("python" + version)
    candidates = [command] if command else []
    root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))  # pyenv's root, pyenv on PATH or not
    if shutil.which("pyenv"):
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False).stdout.strip() or root
    candidates += sorted(str(path) for path in Path(root).glob("versions/%s.*/bin/python%s" % (version, version)))
    for candidate in candidates:
        if subprocess.run([candidate, "-c", ""], capture_output=True, check=False).returncode == 0:
            return candidate
    return None


class Newcomer:
    """A virtual environment with one ansible-core and the collection installed from the tarball, and a
    shell's environment: no PANOS_*, no Ansible or Python settings from the test run, Ansible's warnings on."""

    def __init__(self, core: str, python: str, directory: Path, built: Path) -> None:
        self.directory = directory
        self.bin = directory / "venv" / "bin"
        self.collections = directory / "collections"
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith(("PANOS_", "ANSIBLE_", "PYTHON", "AWS_", "VIRTUAL_ENV"))}
        self.env.update(ANSIBLE_HOME=str(directory / "ansible-home"), ANSIBLE_NOCOLOR="1",
                        ANSIBLE_COLLECTIONS_PATH=str(self.collections), ANSIBLE_PYTHON_INTERPRETER=str(self.bin / "python"))
        # pip of the test's environment installs into the new one (pip --python): no pip bootstrap there
        pip = [sys.executable, "-m", "pip", "--python", str(self.bin / "python"), "install", "--quiet"]
        self.run([python, "-m", "venv", "--without-pip", str(directory / "venv")])
        self.run([*pip, "ansible-core==%s.*" % core])
        self.run([str(self.bin / "ansible-galaxy"), "collection", "install", "-p", str(self.collections), str(built)])
        self.path = self.collections / "ansible_collections" / "tagwarden" / "panos"
        self.run([*pip, "-r", str(self.path / "requirements.txt")])
        self.core = self.run([str(self.bin / "python"), "-c", "import ansible; print(ansible.__version__)"]).strip()

    def run(self, command: list[str], env: dict[str, str] | None = None, check: bool = True) -> str:
        proc = subprocess.run(command, cwd=self.directory, env={**self.env, **(env or {})}, capture_output=True,
                              text=True, timeout=600, stdin=subprocess.DEVNULL, check=False)
        output = proc.stdout + proc.stderr
        assert proc.returncode == 0 or not check, "%s: %s" % (" ".join(command[:3]), output[-4000:])
        return output

    def playbook(self, name: str, host: str, provider: dict[str, Any], variables: dict[str, Any],
                 env: dict[str, str] | None = None) -> str:
        panos = {"PANOS_IP_ADDRESS": str(provider["ip_address"]), "PANOS_PORT": str(provider["port"]),
                 "PANOS_USERNAME": provider["username"], "PANOS_PASSWORD": provider["password"],
                 "PANOS_CA_PATH": provider["ca_path"]}
        output = self.run([str(self.bin / "ansible-playbook"), "tagwarden.panos." + name, "-i", host + ",",
                           "-e", json.dumps(variables)], env={**panos, **(env or {})})
        assert not WARNED.search(CORE_OWN.sub("", output)), output[-4000:]
        assert provider["password"] not in output
        return output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tarball.build(tmp_path_factory.mktemp("matrix-tarball"))


@pytest.fixture(params=[OLDEST, NEWEST], ids=lambda core: "ansible-core-" + core)
def newcomer(request: pytest.FixtureRequest, built: Path, tmp_path: Path) -> Iterator[Newcomer]:
    core = request.param
    assert core in PYTHONS, "PYTHONS has no entry for ansible-core %s: add its controller Pythons" % core
    python = next(filter(None, map(find_python, PYTHONS[core])), None)
    if python is None:
        pytest.skip("ansible-core %s needs Python %s, none found (as python3.X or under pyenv)"
                    % (core, " or ".join(PYTHONS[core])))
    yield Newcomer(core, python, tmp_path, built)


def headed(name: str, output: str) -> bool:
    """ansible-doc printed the page of ``name`` (headed ``> NAME``, ``> MODULE name``, ``> ROLE: name``)."""
    return re.search(r"^> .*\b%s\b" % re.escape(name), output, re.MULTILINE | re.IGNORECASE) is not None


def registered(info: dict[str, Any]) -> dict[str, set[str]]:
    xapi = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                            api_password=info["password"], ssl_context=ssl.create_default_context(cafile=info["ca_file"]))
    xapi.op(cmd="<show><object><registered-ip><all/></registered-ip></object></show>")
    return {entry.get("ip"): {member.text for member in entry.findall("./tag/member")}
            for entry in xapi.element_root.findall("./result/entry")}


def rules(emu: EmulatorControl) -> list[str]:
    running = etree.fromstring(emu.config()["running"].encode())
    return [entry.get("name") for entry in running.iterfind(".//rulebase/security/rules/entry")]


def test_a_newcomer_on_each_end_of_the_matrix(newcomer: Newcomer, emu: EmulatorControl, provider: dict[str, Any]) -> None:
    assert newcomer.core.startswith((OLDEST + ".", NEWEST + "."))
    host = emu.info["host"]

    # ansible-doc for every module, plugin and role, as installed
    for kind, folder in (("module", "modules"), ("inventory", "inventory")):
        names = sorted("tagwarden.panos." + path.stem for path in (newcomer.path / "plugins" / folder).glob("*.py"))
        output = newcomer.run([str(newcomer.bin / "ansible-doc"), "-t", kind, *names])
        assert all(headed(name, output) for name in names) and not WARNED.search(CORE_OWN.sub("", output)), output[-3000:]
    roles = sorted("tagwarden.panos." + path.name for path in (newcomer.path / "roles").iterdir())
    output = newcomer.run([str(newcomer.bin / "ansible-doc"), "-t", "role", *roles])
    assert all(headed(name, output) for name in roles) and not WARNED.search(CORE_OWN.sub("", output)), output[-3000:]

    # quota: bootstrap, then a cycle blocks the address over its quota; a second bootstrap changes nothing
    emu.reset()
    emu.set_config(etree.tostring(builders.config(rules=(
        builders.rule("Allow-Outbound", application=["any"], service=["any"]),))).decode())
    emu.advance(900 - emu.now()["epoch"] % 900)
    emu.simulate([{"src": GUEST, "dst": "203.0.113.10", "bytes_per_minute": 3_000_000}])
    quotas = {"quota_ip": "20MB", "quota_user": "30MB", "quota_group": "50MB"}
    newcomer.playbook("quota_bootstrap", host, provider, quotas)
    assert re.search(r"changed=0\s", newcomer.playbook("quota_bootstrap", host, provider, quotas))
    emu.advance(900)
    newcomer.playbook("quota_cycle", host, provider, quotas)
    assert "quota" in registered(emu.info).get(GUEST, set())

    # threat feed: bootstrap, then a list feed's address registered to the feed's tag
    feed = newcomer.directory / "feed.txt"
    feed.write_text("198.51.100.7\n")
    settings = {"threat_feed_source": "list", "threat_feed_list": {"path": str(feed)}}
    newcomer.playbook("threat_feed_bootstrap", host, provider, settings)
    newcomer.playbook("threat_feed_sync", host, provider, settings)
    assert "threat-feed" in registered(emu.info).get("198.51.100.7", set())

    # AWS rules: an instance reachable through the firewall gets its rule above the clean-up rule
    emu.set_config(etree.tostring(builders.config(rules=(
        builders.rule("deny-all", "deny", **{"from": ["any"], "to": ["any"]}),))).decode())
    with MotoServer() as aws:
        world = AwsWorld(aws.endpoint)
        subnet = world.subnet("10.0.1.0/24")
        world.route_table([subnet])
        web = world.instance(subnet, [world.group(permissions=[tcp(8443, "203.0.113.0/24")])])
        newcomer.playbook("aws_rules_reconcile", host, provider, {
            "aws_security_rules_region": REGION, "aws_security_rules_endpoint_url": aws.endpoint,
            "aws_security_rules_firewall_instance_ids": [world.firewall_id],
            "aws_security_rules_existing_rule": "deny-all"},
            env={"AWS_ACCESS_KEY_ID": CREDENTIALS["access_key"], "AWS_SECRET_ACCESS_KEY": CREDENTIALS["secret_key"]})
    assert rules(emu) == ["%s-tcp-8443" % web, "deny-all"]
