"""``python -m panos_emulator``: serve the emulator, print one JSON line with its address, stop on a signal."""

from __future__ import annotations

import argparse
import sys

from double_server.serving import serve_until_signalled

from .models import DEFAULT_PLATFORM, DEFAULT_SW_VERSION, PLATFORMS
from .plane import DEFAULT_LIMIT, DEFAULT_QUEUE_SECONDS
from .server import EmulatorServer


def _admin(text: str) -> tuple[str, str]:
    name, sep, password = text.partition(":")
    if not sep or not name:
        raise argparse.ArgumentTypeError("expected NAME:PASSWORD")
    return name, password


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m panos_emulator", description="PAN-OS XML API emulator for tests")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default 0)")
    parser.add_argument("--username", default="admin", help="administrator name (default admin)")
    parser.add_argument("--password", default=None, help="administrator password (default: random, printed)")
    parser.add_argument("--admin", type=_admin, action="append", default=[], metavar="NAME:PASSWORD",
                        help="a further administrator, e.g. for partial commits (repeatable)")
    parser.add_argument("--state-dir", default=None, help="directory for the CA and certificate (default: a temp dir)")
    parser.add_argument("--model", default=DEFAULT_PLATFORM, choices=sorted(PLATFORMS),
                        help=f"the firewall model: system info and registered-IP capacity (default {DEFAULT_PLATFORM})")
    parser.add_argument("--sw-version", default=DEFAULT_SW_VERSION,
                        help=f"PAN-OS version the emulator answers as (default {DEFAULT_SW_VERSION})")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="the management plane's time per XML API request, in milliseconds (default 0)")
    parser.add_argument("--rtt-ms", type=float, default=0.0,
                        help="the network's round trip in milliseconds: a new connection costs TCP's and TLS's "
                             "handshakes (2 round trips with TLS 1.3), every request one more (default 0)")
    parser.add_argument("--max-concurrent", type=int, default=DEFAULT_LIMIT,
                        help=f"XML API requests a device serves at once; more wait (--queue-seconds), then get "
                             f"code 22 'Session timed out'; 0 = no limit (default {DEFAULT_LIMIT}, PAN-OS's guidance)")
    parser.add_argument("--queue-seconds", type=float, default=DEFAULT_QUEUE_SECONDS,
                        help=f"how long a request over --max-concurrent waits for a slot (default {DEFAULT_QUEUE_SECONDS:g})")
    parser.add_argument("--panorama", action="store_true",
                        help="answer as Panorama, managing --firewalls emulated firewalls (reached with target=SERIAL)")
    parser.add_argument("--firewalls", type=int, default=0, help="managed firewalls in --panorama mode (default 0)")
    args = parser.parse_args(argv)

    try:
        server = EmulatorServer(args.host, args.port, args.username, args.password, args.state_dir, dict(args.admin),
                                model=args.model, sw_version=args.sw_version, latency_ms=args.latency_ms,
                                panorama_mode=args.panorama, firewalls=args.firewalls, rtt_ms=args.rtt_ms,
                                max_concurrent=args.max_concurrent, queue_seconds=args.queue_seconds)
    except ValueError as exc:
        parser.error(str(exc))

    return serve_until_signalled(server)


if __name__ == "__main__":
    sys.exit(main())
