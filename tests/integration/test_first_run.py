"""The first hour of a new user (issue 8, section 3), against the emulator: the collection built and
installed as ``ansible-galaxy`` does it, its playbooks run by name from outside the checkout with
the example inventory, the README's own play, the cron wrapper, prompts for what is missing, and
runs without Ansible warnings."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import ssl
import subprocess
import termios
import time
from pathlib import Path
from typing import Any, Iterator

import pan.xapi
import pytest
import yaml
from lxml import etree

from panos_emulator.builders import config, dag, report, rule
from panos_emulator.client import EmulatorControl
from panos_emulator.process import provider_for
from tests.integration import ansible_cli
from tests.integration.ansible_cli import BIN, ROOT
from aws_double.server import CREDENTIALS, REGION
from aws_double.world import AwsWorld, tcp
from tools.sanity import copy_collection

pytestmark = pytest.mark.playbook

# The provider keys paloaltonetworks.panos (3.4.1) accepts; it refuses any other.
UPSTREAM_PROVIDER_KEYS = {"ip_address", "username", "password", "api_key", "port", "serial_number"}
# Ansible's defaults, which ansible_cli turns off for the other tests: a newcomer sees these.
WARNINGS_ON = {"ANSIBLE_LOCALHOST_WARNING": "true", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "true"}
NO_INVENTORY_WARNINGS = ["No inventory was parsed, only implicit localhost is available",
                         "provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'"]


def warnings(output: str) -> list[str]:
    return re.findall(r"^\[WARNING\]: (.*)$", output, re.MULTILINE)


def output(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The collection built from the files git tracks, installed into a collections path of its
    own; the example inventory found where `ansible-galaxy collection list` says, as the docs say."""
    base = tmp_path_factory.mktemp("installed")
    source = base / "source"
    copy_collection(source)
    env = {**ansible_cli.ansible_env(), "ANSIBLE_COLLECTIONS_PATH": str(base / "collections")}
    galaxy = str(BIN / "ansible-galaxy")
    subprocess.run([galaxy, "collection", "build", "--output-path", str(base)], cwd=source, env=env, check=True,
                   capture_output=True)
    tarball, = base.glob("tagwarden-panos-*.tar.gz")
    subprocess.run([galaxy, "collection", "install", "-p", str(base / "collections"), str(tarball)], cwd=base, env=env,
                   check=True, capture_output=True)
    listing = subprocess.run([galaxy, "collection", "list", "tagwarden.panos"], cwd=base, env=env, check=True,
                             capture_output=True, text=True).stdout
    collections_dir = Path(re.search(r"^# (.+)$", listing, re.MULTILINE).group(1))  # type: ignore[union-attr]
    return {"collection": collections_dir / "tagwarden" / "panos", "collections_path": base / "collections"}


def test_the_installed_collection_has_no_demo_playbook(installed: dict[str, Path]) -> None:
    """The demos write demo objects and drive the emulator's control plane: they stay in the checkout
    (demo/), so that no `ansible-playbook tagwarden.panos.demo_*` can reach a user's firewall."""
    collection = installed["collection"]
    assert not list(collection.rglob("demo*.yml")) and not (collection / "demo").exists()
    for path in collection.rglob("*.yml"):
        assert "EMULATOR_INFO" not in path.read_text(), path


def user_directory(directory: Path, example: Path, info: dict[str, Any]) -> Path:
    """What a newcomer makes of the example inventory: the emulator as the one firewall, its CA
    and port, the password in group_vars/firewalls/vault.yml (a plain file here, a vault in life)."""
    inventory = yaml.safe_load(example.read_text())
    firewalls = inventory["firewalls"]
    # a provider paloaltonetworks.panos takes as it is; the CA as a variable the playbooks pass as ca_path
    assert {"username", "password"} <= set(firewalls["vars"]["panos_provider"]) <= UPSTREAM_PROVIDER_KEYS
    assert "panos_ca_path" in firewalls["vars"]
    assert firewalls["vars"]["ansible_python_interpreter"] == "{{ ansible_playbook_python }}"
    firewalls["hosts"] = {"fw-emulator": {"ansible_host": info["host"]}}
    firewalls["vars"]["panos_provider"].update(username=info["username"], port=info["port"])
    firewalls["vars"]["panos_ca_path"] = info["ca_file"]
    firewalls["vars"]["quota_groups"] = []
    (directory / "group_vars" / "firewalls").mkdir(parents=True)
    (directory / "group_vars" / "firewalls" / "vault.yml").write_text(yaml.safe_dump({"vault_panos_password": info["password"]}))
    (directory / "inventory.yml").write_text(yaml.safe_dump(inventory))
    return directory


@pytest.fixture
def user(installed: dict[str, Path], emu: EmulatorControl, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A fresh firewall, a user's directory outside the checkout, and the environment of a shell
    with the collection installed: Ansible's own interpreter discovery and warnings, no PANOS_*."""
    env = {**WARNINGS_ON, "ANSIBLE_COLLECTIONS_PATH": str(installed["collections_path"]), "ANSIBLE_PYTHON_INTERPRETER": "auto"}
    yield {"dir": user_directory(tmp_path, installed["collection"] / "playbooks" / "inventory" / "example.yml", emu.info),
           "env": env, "collection": installed["collection"], "emu": emu}


def registered(info: dict[str, Any]) -> set[str]:
    xapi = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                            api_password=info["password"], ssl_context=ssl.create_default_context(cafile=info["ca_file"]))
    xapi.op(cmd="<show><object><registered-ip><all/></registered-ip></object></show>")
    return {entry.get("ip") for entry in xapi.element_root.findall("./result/entry")}


def test_installed_playbooks_run_by_name_with_the_example_inventory_and_no_warning(user: dict[str, Any]) -> None:
    first = ansible_cli.playbook("tagwarden.panos.quota_bootstrap", "-i", "inventory.yml", env=user["env"], cwd=user["dir"])
    assert first.returncode == 0, output(first)[-3000:]
    assert "created tag tagwarden.panos, tag quota" in first.stdout and "committed" in first.stdout
    assert warnings(output(first)) == []
    # the credentials play, with the inventory giving everything: two tasks, the second one skipped
    preamble = first.stdout.split("PLAY [Find the firewalls and their credentials]", 1)[1].split("\nPLAY [", 1)[0]
    assert re.findall(r"^TASK \[(.*?)\]", preamble, re.MULTILINE) == [
        "Find the firewalls and their credentials", "Ask for what is missing, or stop with one message"], preamble
    second = ansible_cli.playbook("tagwarden.panos.quota_bootstrap", "-i", "inventory.yml", env=user["env"], cwd=user["dir"])
    assert second.returncode == 0 and re.search(r'"msg": "unchanged"', second.stdout), output(second)[-3000:]
    assert re.search(r"^fw-emulator\s+: ok=\d+\s+changed=0\s", second.stdout, re.MULTILINE)


def readme_runs(user: dict[str, Any], *names: str) -> list[str]:
    """The README's `ansible-playbook -i inventory.yml tagwarden.panos.NAME ...` lines for ``names``, as
    written but for --ask-vault-pass (the vault file here is a plain file)."""
    readme = (user["collection"] / "README.md").read_text()
    lines = re.findall(r"^ansible-playbook -i inventory.yml (tagwarden\.panos\.\w+)([^#\n]*)", readme, re.MULTILINE)
    return [" ".join([name, *flags.split()]).replace(" --ask-vault-pass", "") for name, flags in lines
            if name.split(".")[-1] in names]


def run_as_written(user: dict[str, Any], line: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    name, *flags = line.split()
    run = ansible_cli.playbook(name, "-i", "inventory.yml", *flags, env={**user["env"], **(env or {})}, cwd=user["dir"])
    assert run.returncode == 0, output(run)[-3000:]
    assert warnings(output(run)) == [], warnings(output(run))
    return run


def set_inventory_vars(user: dict[str, Any], **group_vars: Any) -> dict[str, Any]:
    path = user["dir"] / "inventory.yml"
    inventory = yaml.safe_load(path.read_text())
    before = dict(inventory["firewalls"]["vars"])
    inventory["firewalls"]["vars"].update(group_vars)
    path.write_text(yaml.safe_dump(inventory))
    return before


def test_the_readme_feed_first_run_with_the_example_inventory(user: dict[str, Any]) -> None:
    """Issue 15, section 4: the feed's first run as the README gives it, the list where the example says."""
    readme = (user["collection"] / "README.md").read_text()
    written = re.search(r"^printf '([^']*)' \| sudo tee (\S+)$", readme, re.MULTILINE)
    assert written, "the README writes the list"
    listing = user["dir"] / "blocklist.txt"
    listing.write_text(written.group(1).replace("\\n", "\n"))
    example = set_inventory_vars(user, threat_feed_list={"path": str(listing)})
    assert example["threat_feed_source"] == "list" and example["threat_feed_list"] == {"path": written.group(2)}
    runs = readme_runs(user, "threat_feed_bootstrap", "threat_feed_sync")
    assert [line.split()[0] for line in runs] == ["tagwarden.panos.threat_feed_bootstrap", "tagwarden.panos.threat_feed_sync"]
    for line in runs:
        run_as_written(user, line)
    assert "203.0.113.5" in registered(user["emu"].info)
    again = run_as_written(user, runs[-1])
    assert '"unchanged: feed list: addresses new 0' in again.stdout, again.stdout[-3000:]


def test_the_readme_aws_first_run_with_the_example_inventory(user: dict[str, Any], aws_endpoint: str) -> None:
    """Issue 15, sections 1 (defect 3) and 4: the AWS rules' first run as the README gives it, on a
    firewall whose rulebase has no clean-up rule (the example's deny-all is not there)."""
    world = AwsWorld(aws_endpoint)
    routed = world.subnet("10.0.1.0/24")
    world.route_table([routed])
    web = world.instance(routed, [world.group(permissions=[tcp(443, "0.0.0.0/0")])], name="web")
    example = set_inventory_vars(user, aws_security_rules_region=REGION, aws_security_rules_endpoint_url=aws_endpoint,
                                 aws_security_rules_firewall_instance_ids=[world.firewall_id])
    assert {"aws_security_rules_region", "aws_security_rules_firewall_instance_ids", "aws_security_rules_existing_rule"} <= set(example)
    env = {"AWS_ACCESS_KEY_ID": CREDENTIALS["access_key"], "AWS_SECRET_ACCESS_KEY": CREDENTIALS["secret_key"]}
    check, apply = readme_runs(user, "aws_rules_reconcile")
    assert "--check" in check.split() and "--check" not in apply.split()
    run_as_written(user, check, env)
    running = etree.fromstring(user["emu"].config()["running"].encode())
    assert running.findall(".//rulebase/security/rules/entry") == []
    run_as_written(user, apply, env)
    running = etree.fromstring(user["emu"].config()["running"].encode())
    assert [e.get("name") for e in running.iterfind(".//rulebase/security/rules/entry")] == ["%s-tcp-443" % web]
    again = run_as_written(user, apply, env)
    assert '"unchanged: 1 rules for every instance (full reconcile)"' in again.stdout, again.stdout[-3000:]


def test_the_readme_play_runs_as_written(user: dict[str, Any]) -> None:
    """The play under "Connecting to a firewall", with the example inventory, where the first
    python3 that Ansible would find has none of the collection's requirements (interpreter discovery left on)."""
    readme = (user["collection"] / "README.md").read_text()
    section = readme.split("## Connecting to a firewall", 1)[1]
    play = re.search(r"```yaml\n(.*?)```", section, re.DOTALL).group(1)  # type: ignore[union-attr]
    (user["dir"] / "block.yml").write_text(play)
    run = ansible_cli.playbook("block.yml", "-i", "inventory.yml", env=user["env"], cwd=user["dir"])
    assert run.returncode == 0, output(run)[-3000:]
    assert registered(user["emu"].info) == {"192.0.2.10", "2001:db8::10"}
    assert warnings(output(run)) == []


def test_cron_wrapper_runs_a_cycle_skips_while_locked_and_reports_failures(user: dict[str, Any]) -> None:
    lock = user["dir"] / "quota-cycle.lock"
    env = {**ansible_cli.ansible_env(user["env"]), "TAGWARDEN_HOME": str(user["dir"]), "TAGWARDEN_VENV": str(BIN.parent),
           "QUOTA_CYCLE_LOCK": str(lock)}
    wrapper = [str(user["collection"] / "playbooks" / "cron" / "quota-cycle.sh"), "-i", "inventory.yml"]

    def run(*flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*wrapper, *flags], cwd="/", env=env, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL, check=False)

    bootstrapped = config(rules=(rule("BlockQuotaDAG", action="deny", source=["quota"]),), reports=(report(),),
                          address_group=[dag("quota", "'quota'")])
    user["emu"].set_config(etree.tostring(bootstrapped).decode())
    done = run("--check")
    assert done.returncode == 0, output(done)[-3000:]
    assert "firewall (check mode, nothing written)" in done.stdout and warnings(output(done)) == []
    with lock.open("w") as held:  # the previous cycle, still running
        fcntl.flock(held, fcntl.LOCK_EX)
        skipped = run("--check")
    assert skipped.returncode == 0 and "quota cycle skipped: the previous cycle still holds the lock" in skipped.stdout
    assert "PLAY" not in skipped.stdout
    # a closed port: the firewall cannot be reached, the run fails with 2 and failed=1, as documented
    unreachable = run("-e", '{"panos_provider": {"ip_address": "127.0.0.1", "port": 1, "username": "u", "password": "p"}}')
    assert unreachable.returncode == 2, output(unreachable)[-3000:]
    assert re.search(r"^fw-emulator\s+: .*unreachable=0\s+failed=1", unreachable.stdout, re.MULTILINE)


# -- credentials and warnings, with the checkout's playbooks ---------------------------------------

def partial_inventory(tmp_path: Path, info: dict[str, Any]) -> Path:
    """A username in the inventory, no password anywhere."""
    path = tmp_path / "inventory.yml"
    provider = {"username": info["username"], "port": info["port"], "ca_path": info["ca_file"]}
    path.write_text(yaml.safe_dump({"firewalls": {"hosts": {info["host"]: {"panos_provider": provider}}}}))
    return path


def test_missing_password_without_a_terminal_fails_at_once_with_one_message(emu: EmulatorControl, tmp_path: Path) -> None:
    emu.reset_counters()
    run = ansible_cli.playbook(ROOT / "playbooks" / "quota_bootstrap.yml", "-i", str(partial_inventory(tmp_path, emu.info)),
                               timeout=120)
    assert run.returncode == 2
    failures = re.findall(r"^fatal: .*", run.stdout, re.MULTILINE)
    assert len(failures) == 1 and f"No firewall credentials for {emu.info['host']} (panos_provider has no password or api_key)" in failures[0]
    assert emu.counters()["total"] == 0


def on_a_terminal(command: list[str], env: dict[str, str], answer: str, timeout: float = 120) -> tuple[int, str]:
    """Run ``command`` with a pseudo-terminal as its controlling terminal and answer the hidden
    prompt; Ansible flushes the terminal's input when a prompt starts, so the answer is sent again
    while the prompt still waits."""
    master, slave = pty.openpty()

    def controlling_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdin=slave, stdout=slave, stderr=slave,  # pylint: disable=subprocess-popen-preexec-fn
                            preexec_fn=controlling_terminal)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready = select.select([master], [], [], 1)[0]
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # the child closed the terminal
                    break
                seen += chunk
            elif proc.poll() is not None:
                break
            elif seen.rstrip().endswith(b"(output is hidden):"):
                os.write(master, answer.encode() + b"\r")
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return proc.wait(), seen.decode(errors="replace")


def test_missing_password_on_a_terminal_is_asked_for(emu: EmulatorControl, tmp_path: Path) -> None:
    command = [str(BIN / "ansible-playbook"), "-i", str(partial_inventory(tmp_path, emu.info)),
               str(ROOT / "playbooks" / "quota_bootstrap.yml")]
    returncode, seen = on_a_terminal(command, ansible_cli.ansible_env(), emu.info["password"])
    assert f"Password of {emu.info['username']} (output is hidden):" in seen
    assert returncode == 0, seen[-3000:]
    assert "created tag tagwarden.panos, tag quota" in seen and emu.info["password"] not in seen


def test_one_firewall_named_with_dash_i_gives_no_warning(emulator: dict[str, Any]) -> None:
    env = {**ansible_cli.panos_env(provider_for(emulator)), **WARNINGS_ON}
    named = ansible_cli.playbook(ROOT / "playbooks" / "quota_bootstrap.yml", "-i", emulator["host"] + ",", "--check", env=env)
    assert named.returncode == 0, output(named)[-3000:]
    assert warnings(output(named)) == []
    # without -i: Ansible's own two words on the missing inventory, nothing from the playbooks
    # (no unmatched group, no second localhost for the loopback address)
    bare = ansible_cli.playbook(ROOT / "playbooks" / "quota_bootstrap.yml", "--check", env=env)
    assert bare.returncode == 0, output(bare)[-3000:]
    assert warnings(output(bare)) == NO_INVENTORY_WARNINGS


def test_an_empty_ca_file_is_refused_before_any_request_as_the_docs_say(emu: EmulatorControl, provider: dict[str, Any],
                                                                        tmp_path: Path) -> None:
    """What an AWX credential with a blank CA field writes; docs/quota.md quotes the message."""
    empty = tmp_path / "ca.pem"
    empty.write_text("")
    emu.reset_counters()
    result, _output = ansible_cli.adhoc("dag_info", {"provider": {**provider, "ca_path": str(empty)}, "name": "quota"})
    assert result["failed"] and emu.counters()["total"] == 0
    quoted = "is empty (a credential with a blank CA field writes such a file): paste the PEM"
    assert quoted in result["msg"]
    assert quoted in " ".join((ROOT / "docs" / "quota.md").read_text().split())


@pytest.mark.parametrize("groups, extra, said", [
    ({"branch": {"hosts": {"fw1": None}}}, (), "The inventory has no group 'firewalls' (groups with hosts: branch)"),
    ({"firewalls": {"hosts": {}}, "branch": {"hosts": {"fw1": None}}}, (),
     "The group 'firewalls' has no hosts in the inventory (groups with hosts: branch)"),
    ({"firewalls": {"hosts": {"fw1": None}}}, ("-e", "quota_hosts=firewals"), "The inventory has no group 'firewals'"),
])
def test_a_group_without_hosts_is_named_with_the_complete_credentials(emulator: dict[str, Any], tmp_path: Path,
                                                                      groups: dict[str, Any], extra: tuple[str, ...],
                                                                      said: str) -> None:
    """Issue 15, section 2: credentials complete in the environment, the group misnamed or empty."""
    path = tmp_path / "inventory.yml"
    path.write_text(yaml.safe_dump(groups))
    run = ansible_cli.playbook(ROOT / "playbooks" / "quota_cycle.yml", "-i", str(path), *extra,
                               env=ansible_cli.panos_env(provider_for(emulator)), timeout=120)
    assert run.returncode == 2
    failures = re.findall(r"^fatal: .*", run.stdout, re.MULTILINE)
    assert len(failures) == 1 and said in " ".join(failures[0].split()), run.stdout[-2000:]
    assert "No firewall credentials" not in run.stdout
