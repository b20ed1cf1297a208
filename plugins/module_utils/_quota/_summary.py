# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The quota cycle at a glance: the lines quota_evaluate and quota_cycle return as ``summary``."""

from __future__ import annotations


from datetime import datetime, timedelta
from typing import Any, Callable, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import format_firewall_time
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._evaluate import ENDED_BY_FIREWALL, RELEASE_ENDED, SCOPES, Evaluation, percent
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._units import format_bytes

BUCKET_MINUTES = 15  # traffic summary data, which the report reads, moves in buckets from :00, :15, :30, :45


def _left(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return "%dh %02dm %02ds" % (hours, minutes, seconds) if hours else "%dm %02ds" % (minutes, seconds)


def _of_quota(count: int, quota: Optional[int]) -> str:
    if quota is None:
        return "%s (no quota)" % format_bytes(count)
    return "%s of %s (%s%%)" % (format_bytes(count), format_bytes(quota), percent(count, quota) if quota else "-")


def _shown(lines: List[str], entries: Sequence[Any], limit: Optional[int], what: str, line: Callable[[Any], str]) -> None:
    """Lines for at most ``limit`` entries, then one line counting the rest."""
    shown = entries if limit is None else entries[:limit]
    lines.extend(line(entry) for entry in shown)
    if len(entries) > len(shown):
        lines.append("... and %d more %s" % (len(entries) - len(shown), what))


def _block_line(entry: Mapping[str, Any]) -> str:
    name = entry.get("ip") or entry.get("group")
    kind = "ip" if "ip" in entry else "group"
    who = " (user %s)" % entry["user"] if entry.get("user") else ""
    return "BLOCK %s %s%s until %s: %s, %s" % (
        kind, name, who, format_firewall_time(entry["until"]), entry["reason"], _of_quota(entry["bytes"], entry["quota"]))


def _release_line(entry: Mapping[str, Any], applied: bool) -> str:
    kind = "ip" if "ip" in entry else "group"
    how = " on the firewall by its timeout" if entry.get("ended_by") == ENDED_BY_FIREWALL and entry["reason"] == RELEASE_ENDED else ""
    return "%s %s %s: %s%s (was until %s)" % ("RELEASE" if applied else "would release", kind, entry[kind],
                                              entry["reason"], how, format_firewall_time(entry["until"]))


def _blocked_line(entry: Mapping[str, Any], applied: bool) -> str:
    if not entry["ours"]:
        return "blocked %s %s: not managed by the quota cycle" % (entry["kind"], entry["name"])
    if entry.get("new") and not applied:
        return "would block %s %s for %s" % (entry["kind"], entry["name"], _left(entry["seconds_left"]))
    return "blocked %s %s: %s left" % (entry["kind"], entry["name"], _left(entry["seconds_left"]))


def _mark(entry: Mapping[str, Any]) -> str:
    if entry.get("exempt"):
        return " OVER, exempt (never blocked)" if entry["over"] else " exempt"
    return " OVER" if entry["over"] else ""


def window_text(now: datetime, start: Optional[datetime], end: Optional[datetime]) -> str:
    """The time range the usage covers and, when it ends before ``now`` (the report, whose data
    moves in 15-minute buckets), from when the traffic of the bucket in progress counts."""
    if start is None or end is None:
        return "usage window not given by the firewall"
    text = "usage %s to %s" % (format_firewall_time(start), format_firewall_time(end))
    if end < now:
        bucket = now.replace(minute=now.minute - now.minute % BUCKET_MINUTES, second=0, microsecond=0)
        text += " (15-minute buckets: traffic after %s counts from %s)" % (
            format_firewall_time(end), format_firewall_time(bucket + timedelta(minutes=BUCKET_MINUTES)))
    return text


def summary_lines(result: Evaluation, limit: Optional[int] = None, firewall: Optional[str] = None,
                  window: Optional[Tuple[Optional[datetime], Optional[datetime]]] = None, applied: bool = False,
                  outcome: Optional[str] = None) -> List[str]:
    """The cycle at a glance, like the seed script printed each minute: the decisions (blocks,
    releases) first, then usage, blocks in force and ``outcome`` (what changed on the firewall).

    Each list shows at most ``limit`` entries and counts the rest. ``firewall`` starts every line
    (logs of many firewalls stay greppable); ``window`` is the usage's (start, end); ``applied``:
    the decisions are on the firewall (else new blocks read "would block", not "blocked", and
    releases "would release", not "RELEASE").
    """
    heading = "quota cycle at %s" % format_firewall_time(result.now)
    if window is not None:
        heading += ", " + window_text(result.now, *window)
    lines = [heading]
    _shown(lines, result.block_ips, limit, "addresses blocked", _block_line)
    _shown(lines, result.block_groups, limit, "groups blocked", _block_line)
    _shown(lines, result.release_ips + result.release_groups, limit, "released",
           lambda entry: _release_line(entry, applied))
    for scope in SCOPES:
        for entry in result.usage.get(scope, []):
            lines.append("usage %-5s %s: %s%s" % (scope, entry["name"], _of_quota(entry["bytes"], entry["quota"]), _mark(entry)))
    _shown(lines, result.currently_blocked, limit, "blocks in force", lambda entry: _blocked_line(entry, applied))
    if len(lines) == 1:
        lines.append("no usage, nothing blocked")
    if outcome:
        lines.append(outcome)
    prefix = "%s: " % firewall if firewall else ""
    return [prefix + line for line in lines]
