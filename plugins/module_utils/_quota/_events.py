# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Block and release events of one quota cycle, for a SIEM or a chat (docs/quota.md, "Notifications").

One flat dictionary per decision, every event with the same keys (:data:`EVENT_FIELDS`), JSON-ready:
an address block, a user block (all the user's addresses in one event), a group block, and the
release of an address or a group (``ended_by``: ``cycle`` when the cycle removed the block,
``firewall`` when the block's native timeout ended it before the cycle; null for blocks). Times are the firewall's local time, as the firewall's clock and
the blocks give them. Plain Python, no Ansible imports.
"""

from __future__ import annotations


from datetime import datetime
from typing import Any, Dict, List, Mapping, NamedTuple

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import format_firewall_time
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._evaluate import REASON_USER, Evaluation

EVENT_FIELDS = ("time", "time_iso", "firewall", "action", "kind", "subject", "addresses", "user", "until",
                "until_iso", "bytes", "quota", "reason", "ended_by")


class _Source(NamedTuple):
    """Where and when: the cycle's firewall clock and the firewall's name."""

    now: datetime
    firewall: str


def _event(source: _Source, action: str, kind: str, subject: str, until: datetime, reason: str,
           **details: Any) -> Dict[str, Any]:
    """One event; ``details`` are its ``addresses``, ``user``, ``bytes``, ``quota`` and ``ended_by`` (default empty)."""
    event = {"time": format_firewall_time(source.now), "time_iso": source.now.isoformat(), "firewall": source.firewall,
             "action": action, "kind": kind, "subject": subject, "addresses": [], "user": None,
             "until": format_firewall_time(until), "until_iso": until.isoformat(), "bytes": None, "quota": None,
             "reason": reason, "ended_by": None}  # type: Dict[str, Any]
    event.update((key, value) for key, value in details.items() if value is not None)
    return event


def _ip_blocks(result: Evaluation, firewall: str) -> List[Dict[str, Any]]:
    """An event per address over quota, one per user over quota (its addresses in address order)."""
    events = []  # type: List[Dict[str, Any]]
    users = {}  # type: Dict[str, Dict[str, Any]]
    for entry in result.block_ips:
        if entry["reason"] != REASON_USER:
            events.append(_event(_Source(result.now, firewall), "block", "ip", entry["ip"], entry["until"],
                                 entry["reason"], addresses=[entry["ip"]], user=entry["user"], bytes=entry["bytes"],
                                 quota=entry["quota"]))
        elif entry["user"] in users:
            users[entry["user"]]["addresses"].append(entry["ip"])
        else:
            users[entry["user"]] = event = _event(_Source(result.now, firewall), "block", "user", entry["user"],
                                                  entry["until"], entry["reason"], addresses=[entry["ip"]],
                                                  user=entry["user"], bytes=entry["bytes"], quota=entry["quota"])
            events.append(event)
    return events


def _release(result: Evaluation, firewall: str, kind: str, entry: Mapping[str, Any]) -> Dict[str, Any]:
    addresses = [entry["ip"]] if kind == "ip" else []
    return _event(_Source(result.now, firewall), "release", kind, entry[kind], entry["until"], entry["reason"],
                  addresses=addresses, ended_by=entry.get("ended_by"))


def events(result: Evaluation, firewall: str) -> List[Dict[str, Any]]:
    """The cycle's blocks (addresses, users, groups), then its releases (addresses, groups)."""
    found = _ip_blocks(result, firewall)
    found.extend(_event(_Source(result.now, firewall), "block", "group", entry["group"], entry["until"], entry["reason"],
                        bytes=entry["bytes"], quota=entry["quota"]) for entry in result.block_groups)
    found.extend(_release(result, firewall, "ip", entry) for entry in result.release_ips)
    found.extend(_release(result, firewall, "group", entry) for entry in result.release_groups)
    return found
