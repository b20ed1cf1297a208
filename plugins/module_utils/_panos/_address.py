# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IP address helpers for everything that reaches PAN-OS as an address: one canonical text,
one sort order, one integer key, one checker whose problems name the fix.

IPv4 goes through the C library first (``inet_pton``): ten times faster than ``ipaddress`` and
just as strict, which counts at 100,000 report rows.
"""

from __future__ import annotations


import ipaddress
import socket
from typing import Any, Optional, Tuple


def canonical_ipv4(text: str) -> Optional[str]:
    """The canonical text of an IPv4 address, or None for anything else (the C library's strict parser)."""
    try:
        return socket.inet_ntop(socket.AF_INET, socket.inet_pton(socket.AF_INET, text))
    except (OSError, TypeError):
        return None


def canonical_ip(text: str) -> str:
    """The canonical text of a single IPv4/IPv6 address (``2001:DB8::1`` -> ``2001:db8::1``);
    ValueError for anything else (networks, ranges, names, zone indexes)."""
    ipv4 = canonical_ipv4(text)
    if ipv4 is not None:
        return ipv4
    if not isinstance(text, str):
        raise ValueError("%r is not an IP address" % (text,))
    if "%" in text:  # ipaddress accepts an IPv6 zone index; PAN-OS does not
        raise ValueError("%r has a zone index" % (text,))
    return str(ipaddress.ip_address(text))


def normalize_ip(value: Any) -> str:
    """:func:`canonical_ip`, but values that are not single addresses come back stripped and
    unchanged (for text read from the firewall, which is compared, never refused)."""
    text = str(value).strip()
    try:
        return canonical_ip(text)
    except ValueError:
        return text


def strict_ip(text: Any) -> str:
    """:func:`canonical_ip` of stripped text, with a ValueError that says what is accepted."""
    try:
        return canonical_ip(text.strip())
    except (AttributeError, TypeError, ValueError):
        raise ValueError("%r is not a single IP address (e.g. 10.0.0.5 or 2001:db8::5; networks and ranges "
                         "are not accepted here)" % (text,))


def ip_sort_key(value: str) -> Tuple[int, bytes, str]:
    """Sort key: IPv4 before IPv6, numerically; anything else last, by text."""
    for rank, family in ((4, socket.AF_INET), (6, socket.AF_INET6)):
        try:
            return (rank, socket.inet_pton(family, value), "")
        except (OSError, TypeError):
            continue
    return (9, b"", str(value))


def ip_int(ip: str) -> Tuple[int, int]:
    """``(version, integer)`` of a canonical address (for network membership tests)."""
    family, version = (socket.AF_INET6, 6) if ":" in ip else (socket.AF_INET, 4)
    try:
        return version, int.from_bytes(socket.inet_pton(family, ip), "big")
    except OSError:  # e.g. an IPv6 scope (fe80::1%eth0), which inet_pton refuses
        address = ipaddress.ip_address(ip)
        return address.version, int(address)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:60] + "...'"


def check_ip(value: Any) -> Tuple[Optional[str], Optional[str]]:
    """``(canonical ip, None)`` for a single IPv4/IPv6 address, else ``(None, problem)`` where the
    problem names the value and the fix (a network, a range, a host name, a zone index)."""
    if value is None:
        return None, "an empty entry: remove it"
    text = str(value).strip()
    try:  # the common case first: a plain, valid address
        return canonical_ip(text), None
    except ValueError:
        pass
    if not text:
        return None, "an empty entry: remove it"
    if "/" in text:
        return None, _network_problem(text)
    if "-" in text and _is_range(text):
        return None, ("%s is an address range: PAN-OS registers single addresses only, list each "
                      "address" % _show(text))
    if "%" in text:
        return None, "%s has a zone index: give the address without %%zone" % _show(text)
    if any(c.isalpha() for c in text) and ":" not in text:
        return None, ("%s is not an IP address (a host name?): resolve it first, for example with "
                      "the community.general.dig lookup, and give the addresses" % _show(text))
    return None, "%s is not a valid IPv4/IPv6 address" % _show(text)


def _network_problem(text: str) -> str:
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return "%s is not an IP address: give single IPv4/IPv6 addresses" % _show(text)
    if network.num_addresses == 1:
        return "%s is written as a network: give the address without the prefix (%s)" % (_show(text), network.network_address)
    return ("%s is a CIDR network: PAN-OS registers single addresses only, list each "
            "address (for example with the ansible.utils.ipaddr/ipsubnet filters)" % _show(text))


def _is_range(text: str) -> bool:
    low, _sep, high = text.partition("-")
    try:
        ipaddress.ip_address(low.strip())
        ipaddress.ip_address(high.strip())
    except ValueError:
        return False
    return True
