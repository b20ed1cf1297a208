"""``python -m tests.emulator`` is a thin alias of ``python -m panos_emulator``, and the doubles' entry
points (what ``make demo`` runs) never import pytest."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys

import pan.xapi

from panos_emulator.process import ROOT

ENTRY_POINTS = ("panos_emulator.run", "panos_emulator.__main__", "tests.emulator.__main__", "lumu_emulator.run",
                "lumu_emulator.__main__", "aws_double.run", "aws_double.demo")


def test_python_m_tests_emulator_serves_the_emulator() -> None:
    process = subprocess.Popen([sys.executable, "-m", "tests.emulator", "--port", "0", "--password", "s3cret"],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        api = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username="admin", api_password="s3cret",
                               ssl_context=ssl.create_default_context(cafile=info["ca_file"]))
        api.op("show clock", cmd_xml=True)
        assert api.status == "success"
    finally:
        process.terminate()
        assert process.wait(timeout=10) == 0


def test_the_demo_path_imports_no_pytest() -> None:
    script = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n" \
             "    assert 'pytest' not in sys.modules, name + ' imported pytest'\n"
    done = subprocess.run([sys.executable, "-c", script, *ENTRY_POINTS], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
