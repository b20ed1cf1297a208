"""The TAXII source's STIX patterns (against medallion, a real TAXII 2.1 server: tests/integration)."""

from __future__ import annotations

from typing import Any, List

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import DOMAIN, IP, NETWORK
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._taxii import pattern_values


@pytest.mark.parametrize("pattern, values", [
    ("[ipv4-addr:value = '198.51.100.1']", [((IP, NETWORK), "198.51.100.1")]),
    ("[domain-name:value = 'a.example' OR domain-name:value = 'b\\'c.example']",
     [((DOMAIN,), "a.example"), ((DOMAIN,), "b'c.example")]),
    ("[ipv6-addr:value IN ('2001:db8::1', '2001:db8::2')]", [((IP, NETWORK), "2001:db8::1"),
                                                             ((IP, NETWORK), "2001:db8::2")]),
    ("[ipv4-addr:value ISSUBSET '10.0.0.0/8']", [((NETWORK,), "10.0.0.0/8")]),
])
def test_blockable_patterns(pattern: str, values: List[Any]) -> None:
    assert pattern_values(pattern) == values


@pytest.mark.parametrize("pattern, message", [
    ("[ipv4-addr:value = '1.2.3.4' AND network-traffic:dst_port = 80]", "tests network-traffic:dst_port ="),
    ("[url:value = 'http://x.example/'] FOLLOWEDBY [domain-name:value = 'a.example']", "joins observations with FOLLOWEDBY"),
    ("[domain-name:value LIKE '%.example']", "tests domain-name:value LIKE"),
    ("[ipv4-addr:value = ", "is not valid STIX 2.1"),
])
def test_patterns_a_block_entry_cannot_express_are_refused(pattern: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        pattern_values(pattern)
