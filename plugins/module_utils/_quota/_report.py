# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Usage rows from PAN-OS replies: the Quota custom report and traffic logs.

Every function takes an already parsed reply (``xml.etree.ElementTree`` or lxml element; both
have the API used here) and returns plain data: rows are ``{"ip": str, "user": str | None,
"bytes": int}`` with canonical IP text (``_panos._address``) so that the report, the mapping
and registered IPs compare equal; user names are kept exactly as the firewall spells them.
"""

from __future__ import annotations


from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._address import strict_ip
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import parse_firewall_time
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import check_success as _check_success
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import shown as _shown
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import stripped as _text

Row = Dict[str, Any]


def _job_finished(reply: Any, what: str) -> None:
    status = _text(reply, ".//job/status")
    if status is not None and status != "FIN":
        raise ValueError("the %s job is not finished (status %s); poll it until its status is FIN" % (what, status))


def _row(entry: Any, user_field: str) -> Row:
    """One usage row from a report or log ``<entry>``; ValueError that shows the entry."""
    src = _text(entry, "src")
    count = _text(entry, "bytes")
    if src is None:
        raise ValueError("entry without a source address (src): %s" % _shown(entry))
    if count is None or not count.isdigit():
        raise ValueError("entry with bytes %r, not a whole number: %s" % (count, _shown(entry)))
    try:
        ip = strict_ip(src)
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
