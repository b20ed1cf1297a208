"""The connection against the emulator's fault injection: "commit in progress" answered to other
requests, and a malformed reply to a commit that went through."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from panos_emulator.client import EmulatorControl

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection

TAG_XPATH = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/tag"


def tag(name: str) -> ET.Element:
    return ET.Element("entry", name=name)


def test_commit_in_progress_on_config_op_and_user_id_is_retried(emu: EmulatorControl, provider: dict[str, Any]) -> None:
    conn = FirewallConnection(provider, sleep=lambda seconds: None)
    for request_type in ("config", "op", "user-id"):
        emu.inject_fault(request_type, "commit-in-progress", count=2)
    conn.config("set", TAG_XPATH, tag("t1"))
    conn.op(ET.fromstring("<show><clock/></show>"))
    uid = ET.fromstring("<uid-message><type>update</type><payload><register><entry ip='10.0.0.1'><tag>"
                        "<member>t1</member></tag></entry></register></payload></uid-message>")
    conn.user_id(uid)
    assert conn.api_calls == 1 + 3 * 3  # keygen, then each request refused twice and sent a third time
    assert emu.counters()["config"] == 3


def test_malformed_reply_to_a_commit_that_went_through_still_says_committed(
        emu: EmulatorControl, provider: dict[str, Any]) -> None:
    conn = FirewallConnection(provider, sleep=lambda seconds: None)
    conn.config("set", TAG_XPATH, tag("t2"))
    emu.inject_fault("commit", "malformed")
    emu.reset_counters()
    result = conn.commit_partial(provider["username"])
    assert result["changed"] and result["result"] == "OK" and result["job_id"]
    assert emu.counters()["commit"] == 1  # looked up, not sent twice
    assert "t2" in emu.config()["running"]
