# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading usage and identity from PAN-OS replies: the Quota custom report, traffic logs,
User-ID groups and the IP-user mapping.

Every function takes an already parsed reply (``xml.etree.ElementTree`` or lxml element; both
have the API used here) or the text of a reply and returns plain data:
rows are ``{"ip": str, "user": str | None, "bytes": int}``. IPs are normalised with
:mod:`ipaddress` so that the report, the mapping and registered IPs compare equal; user
names are kept exactly as the firewall spells them.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._quota_state import parse_firewall_time
from ansible_collections.tagwarden.panos.plugins.module_utils._userid import canonical_ip

Row = Dict[str, Any]

_MEMBER_LINE = re.compile(r"^\[\s*\d+\s*\] (.*?)\s*$")
_NO_MEMBERS = "does not exist or does not have members"


def _text(element: Any, path: str) -> Optional[str]:
    """Stripped text of the child at ``path``; None when it is missing or empty."""
    child = element.find(path)
    text = (child.text or "").strip() if child is not None else ""
    return text or None


def _shown(element: Any) -> str:
    """An entry as ``<entry> src='10.0.0.5', bytes='12x'`` for error messages (works for lxml too)."""
    return "<%s> %s" % (element.tag, ", ".join("%s=%r" % (child.tag, child.text) for child in element))


def _check_success(reply: Any, what: str) -> None:
    status = reply.get("status")
    if reply.tag == "response" and status != "success":
        message = " ".join(line.strip() for line in reply.itertext() if line.strip())
        raise ValueError("the firewall answered the %s request with status %r: %s" % (what, status, message or "(no message)"))


def _job_finished(reply: Any, what: str) -> None:
    status = _text(reply, ".//job/status")
    if status is not None and status != "FIN":
        raise ValueError("the %s job is not finished (status %s); poll it until its status is FIN" % (what, status))


def normalize_ip(text: str) -> str:
    """Canonical text of a single address; ValueError for networks, ranges and names."""
    try:
        return canonical_ip(text.strip())
    except (AttributeError, TypeError, ValueError):
        raise ValueError("%r is not a single IP address (e.g. 10.0.0.5 or 2001:db8::5; networks and ranges are not accepted here)" % (text,))


def _row(entry: Any, user_field: str) -> Row:
    """One usage row from a report or log ``<entry>``; ValueError that shows the entry."""
    src = _text(entry, "src")
    count = _text(entry, "bytes")
    if src is None:
        raise ValueError("entry without a source address (src): %s" % _shown(entry))
    if count is None or not count.isdigit():
        raise ValueError("entry with bytes %r, not a whole number: %s" % (count, _shown(entry)))
    try:
        ip = normalize_ip(src)
    except ValueError as error:
        raise ValueError("%s: %s" % (error, _shown(entry)))
    user = entry.find(user_field)
    # an empty <srcuser/> means User-ID does not know the user; keep spaces etc. of real names
    name = user.text if user is not None and user.text and user.text.strip() else None
    return {"ip": ip, "user": name, "bytes": int(count)}


def parse_report(reply: Any) -> Dict[str, Any]:
    """Rows and window of a finished custom report job (``type=report&action=get``).

    Returns ``{"rows": [row, ...], "window": {"start": datetime | None, "end": datetime | None}}``;
    the window comes from the ``<report>`` attributes ``start``/``end`` (firewall-local).
    """
    _check_success(reply, "report")
    _job_finished(reply, "report")
    report = reply if reply.tag == "report" else reply.find(".//report")
    if report is None:
        raise ValueError("the reply holds no <report> element (an unknown or expired job answers 'No such report'): %s"
                         % " ".join("".join(reply.itertext()).split())[:500])
    window = {key: parse_firewall_time(report.get(key)) if report.get(key) else None for key in ("start", "end")}
    return {"rows": [_row(entry, "srcuser") for entry in report.findall("entry")], "window": window}


def parse_traffic_log(reply: Any) -> List[Row]:
    """Rows (one per log entry, not summed) of a finished traffic log job (``type=log&action=get``)."""
    _check_success(reply, "traffic log")
    _job_finished(reply, "traffic log")
    return [_row(entry, "srcuser") for entry in reply.iterfind(".//logs/entry")]


def sum_traffic(entries: Iterable[Mapping[str, Any]]) -> List[Row]:
    """Sum log rows (``ip`` or ``src``, ``user`` or ``srcuser``, ``bytes``) into one row per (ip, user).

    Rows come out in order of first appearance, so the result is deterministic.
    """
    totals: Dict[Tuple[str, Optional[str]], int] = {}
    for entry in entries:
        key = (entry.get("ip", entry.get("src")), entry.get("user", entry.get("srcuser")) or None)
        try:
            totals[key] = totals.get(key, 0) + int(entry["bytes"])
        except (KeyError, TypeError, ValueError):
            raise ValueError("log entry without a whole number of bytes: %r" % (dict(entry),))
    return [{"ip": ip, "user": user, "bytes": count} for (ip, user), count in totals.items()]


def result_text(reply: Any) -> str:
    """The text inside ``<result>`` of an op reply (the user group commands answer in CDATA text)."""
    _check_success(reply, "op")
    result = reply.find("result") if reply.tag == "response" else reply
    return "".join(result.itertext()) if result is not None else ""


def parse_group_list(text: str) -> List[str]:
    """Group names from ``show user group list`` text (the ``Total:`` line and the legend are dropped)."""
    groups = []
    for line in text.splitlines():
        name = line.strip()
        if name and not name.startswith("Total:") and not name.startswith("* :"):
            groups.append(name)
    return groups


def parse_group_members(text: str) -> List[str]:
    """Users from ``show user group name X`` text; ``[]`` for a group that does not exist or is empty."""
    if _NO_MEMBERS in text:
        return []
    return [match.group(1) for match in map(_MEMBER_LINE.match, text.splitlines()) if match]


def parse_ip_user_mapping(reply: Any) -> List[Dict[str, str]]:
    """``[{"ip", "user"}]`` from ``show user ip-user-mapping all``; entries without a user are skipped."""
    _check_success(reply, "ip-user-mapping")
    mapping = []
    for entry in reply.iterfind("result/entry" if reply.tag == "response" else "entry"):
        ip = _text(entry, "ip")
        if ip is None:
            raise ValueError("ip-user-mapping entry without an ip: %s" % _shown(entry))
        user = entry.find("user")
        if user is not None and user.text and user.text.strip():
            mapping.append({"ip": normalize_ip(ip), "user": user.text})
    return mapping
