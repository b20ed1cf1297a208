"""Pytest fixtures (a pytest plugin: ``pytest_plugins = ["panos_emulator.pytest_plugin"]``): one emulator per xdist worker."""

from __future__ import annotations

import ssl
from typing import Any, Iterator

import pan.xapi
import pytest
from panos.firewall import Firewall

from .client import EmulatorControl
from .process import provider_for, start_emulator, stop_emulator


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
