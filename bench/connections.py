"""What a connection and a request cost the controller: `python bench/connections.py [requests]`.

One `show clock` after another against a fresh emulator, three ways:
1. pan-python's PanXapi (what the collection used before 0.2): urllib, a new TCP and TLS connection per request;
2. FirewallConnection closing its connection after every request (the same code, a handshake each time);
3. FirewallConnection as the modules use it: one kept-alive connection.
Each without a network round trip, then with ``--rtt-ms 20`` (a WAN link: a new connection costs TCP's
and TLS 1.3's handshakes, two round trips, before its request's own). Prints per request: the client's
CPU time (this process; the emulator runs in another) and the wall time, and the connections the
emulator counted. Asserts nothing about time.
"""

from __future__ import annotations

import ssl
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pan.xapi  # noqa: E402

from panos_emulator.client import EmulatorControl  # noqa: E402
from panos_emulator.process import provider_for, start_emulator, stop_emulator  # noqa: E402
from tests.integration.ansible_cli import link_collection  # noqa: E402

sys.path.insert(0, str(link_collection()))

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection  # noqa: E402

SHOW_CLOCK = "<show><clock/></show>"
RTT_MS = 20


def pan_python(info: dict[str, Any]) -> Callable[[], None]:
    xapi = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                            api_password=info["password"], ssl_context=ssl.create_default_context(cafile=info["ca_file"]))
    xapi.keygen()
    return lambda: xapi.op(SHOW_CLOCK)


def ours(info: dict[str, Any], keep_alive: bool) -> Callable[[], None]:
    conn = FirewallConnection(provider_for(info))
    clock = ET.fromstring(SHOW_CLOCK)
    conn.op(clock)  # the key

    def one() -> None:
        conn.op(clock)
        if not keep_alive:
            conn.close()

    return one


def measure(emu: EmulatorControl, send: Callable[[], None], count: int) -> tuple[float, float, int]:
    """(client CPU ms, wall ms) per request, and the connections the emulator counted for them."""
    emu.reset_counters()
    cpu, wall = time.process_time(), time.perf_counter()
    for _request in range(count):
        send()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return cpu / count * 1000, wall / count * 1000, emu.counters()["connections"]


def main(count: int) -> None:
    ways = (("pan-python (new connection per request)", pan_python),
            ("ours, new connection per request", lambda info: ours(info, False)),
            ("ours, one kept-alive connection", lambda info: ours(info, True)))
    print(f"{'':42} {'rtt':>6} {'requests':>9} {'CPU ms/req':>11} {'wall ms/req':>12} {'new connections':>16}")
    for rtt in (0, RTT_MS):
        process, info = start_emulator("--rtt-ms", str(rtt))
        try:
            emu = EmulatorControl(info)
            requests = count if not rtt else max(count // 4, 10)
            for name, make in ways:
                cpu, wall, connections = measure(emu, make(info), requests)
                print(f"{name:42} {rtt:>4}ms {requests:>9} {cpu:>11.3f} {wall:>12.2f} {connections:>16}")
        finally:
            stop_emulator(process)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
