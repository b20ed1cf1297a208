"""Connections and requests in flight, counted by the emulator: one kept-alive connection per device
per module run, glitches on it sent again only where safe, and never more than the management plane's
limit in flight on one Panorama whatever the forks."""

from __future__ import annotations

import json
import re
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Iterator

import pytest

from panos_emulator.client import EmulatorControl
from panos_emulator.process import provider_for, start_emulator, stop_emulator
from tests.integration import ansible_cli

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError

TAG_XPATH = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/tag"
CLOCK = ET.fromstring("<show><clock/></show>")


def test_every_request_of_a_connection_goes_on_one_kept_alive_connection(emu: EmulatorControl,
                                                                         provider: dict[str, Any]) -> None:
    emu.reset_counters()
    conn = FirewallConnection(provider)
    for _request in range(5):
        conn.op(CLOCK)
    conn.config("set", TAG_XPATH, ET.Element("entry", name="t1"))
    counters = emu.counters()
    assert counters["connections"] == 1 and counters["total"] == conn.api_calls == 7


def test_a_module_run_opens_one_connection(emu: EmulatorControl, provider: dict[str, Any]) -> None:
    emu.reset_counters()
    result, output = ansible_cli.adhoc("dag_register", {"ips": ["192.0.2.1", "192.0.2.2"], "tags": ["t"]},
                                       env=ansible_cli.panos_env(provider))
    assert result["changed"] and not result["failed"], output
    counters = emu.counters()
    assert counters["connections"] == 1 and counters["total"] == result["api_calls"] >= 3


def test_a_connection_the_firewall_closed_while_idle_is_replaced_and_the_write_goes_once(
        emu: EmulatorControl, provider: dict[str, Any]) -> None:
    conn = FirewallConnection(provider, sleep=lambda seconds: None)
    conn.op(CLOCK)
    emu.reset_counters()
    assert emu.close_idle_connections() >= 1  # ours, and any an earlier test left open
    conn.config("set", TAG_XPATH, ET.Element("entry", name="t2"))
    counters = emu.counters()
    assert counters["config"] == counters["total"] == 1 and counters["connections"] == 1
    assert "t2" in emu.config()["candidate"]


def test_a_lost_reply_is_sent_again_for_a_read_never_for_a_write(emu: EmulatorControl, provider: dict[str, Any]) -> None:
    conn = FirewallConnection(provider, sleep=lambda seconds: None)
    conn.op(CLOCK)
    emu.inject_fault("config", "reset")
    emu.inject_fault("user-id", "reset")
    emu.reset_counters()
    with pytest.raises(FirewallError) as info:
        conn.config("edit", TAG_XPATH + "/entry[@name='t3']", ET.Element("entry", name="t3"))
    assert "may have been carried out" in str(info.value) and emu.counters()["config"] == 1
    uid = ET.fromstring("<uid-message><type>update</type><payload><register><entry ip='10.0.0.1'><tag>"
                        "<member>t3</member></tag></entry></register></payload></uid-message>")
    with pytest.raises(FirewallError):
        conn.user_id(uid)
    assert emu.counters()["user-id"] == 1
    emu.inject_fault("op", "reset")
    conn.op(CLOCK)
    assert emu.counters()["op"] == 2


@pytest.fixture(scope="module")
def panorama() -> Iterator[dict[str, Any]]:
    process, info = start_emulator("--panorama", "--firewalls", "20", "--max-concurrent", "5", "--queue-seconds", "60",
                                   "--latency-ms", "100")
    try:
        yield info
    finally:
        stop_emulator(process)


def test_threads_through_one_panorama_keep_its_limit_unless_told_otherwise(panorama: dict[str, Any]) -> None:
    """Each thread's FirewallConnection holds slots of its own (as a fork does): five at most in flight;
    with ``max_in_flight: 0`` the emulator sees all ten at once (so the counter would catch a leak)."""
    pano = EmulatorControl(panorama)
    serials = panorama["firewalls"][:10]

    def run(max_in_flight: int) -> dict[str, int]:
        pano.reset()

        def one(serial: str) -> None:
            conn = FirewallConnection(dict(provider_for(panorama), serial_number=serial, max_in_flight=max_in_flight))
            conn.op(CLOCK)
            conn.close()

        threads = [threading.Thread(target=one, args=(serial,)) for serial in serials]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return pano.counters()

    kept = run(5)
    assert kept["keygen"] == 10 and kept["max_in_flight"] <= 5 and kept["refused"] == 0  # the ops count on each firewall
    assert run(0)["max_in_flight"] > 5


@pytest.mark.playbook
def test_twenty_hosts_at_twenty_forks_through_one_panorama_never_exceed_five(
        panorama: dict[str, Any], tmp_path: Path) -> None:
    pano = EmulatorControl(panorama)
    pano.reset()
    hosts = {f"fw-{index}": {"panos_provider": {"ip_address": panorama["host"], "port": panorama["port"],
                                                "serial_number": serial}}
             for index, serial in enumerate(panorama["firewalls"], start=1)}
    (tmp_path / "inventory.json").write_text(json.dumps({"firewalls": {"hosts": hosts}}))
    (tmp_path / "play.yml").write_text(json.dumps([{
        "hosts": "firewalls", "gather_facts": False, "connection": "local",
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        "tasks": [{"tagwarden.panos.dag_register": {"provider": "{{ panos_provider }}", "ips": ["192.0.2.7"],
                                                    "tags": ["fleet"]}}]}]))
    proc = ansible_cli.playbook(tmp_path / "play.yml", "-i", str(tmp_path / "inventory.json"), "-f", "20",
                                env=ansible_cli.panos_env(provider_for(panorama)), timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    assert len(re.findall(r"^fw-\d+\s+: ok=1\s+changed=1\s+unreachable=0\s+failed=0", output, re.MULTILINE)) == 20
    counters = pano.counters()
    assert counters["max_in_flight"] <= 5 and counters["refused"] == 0
    assert counters["connections"] == 20  # one per module run
