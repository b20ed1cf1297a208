"""The command line: ``python -m panos_emulator``, ``panos_emulator.run`` and pan-python's panxapi.py."""

from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
from pathlib import Path

import pan.xapi

from panos_emulator.client import EmulatorControl
from panos_emulator.process import ROOT, start_emulator

PANXAPI = Path(sys.executable).with_name("panxapi.py")


def test_module_prints_one_json_line_and_stops_on_sigterm(tmp_path: Path) -> None:
    process, info = start_emulator("--password", "s3cret", "--username", "root", "--state-dir", str(tmp_path))
    try:
        assert set(info) == {"url", "host", "port", "ca_file", "username", "password", "control_url"}
        assert (info["username"], info["password"], info["host"]) == ("root", "s3cret", "127.0.0.1")
        assert info["url"] == f"https://127.0.0.1:{info['port']}" and info["control_url"] == info["url"] + "/_emulator"
        api = pan.xapi.PanXapi(hostname="127.0.0.1", port=info["port"], api_username="root", api_password="s3cret",
                               ssl_context=ssl.create_default_context(cafile=info["ca_file"]))
        api.op("show clock", cmd_xml=True)
        assert api.status == "success"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    assert Path(info["ca_file"]).exists()  # a state dir given on the command line is kept


def test_random_password_when_none_is_given(emulator: dict) -> None:
    assert len(emulator["password"]) >= 12


def test_run_exports_the_connection_and_returns_the_exit_code() -> None:
    script = ("import json, os, sys; info = json.loads(os.environ['EMULATOR_INFO']);"
              "assert os.environ['PANOS_PORT'] == str(info['port']) and os.environ['PANOS_IP_ADDRESS'] == '127.0.0.1';"
              "assert os.environ['PANOS_USERNAME'] == info['username'] and os.environ['PANOS_PASSWORD'] == info['password'];"
              "assert os.path.exists(os.environ['PANOS_CA_PATH']); sys.exit(7)")
    done = subprocess.run([sys.executable, "-m", "panos_emulator.run", "--", sys.executable, "-c", script],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 7, done.stderr


def test_run_passes_options_before_the_separator_to_the_emulator() -> None:
    script = ("import json, os, sys; from panos_emulator.client import EmulatorControl;"
              "sys.exit(0 if EmulatorControl(json.loads(os.environ['EMULATOR_INFO'])).latency() == 25 else 3)")
    done = subprocess.run([sys.executable, "-m", "panos_emulator.run", "--latency-ms", "25", "--", sys.executable, "-c", script],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr


def test_panxapi_uid_message_from_a_file(emu: EmulatorControl, tmp_path: Path) -> None:
    info = emu.info
    key = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                           api_password=info["password"], ssl_context=ssl.create_default_context(cafile=info["ca_file"])).keygen()
    (tmp_path / ".panrc").write_text(f"hostname=127.0.0.1\nport={info['port']}\napi_key={key}\n")
    (tmp_path / "uid-register.xml").write_text(
        "<uid-message><type>update</type><payload><register>"
        "<entry ip='10.0.0.1' persistent='1'><tag><member timeout='0'>malicious</member></tag></entry>"
        "<entry ip='10.0.0.2' persistent='0'><tag><member timeout='3600'>malicious</member></tag></entry>"
        "</register></payload></uid-message>")
    done = subprocess.run([sys.executable, str(PANXAPI), "--cafile", info["ca_file"], "-U", "uid-register.xml"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False, stdin=subprocess.DEVNULL,
                          env={**os.environ, "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "dynamic-update: success"  # panxapi.py reports on stderr
    shown = subprocess.run([sys.executable, str(PANXAPI), "--cafile", info["ca_file"], "-j", "-o",
                            "<show><object><registered-ip><all/></registered-ip></object></show>"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False, stdin=subprocess.DEVNULL,
                           env={**os.environ, "HOME": str(tmp_path)})
    assert shown.returncode == 0, shown.stderr
    entries = json.loads(shown.stdout)["response"]["result"]["entry"]
    assert {(e["ip"], e["persistent"]) for e in entries} == {("10.0.0.1", "1"), ("10.0.0.2", "0")}
