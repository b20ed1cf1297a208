# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Byte sizes and durations as people write them: "20MB", "1.5GiB", "15m".

Sizes: a whole or decimal number, optional space, then a unit ending in an upper-case ``B``.
Prefixes k/K, M, G, T are decimal (1000**n), Ki, Mi, Gi, Ti binary (1024**n); the prefix
letters are case-insensitive. A lower-case ``b`` means bits to most people ("20Mb" on a
line rate), so it is refused rather than guessed.
"""

from __future__ import annotations


import re
from decimal import Decimal

SIZE_FORMS = ("a number of bytes (20000000) or a number with a unit: B, kB, MB, GB, TB (powers of 1000) "
              "or KiB, MiB, GiB, TiB (powers of 1024), e.g. 20MB, 1.5GiB")
DURATION_FORMS = "seconds (900) or a number with a unit s, m, h or d, also combined: 900s, 15m, 1h, 1h30m"

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:([kmgt])(i?))?(b?)\s*$", re.IGNORECASE)
_POWERS = {"k": 1, "m": 2, "g": 3, "t": 4}
_DURATION_PART = re.compile(r"(\d+)\s*([smhd])", re.IGNORECASE)
_DURATION = re.compile(r"^\s*(?:\d+\s*[smhd]\s*)+$", re.IGNORECASE)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_bytes(value: object) -> int:
    """Return the number of bytes that ``value`` (an int or a string like "20MB") stands for."""
    if isinstance(value, bool):  # bool is an int subclass; True bytes is a mistake
        raise ValueError("%r is not a size; use %s" % (value, SIZE_FORMS))
    if isinstance(value, int):
        if value < 0:
            raise ValueError("%r is not a size: it is negative; use %s" % (value, SIZE_FORMS))
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError("%r is not a size; use %s" % (value, SIZE_FORMS))
    number, prefix, binary, unit = match.groups()
    if prefix and not unit:
        raise ValueError("%r is not a size: the unit must end in B; use %s" % (value, SIZE_FORMS))
    if unit == "b":
        raise ValueError("%r is not a size: a lower-case b means bits, which are not accepted; use %s" % (value, SIZE_FORMS))
    multiplier = (1024 if binary else 1000) ** _POWERS[prefix.lower()] if prefix else 1
    total = Decimal(number) * multiplier
    if total != total.to_integral_value():
        raise ValueError("%r is not a whole number of bytes; use %s" % (value, SIZE_FORMS))
    return int(total)


def format_bytes(count: int, binary: bool = False) -> str:
    """Short human form: 999B, 20MB, 1.5GB (or KiB/MiB/... with ``binary``)."""
    base = 1024 if binary else 1000
    if count < base:
        return "%dB" % count
    value = float(count)
    for prefix in ("k", "M", "G", "T", "P"):
        value /= base
        if value < base or prefix == "P":
            break
    if binary:
        prefix = prefix.upper() + "i"
    text = ("%.1f" % value).rstrip("0").rstrip(".")
    return "%s%sB" % (text, prefix)


def parse_duration(value: object) -> int:
    """Return seconds for 900, "900", "900s", "15m", "1h", "1d" or combinations like "1h30m"."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return int(text)
        if _DURATION.match(text):
            return sum(int(number) * _SECONDS[unit.lower()] for number, unit in _DURATION_PART.findall(text))
    raise ValueError("%r is not a duration; use %s" % (value, DURATION_FORMS))
