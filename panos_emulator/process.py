"""Start and stop ``python -m panos_emulator`` as a subprocess (no pytest here: ``make demo`` uses it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

# The directory holding the package, so that ``python -m panos_emulator`` finds it from any cwd.
ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 30


def start_emulator(*args: str) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """Start ``python -m panos_emulator --port 0 ARGS`` and read its JSON line."""
    process = subprocess.Popen(  # pylint: disable=consider-using-with  # lives as long as the caller wants
        [sys.executable, "-m", "panos_emulator", "--port", "0", *args],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.wait(timeout=START_TIMEOUT)
        raise RuntimeError(f"the emulator exited with {process.returncode} before it was ready")
    return process, json.loads(line)


def stop_emulator(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def provider_for(info: dict[str, Any]) -> dict[str, Any]:
    """A provider dict (paloaltonetworks.panos / tagwarden.panos shape) for an emulator's info dict."""
    return {"ip_address": info["host"], "port": info["port"], "username": info["username"],
            "password": info["password"], "ca_path": info["ca_file"]}
