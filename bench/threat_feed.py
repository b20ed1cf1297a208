"""A threat feed at scale against a fresh emulator: `python bench/threat_feed.py [ips] [domains]`.

100,000 IP indicators and 20,000 domains (a plain list from a local file, the list source's own
parser), synced in this process (``_feeds._sync.sync`` on a FirewallConnection) twice: the first
sync, then a steady second run. Prints the XML API calls by type (the emulator's counters) and the
wall time of each; the second run writes nothing and reads about N/500 pages of registrations.
Asserts nothing about time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from panos_emulator.client import EmulatorControl  # noqa: E402
from panos_emulator.process import provider_for, start_emulator, stop_emulator  # noqa: E402
from tests.integration.ansible_cli import link_collection  # noqa: E402

sys.path.insert(0, str(link_collection()))

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet  # noqa: E402
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._sync import Options, sync  # noqa: E402
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection  # noqa: E402

KINDS = ("keygen", "op", "user-id", "config", "commit")


def feed_file(directory: Path, ips: int, domains: int) -> Path:
    path = directory / "feed.txt"
    lines = ["# bench feed"]
    lines += ["10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255) for i in range(1, ips + 1)]
    lines += ["host%d.bench.example" % i for i in range(domains)]
    path.write_text("\n".join(lines) + "\n")
    return path


def one_run(emu: EmulatorControl, provider: dict, path: Path) -> tuple[dict, float, dict]:
    emu.reset_counters()
    started = time.perf_counter()
    options = Options("threat-feed", "threat-feed", "exact", 7 * 86400, 86400, False, "50%", None)
    result = sync(ChangeSet(FirewallConnection(provider), admin=provider["username"]), "list", {"path": str(path)}, options)
    elapsed = time.perf_counter() - started
    counts = emu.counters()
    return {kind: counts.get(kind, 0) for kind in KINDS}, elapsed, result


def main(argv: list[str]) -> int:
    ips = int(argv[0]) if argv else 100000
    domains = int(argv[1]) if len(argv) > 1 else 20000
    process, info = start_emulator("--model", "VM-500")
    try:
        emu = EmulatorControl(info)
        provider = provider_for(info)
        with tempfile.TemporaryDirectory() as directory:
            path = feed_file(Path(directory), ips, domains)
            print("threat feed bench: %d IP indicators, %d domains (list source, exact mode, emulator VM-500)"
                  % (ips, domains))
            for label in ("first sync", "second run (steady)"):
                calls, elapsed, result = one_run(emu, provider, path)
                counts = result["counts"]
                print("%-20s %6.1f s  api calls %s  (total %d)  addresses new %d, urls new %d, changed %s"
                      % (label, elapsed, ", ".join("%s %d" % item for item in calls.items()), sum(calls.values()),
                         counts["addresses"]["new"], counts["urls"]["new"], result["changed"]))
            print("reads bound for the second run: N/500 = %d registered-ip pages (+ clock, system info, the timezone, 2 config gets)"
                  % (ips // 500))
    finally:
        stop_emulator(process)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
