# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Quota block state as it is kept on the firewall, and the firewall's clock.

The controller keeps nothing between cycles, so every block carries its end on the firewall:
- an IP block is the quota tag plus a companion tag ``<tag>.until.<YYYYMMDDHHMMSS>``, both
  registered with the native timeout, so the firewall releases the IP on its own;
- a group block is a source-user of the deny rule, and the release times of all blocked groups
  are kept as JSON at the end of the rule's description.

All times are naive datetimes in the firewall's local time (design.md, "Time").
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import functools
import json
from datetime import datetime
from typing import Dict, Iterable, Mapping, Optional

FIREWALL_TIME_FORMAT = "%Y/%m/%d %H:%M:%S"
UNTIL_TAG_FORMAT = "%Y%m%d%H%M%S"
UNTIL_MARKER = ".until."
DESCRIPTION_LIMIT = 1024  # characters PAN-OS accepts in a rule description
DESCRIPTION_SENTENCE = "Managed by tagwarden.panos quota: blocked groups and their release times (firewall-local)."
_DESCRIPTION_JSON_START = '{"release"'
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


@functools.lru_cache(maxsize=4096)
def parse_firewall_time(text: str) -> datetime:
    """Parse ``YYYY/MM/DD HH:MM:SS`` (the PAN-OS format) into a naive datetime.

    Cached: a cycle's thousands of blocks share a handful of end times, and strptime is slow."""
    try:
        return datetime.strptime(text.strip(), FIREWALL_TIME_FORMAT)
    except (AttributeError, ValueError):
        raise ValueError("%r is not a firewall time; use YYYY/MM/DD HH:MM:SS, e.g. 2026/11/22 10:30:00" % (text,))


def format_firewall_time(moment: datetime) -> str:
    return moment.strftime(FIREWALL_TIME_FORMAT)


def parse_show_clock(text: str) -> datetime:
    """Parse ``show clock`` output (``Sun Nov 22 10:00:00 UTC 2026``) into a naive local datetime.

    The zone abbreviation is dropped, as pan-os-python's ``Firewall.clock()`` does: the wall
    time is already the firewall's local time. Month names are matched here rather than with
    strptime's ``%b``, which depends on the controller's locale.
    """
    parts = text.split()
    try:
        _weekday, month, day, clock, _zone, year = parts
        hour, minute, second = clock.split(":")
        return datetime(int(year), _MONTHS[month.lower()], int(day), int(hour), int(minute), int(second))
    except (KeyError, ValueError):
        raise ValueError("%r is not show clock output; expected e.g. 'Sun Nov 22 10:00:00 UTC 2026'" % (text,))


def until_tag(tag: str, until: datetime) -> str:
    """The companion tag recording when an IP's block ends: ``quota.until.20261122103000``."""
    return tag + UNTIL_MARKER + until.strftime(UNTIL_TAG_FORMAT)


@functools.lru_cache(maxsize=4096)
def parse_until_tag(tag: str, name: str) -> Optional[datetime]:
    """The end time recorded by ``name`` if it is a companion tag of ``tag``, else None (cached,
    as :func:`parse_firewall_time`: thousands of blocks share a few end times)."""
    prefix = tag + UNTIL_MARKER
    if not name.startswith(prefix):
        return None
    stamp = name[len(prefix):]
    if len(stamp) != 14 or not stamp.isdigit():
        return None
    try:
        return datetime.strptime(stamp, UNTIL_TAG_FORMAT)
    except ValueError:  # 14 digits that are no date, e.g. month 13: not one of ours
        return None


def block_state_from_tags(registrations: Mapping[str, Iterable[str]], tag: str) -> Dict[str, Optional[datetime]]:
    """Turn registered IPs and their tags into ``{ip: until}`` for the IPs carrying ``tag``.

    ``until`` is the latest companion tag's time, or None when the IP has the tag but no
    companion: someone else registered it, so the quota cycle leaves it alone. IPs with only a
    companion tag are not blocked (both tags share one timeout; the DAG matches ``tag`` only).
    """
    state: Dict[str, Optional[datetime]] = {}
    for ip, tags in registrations.items():
        tags = list(tags)
        if tag not in tags:
            continue
        untils = [until for until in (parse_until_tag(tag, name) for name in tags) if until is not None]
        state[ip] = max(untils) if untils else None
    return state


def encode_rule_description(releases: Mapping[str, Optional[datetime]], sentence: str = DESCRIPTION_SENTENCE) -> str:
    """The deny rule's description: a sentence for people, then ``{"release": {group: time}}``.

    Groups whose release time is None are not ours and are left out (decoding them gives None
    again). Raises ValueError when the text exceeds what PAN-OS stores.
    """
    times = {group: format_firewall_time(until) for group, until in sorted(releases.items()) if until is not None}
    # ensure_ascii=False: a non-ASCII group name costs one character instead of six toward the limit
    text = sentence + " " + json.dumps({"release": times}, ensure_ascii=False, separators=(",", ":"))
    if len(text) > DESCRIPTION_LIMIT:
        raise ValueError(
            "the release times of %d blocked groups need %d characters in the rule description, more than the %d PAN-OS allows; "
            "block fewer groups at once (raise the group quota) or shorten the group names" % (len(times), len(text), DESCRIPTION_LIMIT))
    return text


def decode_rule_description(text: Optional[str]) -> Dict[str, datetime]:
    """``{group: release time}`` from a description written by :func:`encode_rule_description`.

    A description without the JSON part gives ``{}``; a damaged JSON part raises ValueError
    rather than silently forgetting blocks.
    """
    start = (text or "").find(_DESCRIPTION_JSON_START)
    if start < 0:
        return {}
    try:
        release = json.loads(text[start:])["release"]
        return {str(group): parse_firewall_time(until) for group, until in release.items()}
    except (ValueError, TypeError, AttributeError, KeyError):
        raise ValueError("the rule description %r does not end in valid release times %s; "
                         "restore it or delete the rule's description to forget the group blocks" % (text, '{"release": {"<group>": "YYYY/MM/DD HH:MM:SS"}}'))
