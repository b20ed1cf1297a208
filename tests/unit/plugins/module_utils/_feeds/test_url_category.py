"""Custom URL category entries: normalised as PAN-OS stores them; what a domain needs per version."""

from __future__ import annotations

import re

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import (
    IndicatorError,
    parse_indicator,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._url_category import (
    bare_entry_warning,
    has_ending_token,
    indicator_entries,
    normalise_entry,
    parse_version,
)


@pytest.mark.parametrize("text, entry", [
    ("https://Evil.Example/Path", "evil.example/path"),
    ("HTTP://evil.example/", "evil.example/"),
    ("*.Evil.Example/", "*.evil.example/"),
    ("mail.^.example.com", "mail.^.example.com"),
    ("evil.example/a?b=1&c=*", "evil.example/a?b=1&c=*"),
    ("evil.example/x#fragment", "evil.example/x"),
    ("x" * 251 + ".com", "x" * 251 + ".com"),
])
def test_entries_are_normalised(text: str, entry: str) -> None:
    assert normalise_entry(text) == entry


@pytest.mark.parametrize("text, message", [
    ("", "empty URL category entry"),
    ("ftp://evil.example/", "has the scheme 'ftp'"),
    ("https://", "has no host"),
    ("example*.com", "has the wildcard inside the token 'example*': a * or ^ must stand alone"),
    ("li^.example.com", "has the wildcard inside the token 'li^'"),
    ("*.*.example.com", "has consecutive * wildcards"),
    ("^." * 10 + "example.com", "more than 9 consecutive ^ wildcards"),
    ("evil .example", "contains a blank"),
    ("x" * 252 + ".com", "has 256 characters without its scheme; PAN-OS takes at most 255"),
])
def test_bad_entries_are_named(text: str, message: str) -> None:
    with pytest.raises(IndicatorError, match=re.escape(message)):
        normalise_entry(text)


def test_a_domain_needs_both_entries_to_cover_its_subdomains() -> None:
    domain = parse_indicator("Evil.Example")
    assert indicator_entries(domain) == ["evil.example/"]
    assert indicator_entries(domain, include_subdomains=True) == ["evil.example/", "*.evil.example/"]
    # every path is already covered by the trailing slash form
    assert indicator_entries(domain, include_subdomains=True, include_subdirectories=True) == [
        "evil.example/", "*.evil.example/"]


def test_urls_lose_scheme_and_port_and_ips_get_a_slash() -> None:
    url = parse_indicator("https://Jits.Example:8443/TS.php?id=1")
    assert indicator_entries(url) == ["jits.example/TS.php?id=1".lower()]
    assert indicator_entries(url, include_subdomains=True) == ["jits.example/ts.php?id=1", "*.jits.example/ts.php?id=1"]
    assert indicator_entries(parse_indicator("http://198.51.100.7/x"), include_subdomains=True) == ["198.51.100.7/x"]
    assert indicator_entries(parse_indicator("198.51.100.7")) == ["198.51.100.7/"]


def test_networks_belong_in_a_dynamic_address_group() -> None:
    with pytest.raises(IndicatorError, match="send it to a Dynamic Address Group"):
        indicator_entries(parse_indicator("198.51.100.0/24"))


def test_a_too_long_url_is_refused_by_name() -> None:
    with pytest.raises(IndicatorError, match="PAN-OS takes at most 255"):
        indicator_entries(parse_indicator("http://evil.example/" + "a" * 250))


@pytest.mark.parametrize("version, parsed, ending", [
    ("10.2.4-h3", (10, 2), True), ("11.1", (11, 1), True), ("10.1.9", (10, 1), False), ("9.1.0", (9, 1), False),
])
def test_versions_and_the_ending_token(version: str, parsed: tuple, ending: bool) -> None:
    assert parse_version(version) == parsed and has_ending_token(parsed) is ending


def test_a_bad_version_names_the_option() -> None:
    with pytest.raises(IndicatorError, match="panos_version='ten' is not a PAN-OS version"):
        parse_version("ten")


def test_what_a_bare_entry_matches_depends_on_the_version() -> None:
    assert bare_entry_warning("example.com/", (9, 1)) is None
    assert "also matches example.com.<anything> on PAN-OS 10.1" in (bare_entry_warning("example.com", (10, 1)) or "")
    assert bare_entry_warning("example.com", (10, 2)) is None
    assert "does not match the domain example.com itself on PAN-OS 11.0: add example.com/ too" in (
        bare_entry_warning("*.example.com", (11, 0)) or "")
