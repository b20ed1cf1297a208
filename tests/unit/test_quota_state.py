"""Block state on the firewall: companion until-tags, the rule description, the clock."""

import json
from datetime import datetime

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._quota_state import (
    DESCRIPTION_LIMIT,
    block_state_from_tags,
    decode_rule_description,
    encode_rule_description,
    format_firewall_time,
    parse_firewall_time,
    parse_show_clock,
    parse_until_tag,
    until_tag,
)

T = datetime(2026, 11, 22, 10, 30, 0)
HOSTILE = ["cn=o'brien,dc=acme", 'cn="quoted"', "cn=<b>&amp;</b>", "cn=x</member><member>any", "cn=ünïcode,dc=acme"]


def test_firewall_time_round_trip():
    assert parse_firewall_time("2026/11/22 10:30:00") == T
    assert format_firewall_time(T) == "2026/11/22 10:30:00"


@pytest.mark.parametrize("text", ["2026-11-22 10:30:00", "2026/11/22", "", "2026/13/01 00:00:00", None])
def test_firewall_time_refuses(text):
    with pytest.raises(ValueError, match="YYYY/MM/DD HH:MM:SS"):
        parse_firewall_time(text)


def test_show_clock_drops_the_zone_and_ignores_locale():
    assert parse_show_clock("Sun Nov 22 10:00:00 UTC 2026") == datetime(2026, 11, 22, 10, 0, 0)
    assert parse_show_clock("Mon Nov  2 09:05:01 PST 2026\n") == datetime(2026, 11, 2, 9, 5, 1)


@pytest.mark.parametrize("text", ["Sun Nov 22 10:00:00 2026", "yesterday", "Sun Foo 22 10:00:00 UTC 2026", ""])
def test_show_clock_refuses(text):
    with pytest.raises(ValueError, match="show clock"):
        parse_show_clock(text)


def test_until_tag_round_trip():
    assert until_tag("quota", T) == "quota.until.20261122103000"
    assert parse_until_tag("quota", "quota.until.20261122103000") == T


@pytest.mark.parametrize("name", ["quota", "other.until.20261122103000", "quota.until.2026112210300", "quota.until.20261322103000",
                                  "quota.until.2026112210300x", "quotas.until.20261122103000"])
def test_parse_until_tag_ignores_other_tags(name):
    assert parse_until_tag("quota", name) is None


def test_block_state_from_tags():
    state = block_state_from_tags({
        "10.0.0.1": ["quota", "quota.until.20261122103000"],
        "10.0.0.2": ["quota"],  # registered by someone else: not ours
        "10.0.0.3": ["quota.until.20261122103000"],  # companion only: not blocked
        "10.0.0.4": ["quota", "quota.until.20261122101500", "quota.until.20261122103000", "web"],
        "10.0.0.5": ["web"],
    }, "quota")
    assert state == {"10.0.0.1": T, "10.0.0.2": None, "10.0.0.4": T}


def test_rule_description_round_trip_with_hostile_names():
    releases = {name: T for name in HOSTILE}
    text = encode_rule_description(releases)
    assert len(text) <= DESCRIPTION_LIMIT
    assert text.startswith("Managed by tagwarden.panos quota")
    assert decode_rule_description(text) == releases
    assert json.loads(text[text.index('{"release"'):]) == {"release": {name: "2026/11/22 10:30:00" for name in HOSTILE}}


def test_rule_description_leaves_out_groups_that_are_not_ours():
    text = encode_rule_description({"cn=a": T, "cn=manual": None})
    assert decode_rule_description(text) == {"cn=a": T}


def test_rule_description_overflow_is_a_clear_error():
    releases = {"cn=group%03d,ou=some long organisational unit,dc=acme,dc=local" % index: T for index in range(20)}
    with pytest.raises(ValueError, match=r"20 blocked groups need \d+ characters .* more than the 1024 PAN-OS allows"):
        encode_rule_description(releases)


@pytest.mark.parametrize("text", [None, "", "written by hand"])
def test_description_without_release_times_is_empty(text):
    assert decode_rule_description(text) == {}


@pytest.mark.parametrize("text", ['x {"release": {"cn=a": "tomorrow"}}', 'x {"release": [1]}', 'x {"release": {"cn=a": "2026/11/22 10:30:00"'])
def test_damaged_description_raises(text):
    with pytest.raises(ValueError, match="does not end in valid release times"):
        decode_rule_description(text)
