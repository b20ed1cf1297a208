"""The HTTPS server: ``/api/`` (the Lumu Defender API subset a feed uses) and ``/_emulator/`` (control)."""

from __future__ import annotations

import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, cast
from urllib.parse import parse_qsl, unquote, urlsplit

from double_server.serving import QuietHandler, ServedEmulator

ADVERSARY_TYPES = ("C2C", "Malware", "DGA", "Mining", "Spam", "Phishing", "Anonymizer")
STATUSES = ("open", "muted", "closed")
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
MAX_ITEMS = 100
MAX_WINDOW_DAYS = 90
FAULT_KINDS = ("html", "truncated", "http500", "http503", "reset", "rate-limit")
FAULT_PATHS = ("incidents/all", "context", "any")
MAX_BODY = 1024 * 1024
JSON_TYPE = "application/json; charset=utf-8"


def parse_date(text: Any) -> datetime:
    """``YYYY-MM-DDTHH:MM:SS.mmmZ`` as the API takes it; ValueError otherwise."""
    if not isinstance(text, str) or not text.endswith("Z"):
        raise ValueError(f"date {text!r} is not in the format YYYY-MM-DDTHH:MM:SS.mmmZ")
    return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=timezone.utc)


def format_date(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Fault:
    kind: str
    path: str
    remaining: int
    retry_after: float = 1.0


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = JSON_TYPE
    headers: dict[str, str] = field(default_factory=dict)


def _json(document: Any, status: int = 200) -> Reply:
    return Reply(status, json.dumps(document).encode())


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class RateLimit:
    """At most ``limit`` API requests per fixed window of ``period`` seconds (``limit`` 0: no limit)."""

    limit: int = 0
    period: float = 60.0
    window_start: float = 0.0
    used: int = 0

    def take(self, now: float) -> tuple[bool, dict[str, str]]:
        if not self.limit:
            return True, {}
        if now - self.window_start >= self.period:
            self.window_start, self.used = now, 0
        allowed = self.used < self.limit
        self.used += allowed
        reset = max(0, round(self.window_start + self.period - now))
        headers = {"RateLimit-Limit": str(self.limit), "RateLimit-Remaining": str(self.limit - self.used),
                   "RateLimit-Reset": str(reset)}
        if not allowed:
            headers["Retry-After"] = str(reset)
        return allowed, headers


class LumuEmulator(ServedEmulator):  # pylint: disable=too-many-instance-attributes
    """The emulated Lumu Defender API; ``start()`` serves in a background thread."""

    thread_name = "lumu-emulator"

    def __init__(self, host: str = "127.0.0.1", port: int = 0, key: str | None = None,
                 state_dir: str | Path | None = None) -> None:
        super().__init__(host, port, str(state_dir) if state_dir else None, "lumu-emulator-")
        self.key = key or secrets.token_urlsafe(24)
        self.lock = threading.RLock()
        self.incidents: list[dict[str, Any]] = []
        self.contexts: dict[str, dict[str, Any]] = {}
        self.faults: list[Fault] = []
        self.rate_limit = RateLimit()
        self.max_window = timedelta(days=MAX_WINDOW_DAYS)
        self.counters: dict[str, int] = {}
        self.requests: list[dict[str, Any]] = []
        self.reset()

    @property
    def info(self) -> dict[str, Any]:
        url = self.url
        return {"url": url, "host": self.host, "port": self.port, "base_url": f"{url}/api", "key": self.key,
                "ca_file": self.ca_file, "control_url": f"{url}/_emulator"}

    def reset(self) -> None:
        with self.lock:
            self.incidents, self.contexts, self.faults, self.requests = [], {}, [], []
            self.rate_limit = RateLimit()
            self.max_window = timedelta(days=MAX_WINDOW_DAYS)
            self.counters = {"incidents/all": 0, "context": 0, "total": 0}

    # -- the API --------------------------------------------------------------------------------
    def api(self, method: str, path: str, params: dict[str, str], body: bytes) -> Reply | None:
        """The reply to one API request; None drops the connection unanswered."""
        route = _route(method, path)
        with self.lock:
            self.counters["total"] += 1
            if route[0]:
                self.counters[route[0]] += 1
            self.requests.append({"method": method, "path": path, "params": dict(params)})
            fault = self._take_fault(route[0])
            allowed, limit_headers = self.rate_limit.take(time.monotonic())
        if fault is not None:
            if fault.kind == "reset":
                return None
            if fault.kind == "rate-limit":
                return Reply(429, b'{"error":"Too Many Requests"}', JSON_TYPE,
                             {"Retry-After": f"{fault.retry_after:g}", "RateLimit-Limit": "40",
                              "RateLimit-Remaining": "0", "RateLimit-Reset": f"{fault.retry_after:g}"})
            if fault.kind in ("http500", "http503", "html"):
                status = {"http500": 500, "http503": 503, "html": 200}[fault.kind]
                page = f"<!DOCTYPE html><html><head><title>{status}</title></head><body>Lumu</body></html>"
                return Reply(status, page.encode(), "text/html; charset=utf-8")
        if not allowed:
            return Reply(429, b'{"error":"Too Many Requests"}', JSON_TYPE, limit_headers)
        reply = self._answer(route, params, body)
        reply.headers.update(limit_headers)
        if fault is not None and fault.kind == "truncated":
            reply.body = reply.body[:max(len(reply.body) // 2, 1)]
        return reply

    def _take_fault(self, route: str | None) -> Fault | None:
        for fault in self.faults:
            if fault.remaining > 0 and fault.path in (route, "any"):
                fault.remaining -= 1
                return fault
        return None

    def _answer(self, route: tuple[str | None, str], params: dict[str, str], body: bytes) -> Reply:
        name, identifier = route
        try:
            if params.get("key") != self.key:
                raise ApiError(401, "Unauthorized: invalid company key")
            if name == "incidents/all":
                return _json(self._incidents(params, body))
            if name == "context":
                return _json(self._context(identifier))
            raise ApiError(404, "Not Found")
        except ApiError as exc:
            return _json({"error": str(exc)}, exc.status)

    def _incidents(self, params: dict[str, str], body: bytes) -> dict[str, Any]:
        try:
            query = json.loads(body or b"{}")
            page = int(params.get("page", "1"))
            items = int(params.get("items", "50"))
        except ValueError as exc:
            raise ApiError(400, f"Bad Request: {exc}") from exc
        if not isinstance(query, dict) or page < 1 or not 1 <= items <= MAX_ITEMS:
            raise ApiError(400, f"Bad Request: page must be >= 1 and items 1..{MAX_ITEMS}, body an object")
        try:
            start, end = parse_date(query["fromDate"]), parse_date(query["toDate"])
        except (KeyError, ValueError) as exc:
            raise ApiError(400, f"Bad Request: fromDate and toDate are required ({exc})") from exc
        if end < start or end - start > self.max_window:
            raise ApiError(400, f"Bad Request: the date range must not exceed {self.max_window.days} days")
        statuses = query.get("status") or list(STATUSES)
        types = query.get("adversary-types") or []
        unknown = [t for t in (*statuses, *types) if t not in (*STATUSES, *ADVERSARY_TYPES)]
        if unknown:
            raise ApiError(400, f"Bad Request: unknown status or adversary type {unknown}")
        with self.lock:
            matching = [i for i in self.incidents
                        if start <= parse_date(i["timestamp"]) <= end and i["status"] in statuses
                        and (not types or set(types) & set(i["adversaryTypes"]))]
        first = (page - 1) * items
        info: dict[str, Any] = {"page": page, "items": items}
        if first + items < len(matching):
            info["next"] = page + 1
        if page > 1:
            info["prev"] = page - 1
        return {"items": matching[first:first + items], "paginationInfo": info,
                "timestamp": format_date(datetime.now(timezone.utc))}

    def _context(self, identifier: str) -> dict[str, Any]:
        with self.lock:
            incident = next((i for i in self.incidents if i["id"] == identifier), None)
            if incident is None:
                raise ApiError(404, f"Incident {identifier} not found")
            return self.contexts[incident["adversaryId"]]

    # -- the control plane ----------------------------------------------------------------------
    def control(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        routes: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
            ("POST", "incidents"): self._add_incidents,
            ("POST", "incidents/status"): self._set_status,
            ("POST", "faults"): self._add_fault,
            ("POST", "rate-limit"): self._set_rate_limit,
            ("POST", "max-window"): self._set_max_window,
            ("POST", "key"): self._set_key,
            ("POST", "reset"): lambda _: self.reset(),
            ("GET", "counters"): lambda _: dict(self.counters),
            ("GET", "requests"): lambda _: list(self.requests),
        }
        route = routes.get((method, path.strip("/")))
        if route is None:
            return 404, {"error": f"no such control call: {method} /_emulator/{path}"}
        try:
            with self.lock:
                result = route(body)
        except (KeyError, TypeError, ValueError) as exc:
            return 400, {"error": f"{type(exc).__name__}: {exc}"}
        return 200, {"ok": True} if result is None else result

    def _add_incidents(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        return [self._add_incident(spec) for spec in body["incidents"]]

    def _add_incident(self, spec: dict[str, Any]) -> dict[str, Any]:
        """An incident shaped like the API's from a short spec (see README)."""
        adversary = str(spec["adversary"])
        types = list(spec.get("types") or ["Malware"])
        status = spec.get("status", "open")
        if status not in STATUSES or any(t not in ADVERSARY_TYPES for t in types):
            raise ValueError(f"unknown status {status!r} or adversary types {types}")
        moment = parse_date(spec["timestamp"]) if spec.get("timestamp") else datetime.now(timezone.utc)
        stamp = format_date(moment)
        incident = {
            "id": str(spec.get("id") or uuid.uuid1()), "timestamp": stamp, "status": status,
            "statusTimestamp": stamp, "adversaries": list(spec.get("adversaries") or [adversary]),
            "adversaryId": adversary, "adversaryTypes": types,
            "description": spec.get("description", f"{types[0]} activity"), "contacts": int(spec.get("contacts", 1)),
            "labelDistribution": {"0": int(spec.get("contacts", 1))}, "totalEndpoints": 1,
            "firstContact": stamp, "lastContact": stamp, "hasPlaybackContacts": False, "unread": True,
        }
        self.incidents.append(incident)
        self.contexts[adversary] = {
            "adversary_id": adversary, "currently_active": bool(spec.get("currently_active", True)),
            "deactivated_on": None, "rank": int(spec.get("rank", 900000)),
            "threat_triggers": list(spec.get("triggers", [])), "related_files": [],
            "threat_details": list(spec.get("details", [])),
            "mitre": {"details": [{"tactic": "command-and-control", "techniques": ["T1071"]}]},
            "playbooks": [], "external_resources": [], "timestamp": stamp,
        }
        return incident

    def _set_status(self, body: dict[str, Any]) -> None:
        if body["status"] not in STATUSES:
            raise ValueError(f"unknown status {body['status']!r}")
        for incident in self.incidents:
            if incident["id"] == body["id"]:
                incident["status"] = body["status"]
                return
        raise KeyError(body["id"])

    def _add_fault(self, body: dict[str, Any]) -> None:
        kind, path = body["kind"], body.get("path", "any")
        if kind not in FAULT_KINDS or path not in FAULT_PATHS:
            raise ValueError(f"unknown fault kind {kind!r} or path {path!r}")
        self.faults.append(Fault(kind, path, int(body.get("count", 1)), float(body.get("retry_after", 1))))

    def _set_rate_limit(self, body: dict[str, Any]) -> None:
        self.rate_limit = RateLimit(int(body["limit"]), float(body.get("period", 60)), time.monotonic())

    def _set_max_window(self, body: dict[str, Any]) -> None:
        self.max_window = timedelta(days=float(body["days"]))

    def _set_key(self, body: dict[str, Any]) -> dict[str, str]:
        """Revoke the key: a new one (given or random) replaces it, as the Lumu portal does."""
        self.key = str(body.get("key") or secrets.token_urlsafe(24))
        return {"key": self.key}


def _route(method: str, path: str) -> tuple[str | None, str]:
    """(route name, incident id) of an API path below /api/."""
    parts = [unquote(part) for part in path.strip("/").split("/")]
    if method == "POST" and parts == ["incidents", "all"]:
        return "incidents/all", ""
    if method == "GET" and len(parts) == 3 and parts[0] == "incidents" and parts[2] == "context":
        return "context", parts[1]
    return None, ""


class _Handler(QuietHandler):
    server_version = "Lumu-emulator"

    def dispatch(self, method: str) -> None:
        emulator = cast(LumuEmulator, self.server.emulator)
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(Reply(413, b'{"error":"Request Entity Too Large"}'))
            return
        body = self.rfile.read(length) if length else b""
        if url.path.startswith("/_emulator/"):
            try:
                data = json.loads(body or b"{}")
            except ValueError:
                data = None
            status, result = (400, {"error": "the body must be JSON"}) if not isinstance(data, dict) else \
                emulator.control(method, url.path[len("/_emulator/"):], data)
            self._send(_json(result, status))
            return
        if not url.path.startswith("/api/"):
            self._send(_json({"error": "Not Found"}, 404))
            return
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        reply = emulator.api(method, url.path[len("/api"):], params, body)
        if reply is None:
            self.close_connection = True  # the client sees the connection closed without a reply
            return
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        self.send_body(reply.status, reply.content_type, reply.body, reply.headers)


LumuEmulator.handler = _Handler
