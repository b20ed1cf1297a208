"""Sizes and durations as people write them."""

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._quota._units import format_bytes, parse_bytes, parse_duration


@pytest.mark.parametrize("text, expected", [
    ("20MB", 20_000_000),
    ("20 MB", 20_000_000),
    ("20mB", 20_000_000),
    ("1kB", 1000),
    ("1KB", 1000),
    ("1KiB", 1024),
    ("1kiB", 1024),
    ("1.5GiB", 1536 * 1024 ** 2),
    ("2TB", 2 * 10 ** 12),
    ("1TiB", 1024 ** 4),
    ("0.5kB", 500),
    ("123", 123),
    ("123B", 123),
    (" 7B ", 7),
    ("0", 0),
    (20_000_000, 20_000_000),
])
def test_parse_bytes_accepts(text, expected):
    assert parse_bytes(text) == expected


@pytest.mark.parametrize("text, hint", [
    ("20 MBs", "is not a size"),
    ("-1MB", "is not a size"),
    ("20Mb", "bits"),
    ("20mb", "bits"),
    ("20b", "bits"),
    ("20M", "must end in B"),
    ("1.5B", "whole number"),
    ("MB", "is not a size"),
    ("", "is not a size"),
    ("1e6", "is not a size"),
    (-5, "negative"),
    (True, "is not a size"),
    (1.5, "is not a size"),
    (None, "is not a size"),
])
def test_parse_bytes_refuses_with_the_value_and_the_forms(text, hint):
    with pytest.raises(ValueError) as error:
        parse_bytes(text)
    assert hint in str(error.value)
    assert repr(text) in str(error.value)
    assert "KiB" in str(error.value)  # the accepted forms are listed


@pytest.mark.parametrize("count, text", [
    (0, "0B"), (999, "999B"), (1000, "1kB"), (20_000_000, "20MB"), (1_500_000_000, "1.5GB"), (25_123_456, "25.1MB"),
])
def test_format_bytes(count, text):
    assert format_bytes(count) == text


def test_format_bytes_binary():
    assert format_bytes(1536 * 1024 ** 2, binary=True) == "1.5GiB"
    assert format_bytes(1023, binary=True) == "1023B"


def test_format_round_trips_through_parse():
    assert parse_bytes(format_bytes(20_000_000)) == 20_000_000


@pytest.mark.parametrize("value, seconds", [
    (900, 900), ("900", 900), ("900s", 900), ("15m", 900), ("1h", 3600), ("1d", 86400), ("1h30m", 5400), ("1H", 3600), (" 15 m ", 900),
])
def test_parse_duration(value, seconds):
    assert parse_duration(value) == seconds


@pytest.mark.parametrize("value", ["15 minutes", "-5m", "m", "", "1.5h", -1, True, None])
def test_parse_duration_refuses(value):
    with pytest.raises(ValueError, match="is not a duration; use seconds"):
        parse_duration(value)
