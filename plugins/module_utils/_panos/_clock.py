# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The firewall's clock and time format.

All times are naive datetimes in the firewall's local time (docs/design.md, "Time").
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import functools
from datetime import datetime

#: How PAN-OS writes times in queries, reports and logs.
FIREWALL_TIME_FORMAT = "%Y/%m/%d %H:%M:%S"
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
    time is already the firewall's local time, and zones strptime does not know (``PST``,
    ``CET``) work too. Month names are matched here rather than with strptime's ``%b``, which
    depends on the controller's locale.
    """
    try:
        _weekday, month, day, clock, _zone, year = text.split()
        hour, minute, second = clock.split(":")
        return datetime(int(year), _MONTHS[month.lower()], int(day), int(hour), int(minute), int(second))
    except (KeyError, ValueError):
        raise ValueError("%r is not show clock output; expected e.g. 'Sun Nov 22 10:00:00 UTC 2026'" % (text,))
