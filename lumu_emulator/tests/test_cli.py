"""``python -m lumu_emulator`` prints one JSON ready line and serves until SIGTERM."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from lumu_emulator.client import LumuControl

ROOT = Path(__file__).resolve().parents[2]


def test_module_prints_a_ready_line_and_serves_until_terminated(tmp_path: Path) -> None:
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, "-m", "lumu_emulator", "--key", "k3y", "--state-dir", str(tmp_path)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        assert info["key"] == "k3y" and info["base_url"] == f"https://127.0.0.1:{info['port']}/api"
        assert Path(info["ca_file"]) == tmp_path / "ca.pem"
        assert LumuControl(info).counters()["total"] == 0
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0
    assert (tmp_path / "ca.pem").exists()  # a given state dir is kept
