"""The firewall's time format and the show clock parser."""

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import (
    TIMEZONE_XPATH,
    format_firewall_time,
    parse_firewall_time,
    parse_show_clock,
    read_zone,
    to_local,
    to_utc,
    zone_named,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError

T = datetime(2026, 11, 22, 10, 30, 0)


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


def test_zones_convert_firewall_local_times_both_ways():
    pacific = zone_named("America/Los_Angeles")
    assert to_utc(T, pacific) == datetime(2026, 11, 22, 18, 30, tzinfo=timezone.utc)  # PST, UTC-8
    assert to_local(datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc), pacific) == datetime(2026, 7, 1, 5, 0)  # PDT
    assert zone_named(None) is timezone.utc and zone_named(" ") is timezone.utc


def test_an_unknown_zone_is_named():
    with pytest.raises(ValueError, match="timezone 'Mars/Olympus_Mons'.*tzdata"):
        zone_named("Mars/Olympus_Mons")


class _Config:
    def __init__(self, reply=None, error=None):
        self.reply, self.error, self.asked = reply, error, []

    def config(self, action, xpath):
        self.asked.append((action, xpath))
        if self.error is not None:
            raise self.error
        return ET.fromstring(self.reply)


def test_the_zone_is_read_from_the_running_config_and_defaults_to_utc():
    conn = _Config('<response status="success"><result><timezone>Europe/Berlin</timezone></result></response>')
    assert read_zone(conn) == zone_named("Europe/Berlin") and conn.asked == [("show", TIMEZONE_XPATH)]
    assert read_zone(_Config(error=FirewallError("No such node", "panos"))) is timezone.utc
    with pytest.raises(FirewallError, match="timed out"):
        read_zone(_Config(error=FirewallError("timed out", "timeout")))
