"""Pytest fixtures (a pytest plugin: ``pytest_plugins = ["lumu_emulator.pytest_plugin"]``).

One in-process Lumu emulator per session (per xdist worker), reset for each test.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from .client import LumuControl
from .server import LumuEmulator


@pytest.fixture(scope="session")
def lumu_server() -> Iterator[LumuEmulator]:
    with LumuEmulator() as server:
        yield server


@pytest.fixture
def lumu(lumu_server: LumuEmulator) -> Iterator[LumuControl]:  # pylint: disable=redefined-outer-name
    """The emulator, reset (incidents, faults, limits, counters), as a LumuControl; its key restored after."""
    key = lumu_server.key
    control = LumuControl(lumu_server.info)
    control.reset()
    yield control
    lumu_server.key = key
