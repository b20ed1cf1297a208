# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Usage rows for quota_report_info: the saved custom report, or summed traffic logs.

Parsing is ``_report``'s; this file runs the jobs, pages the logs and turns a reply that
does not parse, or a report that does not exist, into a :class:`FirewallError` that says what to
do. Plain Python, no Ansible imports.
"""

from __future__ import annotations


import re
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, List, NamedTuple, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import REPORT
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import format_firewall_time
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import MAX_LOGS_PER_QUERY
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._report import (
    parse_report,
    parse_traffic_log,
    sum_traffic,
)

LOG_PAGE = MAX_LOGS_PER_QUERY
BOOTSTRAP_HINT = ("create it with the playbook tagwarden.panos.quota_bootstrap (ansible-playbook -i inventory.yml "
                  "tagwarden.panos.quota_bootstrap, or the role of that name), which also creates the quota tag, "
                  "DAG and deny rule, and commits")
_VSYS = re.compile(r"^vsys\d+$")


class Usage(NamedTuple):
    """Usage rows (``{ip, user, bytes}``, canonical IPs), the window they cover and the firewall's
    clock when they were read (firewall-local datetimes)."""

    rows: List[Dict[str, Any]]
    start: Optional[datetime]
    end: Optional[datetime]
    now: datetime

    def window(self) -> Dict[str, Optional[str]]:
        return {"start": format_firewall_time(self.start) if self.start else None,
                "end": format_firewall_time(self.end) if self.end else None}


def _parsed(conn: Connection, parse: Callable[[Any], Any], root: Any, what: str) -> Any:
    """``parse(root)``; a ValueError (bad bytes, missing src, no report) becomes a FirewallError."""
    try:
        return parse(root)
    except ValueError as exc:
        raise FirewallError("the %s from %s cannot be read: %s" % (what, conn.where, exc), kind="malformed")


def _check_job(conn: Connection, root: Any, what: str) -> None:
    """A finished job whose result is FAIL carries its reason in details/line."""
    job = root.find("./result/job")
    if job is not None and (job.findtext("result") or "").strip() == "FAIL":
        details = "; ".join((line.text or "").strip() for line in job.findall("./details/line")) or "no details"
        raise FirewallError("the %s job %s on %s failed: %s" % (what, job.findtext("id"), conn.where, details), kind="job")


def report_missing(conn: Connection, report_name: str, vsys: Optional[str]) -> bool:
    """Whether the saved report exists neither in the vsys nor in shared (one candidate read)."""
    xpath = "|".join(REPORT.xpath(report_name, where) for where in (vsys, "shared"))
    return conn.config("get", xpath).find("./result/entry") is None


def report_rows(conn: Connection, report_name: str = "Quota", vsys: Optional[str] = "vsys1",
                job_timeout: float = 120, now: Optional[datetime] = None) -> Usage:
    """The rows and window of the saved custom report, run as an asynchronous job."""
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
    return Usage(parsed["rows"], parsed["window"]["start"], parsed["window"]["end"], now or conn.clock())


def traffic_log_query(start: datetime, end: datetime, vsys: Optional[str]) -> str:
    """Logs received in [start, end]; the upper bound keeps the pages stable while logs arrive."""
    query = "(receive_time geq '%s') and (receive_time leq '%s')" % (format_firewall_time(start), format_firewall_time(end))
    if vsys and vsys != "shared":
        if not _VSYS.match(vsys):
            raise FirewallError("vsys %r is not a virtual system name such as vsys1" % vsys, kind="settings")
        query += " and (vsys eq '%s')" % vsys
    return query


def traffic_log_rows(conn: Connection, minutes: int = 15, vsys: Optional[str] = "vsys1", job_timeout: float = 120,
                     now: Optional[datetime] = None, page_size: int = LOG_PAGE) -> Usage:
    """Traffic log bytes of the last ``minutes`` (firewall clock) summed per
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
    return Usage(sum_traffic(entries), start, end, end)


def read_usage(conn: Connection, source: str = "report", report_name: str = "Quota", vsys: Optional[str] = "vsys1",
               minutes: int = 15, job_timeout: float = 120) -> Usage:
    """The usage of the report or of the traffic logs, with the firewall's clock read first."""
    if minutes < 1:
        raise FirewallError("minutes must be at least 1", kind="settings")
    now = conn.clock()
    if source == "traffic_log":
        return traffic_log_rows(conn, minutes, vsys, job_timeout, now=now)
    return report_rows(conn, report_name, vsys, job_timeout, now=now)


def usage(conn: Connection, source: str = "report", report_name: str = "Quota", vsys: Optional[str] = "vsys1",
          minutes: int = 15, job_timeout: float = 120) -> Dict[str, Any]:
    """The quota_report_info module: ``rows``, ``window``, ``firewall_time`` and ``api_calls``."""
    found = read_usage(conn, source, report_name, vsys, minutes, job_timeout)
    return {"rows": found.rows, "window": found.window(), "firewall_time": format_firewall_time(found.now),
            "api_calls": conn.api_calls}
