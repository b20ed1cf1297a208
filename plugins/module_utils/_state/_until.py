# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Until-tags: an end time kept on the firewall as a tag registered next to the one it dates.

A registration of ``<tag>`` that we made carries the companion ``<tag>.until.<YYYYMMDDHHMMSS>``
(firewall-local), with a native timeout too, so the firewall ends both by itself and anyone
reading the registrations can tell when, and that it was us. A feature may give the companion a
longer timeout than the tag (quota: the block plus a grace): a holder left with the companion
and without the tag is one whose tag the firewall ended (:func:`lapsed_by_holder`), and the
fixed-name :func:`until_index_tag`, registered with the companion, lets one filtered read find
those holders.
"""

from __future__ import annotations


import functools
from datetime import datetime
from typing import Dict, Iterable, Mapping, Optional

UNTIL_TAG_FORMAT = "%Y%m%d%H%M%S"
UNTIL_MARKER = ".until."
#: Characters an until-tag adds to its tag.
UNTIL_SUFFIX_LENGTH = len(UNTIL_MARKER) + 14


def until_index_tag(tag: str) -> str:
    """The fixed-name tag ``<tag>.until`` that holders of an until-tag of ``tag`` may carry with
    it, so that a read filtered on one tag name finds them after ``tag`` itself has ended."""
    return tag + UNTIL_MARKER.rstrip(".")


def until_tag(tag: str, until: datetime) -> str:
    """The companion tag recording when ``tag`` ends: ``quota.until.20261122103000``."""
    return tag + UNTIL_MARKER + until.strftime(UNTIL_TAG_FORMAT)


@functools.lru_cache(maxsize=4096)
def parse_until_tag(tag: str, name: str) -> Optional[datetime]:
    """The end time recorded by ``name`` if it is a companion tag of ``tag``, else None (cached:
    thousands of registrations share a few end times)."""
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


def is_until_tag(tag: str, name: str) -> bool:
    return parse_until_tag(tag, name) is not None


def until_by_holder(registrations: Mapping[str, Iterable[str]], tag: str) -> Dict[str, Optional[datetime]]:
    """``{holder: until}`` for the holders (IPs) carrying ``tag``.

    ``until`` is the latest companion tag's time, or None when the holder has the tag but no
    companion: someone else registered it, so we leave it alone. Holders with only a companion
    tag do not hold ``tag`` (what matches is ``tag``; see :func:`lapsed_by_holder`).
    """
    state = {}  # type: Dict[str, Optional[datetime]]
    for holder, tags in registrations.items():
        tags = list(tags)
        if tag not in tags:
            continue
        untils = [until for until in (parse_until_tag(tag, name) for name in tags) if until is not None]
        state[holder] = max(untils) if untils else None
    return state


def lapsed_by_holder(registrations: Mapping[str, Iterable[str]], tag: str) -> Dict[str, datetime]:
    """``{holder: until}`` for the holders with a companion tag of ``tag`` and no ``tag``: the
    firewall ended ``tag`` (its timeout) and the companion, given a longer one, still says when
    it was to end. ``until`` is the latest companion's time."""
    state = {}  # type: Dict[str, datetime]
    for holder, tags in registrations.items():
        tags = list(tags)
        if tag in tags:
            continue
        untils = [until for until in (parse_until_tag(tag, name) for name in tags) if until is not None]
        if untils:
            state[holder] = max(untils)
    return state
