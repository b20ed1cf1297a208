"""The indicator model: each kind in canonical form; each bad value named with its fix."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import (
    ADDRESS_KINDS,
    DOMAIN,
    IP,
    KINDS,
    NETWORK,
    RANGE,
    URL,
    FeedResult,
    Indicator,
    IndicatorError,
    parse_indicator,
)


@pytest.mark.parametrize("text, kind, value", [
    ("198.51.100.7", IP, "198.51.100.7"),
    ("  198.51.100.7\t", IP, "198.51.100.7"),
    ("2001:DB8:0:0::1", IP, "2001:db8::1"),
    ("::ffff:198.51.100.7", IP, "198.51.100.7"),
    ("[2001:db8::1]", IP, "2001:db8::1"),
    ("198.51.100.0/24", NETWORK, "198.51.100.0/24"),
    ("2001:db8::/32", NETWORK, "2001:db8::/32"),
    ("198.51.100.7/32", IP, "198.51.100.7"),
    ("198.51.100.1-198.51.100.20", RANGE, "198.51.100.1-198.51.100.20"),
    ("198.51.100.1 - 198.51.100.20", RANGE, "198.51.100.1-198.51.100.20"),
    ("Evil.Example.", DOMAIN, "evil.example"),
    ("bücher.example", DOMAIN, "xn--bcher-kva.example"),
    ("_dmarc.evil-host.example", DOMAIN, "_dmarc.evil-host.example"),
    ("HTTPS://Evil.Example:8443/Path?q=1#frag", URL, "https://evil.example:8443/Path?q=1"),
    ("http://evil.example", URL, "http://evil.example/"),
    ("http://[2001:DB8::1]/x", URL, "http://[2001:db8::1]/x"),
])
def test_each_kind_in_canonical_form(text: str, kind: str, value: str) -> None:
    indicator = parse_indicator(text)
    assert (indicator.kind, indicator.value) == (kind, value)


@pytest.mark.parametrize("text, kinds, message", [
    ("999.1.1.1", KINDS, "'999.1.1.1' is not a valid IPv4 address: write four numbers from 0 to 255"),
    ("1.2.3", KINDS, "'1.2.3' is not a valid IPv4 address"),
    ("2001:db8::g", KINDS, "'2001:db8::g' is not a valid IPv6 address"),
    ("http://", KINDS, "'http://' has no host: write the whole URL"),
    ("", KINDS, "empty value: remove the empty entry"),
    ("   ", KINDS, "empty value"),
    ("198.51.100.0/24", (IP,), "'198.51.100.0/24' is a network, where only IP addresses fit: list its addresses one "
                               "per line"),
    ("198.51.100.1-198.51.100.9", (IP,), "is an address range, where only IP addresses fit"),
    ("evil.example", ADDRESS_KINDS, "'evil.example' is a domain, where only IP addresses, networks (CIDR), address "
                                    "ranges (A-B) fit: remove it, or send it to a target that takes domains"),
    ("198.51.100.7/24", KINDS, "has host bits set after the /24 prefix: write the network 198.51.100.0/24, or the "
                               "address 198.51.100.7 alone"),
    ("198.51.100.0/33", KINDS, "has an invalid prefix length /33"),
    ("198.51.100.9-198.51.100.1", KINDS, "starts after it ends: write 198.51.100.1-198.51.100.9"),
    ("198.51.100.1-2001:db8::1", KINDS, "mixes IPv4 and IPv6"),
    ("ftp://evil.example/x", KINDS, "has the scheme 'ftp': only http and https URLs"),
    ("http://evil.example:99999/", KINDS, "is not a valid URL: its host or port cannot be read"),
    ("evil.example/gate.php", KINDS, "has a path but no scheme: write it as http://evil.example/gate.php"),
    ("localhost", KINDS, "'localhost' is not a valid domain name"),
    ("-evil.example", KINDS, "is not a valid domain name"),
    ("evil..example", KINDS, "is not a valid domain name"),
    ("a" * 64 + ".example", KINDS, "is not a valid domain name"),
    ("evil example.com", KINDS, "is not a valid domain name"),
])
def test_bad_values_are_named_with_the_fix(text: str, kinds: tuple, message: str) -> None:
    with pytest.raises(IndicatorError, match=re.escape(message)):
        parse_indicator(text, kinds)


def test_the_source_reference_is_in_the_message_and_the_indicator() -> None:
    with pytest.raises(IndicatorError, match=r"'999.1.1.1' \(drop.txt line 4\) is not"):
        parse_indicator("999.1.1.1", source="drop.txt line 4")
    assert parse_indicator("198.51.100.7", source="feed line 2").source == "feed line 2"


def test_a_result_keeps_each_indicator_once_with_the_latest_expiry_and_each_rejection() -> None:
    soon, later = datetime(2030, 1, 1, tzinfo=timezone.utc), datetime(2030, 1, 2, tzinfo=timezone.utc)
    result = FeedResult()
    result.add("198.51.100.7", "a", expires=soon)
    result.add("::ffff:198.51.100.7", "b", expires=later)
    result.add("198.51.100.7", "c", expires=soon - timedelta(days=1))
    result.add("999.1.1.1", "d")
    result.add("evil.example", "e", expires=soon)
    result.add("EVIL.example", "f")
    assert result.indicators == [Indicator(IP, "198.51.100.7"), Indicator(DOMAIN, "evil.example")]
    assert [(i.expires, i.source) for i in result.indicators] == [(later, "b"), (None, "f")]
    assert [(r.value, r.source) for r in result.rejected] == [("999.1.1.1", "d")]
    assert "not a valid IPv4 address" in result.rejected[0].message
