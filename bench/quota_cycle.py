"""Time the quota cycle against a fresh emulator: `python bench/quota_cycle.py`.

1. `playbooks/quota_cycle.yml` (the whole path: Ansible, report job, User-ID reads, block state,
   evaluation, registrations) on a Quota report of 10,000 rows and of 100,000 rows, 10% of the
   addresses over the IP quota (and so their users over the user quota: both IPs of each are
   blocked). The traffic is loaded with the control plane's add_traffic in batches of 10,000 into
   the last complete 15-minute bucket. PAN-OS offers a Top N of at most 10,000 rows; the
   100,000-row report exists only on the emulator and stands for the traffic-log source.
2. The quota_evaluate core on 1,000,000 rows (bench/quota_evaluate_core.py's inputs).

Each size is timed twice: the cycle that blocks, then the next one in the same bucket (nothing new,
the usual minute). Prints each wall time and the headroom against the one-minute cadence (60 s / time); asserts
nothing about time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from lxml import etree  # noqa: E402

from quota_evaluate_core import make_inputs, time_evaluate  # noqa: E402
from panos_emulator.builders import config, dag, report, rule  # noqa: E402
from panos_emulator.client import EmulatorControl  # noqa: E402
from panos_emulator.process import provider_for, start_emulator, stop_emulator  # noqa: E402
from tests.integration.ansible_cli import panos_env, playbook  # noqa: E402

CADENCE = 60.0  # seconds between cycles
BATCH = 10_000  # add_traffic records per request
QUOTA = 20_000_000


def load(control: EmulatorControl, rows: int) -> None:
    """A bootstrapped firewall whose last complete bucket holds ``rows`` addresses, two per user,
    every tenth one over quota."""
    control.reset()
    rules = (rule("BlockQuotaDAG", action="deny", source=["quota"]), rule("Allow-Outbound", application=["any"], service=["any"]))
    tree = config(rules=rules, reports=(report(topn=rows),), address_group=[dag("quota", "'quota'")])
    control.set_config(etree.tostring(tree).decode())
    control.advance(900 - control.now()["epoch"] % 900)
    bucket = control.now()["epoch"] - 450
    records = [{"time": bucket, "src": "10.%d.%d.%d" % (index >> 16, (index >> 8) & 255, index & 255),
                "user": "acme\\user%06d" % (index // 2), "bytes": QUOTA + 1 if index % 10 == 0 else QUOTA // 20}
               for index in range(rows)]
    for start in range(0, rows, BATCH):
        control.add_traffic(records[start:start + BATCH])


def cycle_seconds(info: dict[str, Any]) -> float:
    start = time.perf_counter()
    proc = playbook(ROOT / "playbooks" / "quota_cycle.yml", env=panos_env(provider_for(info)))
    seconds = time.perf_counter() - start
    if proc.returncode:
        sys.exit("quota_cycle.yml failed:\n" + (proc.stdout + proc.stderr)[-3000:])
    return seconds


def show(what: str, seconds: float) -> None:
    print("%-58s %7.2f s   headroom %5.1fx against a %d s cycle" % (what, seconds, CADENCE / seconds, CADENCE))


def main() -> int:
    process, info = start_emulator()
    try:
        control = EmulatorControl(info, timeout=300)
        for rows in (10_000, 100_000):
            load(control, rows)
            for what in ("%d IPs blocked" % (rows // 5), "steady, nothing new"):
                control.reset_counters()
                seconds = cycle_seconds(info)
                show("cycle, %d-row report, %s (%d API calls)" % (rows, what, control.counters()["total"]), seconds)
    finally:
        stop_emulator(process)
    show("quota_evaluate core, 1,000,000 rows (best of 3)", time_evaluate(make_inputs(1_000_000)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
