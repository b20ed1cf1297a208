"""``python -m panos_emulator.run [--latency-ms 30 ...] -- CMD ARGS...``: run a command against a fresh emulator.

The command sees PANOS_IP_ADDRESS, PANOS_PORT, PANOS_USERNAME, PANOS_PASSWORD, PANOS_CA_PATH and
EMULATOR_INFO (the JSON line); its exit code becomes ours.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from double_server.serving import split_command

from .process import start_emulator, stop_emulator


def main(argv: list[str]) -> int:
    """``[EMULATOR OPTIONS] -- CMD ARGS``: options before ``--`` go to ``python -m panos_emulator``."""
    options, command = split_command(argv)
    if not command:
        sys.stderr.write("usage: python -m panos_emulator.run [EMULATOR OPTIONS] -- CMD [ARGS...]\n")
        return 2
    process, info = start_emulator(*options)
    try:
        env = {**os.environ, "PANOS_IP_ADDRESS": info["host"], "PANOS_PORT": str(info["port"]),
               "PANOS_USERNAME": info["username"], "PANOS_PASSWORD": info["password"],
               "PANOS_CA_PATH": info["ca_file"], "EMULATOR_INFO": json.dumps(info)}
        return subprocess.call(command, env=env)
    finally:
        stop_emulator(process)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
