"""Configuration locks: while another admin holds one, changes and commits are refused with the
PAN-OS text "Configuration is locked by <admin>"; pan-python takes and releases the lock."""

from __future__ import annotations

import ssl
from typing import Any, Iterator

import pan.xapi
import pytest

from panos_emulator.server import EmulatorServer

VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"
TAG = "<entry name='maintenance'><comments>pending</comments></entry>"
LOCK = "<request><config-lock><add><comment>change window</comment></add></config-lock></request>"
UNLOCK = "<request><config-lock><remove/></config-lock></request>"


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(username="admin", password="Admin-pass1", admins={"other": "Other-pass1"}) as emulator:
        yield emulator


def client(info: dict[str, Any], user: str, password: str) -> pan.xapi.PanXapi:
    api = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=user, api_password=password,
                           ssl_context=ssl.create_default_context(cafile=info["ca_file"]))
    api.keygen()
    return api


def test_another_admins_lock_refuses_changes_and_commits_until_released(server: EmulatorServer) -> None:
    server.reset()
    admin, other = client(server.info, "admin", "Admin-pass1"), client(server.info, "other", "Other-pass1")
    other.op(cmd=LOCK)
    assert other.element_root.findtext("result") == "Successfully acquired lock"
    admin.op(cmd="<show><config-locks/></show>")
    assert [e.get("name") for e in admin.element_root.findall("./result/config-locks/entry")] == ["other"]

    with pytest.raises(pan.xapi.PanXapiError, match="Configuration is locked by other"):
        admin.set(xpath=VSYS + "/tag", element=TAG)
    with pytest.raises(pan.xapi.PanXapiError, match="Configuration is locked by other"):
        admin.commit(cmd="<commit><partial><admin><member>admin</member></admin></partial></commit>")
    with pytest.raises(pan.xapi.PanXapiError, match="Configuration is locked by other"):
        admin.op(cmd=LOCK)
    other.set(xpath=VSYS + "/tag", element=TAG)  # the holder works as usual

    other.op(cmd=UNLOCK)
    admin.set(xpath=VSYS + "/tag", element=TAG)
    with pytest.raises(pan.xapi.PanXapiError, match="not currently locked"):
        other.op(cmd=UNLOCK)
