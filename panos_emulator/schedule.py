"""Schedule objects: when a rule that names one is in force (firewall-local time, in the configured timezone).

``schedule-type/non-recurring/member`` holds ``YYYY/MM/DD@HH:MM-YYYY/MM/DD@HH:MM``;
``schedule-type/recurring/daily/member`` holds ``HH:MM-HH:MM``, and ``recurring/weekly/<day>/member``
the same for one weekday. A range includes its start minute and ends at its end minute; a daily range
whose end is not after its start runs past midnight.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo

from lxml import etree

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NON_RECURRING = re.compile(r"^(\d{4}/\d{2}/\d{2})@(\d{2}:\d{2})-(\d{4}/\d{2}/\d{2})@(\d{2}:\d{2})$")
_DAILY = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


def _epoch(day: str, clock: str, zone: tzinfo) -> float:
    return datetime.strptime(f"{day} {clock}", "%Y/%m/%d %H:%M").replace(tzinfo=zone).timestamp()


def _non_recurring(text: str, zone: tzinfo = timezone.utc) -> tuple[float, float]:
    found = _NON_RECURRING.match(text.strip())
    if found is None:
        raise ValueError(text)
    start, end = _epoch(found[1], found[2], zone), _epoch(found[3], found[4], zone)
    if end <= start:
        raise ValueError(text)
    return start, end


def _minutes(text: str) -> tuple[int, int]:
    found = _DAILY.match(text.strip())
    if found is None or int(found[1]) > 23 or int(found[3]) > 23 or int(found[2]) > 59 or int(found[4]) > 59:
        raise ValueError(text)
    return int(found[1]) * 60 + int(found[2]), int(found[3]) * 60 + int(found[4])


def _in_daily(text: str, minute_of_day: int) -> bool:
    start, end = _minutes(text)
    return start <= minute_of_day < end if start < end else minute_of_day >= start or minute_of_day < end


def _ranges(schedule: etree._Element) -> list[tuple[str, str]]:
    """(kind, text) of every member: kind is ``non-recurring``, ``daily`` or a weekday."""
    kind = schedule.find("schedule-type")
    if kind is None:
        return []
    found = [("non-recurring", m.text or "") for m in kind.iterfind("non-recurring/member")]
    found += [("daily", m.text or "") for m in kind.iterfind("recurring/daily/member")]
    found += [(day, m.text or "") for day in WEEKDAYS for m in kind.iterfind(f"recurring/weekly/{day}/member")]
    return found


def schedule_error(schedule: etree._Element) -> str | None:
    """The first member PAN-OS would refuse, or None."""
    for kind, text in _ranges(schedule):
        parse = _non_recurring if kind == "non-recurring" else _minutes
        try:
            parse(text)
        except ValueError:
            return text
    return None


def in_force(schedule: etree._Element | None, epoch: float, zone: tzinfo = timezone.utc) -> bool:
    """Whether a rule with this schedule applies at ``epoch`` (its times are local in ``zone``); a missing or
    empty schedule never applies."""
    if schedule is None:
        return False
    moment = datetime.fromtimestamp(epoch, zone)
    minute_of_day = moment.hour * 60 + moment.minute
    for kind, text in _ranges(schedule):
        try:
            if kind == "non-recurring":
                start, end = _non_recurring(text, zone)
                if start <= epoch < end:
                    return True
            elif kind in ("daily", WEEKDAYS[moment.weekday()]) and _in_daily(text, minute_of_day):
                return True
        except ValueError:
            continue
    return False
