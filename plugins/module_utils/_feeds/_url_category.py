# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Entries of a PAN-OS custom URL category (type URL List), as PAN-OS matches them.

An entry has no scheme, is compared without case, holds at most 255 characters, and a wildcard
(``*`` one or more tokens, ``^`` exactly one) must be a whole token; tokens are separated by
``. / ? & = ; +``. How an entry that ends in neither ``/`` nor ``*`` matches depends on the version:

- PAN-OS 10.2 and later append an ending token ``/``: ``example.com`` matches the domain and its
  paths but no subdomain, and ``*.example.com`` matches subdomains but not the domain itself.
- PAN-OS 10.1 and earlier (ending token off) append an implicit ``*``: ``example.com`` also matches
  ``example.com.evil.example``.

So the entries written for a domain are the same on every version and say what they mean:
``example.com/`` (the domain and every path under it) and, with ``include_subdomains``,
``*.example.com/`` (every subdomain); both are needed to block a domain and its subdomains.
``include_subdirectories`` (the seed's ``/*`` suffix) adds nothing: ``example.com/`` already matches
every path on every version, and ``example.com/*`` would miss the bare ``example.com/``.
"""

from __future__ import annotations


import re
import urllib.parse
from typing import List, Optional, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import (
    DOMAIN,
    IP,
    URL,
    Indicator,
    IndicatorError,
)

MAX_ENTRY = 255
ENDING_TOKEN_SINCE = (10, 2)
_SEPARATORS = re.compile(r"[./?&=;+]")
_VERSION = re.compile(r"^\s*(\d+)\.(\d+)")
_CONSECUTIVE_CARETS = 9


def parse_version(version: str, option: str = "panos_version") -> Tuple[int, int]:
    """(major, minor) of a PAN-OS version such as ``10.2.4-h3``."""
    match = _VERSION.match(str(version))
    if not match:
        raise IndicatorError("%s=%r is not a PAN-OS version: write it as 10.2 or 11.1.2-h3" % (option, version))
    return int(match.group(1)), int(match.group(2))


def has_ending_token(version: Tuple[int, int]) -> bool:
    """Whether entries not ending in / or * get an ending ``/`` (10.2+) rather than an implicit ``*``."""
    return version >= ENDING_TOKEN_SINCE


def normalise_entry(text: str) -> str:
    """A member as PAN-OS stores it: scheme dropped, lower case; an IndicatorError naming what is wrong."""
    entry = text.strip()
    if not entry:
        raise IndicatorError("empty URL category entry: remove it, or give a domain or URL such as evil.example/")
    scheme, separator, rest = entry.partition("://")
    if separator:
        if scheme.lower() not in ("http", "https"):
            raise IndicatorError("%r has the scheme %r: URL categories match http and https only; write the entry "
                                 "without a scheme" % (text, scheme))
        entry = rest
    entry = entry.split("#", 1)[0].lower()
    if not entry or entry.startswith("/"):
        raise IndicatorError("%r has no host: write a domain or URL such as evil.example/path" % (text,))
    if any(char.isspace() for char in entry):
        raise IndicatorError("%r contains a blank: URL category entries hold no spaces; encode it as %%20"
                             % (text,))
    if len(entry) > MAX_ENTRY:
        raise IndicatorError("%r has %d characters without its scheme; PAN-OS takes at most %d: shorten it to "
                             "its host and first path segments" % (text[:60] + "...", len(entry), MAX_ENTRY))
    _check_wildcards(text, entry)
    return entry


def _check_wildcards(text: str, entry: str) -> None:
    tokens = _SEPARATORS.split(entry)
    for token in tokens:
        if ("*" in token or "^" in token) and token not in ("*", "^"):
            raise IndicatorError("%r has the wildcard inside the token %r: a * or ^ must stand alone between "
                                 "separators (. / ? & = ; +), e.g. *.example.com" % (text, token))
    run = 0
    previous = ""
    for token in tokens:
        if token == "*" and previous == "*":
            raise IndicatorError("%r has consecutive * wildcards: one * already matches one or more tokens"
                                 % (text,))
        run = run + 1 if token == "^" else 0
        if run > _CONSECUTIVE_CARETS:
            raise IndicatorError("%r has more than %d consecutive ^ wildcards: use * instead"
                                 % (text, _CONSECUTIVE_CARETS))
        previous = token


def indicator_entries(indicator: Indicator, include_subdomains: bool = False,
                      include_subdirectories: bool = False) -> List[str]:
    """The entries that block ``indicator`` (a domain, a URL or an IP); see the module docstring.

    ``include_subdirectories`` is accepted for the seed's option and adds no entry (every entry
    written here already matches the paths below it).
    """
    del include_subdirectories
    if indicator.kind == DOMAIN:
        entries = [indicator.value + "/"]
        if include_subdomains:
            entries.append("*." + indicator.value + "/")
    elif indicator.kind == URL:
        parts = urllib.parse.urlsplit(indicator.value)
        host = parts.hostname or ""
        path = parts.path + ("?" + parts.query if parts.query else "")
        entries = [("[%s]" % host if ":" in host else host) + path]  # a URL category matches no port
        if include_subdomains and not _is_address(host):
            entries.append("*." + host + path)
    elif indicator.kind == IP:
        entries = [indicator.value + "/"]
    else:
        raise IndicatorError("%r is a %s: a URL category takes domains, URLs and single IP addresses; send it to a "
                             "Dynamic Address Group" % (indicator.value, indicator.kind))
    return [normalise_entry(entry) for entry in entries]


def bare_entry_warning(entry: str, version: Tuple[int, int]) -> Optional[str]:
    """What a member given without an ending ``/`` or ``*`` matches beyond itself on ``version``."""
    if entry.endswith(("/", "*")):
        return None
    if has_ending_token(version):
        if entry.startswith("*."):
            return ("%s does not match the domain %s itself on PAN-OS %d.%d: add %s/ too"
                    % (entry, entry[2:], version[0], version[1], entry[2:]))
        return None
    return ("%s also matches %s.<anything> on PAN-OS %d.%d (an implicit * is appended): write %s/ to match the "
            "domain and its paths only" % (entry, entry, version[0], version[1], entry))


def _is_address(host: str) -> bool:
    return ":" in host or host.replace(".", "").isdigit()
