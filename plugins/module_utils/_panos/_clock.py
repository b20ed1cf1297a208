# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The firewall's clock, its time zone and time format.

All times are naive datetimes in the firewall's local time (docs/design.md, "Time"); what speaks
UTC (a feed's API) converts with the firewall's zone, read from its running configuration.
"""

from __future__ import annotations


import functools
import zoneinfo
from datetime import datetime, timezone, tzinfo
from typing import Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import CODE_MISSING, FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import DEVICE_XPATH

#: How PAN-OS writes times in queries, reports and logs.
FIREWALL_TIME_FORMAT = "%Y/%m/%d %H:%M:%S"
#: The firewall's time zone (Device > Setup > Management), an IANA name; PAN-OS runs on UTC without one.
TIMEZONE_XPATH = DEVICE_XPATH + "/deviceconfig/system/timezone"
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


def zone_named(name: Optional[str]) -> tzinfo:
    """The zone of a PAN-OS timezone setting (None or blank: UTC); a ValueError naming an unknown one."""
    text = (name or "").strip()
    if not text:
        return timezone.utc
    try:
        return zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("the firewall's timezone %r (deviceconfig/system/timezone) is not in this controller's "
                         "time zone database, so its local times cannot be converted to UTC: set the firewall to "
                         "a current IANA name of its zone (Device > Setup > Management, e.g. America/Regina), or "
                         "update the controller's tzdata (pip install -U tzdata)" % (text,)) from None


def read_zone(conn: Connection) -> tzinfo:
    """The firewall's time zone from its running configuration (one ``show``); UTC when none is set."""
    try:
        root = conn.config("show", TIMEZONE_XPATH)
    except FirewallError as exc:
        # PAN-OS answers a missing node with code 7, or (action=show) an error without a code
        if exc.kind == "panos" and exc.code in (CODE_MISSING, None):
            return timezone.utc
        raise
    return zone_named(root.findtext("./result/timezone"))


def to_utc(moment: datetime, zone: tzinfo) -> datetime:
    """A firewall-local naive time as an aware UTC time."""
    return moment.replace(tzinfo=zone).astimezone(timezone.utc)


def to_local(moment: datetime, zone: tzinfo) -> datetime:
    """An aware time as the firewall's naive local time."""
    return moment.astimezone(zone).replace(tzinfo=None)
