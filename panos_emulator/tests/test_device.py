"""What the emulator is started as: model and PAN-OS version (system info, type=version) and the
management-plane latency added to every XML API request."""

from __future__ import annotations

import ssl
import subprocess
import sys
import time
import urllib.error

import pan.xapi
import pytest
from panos.firewall import Firewall

from panos_emulator.client import EmulatorControl
from panos_emulator.process import ROOT, start_emulator, stop_emulator
from panos_emulator.server import EmulatorServer


def _xapi(info: dict) -> pan.xapi.PanXapi:
    return pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                            api_password=info["password"], ssl_context=ssl.create_default_context(cafile=info["ca_file"]))


def _system_info(api: pan.xapi.PanXapi) -> dict[str, str]:
    api.op("<show><system><info/></system></show>")
    return {e.tag: e.text or "" for e in api.element_root.find("result/system")}


def test_default_device_is_a_vm_300_on_10_2(xapi: pan.xapi.PanXapi, firewall: Firewall) -> None:
    info = _system_info(xapi)
    assert (info["model"], info["family"], info["vm-license"], info["sw-version"]) == ("PA-VM", "vm", "VM-300", "10.2.9")
    system = firewall.refresh_system_info()
    assert (system.version, system.platform, firewall.version) == ("10.2.9", "PA-VM", "10.2.9")


def test_model_and_version_in_process() -> None:
    with EmulatorServer(model="PA-440", sw_version="10.1.6-h3") as server:
        api = _xapi(server.info)
        info = _system_info(api)
        assert (info["model"], info["family"], info["sw-version"]) == ("PA-440", "400", "10.1.6-h3")
        assert "vm-license" not in info
        api.ad_hoc("type=version", modify_qs=True)
        assert api.element_root.findtext("result/model") == "PA-440"
        server.reset()  # the device stays what it was started as
        assert _system_info(api)["model"] == "PA-440"
    with pytest.raises(ValueError, match="unknown model 'PA-1'"):
        EmulatorServer(model="PA-1")
    with pytest.raises(ValueError, match="sw-version 'ten'"):
        EmulatorServer(sw_version="ten")


def test_command_line_model_version_and_latency() -> None:
    process, info = start_emulator("--model", "VM-50", "--sw-version", "9.1.0", "--latency-ms", "40")
    try:
        api = _xapi(info)
        api.keygen()
        started = time.monotonic()
        info_fields = _system_info(api)
        assert time.monotonic() - started >= 0.04  # the round trip carries the latency
        assert (info_fields["vm-license"], info_fields["sw-version"]) == ("VM-50", "9.1.0")
        assert EmulatorControl(info).latency() == 40
    finally:
        stop_emulator(process)
    refused = subprocess.run([sys.executable, "-m", "panos_emulator", "--model", "PA-1"], cwd=ROOT,
                             capture_output=True, text=True, timeout=30, check=False)
    assert refused.returncode == 2 and "invalid choice: 'PA-1'" in refused.stderr


def test_latency_applies_to_every_api_request_but_not_the_control_plane(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    emu.set_latency(50)
    try:
        for call in (lambda: xapi.op("<show><clock/></show>"), lambda: xapi.get(xpath="/config/shared"), xapi.keygen):
            started = time.monotonic()
            call()
            assert time.monotonic() - started >= 0.05
        with pytest.raises(urllib.error.HTTPError):
            emu.set_latency(-1)
    finally:
        emu.set_latency(0)
    assert emu.latency() == 0
