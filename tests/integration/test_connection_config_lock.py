"""The collection's connection meets another admin's config lock on the emulator: the error names
the lock holder and the way out (kept here, not in panos_emulator/, which imports nothing from the collection)."""

from __future__ import annotations

from typing import Iterator

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError
from panos_emulator.server import EmulatorServer
from panos_emulator.tests.test_config_lock import LOCK, client


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(username="admin", password="Admin-pass1", admins={"other": "Other-pass1"}) as emulator:
        yield emulator


def test_our_connection_names_the_lock_and_the_way_out(server: EmulatorServer) -> None:
    server.reset()
    other = client(server.info, "other", "Other-pass1")
    other.op(cmd=LOCK)
    info = server.info
    conn = FirewallConnection({"ip_address": info["host"], "port": info["port"], "username": "admin",
                               "password": "Admin-pass1", "ca_path": info["ca_file"]})
    with pytest.raises(FirewallError) as raised:
        conn.commit_partial("admin")
    assert raised.value.kind == "locked"
    assert "Configuration is locked by other" in str(raised.value) and "releases the lock" in str(raised.value)
