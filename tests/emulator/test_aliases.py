"""The old entry points still work: ``python -m tests.emulator`` and ``python -m tests.emulator.run``
are aliases of ``panos_emulator``, and starting the emulator never imports pytest (``make demo``)."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys

import pan.xapi

from panos_emulator.process import ROOT

NO_PYTEST = "import sys; assert 'pytest' not in sys.modules, 'pytest imported'; "


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


def test_run_alias_passes_the_exit_code_and_loads_no_pytest() -> None:
    script = ("import json, os, sys; info = json.loads(os.environ['EMULATOR_INFO']);"
              "assert os.environ['PANOS_PORT'] == str(info['port']); sys.exit(5)")
    done = subprocess.run([sys.executable, "-m", "tests.emulator.run", "--", sys.executable, "-c", script],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 5, done.stderr


def test_the_demo_path_imports_no_pytest() -> None:
    for module in ("panos_emulator.run", "panos_emulator.__main__", "tests.emulator.run", "tests.emulator.__main__"):
        done = subprocess.run([sys.executable, "-c", f"import {module}; " + NO_PYTEST], cwd=ROOT,
                              capture_output=True, text=True, timeout=60, check=False,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 0, (module, done.stderr)
