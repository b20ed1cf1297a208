"""The test security-policy-match wrapper."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._match import PolicyQuery, policy_match


class Op:
    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.sent: list[ET.Element] = []

    def op(self, cmd: ET.Element, vsys: Optional[str] = None) -> ET.Element:
        self.sent.append(cmd)
        return ET.fromstring(self.reply)


def test_returns_the_first_matching_rule_and_sends_only_given_fields() -> None:
    conn = Op('<response status="success"><result><rules><entry name="allow-web"/><entry name="x"/></rules></result></response>')
    assert policy_match(conn, PolicyQuery("10.0.0.5", "203.0.113.10", from_zone="trust", to_zone="untrust", port=443)) == "allow-web"  # type: ignore[arg-type]
    match = conn.sent[0].find("security-policy-match")
    assert match is not None
    assert [child.tag for child in match] == ["from", "to", "source", "destination", "protocol", "destination-port"]
    assert match.findtext("protocol") == "6" and match.findtext("destination-port") == "443"


def test_no_match() -> None:
    conn = Op('<response status="success"><result><rules/></result></response>')
    assert policy_match(conn, PolicyQuery("10.0.0.5", "203.0.113.10")) is None  # type: ignore[arg-type]
