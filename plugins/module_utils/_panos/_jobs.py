# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Asynchronous PAN-OS jobs (report, log, commit): one poll loop, and the partial commit.

Plain functions over a :class:`~._client.FirewallConnection`; the client exposes them as
``run_job``, ``wait_job`` and ``commit_partial``.
"""

from __future__ import annotations


import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, Mapping, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import COMMIT_BUSY, FirewallError, response_message
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import cmd, text, to_string

if TYPE_CHECKING:  # pragma: no cover
    from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection

FIRST_POLL = 0.25  # seconds before the first poll of a job; most finish within a second
MAX_COMMIT_RETRY_DELAY = 30.0


def _delays(interval: float) -> Iterator[float]:
    """Delays between polls: short at first, doubling up to ``interval``."""
    delay = min(FIRST_POLL, interval)
    while True:
        yield delay
        delay = min(delay * 2, interval)


def poll(conn: "FirewallConnection", fetch: Callable[[], ET.Element], what: str, timeout: Optional[float],
         interval: float) -> ET.Element:
    """Call ``fetch()`` until the reply's ``./result/job/status`` is FIN; return that reply.

    ``what`` names the job in messages (``commit job 12``, ``report job 7``)."""
    deadline = None if not timeout else conn.monotonic() + timeout
    delays = _delays(interval)
    while True:
        root = fetch()
        job = root.find("./result/job")
        status = text(job, "status")
        if status is None:
            raise conn.fail("the reply polling %s holds no job status: %s" % (what, response_message(root)),
                            "malformed", root=root)
        if status == "FIN":
            return root
        if deadline is not None and conn.monotonic() >= deadline:
            raise conn.fail("%s on %s did not finish within %s s (status %s, progress %s)"
                            % (what, conn.where, timeout, status, text(job, "progress")), "job", root=root)
        conn.sleep(next(delays))


def wait_job(conn: "FirewallConnection", job_id: str, timeout: Optional[float] = 600,
             interval: float = 1.0) -> ET.Element:
    """Poll ``show jobs id`` until the job is FIN; return its ``<job>`` element."""
    root = poll(conn, lambda: conn.op(cmd("show", "jobs", "id", text=str(job_id))), "job %s" % job_id,
                timeout, interval)
    job = root.find("./result/job")
    if job is None:  # poll() found its status, so this does not happen
        raise conn.fail("the reply to 'show jobs id %s' holds no job" % job_id, "malformed", root=root)
    return job


def run_job(conn: "FirewallConnection", params: Mapping[str, str], timeout: Optional[float] = 300,
            interval: float = 1.0) -> ET.Element:
    """Start an asynchronous ``type=report`` / ``type=log`` job and poll it until FIN.

    ``params`` is the starting request without the key, e.g.
    ``{"type": "report", "reporttype": "custom", "reportname": "Quota", "async": "yes"}``. The job
    is polled with ``type=<same>&action=get&job-id=N``; returns the root of the final reply (the
    ``<report>`` or ``<log>`` is under ``./result``). A reply that already holds the data (a
    synchronous report) is returned as it is.
    """
    kind = params.get("type", "")
    root = conn.request(params, "type=%s" % kind)
    job_id = (text(root, "./result/job") or "").strip()
    if not job_id:
        if root.find(".//report") is not None or root.find(".//log") is not None:
            return root
        raise conn.fail("the type=%s reply from %s holds no job id: %s"
                        % (kind, conn.where, response_message(root) or to_string(root)[:200]), "malformed", root=root)
    get = {"type": kind, "action": "get", "job-id": job_id}
    return poll(conn, lambda: conn.request(get, "type=%s action=get" % kind), "%s job %s" % (kind, job_id),
                timeout, interval)


def commit_element(admin: str, description: Optional[str] = None) -> ET.Element:
    """``<commit><description/><partial><admin><member>admin</member></admin></partial></commit>``."""
    element = ET.Element("commit")
    if description:
        ET.SubElement(element, "description").text = description
    partial = ET.SubElement(element, "partial")
    ET.SubElement(ET.SubElement(partial, "admin"), "member").text = admin
    return element


def _commit_job_after_lost_reply(conn: "FirewallConnection", admin: str) -> Optional[str]:
    """The id of the commit job a commit request with a lost reply started, or None when it did not.

    The newest commit job of ``admin`` is ours when it is still running, or when it has finished
    and no change is pending any more (two requests, only after a lost reply)."""
    jobs = conn.op(cmd("show", "jobs", "all")).findall("./result/job")
    mine = [job for job in jobs if text(job, "type") == "Commit" and (text(job, "user") or admin) == admin
            and (text(job, "id") or "").isdigit()]
    if not mine:
        return None
    newest = max(mine, key=lambda job: int(text(job, "id") or 0))
    if text(newest, "status") != "FIN":
        return text(newest, "id")
    pending = (text(conn.op(cmd("check", "pending-changes")), "./result") or "").strip()
    return text(newest, "id") if pending == "no" else None


def commit_partial(conn: "FirewallConnection", admin: str, description: Optional[str] = None,
                   timeout: float = 600, interval: float = 2.0) -> Dict[str, Any]:
    """Commit only ``admin``'s changes and wait for the job.

    Returns ``{"changed": bool, "job_id": str | None, "result": "OK" | None, "messages": [...],
    "warnings": [...]}``; ``changed`` is false when PAN-OS says there is nothing to commit.
    Retries "commit in progress" with backoff until ``timeout``; a lock or a failed job raises.
    """
    params = {"type": "commit", "cmd": to_string(commit_element(admin, description))}
    deadline = conn.monotonic() + timeout if timeout else None
    delay = max(interval, 1.0)
    lost_reply = False
    while True:
        try:
            root = conn.request(params, "commit", check=False)
        except FirewallError as exc:
            if not exc.reply_lost or lost_reply:
                raise
            lost_reply = True  # the commit may have gone through: look for its job before sending again
            job_id = _commit_job_after_lost_reply(conn, admin)
            if job_id is None:
                continue
            root = ET.Element("response", status="success")
            ET.SubElement(ET.SubElement(root, "result"), "job").text = job_id
        message = response_message(root)
        if root.get("status") == "success":
            break
        busy = message.startswith(COMMIT_BUSY)
        if busy and (deadline is None or conn.monotonic() < deadline):
            conn.sleep(delay)
            delay = min(delay * 2, MAX_COMMIT_RETRY_DELAY)
            continue
        if busy:
            raise conn.fail("another commit kept the firewall %s busy for %s s (%s): try again later"
                            % (conn.where, timeout, message), "transient", root.get("code"), root)
        raise conn.error_from_reply(root, "commit")
    job_id = (text(root, "./result/job") or "").strip()
    if not job_id:  # "There are no changes to commit." (or another note): no job, nothing committed
        return {"changed": False, "job_id": None, "result": None, "messages": [message] if message else [],
                "warnings": []}
    remaining = None if deadline is None else max(1.0, deadline - conn.monotonic())
    job = wait_job(conn, job_id, timeout=remaining, interval=interval)
    result = text(job, "result")
    details = [n.text or "" for n in job.findall("./details/line")]
    if result != "OK":
        raise conn.fail("commit job %s on %s failed (%s): %s"
                        % (job_id, conn.where, result, "; ".join(details) or "no details"), "job", root=job)
    return {"changed": True, "job_id": job_id, "result": result, "messages": details,
            "warnings": [n.text or "" for n in job.findall("./warnings/line")]}
