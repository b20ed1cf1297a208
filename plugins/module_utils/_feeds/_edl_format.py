# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The text of an External Dynamic List, line by line, as PAN-OS's "Formatting Guidelines for an
External Dynamic List" allow it, and the feed's state published next to the lists.

- IP list: ``[address, address/mask or first-last] [space] [comment]``; the comment is ignored by the
  firewall, so each entry carries its expiry there: ``198.51.100.7 expires=2026-12-15T00:00:00Z``.
- Domain list: one domain per line, at most 255 characters, ``*`` (leading only) and ``^`` as whole
  tokens between ``. / ? & = ; +``. URL list: the custom URL category's entry syntax (no scheme,
  255 characters, whole-token wildcards). Neither guideline documents a comment, so these lines hold
  the entry alone and their expiries travel in the state document (``<name>-state.json``), next to
  the lists on the same server: a line the firewall might not ignore is never written.

Every line is checked before anything is published (an invalid URL entry hung the management plane
of older PAN-OS: CVE-2021-3048). An empty list holds one placeholder entry the firewall accepts and
no traffic matches: the limited broadcast address (never forwarded, RFC 919) and a name under the
reserved ``.invalid`` top-level domain (RFC 6761). Plain Python, no Ansible imports.
"""

from __future__ import annotations


import ipaddress
import json
import re
from datetime import datetime, timezone
from typing import Dict, Mapping, NamedTuple, Optional, Set

from ansible_collections.tagwarden.panos.plugins.module_utils._errors import InputError
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import (
    ADDRESS_KINDS,
    IP,
    IndicatorError,
    classify,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._url_category import MAX_ENTRY, normalise_entry
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._address import ip_sort_key

IP_LIST, DOMAIN_LIST, URL_LIST = "ip", "domain", "url"
EDL_TYPES = (IP_LIST, DOMAIN_LIST, URL_LIST)
PLACEHOLDERS = {
    IP_LIST: "255.255.255.255",
    DOMAIN_LIST: "tagwarden-placeholder.invalid",
    URL_LIST: "tagwarden-placeholder.invalid/",
}
PLACEHOLDER_COMMENT = "tagwarden.panos placeholder: the list is empty"
EXPIRES = "expires="
STATE_FORMAT = "tagwarden.panos threat feed state"
STATE_VERSION = 1
# The widest network a feed may put in an IP list: wider ones block a whole region of the Internet.
WIDEST = {4: 8, 6: 16}
_TIME = "%Y-%m-%dT%H:%M:%SZ"
_PRINTABLE = re.compile(r"^[\x21-\x7e]+$")
_DOMAIN_TOKEN = re.compile(r"^[a-z0-9_-]{1,63}$")
# host[:port] then path and query of RFC 3986 characters (percent-encoded otherwise); ^ as a wildcard token
_URL_HOST = re.compile(r"^(?:\[[0-9a-f:.]+\]|[a-z0-9_*^.-]+)(?::[0-9]{1,5})?$")
_URL_REST = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@/?%^-]*$")


class ListError(InputError):
    """A line that must not be published, or a published list/state that cannot be read back."""


def format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(_TIME)


def parse_time(text: str) -> datetime:
    return datetime.strptime(text, _TIME).replace(tzinfo=timezone.utc)


def check_ip_entry(entry: str) -> str:
    """``entry`` as an IP list line's first word; a ListError naming the problem."""
    try:
        kind, canonical = classify(entry)
    except IndicatorError as exc:
        raise ListError(str(exc)) from None
    if kind not in ADDRESS_KINDS or canonical != entry:
        raise ListError("%r is not an address, network or range as an IP list writes it" % (entry,))
    if kind == IP:
        return entry
    first, _dash, last = entry.partition("-")
    if last:
        low, high = ipaddress.ip_address(first), ipaddress.ip_address(last)
        version = low.version
        too_wide = int(high) - int(low) + 1 > 2 ** ((32 if version == 4 else 128) - WIDEST[version])
    else:
        address, _slash, prefix = entry.partition("/")
        version = 6 if ":" in address else 4
        too_wide = int(prefix) < WIDEST[version]
    if too_wide:
        raise ListError("%r covers more than a /%d: a feed listing it would block a whole region of the Internet; "
                        "list narrower networks" % (entry, WIDEST[version]))
    return entry


def check_domain_entry(entry: str) -> str:
    if not _PRINTABLE.match(entry) or len(entry) > MAX_ENTRY or entry != entry.lower():
        raise ListError("%r is not a domain list line: printable ASCII without blanks, lower case, at most %d "
                        "characters" % (entry, MAX_ENTRY))
    tokens = entry.split(".")
    for position, token in enumerate(tokens):
        if token == "*" and position == 0 and len(tokens) > 2:
            continue
        if token == "^" or _DOMAIN_TOKEN.match(token):
            continue
        raise ListError("%r has the token %r: a domain list takes labels of letters, digits and hyphens, a leading "
                        "* and ^ as whole tokens" % (entry, token))
    return entry


def check_url_entry(entry: str) -> str:
    if not _PRINTABLE.match(entry):
        raise ListError("%r is not a URL list line: printable ASCII without blanks (percent-encode the rest)"
                        % (entry,))
    try:
        normalised = normalise_entry(entry)
    except IndicatorError as exc:
        raise ListError(str(exc)) from None
    host, _slash, rest = entry.partition("/")
    host, _question, query = host.partition("?")
    if normalised != entry or not _URL_HOST.match(host) or not _URL_REST.match(rest + query):
        raise ListError("%r is not a URL list line as PAN-OS stores it: host[/path] without scheme or fragment, the host in lower case, the rest of "
                        "RFC 3986 characters (percent-encode others)"
                        % (entry,))
    return entry


CHECKS = {IP_LIST: check_ip_entry, DOMAIN_LIST: check_domain_entry, URL_LIST: check_url_entry}


def render(edl_type: str, entries: Mapping[str, datetime]) -> str:
    """The list's text: every line checked again, the placeholder when ``entries`` is empty."""
    check = CHECKS[edl_type]
    if not entries:
        placeholder = PLACEHOLDERS[edl_type]
        return placeholder + (" " + PLACEHOLDER_COMMENT if edl_type == IP_LIST else "") + "\n"
    if edl_type == IP_LIST:
        ordered = sorted(entries, key=ip_sort_key)
        return "".join("%s %s%s\n" % (check(entry), EXPIRES, format_time(entries[entry])) for entry in ordered)
    return "".join("%s\n" % check(entry) for entry in sorted(entries))


def parse(edl_type: str, text: str) -> Dict[str, Optional[datetime]]:
    """The entries of a published list, each with the expiry its line carries (None: none)."""
    entries = {}  # type: Dict[str, Optional[datetime]]
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split()
        if not words or words[0] == PLACEHOLDERS[edl_type]:
            continue
        try:
            entry = CHECKS[edl_type](words[0])
        except ListError as exc:
            raise ListError("line %d of the published %s list: %s; it was not written by tagwarden.panos: publish "
                            "to another name, or remove the file" % (number, edl_type, exc)) from None
        expires = None
        for word in words[1:]:
            if word.startswith(EXPIRES):
                try:
                    expires = parse_time(word[len(EXPIRES):])
                except ValueError:
                    expires = None
        entries[entry] = expires
    return entries


def listed(edl_type: str, text: str) -> Set[str]:
    """The entries of a list as the firewall reads them (each line's first word), unchecked: for
    comparing with the firewall's view, not for publishing."""
    words = (line.split(None, 1)[0] for line in text.splitlines() if line.strip())
    return {word for word in words if word != PLACEHOLDERS[edl_type]}


class State(NamedTuple):
    """The feed's state published with the lists: its source, cursor, when written, and the expiries
    of the domain and URL lists' entries (their lines carry none)."""

    source: Optional[str]
    cursor: Optional[str]
    written: Optional[datetime]
    expires: Dict[str, Dict[str, datetime]]


def render_state(state: State) -> str:
    document = {"format": STATE_FORMAT, "version": STATE_VERSION, "source": state.source, "cursor": state.cursor,
                "written": format_time(state.written) if state.written else None,
                "expires": {edl_type: {entry: format_time(moment) for entry, moment in sorted(entries.items())}
                            for edl_type, entries in sorted(state.expires.items())}}
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


def parse_state(text: str) -> State:
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise ListError("the published state is not JSON (%s)" % exc) from None
    if not isinstance(document, dict) or document.get("format") != STATE_FORMAT:
        raise ListError("the published state was not written by tagwarden.panos: publish to another name")
    expires = {}  # type: Dict[str, Dict[str, datetime]]
    raw = document.get("expires") or {}
    try:
        for edl_type in (DOMAIN_LIST, URL_LIST):
            expires[edl_type] = {str(entry): parse_time(str(moment))
                                 for entry, moment in dict(raw.get(edl_type) or {}).items()}
        written = parse_time(document["written"]) if document.get("written") else None
    except (ValueError, TypeError, AttributeError) as exc:
        raise ListError("the published state has an unreadable time (%s)" % exc) from None
    cursor = document.get("cursor")
    source = document.get("source")
    return State(str(source) if source else None, str(cursor) if cursor else None, written, expires)
