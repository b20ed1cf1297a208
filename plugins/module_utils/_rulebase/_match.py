# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``test security-policy-match``: which rule of the running rulebase a session would hit."""

from __future__ import annotations


from dataclasses import dataclass
from typing import Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import element, sub

PROTOCOLS = {"tcp": 6, "udp": 17, "icmp": 1}


@dataclass(frozen=True)
class PolicyQuery:
    """One ``test security-policy-match`` question: a session from ``source`` to ``destination``,
    with the zones, IP protocol, destination port, application and source user that are known
    (None: not asked)."""

    source: str
    destination: str
    from_zone: Optional[str] = None
    to_zone: Optional[str] = None
    protocol: int = 6
    port: Optional[int] = None
    application: Optional[str] = None
    source_user: Optional[str] = None


def policy_match(conn: Connection, query: PolicyQuery, vsys: Optional[str] = None) -> Optional[str]:
    """The name of the first matching rule, or None when no rule matches (the default rules)."""
    test = element("test")
    match = sub(test, "security-policy-match")
    for tag, value in (("from", query.from_zone), ("to", query.to_zone), ("source", query.source),
                       ("destination", query.destination), ("protocol", str(query.protocol)),
                       ("destination-port", None if query.port is None else str(query.port)),
                       ("application", query.application), ("source-user", query.source_user)):
        if value is not None:
            sub(match, tag, value)
    root = conn.op(test, vsys)
    entry = root.find("./result/rules/entry")
    if entry is None:
        return None
    return entry.get("name") or (entry.text or "").strip() or None
