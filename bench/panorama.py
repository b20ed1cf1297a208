"""One quota cycle across 20 firewalls behind one Panorama: `python bench/panorama.py`.

The emulator runs in Panorama mode with 20 managed firewalls (``--latency-ms 20``: a management
plane's round trip), each bootstrapped, with 100 addresses in its last complete 15-minute bucket, one
in ten over the IP quota. The inventory comes from the ``tagwarden.panos.panorama`` plugin, and
``ansible-playbook tagwarden.panos.quota_cycle -f 20`` runs the cycle on every firewall through
Panorama: the cycle that blocks, then the next one in the same bucket (nothing new, the usual
minute). Prints the wall time, the controller's CPU seconds (ansible-playbook and its forks, not
the emulator) per firewall, and how many firewalls one controller core serves at a one-minute
cadence (60 s / CPU seconds per firewall), beside the aim of at most 0.4 s per firewall (the cycle
runs in Ansible's worker through its action plugin, and the role and the credentials play run few
tasks per host); asserts nothing about time.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from lxml import etree  # noqa: E402

from panos_emulator.builders import config, dag, report, rule  # noqa: E402
from panos_emulator.client import EmulatorControl  # noqa: E402
from panos_emulator.process import provider_for, start_emulator, stop_emulator  # noqa: E402
from tests.integration.ansible_cli import panos_env, playbook  # noqa: E402

FIREWALLS = 20
ROWS = 100  # addresses per firewall in the report
QUOTA = 20_000_000
CADENCE = 60.0
AIM = 0.4  # controller CPU seconds per firewall and cycle (issue 17)


def load(control: EmulatorControl) -> None:
    """Every firewall bootstrapped, ROWS addresses in its last complete bucket, every tenth over quota."""
    rules = (rule("BlockQuotaDAG", action="deny", source=["quota"]),
             rule("Allow-Outbound", application=["any"], service=["any"]))
    tree = etree.tostring(config(rules=rules, reports=(report(),), address_group=[dag("quota", "'quota'")])).decode()
    control.advance(900 - control.now()["epoch"] % 900)
    bucket = control.now()["epoch"] - 450
    records = [{"time": bucket, "src": "10.1.%d.%d" % (index >> 8, index & 255), "user": "acme\\user%04d" % index,
                "bytes": QUOTA + 1 if index % 10 == 0 else QUOTA // 20} for index in range(ROWS)]
    for serial in control.info["firewalls"]:
        firewall = control.firewall(serial)
        firewall.set_config(tree)
        firewall.add_traffic(records)


def timed_cycle(inventory: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, controller CPU seconds) of one ansible-playbook run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = playbook("tagwarden.panos.quota_cycle", "-i", str(inventory), "-f", str(FIREWALLS),
                    "-e", json.dumps({"quota_ip": "20MB", "quota_user": "1GB", "quota_group": "10GB"}), env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        sys.exit("quota_cycle failed:\n" + (proc.stdout + proc.stderr)[-3000:])
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    process, info = start_emulator("--panorama", "--firewalls", str(FIREWALLS), "--latency-ms", "20")
    try:
        control = EmulatorControl(info)
        load(control)
        with tempfile.TemporaryDirectory() as tmp:
            inventory = Path(tmp) / "panorama.yml"
            inventory.write_text(json.dumps({"plugin": "tagwarden.panos.panorama", "ip_address": info["host"],
                                             "port": info["port"]}))
            env = panos_env(provider_for(info))
            print("quota cycle through one Panorama, %d firewalls, -f %d, %d report rows each"
                  % (FIREWALLS, FIREWALLS, ROWS))
            for label in ("blocking cycle", "next cycle (nothing new)"):
                wall, cpu = timed_cycle(inventory, env)
                per_firewall = cpu / FIREWALLS
                print("  %-26s wall %6.1f s   controller CPU %6.1f s = %.2f s per firewall   "
                      "-> one core serves ~%d firewalls at a %d s cadence"
                      % (label, wall, cpu, per_firewall, CADENCE / per_firewall, CADENCE))
            print("  (aim: at most %.1f s of controller CPU per firewall and cycle)" % AIM)
    finally:
        stop_emulator(process)


if __name__ == "__main__":
    main()
