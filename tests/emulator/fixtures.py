"""Pytest fixtures (a plugin loaded by tests/conftest.py): one emulator per xdist worker."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pan.xapi
import pytest
from panos.firewall import Firewall

from .client import EmulatorControl

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30


def start_emulator(*args: str) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """Start ``python -m tests.emulator --port 0`` and read its JSON line."""
    process = subprocess.Popen(  # pylint: disable=consider-using-with  # lives as long as the session
        [sys.executable, "-m", "tests.emulator", "--port", "0", *args],
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


@pytest.fixture(scope="session")
def emulator() -> Iterator[dict[str, Any]]:
    """The session's emulator (one per xdist worker): its info dict."""
    process, info = start_emulator()
    try:
        yield info
    finally:
        stop_emulator(process)


@pytest.fixture
def emu(emulator: dict[str, Any]) -> EmulatorControl:  # pylint: disable=redefined-outer-name
    """The emulator, reset to its initial state, as an EmulatorControl."""
    control = EmulatorControl(emulator)
    control.reset()
    return control


def provider_for(info: dict[str, Any]) -> dict[str, Any]:
    """A tagwarden.panos provider dict for an emulator (its info dict)."""
    return {"ip_address": info["host"], "port": info["port"], "username": info["username"],
            "password": info["password"], "ca_path": info["ca_file"]}


@pytest.fixture
def provider(emulator: dict[str, Any]) -> dict[str, Any]:  # pylint: disable=redefined-outer-name
    """A tagwarden.panos provider dict for the emulator."""
    return provider_for(emulator)


@pytest.fixture
def xapi(emu: EmulatorControl) -> pan.xapi.PanXapi:  # pylint: disable=redefined-outer-name
    """pan-python's PanXapi for the (reset) emulator, with a key already generated."""
    info = emu.info
    api = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                           api_password=info["password"], ssl_context=ssl.create_default_context(cafile=info["ca_file"]))
    api.keygen()
    return api


@pytest.fixture
def firewall(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> Firewall:  # pylint: disable=redefined-outer-name
    """pan-os-python's Firewall for the (reset) emulator; its xapi verifies the emulator's CA.

    pan-os-python generates a key over a connection of its own that checks no certificate, so the
    key comes from the verified ``xapi`` and the password never reaches pan-os-python.
    """
    info = emu.info
    device = Firewall(info["host"], api_key=xapi.api_key, port=info["port"])
    # pan-os-python never passes an ssl_context: the generated xapi object takes one.
    device.xapi.ssl_context = ssl.create_default_context(cafile=info["ca_file"])
    return device
