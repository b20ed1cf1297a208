"""``python -m lumu_emulator``: serve the emulator, print one JSON line with its address, stop on a signal."""

from __future__ import annotations

import argparse
import sys

from double_server.serving import serve_until_signalled

from .server import LumuEmulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lumu_emulator", description="Lumu Defender API emulator for tests")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default 0)")
    parser.add_argument("--key", default=None, help="the company key (default: random, printed)")
    parser.add_argument("--state-dir", default=None, help="directory for the CA and certificate (default: a temp dir)")
    args = parser.parse_args(argv)

    server = LumuEmulator(args.host, args.port, args.key, args.state_dir)

    return serve_until_signalled(server)


if __name__ == "__main__":
    sys.exit(main())
