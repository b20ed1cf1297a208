"""The firewall's time format and the show clock parser."""

from datetime import datetime

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import format_firewall_time, parse_firewall_time, parse_show_clock

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
