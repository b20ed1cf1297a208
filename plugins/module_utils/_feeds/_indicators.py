# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The indicator model every feed source produces, and the validation of one value.

An :class:`Indicator` is one block entry: an IP address, a network, an address range, a domain or
a URL, in canonical form, with an optional expiry and a reference to where it came from. A value
that cannot be an indicator raises :class:`IndicatorError`, whose message names the value and the
fix; sources collect those per item (:class:`Rejected`) so that one bad line never stops the rest.
"""

from __future__ import annotations


import ipaddress
import re
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime
from typing import Dict, List, Optional, Sequence, Tuple, Union

from ansible_collections.tagwarden.panos.plugins.module_utils._errors import InputError, TagwardenError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._address import canonical_ipv4

IP = "ip"
NETWORK = "network"
RANGE = "range"
DOMAIN = "domain"
URL = "url"
KINDS = (IP, NETWORK, RANGE, DOMAIN, URL)
ADDRESS_KINDS = (IP, NETWORK, RANGE)
NAME_KINDS = (DOMAIN, URL)

MAX_DOMAIN = 253
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_DOTTED_NUMBERS = re.compile(r"^[0-9.]+$")
_URL_SCHEMES = ("http", "https")

Address = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]


class IndicatorError(InputError):
    """A value is not a valid indicator; the message names it and says how to fix it."""


class FeedOptionError(InputError):
    """A source's options cannot work; raised before any request is sent, naming the option and the fix."""


class FeedError(TagwardenError):
    """A source answered something that is not a feed (a missing collection, an unexpected document)."""


@dataclass(frozen=True)
class Indicator:
    """One block entry. ``value`` is canonical: equal indicators have equal (kind, value)."""

    kind: str
    value: str
    expires: Optional[datetime] = field(default=None, compare=False)
    source: str = field(default="", compare=False)


@dataclass(frozen=True)
class Rejected:
    """A feed item that is not an indicator: where it came from and why."""

    value: str
    source: str
    message: str


@dataclass
class FeedResult:
    """What one fetch of a source gives: the indicators, the items rejected, and the new cursor."""

    indicators: List[Indicator] = field(default_factory=list)
    rejected: List[Rejected] = field(default_factory=list)
    cursor: Optional[str] = None
    _positions: Dict[Indicator, int] = field(default_factory=dict, repr=False, compare=False)

    def add(self, text: str, source: str, kinds: Sequence[str] = KINDS, expires: Optional[datetime] = None) -> None:
        """Parse ``text`` and keep the indicator (once, with the latest expiry), or keep the rejection."""
        try:
            indicator = parse_indicator(text, kinds, source, expires)
        except IndicatorError as exc:
            self.reject(text, source, str(exc))
            return
        position = self._positions.get(indicator)
        if position is None:
            self._positions[indicator] = len(self.indicators)
            self.indicators.append(indicator)
        elif _outlives(indicator, self.indicators[position]):
            self.indicators[position] = indicator

    def reject(self, value: str, source: str, message: str) -> None:
        self.rejected.append(Rejected(value, source, message))


_PLURAL = {IP: "IP addresses", NETWORK: "networks (CIDR)", RANGE: "address ranges (A-B)", DOMAIN: "domains",
           URL: "http(s) URLs"}
_SINGULAR = {IP: "an IP address", NETWORK: "a network", RANGE: "an address range", DOMAIN: "a domain", URL: "a URL"}


def _kind_names(kinds: Sequence[str]) -> str:
    return ", ".join(_PLURAL[kind] for kind in kinds)


def _where(source: str) -> str:
    return " (%s)" % source if source else ""


def parse_indicator(text: str, kinds: Sequence[str] = KINDS, source: str = "",
                    expires: Optional[datetime] = None) -> Indicator:
    """The indicator ``text`` stands for, if its kind is one of ``kinds``; else an IndicatorError."""
    value = text.strip()
    if not value:
        raise IndicatorError("empty value%s: remove the empty entry, or give an IP address, network, range, "
                             "domain or URL" % _where(source))
    kind, canonical = classify(value, source)
    if kind not in kinds:
        raise IndicatorError("%r%s is %s, where only %s fit: %s" % (
            value, _where(source), _SINGULAR[kind], _kind_names(kinds), _kind_fix(kind, kinds)))
    return Indicator(kind, canonical, expires, source)


def _kind_fix(kind: str, kinds: Sequence[str]) -> str:
    if kind in (NETWORK, RANGE) and IP in kinds:
        return "list its addresses one per line, or send it to a target that takes %s" % _PLURAL[kind]
    return "remove it, or send it to a target that takes %s" % _PLURAL[kind]


def classify(value: str, source: str = "") -> Tuple[str, str]:
    """(kind, canonical value) of a non-empty, stripped ``value``; an IndicatorError if it is none."""
    if "://" in value:
        return URL, canonical_url(value, source)
    if "/" in value and _looks_like_address(value.split("/", 1)[0]):
        network = ipaddress.ip_network(canonical_network(value, source))
        if network.num_addresses == 1:
            return IP, str(network.network_address)  # a /32 or /128 is one address
        return NETWORK, str(network)
    if "-" in value and all(_looks_like_address(part.strip()) for part in value.split("-", 1)):
        return RANGE, canonical_range(value, source)
    if _looks_like_address(value):
        return IP, canonical_ipv4(value) or str(canonical_ip(value, source))
    if "/" in value:
        raise IndicatorError("%r%s has a path but no scheme: write it as http://%s or https://%s"
                             % (value, _where(source), value, value))
    return DOMAIN, canonical_domain(value, source)


def _looks_like_address(value: str) -> bool:
    return ":" in value or bool(_DOTTED_NUMBERS.match(value))


def canonical_ip(value: str, source: str = "") -> Address:
    """The address; an IPv4-mapped IPv6 address becomes its IPv4 address."""
    try:
        address = ipaddress.ip_address(value.strip("[]"))
    except ValueError:
        if ":" in value:
            raise IndicatorError("%r%s is not a valid IPv6 address: write eight groups of hex digits, with :: "
                                 "for one run of zero groups" % (value, _where(source)))
        raise IndicatorError("%r%s is not a valid IPv4 address: write four numbers from 0 to 255 separated by "
                             "dots, e.g. 198.51.100.7" % (value, _where(source)))
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def canonical_network(value: str, source: str = "") -> str:
    address, _slash, prefix = value.partition("/")
    canonical_ip(address, source)  # names a bad address as such
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        if "host bits" in str(exc):
            wide = ipaddress.ip_network(value, strict=False)
            raise IndicatorError("%r%s has host bits set after the /%s prefix: write the network %s, or the "
                                 "address %s alone" % (value, _where(source), prefix, wide, address))
        raise IndicatorError("%r%s has an invalid prefix length /%s: use 0-32 for IPv4, 0-128 for IPv6"
                             % (value, _where(source), prefix))
    return str(network)


def canonical_range(value: str, source: str = "") -> str:
    first_text, _dash, last_text = value.partition("-")
    first, last = canonical_ip(first_text.strip(), source), canonical_ip(last_text.strip(), source)
    if first.version != last.version:
        raise IndicatorError("%r%s mixes IPv4 and IPv6: both ends of a range must be of one family"
                             % (value, _where(source)))
    if int(first) > int(last):
        raise IndicatorError("%r%s starts after it ends: write %s-%s" % (value, _where(source), last, first))
    return "%s-%s" % (first, last)


def canonical_domain(value: str, source: str = "") -> str:
    """Lower case, no trailing dot, international names in their ASCII (punycode) form."""
    name = value.rstrip(".").lower()
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise IndicatorError("%r%s is not a valid domain name: each label holds letters, digits or hyphens, "
                             "at most 63 characters" % (value, _where(source)))
    labels = name.split(".")
    if len(labels) < 2 or len(name) > MAX_DOMAIN or not all(_LABEL.match(label) for label in labels):
        raise IndicatorError("%r%s is not a valid domain name: write labels of letters, digits and hyphens "
                             "separated by dots, at least two labels, at most %d characters (e.g. evil.example)"
                             % (value, _where(source), MAX_DOMAIN))
    if labels[-1].isdigit():
        raise IndicatorError("%r%s is neither a valid IPv4 address nor a domain (its last label is a number): "
                             "write four numbers from 0 to 255, or a domain" % (value, _where(source)))
    return name


def canonical_url(value: str, source: str = "") -> str:
    """scheme://host[:port]/path[?query] with the scheme and host in lower case, no fragment."""
    try:
        parts = urllib.parse.urlsplit(value)
        port = parts.port
    except ValueError:
        raise IndicatorError("%r%s is not a valid URL: its host or port cannot be read" % (value, _where(source)))
    scheme = parts.scheme.lower()
    if scheme not in _URL_SCHEMES:
        raise IndicatorError("%r%s has the scheme %r: only http and https URLs can be blocked by URL; give the "
                             "host alone for an address or domain" % (value, _where(source), parts.scheme))
    host = parts.hostname or ""
    if not host:
        raise IndicatorError("%r%s has no host: write the whole URL, e.g. http://evil.example/path"
                             % (value, _where(source)))
    if ":" in host or _DOTTED_NUMBERS.match(host):
        canonical = str(canonical_ip(host, source))
        host = "[%s]" % canonical if ":" in canonical else canonical
    else:
        host = canonical_domain(host, source)
    netloc = host if port is None else "%s:%d" % (host, port)
    return urllib.parse.urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def _outlives(new: Indicator, kept: Indicator) -> bool:
    """Whether ``new`` expires later than ``kept`` (None: never)."""
    return kept.expires is not None and (new.expires is None or new.expires > kept.expires)
