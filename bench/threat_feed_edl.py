"""A threat feed as External Dynamic Lists against today's output: `python bench/threat_feed_edl.py [ips] [domains] [firewalls]`.

100,000 IP indicators and 20,000 domains (a plain list, exact mode) go to N emulated firewalls (1, or
N managed by an emulated Panorama, each addressed through it with ``target``), two ways:

- today's output (``_feeds._sync.sync``: registrations of the tag, entries of the custom URL category,
  one partial commit), a first run and a steady second run on ONE firewall; every firewall of a fleet
  receives the same requests, so the fleet figures are that firewall's times N (printed as such: the
  emulator is not asked to hold N × 100,000 registrations);
- the EDL output (``_feeds._edl_run.run``): one publish into a directory served over HTTPS, the
  bootstrap of the EDL objects on each firewall (one partial commit each), the firewalls' fetch at their
  five-minute interval (the emulator's clock), then a steady run: the publish again and the status read on
  each firewall - measured on all N.

Prints the XML API calls per firewall by type, the commits, and the wall time of the first and the
steady run. Asserts nothing about time.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# pylint: disable=wrong-import-position

# pylint: disable=wrong-import-position
from panos_emulator.client import EmulatorControl  # noqa: E402
from panos_emulator.listserver import ListServer  # noqa: E402
from panos_emulator.process import provider_for, start_emulator, stop_emulator  # noqa: E402
from tests.integration.ansible_cli import link_collection  # noqa: E402

sys.path.insert(0, str(link_collection()))

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet  # noqa: E402
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl import EdlOptions  # noqa: E402
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_objects import (  # noqa: E402
    EdlObjectSettings,
    ensure,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_publish import DirectoryTarget  # noqa: E402
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_run import run  # noqa: E402
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_status import status  # noqa: E402
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._lists import ListSource  # noqa: E402
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._sync import Options, sync  # noqa: E402
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import HttpsClient, HttpsSettings  # noqa: E402
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection  # noqa: E402

KINDS = ("op", "user-id", "config", "commit")
PROFILE = "<entry name='edl-server'><CA><entry name='edl-ca'/></CA></entry>"


def feed_file(directory: Path, ips: int, domains: int) -> Path:
    path = directory / "feed.txt"
    lines = ["10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255) for i in range(1, ips + 1)]
    lines += ["host%d.bench.example" % i for i in range(domains)]
    path.write_text("\n".join(lines) + "\n")
    return path


def counted(controls: List[EmulatorControl], action: Callable[[], Any]) -> tuple[float, Dict[str, float]]:
    """(wall seconds, API calls per firewall by type) of ``action``."""
    for control in controls:
        control.reset_counters()
    started = time.perf_counter()
    action()
    elapsed = time.perf_counter() - started
    totals = dict.fromkeys(KINDS, 0)
    for control in controls:
        counts = control.counters()
        for kind in KINDS:
            totals[kind] += counts.get(kind, 0)
    return elapsed, {kind: totals[kind] / len(controls) for kind in KINDS}


def line(label: str, elapsed: float, calls: Dict[str, float], firewalls: int = 1, scale: int = 1) -> None:
    shown = ", ".join("%s %g" % (kind, calls[kind]) for kind in KINDS if calls[kind])
    print("  %-44s %8.1f s   per firewall: %s   commits on %d firewalls: %g"
          % (label, elapsed * scale, shown or "nothing", firewalls, calls["commit"] * firewalls))


def today(control: EmulatorControl, provider: Dict[str, Any], path: Path, firewalls: int) -> None:
    options = Options("threat-feed", "threat-feed", "exact", 7 * 86400, 86400, False, "50%", 1000000)

    def once() -> None:
        sync(ChangeSet(FirewallConnection(provider), admin=provider["username"]), "list", {"path": str(path)}, options)
    for label in ("first run", "steady run"):
        elapsed, calls = counted([control], once)
        line("today, %s%s" % (label, "" if firewalls == 1 else " (x%d, computed)" % firewalls), elapsed, calls,
             firewalls, firewalls)


def edl(base: EmulatorControl, controls: List[EmulatorControl], providers: List[Dict[str, Any]], web: ListServer,
        path: Path) -> None:
    reader = HttpsClient(HttpsSettings(ca_path=str(web.tls.ca_file), retries=0))
    options = EdlOptions("tf", ("ip", "domain", "url"), mode="exact", max_entries={"ip": 150000},
                         url_list_domains=False)
    settings = EdlObjectSettings("tf", ("ip", "domain", "url"), web.url, "edl-server")

    def publish() -> None:
        run(ListSource({"path": str(path)}), HttpsClient(), reader, DirectoryTarget(str(web.directory)), web.url,
            options, datetime.now(timezone.utc))

    def bootstrap() -> None:
        for provider in providers:
            conn = FirewallConnection(provider)
            conn.config("set", "/config/shared/certificate", _certificate(web))
            conn.config("set", "/config/shared/certificate-profile", _element(PROFILE))
            ensure(ChangeSet(conn, admin=provider["username"]), settings)

    def check() -> None:
        for provider in providers:
            status(FirewallConnection(provider), reader, "tf", ("ip", "domain", "url"), web.url)

    started = time.perf_counter()
    publish()
    published = time.perf_counter() - started
    elapsed, calls = counted(controls, bootstrap)
    line("EDL, first run: publish once", published, dict.fromkeys(KINDS, 0), len(providers))
    line("EDL, first run: bootstrap every firewall", elapsed, calls, len(providers))
    started = time.perf_counter()
    base.advance(300)  # every firewall's clock (no serial): each fetches the lists
    print("  %-44s %8.1f s   (the emulated firewalls fetch: no API call, no commit)"
          % ("EDL, the five-minute fetch", time.perf_counter() - started))
    elapsed, calls = counted(controls, publish)
    line("EDL, steady run: publish (nothing changed)", elapsed, calls, len(providers))
    elapsed, calls = counted(controls, check)
    line("EDL, steady run: status read of every firewall", elapsed, calls, len(providers))


def _element(text: str) -> Any:
    import xml.etree.ElementTree as ET  # pylint: disable=import-outside-toplevel
    return ET.fromstring(text)


def _certificate(web: ListServer) -> Any:
    from xml.sax.saxutils import escape  # pylint: disable=import-outside-toplevel
    return _element("<entry name='edl-ca'><common-name>edl-ca</common-name><public-key>%s</public-key></entry>"
                    % escape(web.tls.ca_file.read_text()))


def main(argv: List[str]) -> int:
    ips = int(argv[0]) if argv else 100000
    domains = int(argv[1]) if len(argv) > 1 else 20000
    firewalls = int(argv[2]) if len(argv) > 2 else 1
    args = ("--model", "VM-500") + (("--panorama", "--firewalls", str(firewalls)) if firewalls > 1 else ())
    process, info = start_emulator(*args)
    try:
        base = EmulatorControl(info)
        serials = info.get("firewalls") or [None]
        controls = [base.firewall(serial) if serial else base for serial in serials]
        # a commit's job fetches the new lists (140,000 lines) before it finishes: a generous reply timeout
        providers = [dict(provider_for(info), timeout=300, **({"serial_number": serial} if serial else {}))
                     for serial in serials]
        with tempfile.TemporaryDirectory() as directory:
            root = Path(directory) / "www"
            root.mkdir()
            path = feed_file(Path(directory), ips, domains)
            print("threat feed as EDLs: %d IP indicators, %d domains, %d firewall(s) (exact mode, emulator VM-500)"
                  % (ips, domains, firewalls))
            today(controls[0], providers[0], path, firewalls)
            with ListServer(root, Path(directory) / "tls") as web:
                edl(base, controls, providers, web, path)
    finally:
        stop_emulator(process)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
