"""``python -m lumu_emulator.run [--key KEY] -- CMD ARGS...``: run a command against a fresh Lumu emulator.

The command sees LUMU_BASE_URL, LUMU_COMPANY_KEY, LUMU_CA_PATH and LUMU_EMULATOR_INFO (the JSON
line); its exit code becomes ours. Chains with ``python -m panos_emulator.run -- ...`` (make demo).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from double_server.serving import split_command

from .server import LumuEmulator


def main(argv: list[str]) -> int:
    """``[--key KEY] -- CMD ARGS``."""
    options, command = split_command(argv)
    key = options[options.index("--key") + 1] if "--key" in options[:-1] else None
    if not command:
        sys.stderr.write("usage: python -m lumu_emulator.run [--key KEY] -- CMD [ARGS...]\n")
        return 2
    with LumuEmulator(key=key) as server:
        info = server.info
        env = {**os.environ, "LUMU_BASE_URL": info["base_url"], "LUMU_COMPANY_KEY": info["key"],
               "LUMU_CA_PATH": info["ca_file"], "LUMU_EMULATOR_INFO": json.dumps(info)}
        return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
