"""Run any tagwarden.panos module with ``ansible localhost -m`` and return its JSON result.

(test_dag_register.py has the same runner bound to dag_register inside the test file; this one
takes the module name.)
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS = ROOT / "build" / "collections"
BIN = Path(sys.executable).parent


def ansible_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PANOS_")}
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS), "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable, "ANSIBLE_LOCAL_TEMP": str(ROOT / "build" / "ansible-tmp"),
        "ANSIBLE_HOME": str(ROOT / "build" / "ansible-home"), "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false", "PYTHONWARNINGS": "ignore",
    })
    return env


def run_module(module: str, args: dict[str, Any], *flags: str) -> dict[str, Any]:
    """``ansible localhost -m tagwarden.panos.<module> -a <json> [flags]``; the result dict."""
    command = [str(BIN / "ansible"), "localhost", "-i", "localhost,", "-c", "local", "-m", "tagwarden.panos." + module,
               "-a", json.dumps(args), *flags]
    proc = subprocess.run(command, cwd=ROOT, env=ansible_env(), capture_output=True, text=True, timeout=300, check=False)
    match = re.search(r"^localhost \| ([A-Z!]+) => ", proc.stdout, re.MULTILINE)
    assert match, proc.stdout + proc.stderr
    result, _end = json.JSONDecoder().raw_decode(proc.stdout, match.end())
    result.setdefault("failed", match.group(1) == "FAILED!")  # the ad-hoc output states it only in the header
    return result
