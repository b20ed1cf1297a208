"""Firewalls behind Panorama: the ``panorama`` inventory plugin, dag_register and a quota cycle
through Panorama (``target=<serial>``), against the emulator's Panorama mode.

Four firewalls: fw-1 and fw-2 take the cycle; fw-3 disconnects after the inventory was cached;
fw-4's registrations fail mid-cycle; a fifth host names a serial Panorama does not manage. One
ansible-playbook run shows that each of those fails for itself while fw-1 and fw-2 complete.
"""

from __future__ import annotations

import json
import re
import ssl
import subprocess
from pathlib import Path
from typing import Any, Iterator

import pan.xapi
import pytest
from lxml import etree

from panos_emulator.builders import config, dag, report, rule
from panos_emulator.client import EmulatorControl
from panos_emulator.process import provider_for, start_emulator, stop_emulator
from tests.integration import ansible_cli

ROOT = Path(__file__).resolve().parents[2]
QUOTAS = {"quota_ip": "20MB", "quota_user": "30MB", "quota_group": "50MB"}
GUEST = "10.1.9.50"
WRONG_SERIAL = "000000000000999"


@pytest.fixture(scope="module")
def panorama() -> Iterator[dict[str, Any]]:
    process, info = start_emulator("--panorama", "--firewalls", "4")
    try:
        yield info
    finally:
        stop_emulator(process)


@pytest.fixture
def pano(panorama: dict[str, Any]) -> EmulatorControl:
    control = EmulatorControl(panorama)
    control.reset()
    return control


def env_for(info: dict[str, Any]) -> dict[str, str]:
    return ansible_cli.panos_env(provider_for(info))


def inventory_file(tmp_path: Path, info: dict[str, Any], **options: Any) -> Path:
    """A panorama.yml for the emulator; credentials and CA come from PANOS_* as in AWX."""
    path = tmp_path / "panorama.yml"
    path.write_text(json.dumps({"plugin": "tagwarden.panos.panorama", "ip_address": info["host"],
                                "port": info["port"], **options}))
    return path


def inventory(path: Path, info: dict[str, Any], *flags: str) -> dict[str, Any]:
    proc = subprocess.run([str(ansible_cli.BIN / "ansible-inventory"), "-i", str(path), "--list", *flags],
                          env=ansible_cli.ansible_env(env_for(info)), capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(re.sub(r'\{\s*"__ansible_unsafe":\s*("(?:[^"\\]|\\.)*")\s*\}', r"\1", proc.stdout))


def registered(info: dict[str, Any], serial: str | None) -> dict[str, set[str]]:
    """Registrations read with pan-python, on one firewall or (no serial) on Panorama itself."""
    xapi = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                            api_password=info["password"], serial=serial,
                            ssl_context=ssl.create_default_context(cafile=info["ca_file"]))
    xapi.op(cmd="<show><object><registered-ip><all/></registered-ip></object></show>")
    return {entry.get("ip"): {member.text for member in entry.findall("./tag/member")}
            for entry in xapi.element_root.findall("./result/entry")}


def recap(output: str) -> dict[str, dict[str, int]]:
    rows = re.findall(r"^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$", output, re.MULTILINE)
    return {host: {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", counts)} for host, counts in rows}


def test_inventory_lists_the_connected_firewalls_and_caches_them(pano: EmulatorControl, tmp_path: Path) -> None:
    info = pano.info
    path = inventory_file(tmp_path, info, keyed_groups=[{"key": "panos_sw_version", "prefix": "sw"}],
                          compose={"panos_site": "panos_hostname ~ '-site'"},
                          filters=["panos_serial_number != '%s'" % info["firewalls"][3]],
                          cache=True, cache_plugin="ansible.builtin.jsonfile", cache_connection=str(tmp_path / "cache"))
    pano.reset_counters()
    listed = inventory(path, info)
    hosts = listed["_meta"]["hostvars"]
    assert sorted(hosts) == ["fw-1", "fw-2", "fw-3"]  # fw-4 filtered out
    first = hosts["fw-1"]
    assert first["panos_provider"] == {"ip_address": info["host"], "port": info["port"],
                                       "serial_number": info["firewalls"][0]}
    assert (first["panos_model"], first["panos_sw_version"], first["panos_ha_state"], first["panos_device_group"]) == (
        "PA-VM", "10.2.9", "standalone", "firewalls")
    assert first["panos_site"] == "fw-1-site"
    assert "password" not in json.dumps(hosts) and info["password"] not in json.dumps(listed)
    for group in ("firewalls", "panos_dg_firewalls", "panos_model_PA_VM", "sw_10_2_9"):
        assert sorted(listed[group]["hosts"]) == ["fw-1", "fw-2", "fw-3"], group
    assert pano.counters()["total"] == 4  # keygen, show devices connected, show devicegroups, template stacks

    pano.firewall(info["firewalls"][2]).set_connected(False)
    assert sorted(inventory(path, info)["_meta"]["hostvars"]) == ["fw-1", "fw-2", "fw-3"]  # from the cache
    assert pano.counters()["total"] == 4
    assert sorted(inventory(path, info, "--flush-cache")["_meta"]["hostvars"]) == ["fw-1", "fw-2"]


def adhoc_dag_register(info: dict[str, Any], serial: str, ips: list[str], *flags: str) -> dict[str, Any]:
    provider = {"ip_address": info["host"], "port": info["port"], "serial_number": serial}
    result, _output = ansible_cli.adhoc("dag_register", {"provider": provider, "ips": ips, "tags": ["quota"],
                                                         "ca_path": info["ca_file"]}, *flags, env=env_for(info))
    return result


def test_dag_register_through_panorama_to_two_firewalls(pano: EmulatorControl) -> None:
    info = pano.info
    first, second = info["firewalls"][:2]
    before = pano.config()
    assert adhoc_dag_register(info, first, ["10.0.0.1"])["changed"]
    assert adhoc_dag_register(info, second, ["10.0.0.2"])["changed"]
    again = adhoc_dag_register(info, first, ["10.0.0.1"])
    assert not again["changed"] and again["api_calls"] == 2  # keygen (Panorama's), one read through the target
    checked = adhoc_dag_register(info, second, ["10.0.0.3"], "--check")
    assert checked["changed"]
    assert registered(info, first) == {"10.0.0.1": {"quota"}}
    assert registered(info, second) == {"10.0.0.2": {"quota"}}
    assert registered(info, None) == {} and pano.config() == before  # Panorama's own state untouched
    refused = ansible_cli.adhoc("dag_register", {"provider": provider_for(info), "ips": ["10.0.0.9"],
                                                 "tags": ["quota"]}, env=env_for(info))[0]
    assert refused["failed"] and "is Panorama (model Panorama)" in refused["msg"]
    assert "provider.serial_number" in refused["msg"] and registered(info, None) == {}


@pytest.mark.playbook
def test_quota_cycle_on_every_managed_firewall_each_failure_for_its_host(pano: EmulatorControl, tmp_path: Path) -> None:
    info = pano.info
    serials = info["firewalls"]
    rules = (rule("BlockQuotaDAG", action="deny", source=["quota"], **{"from": ["any"], "to": ["any"]}),
             rule("Allow-Outbound", application=["any"], service=["any"]))
    firewall_config = etree.tostring(config(rules=rules, reports=(report(),), address_group=[dag("quota", "'quota'")]))
    for serial in serials:
        pano.firewall(serial).set_config(firewall_config.decode())
    pano.advance(900 - pano.now()["epoch"] % 900)
    for serial in serials:
        pano.firewall(serial).simulate([{"src": GUEST, "dst": "203.0.113.10", "bytes_per_minute": 3_000_000}])
    pano.advance(900)
    panorama_before = pano.config()

    path = inventory_file(tmp_path, info, cache=True, cache_plugin="ansible.builtin.jsonfile",
                          cache_connection=str(tmp_path / "cache"))
    inventory(path, info)  # cached while fw-3 is still connected
    pano.firewall(serials[2]).set_connected(False)
    (tmp_path / "extra.yml").write_text(json.dumps({"firewalls": {"hosts": {"fw-wrong": {"panos_provider": {
        "ip_address": info["host"], "port": info["port"], "serial_number": WRONG_SERIAL}}}}}))
    pano.firewall(serials[3]).inject_fault("user-id", "reset", count=20)

    def cycle(*flags: str) -> tuple[int, str]:
        proc = ansible_cli.playbook("tagwarden.panos.quota_cycle", "-i", str(path), "-i", str(tmp_path / "extra.yml"),
                                    "-f", "5", "-e", json.dumps(QUOTAS), *flags, env=env_for(info), timeout=300)
        return proc.returncode, proc.stdout + proc.stderr

    code, output = cycle("--check", "--limit", "fw-1,fw-2")
    assert code == 0, output[-3000:]
    assert {host: counts["changed"] for host, counts in recap(output).items() if host != "localhost"} == {
        "fw-1": 1, "fw-2": 1}
    assert registered(info, serials[0]) == {}

    code, output = cycle()
    counts = recap(output)
    assert code != 0
    assert counts["fw-1"]["failed"] == counts["fw-2"]["failed"] == 0 and counts["fw-1"]["changed"] == 1, output[-3000:]
    assert counts["fw-3"]["failed"] == counts["fw-4"]["failed"] == counts["fw-wrong"]["failed"] == 1, output[-3000:]
    assert "cannot pass the" in output and WRONG_SERIAL in output and serials[2] in output
    for serial in serials[:2]:
        assert "quota" in registered(info, serial)[GUEST]
    pano.firewall(serials[2]).set_connected(True)
    assert GUEST not in registered(info, serials[2])
    assert registered(info, None) == {} and pano.config() == panorama_before  # Panorama itself untouched

    code, output = cycle("--limit", "fw-1,fw-2")
    assert code == 0 and all(counts["changed"] == 0 for counts in recap(output).values()), output[-3000:]


def test_a_wrong_panorama_password_fails_the_run_naming_panorama_and_the_plugin_options(pano: EmulatorControl,
                                                                                        tmp_path: Path) -> None:
    """Issue 15, defect 6: after a password rotation neither ansible-inventory (with the setting the
    plugin's notes give for cron and AWX) nor the collection's playbooks exit 0 with no hosts."""
    info = pano.info
    path = inventory_file(tmp_path, info)
    env = {**env_for(info), "PANOS_PASSWORD": "rotated"}
    del env["PANOS_IP_ADDRESS"]  # as in AWX: Panorama's address in the inventory file only
    listed = subprocess.run([str(ansible_cli.BIN / "ansible-inventory"), "-i", str(path), "--list"],
                            env=ansible_cli.ansible_env({**env, "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"}),
                            capture_output=True, text=True, timeout=120, check=False)
    said = " ".join((listed.stdout + listed.stderr).split())
    assert listed.returncode != 0, said
    assert "Panorama at %s:%s refused the credentials" % (info["host"], info["port"]) in said
    assert "check the options username and password of this inventory file" in said
    assert "provider." not in said and "the firewall" not in said and "rotated" not in said
    run = ansible_cli.playbook("tagwarden.panos.quota_cycle", "-i", str(path), env=env, timeout=300)
    assert run.returncode != 0, run.stdout
    failure = " ".join(re.findall(r"^fatal: .*", run.stdout, re.MULTILINE))
    assert "The Panorama inventory %s listed no firewall" % path in failure
    assert "ANSIBLE_INVENTORY_UNPARSED_FAILED=true" in failure
