# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Usage rows for quota_report_facts: the saved custom report, or summed traffic logs.

Parsing is ``_quota_report``'s; this file runs the jobs, pages the logs and turns a reply that
does not parse, or a report that does not exist, into a :class:`FirewallError` that says what to
do. Plain Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import re
from datetime import datetime, timedelta
from typing import Any, Dict, List, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._connection import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._quota_report import (
    parse_report,
    parse_traffic_log,
    sum_traffic,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._quota_state import format_firewall_time
from ansible_collections.tagwarden.panos.plugins.module_utils._xml import entry_xpath, vsys_xpath

LOG_PAGE = 5000  # the most logs PAN-OS returns for one query (nlogs)
BOOTSTRAP_HINT = ("create it with the tagwarden.panos.quota_bootstrap role (playbooks/quota_bootstrap.yml), "
                  "which also creates the quota tag, DAG and deny rule, and commits")
_VSYS = re.compile(r"^vsys\d+$")


def _window(start: Optional[datetime], end: Optional[datetime]) -> Dict[str, Optional[str]]:
    return {"start": format_firewall_time(start) if start else None, "end": format_firewall_time(end) if end else None}


def _parsed(conn: Any, parse: Any, root: Any, what: str) -> Any:
    """``parse(root)``; a ValueError (bad bytes, missing src, no report) becomes a FirewallError."""
    try:
        return parse(root)
    except ValueError as exc:
        raise FirewallError("the %s from %s cannot be read: %s" % (what, conn.where, exc), kind="malformed")


def _check_job(conn: Any, root: Any, what: str) -> None:
    """A finished job whose result is FAIL carries its reason in details/line."""
    job = root.find("./result/job")
    if job is not None and (job.findtext("result") or "").strip() == "FAIL":
        details = "; ".join((line.text or "").strip() for line in job.findall("./details/line")) or "no details"
        raise FirewallError("the %s job %s on %s failed: %s" % (what, job.findtext("id"), conn.where, details), kind="job")


def report_missing(conn: Any, report_name: str, vsys: Optional[str]) -> bool:
    """Whether the saved report exists neither in the vsys nor in shared (one candidate read)."""
    xpath = "|".join(entry_xpath(root + "/reports", report_name) for root in (vsys_xpath(vsys), vsys_xpath("shared")))
    return conn.config("get", xpath).find("./result/entry") is None


def report_rows(conn: Any, report_name: str = "Quota", vsys: Optional[str] = "vsys1",
                job_timeout: float = 120) -> Dict[str, Any]:
    """``{rows, window}`` of the saved custom report, run as an asynchronous job."""
    params = {"type": "report", "reporttype": "custom", "reportname": report_name, "async": "yes"}
    if vsys:
        params["vsys"] = vsys
    try:
        root = conn.run_job(params, timeout=job_timeout)
    except FirewallError as exc:
        # the error text for an unknown report is not documented: confirm with the config
        if exc.kind == "panos" and report_missing(conn, report_name, vsys):
            raise FirewallError("the custom report %r does not exist on %s (%s): %s"
                                % (report_name, conn.where, vsys or "shared", BOOTSTRAP_HINT), kind="settings")
        raise
    _check_job(conn, root, "report")
    parsed = _parsed(conn, parse_report, root, "report %r" % report_name)
    return {"rows": parsed["rows"], "window": _window(parsed["window"]["start"], parsed["window"]["end"])}


def traffic_log_query(start: datetime, end: datetime, vsys: Optional[str]) -> str:
    """Logs received in [start, end]; the upper bound keeps the pages stable while logs arrive."""
    query = "(receive_time geq '%s') and (receive_time leq '%s')" % (format_firewall_time(start), format_firewall_time(end))
    if vsys and vsys != "shared":
        if not _VSYS.match(vsys):
            raise FirewallError("vsys %r is not a virtual system name such as vsys1" % vsys, kind="settings")
        query += " and (vsys eq '%s')" % vsys
    return query


def traffic_log_rows(conn: Any, minutes: int = 15, vsys: Optional[str] = "vsys1", job_timeout: float = 120,
                     now: Optional[datetime] = None, page_size: int = LOG_PAGE) -> Dict[str, Any]:
    """``{rows, window}``: traffic log bytes of the last ``minutes`` (firewall clock) summed per
    (ip, user), read ``page_size`` logs per job, oldest first, with ``skip``."""
    end = now or conn.clock()
    start = end - timedelta(minutes=minutes)
    query = traffic_log_query(start, end, vsys)
    entries = []  # type: List[Dict[str, Any]]
    skip = 0
    while True:
        root = conn.run_job({"type": "log", "log-type": "traffic", "nlogs": str(page_size), "skip": str(skip),
                             "dir": "forward", "query": query}, timeout=job_timeout)
        _check_job(conn, root, "traffic log")
        page = _parsed(conn, parse_traffic_log, root, "traffic log page at skip=%d" % skip)
        entries.extend(page)
        if len(page) < page_size:
            break
        skip += len(page)
    return {"rows": sum_traffic(entries), "window": _window(start, end)}


def usage(conn: Any, source: str = "report", report_name: str = "Quota", vsys: Optional[str] = "vsys1",
          minutes: int = 15, job_timeout: float = 120) -> Dict[str, Any]:
    """The quota_report_facts module: ``rows``, ``window``, ``firewall_time`` and ``api_calls``."""
    if minutes < 1:
        raise FirewallError("minutes must be at least 1", kind="settings")
    now = conn.clock()
    if source == "traffic_log":
        result = traffic_log_rows(conn, minutes, vsys, job_timeout, now=now)
    else:
        result = report_rows(conn, report_name, vsys, job_timeout)
    result["firewall_time"] = format_firewall_time(now)
    result["api_calls"] = conn.api_calls
    return result
