"""A fleet behind one Panorama, three ways: `python bench/fleet.py [firewalls]` (default 100).

One emulated Panorama manages the firewalls, a management-plane limit of 5 requests at once per device
and a 20 ms network round trip (``--max-concurrent 5 --rtt-ms 20``, when this emulator has those
options; without them it runs without, and says so). Every run goes through the
``tagwarden.panos.panorama`` inventory and ``ansible-playbook -f 20``:

1. dag_register of 1,000 addresses for every firewall: per firewall through Panorama
   (``provider.serial_number``), then registered once on Panorama (``register_on: panorama``) for the
   firewalls that take its IP tags (they are set up as redistribution clients first, as
   ``tagwarden.panos.redistribution_agent`` does);
2. one threat feed run (a list of 10,000 addresses) both ways;
3. one quota cycle on every firewall (it stays per firewall: each has its own traffic).

Prints API calls, wall time, controller CPU per firewall, connections per firewall and requests the
management plane refused (from the emulator's counters, when it counts them). API calls include the
inventory's four (keygen and three reads on Panorama). Asserts nothing about time.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from lxml import etree  # noqa: E402

from bench.panorama import load as load_quota  # noqa: E402  # every firewall bootstrapped, a bucket of traffic
from panos_emulator.client import EmulatorControl  # noqa: E402
from panos_emulator.process import provider_for, start_emulator, stop_emulator  # noqa: E402
from tests.integration.ansible_cli import panos_env, playbook  # noqa: E402

FIREWALLS = 100
FORKS = 20
ADDRESSES = 1_000
FEED = 10_000
# Emulator options of the management plane, used when this emulator has them.
PLANE_OPTIONS = {"--max-concurrent": "5", "--rtt-ms": "20"}
AGENT = ("/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"
         "/redistribution-agent/entry[@name='tagwarden-panorama']")

PLAYBOOK = """\
---
- name: Fleet bench
  hosts: firewalls
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Register the addresses
      tagwarden.panos.dag_register:
        provider: "{{ panos_provider }}"
        register_on: "{{ register_on }}"
        ips: "{{ ips }}"
        tags: [fleet-bench]
        timeout: 3600
      run_once: "{{ register_on == 'panorama' }}"
      when: what == 'dag_register'

    - name: Run the feed
      tagwarden.panos.threat_feed_sync:
        provider: "{{ panos_provider }}"
        register_on: "{{ register_on }}"
        source: list
        list:
          path: "{{ feed_path }}"
        tag: threat-feed
      run_once: "{{ register_on == 'panorama' }}"
      when: what == 'feed'
"""


def plane_options() -> list[str]:
    """The management-plane options this emulator knows (``python -m panos_emulator --help``)."""
    usage = subprocess.run([sys.executable, "-m", "panos_emulator", "--help"], cwd=ROOT, capture_output=True,
                           text=True, check=False).stdout
    return [item for option, value in PLANE_OPTIONS.items() if option in usage for item in (option, value)]


def addresses(count: int, second: int = 0) -> list[str]:
    return ["10.%d.%d.%d" % (second, i >> 8 & 255, i & 255) for i in range(1, count + 1)]


def totals(control: EmulatorControl) -> dict[str, int]:
    """Counters summed over Panorama and its firewalls: every request reaches Panorama's management plane."""
    summed: dict[str, int] = {}
    for counters in [control.counters()] + [control.firewall(s).counters() for s in control.info["firewalls"]]:
        for key, value in counters.items():
            summed[key] = summed.get(key, 0) + value
    return summed


def take_from_panorama(control: EmulatorControl) -> None:
    """Every firewall a redistribution client of Panorama for IP tags (the running config, as after a commit)."""
    for serial in control.info["firewalls"]:
        firewall = control.firewall(serial)
        tree = etree.fromstring(firewall.config()["running"].encode())
        vsys = tree.find("devices/entry/vsys/entry")
        assert vsys is not None
        agent = etree.SubElement(etree.SubElement(vsys, "redistribution-agent"), "entry", name="tagwarden-panorama")
        etree.SubElement(agent, "serial-number").text = "panorama"
        etree.SubElement(agent, "ip-tags").text = "yes"
        firewall.set_config(etree.tostring(tree).decode())


def run(control: EmulatorControl, env: dict[str, str], *args: str) -> dict[str, Any]:
    """One ansible-playbook run from fresh counters: wall and controller CPU seconds, the emulator's counters."""
    for serial in [None] + list(control.info["firewalls"]):
        (control.firewall(serial) if serial else control).reset_counters()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = playbook(*args, "-f", str(FORKS), env=env, timeout=3600)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        sys.exit("%s failed:\n%s" % (args[0], (proc.stdout + proc.stderr)[-3000:]))
    return {"wall": wall, "cpu": after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
            "counters": totals(control)}


def line(label: str, result: dict[str, Any], firewalls: int) -> str:
    counters = result["counters"]
    text = "  %-34s %6d API calls  wall %6.1f s  controller CPU %5.2f s per firewall" % (
        label, counters["total"], result["wall"], result["cpu"] / firewalls)
    if "connections" in counters:
        text += "  connections %d (%.2f per firewall)  refused %d" % (
            counters["connections"], counters["connections"] / firewalls, counters.get("refused", 0))
    return text


def main(argv: list[str]) -> None:
    firewalls = int(argv[1]) if len(argv) > 1 else FIREWALLS
    options = plane_options()
    process, info = start_emulator("--panorama", "--firewalls", str(firewalls), *options)
    try:
        control = EmulatorControl(info)
        env = panos_env(provider_for(info))
        with tempfile.TemporaryDirectory() as tmp:
            inventory = Path(tmp) / "panorama.yml"
            inventory.write_text(json.dumps({"plugin": "tagwarden.panos.panorama", "ip_address": info["host"],
                                             "port": info["port"]}))
            book = Path(tmp) / "fleet.yml"
            book.write_text(PLAYBOOK)
            feed = Path(tmp) / "feed.txt"
            feed.write_text("".join(ip + "\n" for ip in addresses(FEED, 30)))
            emulator = " ".join(options) or "without a management-plane limit or round trip (options missing)"
            print("fleet: one Panorama, %d firewalls, ansible-playbook -f %d through the tagwarden.panos.panorama "
                  "inventory; emulator %s" % (firewalls, FORKS, emulator))

            def each(what: str, register_on: str, **extra: Any) -> dict[str, Any]:
                variables = Path(tmp) / "vars.json"
                variables.write_text(json.dumps(dict(extra, what=what, register_on=register_on, feed_path=str(feed))))
                return run(control, env, str(book), "-i", str(inventory), "-e", "@%s" % variables)

            for what, label, extra in (("dag_register", "dag_register of %d addresses" % ADDRESSES,
                                        {"ips": addresses(ADDRESSES, 20)}),
                                       ("feed", "feed run of %d addresses" % FEED, {})):
                control.reset()
                per_firewall = each(what, "firewall", **extra)
                control.reset()
                take_from_panorama(control)
                once = each(what, "panorama", **extra)
                print(what + ":")
                print(line("per firewall through Panorama", per_firewall, firewalls))
                print(line("registered once on Panorama", once, firewalls))

            control.reset()
            load_quota(control)
            cycle = run(control, env, "tagwarden.panos.quota_cycle", "-i", str(inventory),
                        "-e", json.dumps({"quota_ip": "20MB", "quota_user": "1GB", "quota_group": "10GB"}))
            print("quota cycle (per firewall: each has its own traffic):")
            print(line("blocking cycle on every firewall", cycle, firewalls))
    finally:
        stop_emulator(process)


if __name__ == "__main__":
    main(sys.argv)
