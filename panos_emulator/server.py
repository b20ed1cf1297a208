"""The HTTPS server: ``/api/`` (the PAN-OS XML API) and ``/_emulator/`` (JSON control plane)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from . import config, device, ops, policy, traffic, userid
from .models import DEFAULT_PLATFORM, DEFAULT_SW_VERSION, Device
from .state import ApiError, EmulatorState, Mapping, success
from .tls import TlsFiles, make_certificates

REQUEST_TYPES = ("keygen", "op", "user-id", "config", "commit", "report", "log", "version")
FAULT_KINDS = ("http500", "http503", "hang", "panos-error", "malformed", "commit-in-progress", "reset")
MAX_BODY = 5 * 1024 * 1024
XML_TYPE = "application/xml; charset=utf-8"
INVALID_CREDENTIAL = "Invalid Credential"

ApiHandler = Callable[[EmulatorState, dict[str, str], str], etree._Element]
API_HANDLERS: dict[str, ApiHandler] = {
    "op": ops.handle_op,
    "user-id": lambda state, params, admin: userid.handle_user_id(state, params),
    "config": config.handle_config,
    "commit": config.handle_commit,
    "report": lambda state, params, admin: traffic.handle_report(state, params),
    "log": lambda state, params, admin: traffic.handle_log(state, params),
    "version": device.handle_version,
}


@dataclass
class Fault:
    request_type: str
    kind: str
    remaining: int
    code: int | None = None
    message: str | None = None
    seconds: float = 30.0


@dataclass
class Reply:
    """An HTTP reply; ``EmulatorServer.api`` returns None instead to drop the connection unanswered."""

    status: int
    body: bytes
    content_type: str = XML_TYPE


def _xml(root: etree._Element, status: int = 200) -> Reply:
    return Reply(status, etree.tostring(root, encoding="utf-8"))


def make_key(secret: bytes, user: str, password: str) -> str:
    """A stable key per credentials, shaped like PAN-OS keys: base64 ending in '=', never '+'."""
    for counter in range(1000):
        digest = hmac.new(secret, f"{counter}\0{user}\0{password}".encode(), hashlib.sha256).digest()
        raw = b"-AQ==" + base64.b64encode(digest[:16]) + b"=" + base64.b64encode(digest[16:]) + b"="
        key = base64.b64encode(raw).decode("ascii")
        if "+" not in key:
            return key
    raise RuntimeError("no key without '+' found")


class EmulatorServer:  # pylint: disable=too-many-instance-attributes
    """The emulated firewall; ``start()`` serves in a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, username: str = "admin", password: str | None = None,  # pylint: disable=too-many-arguments,too-many-positional-arguments
                 state_dir: str | Path | None = None, admins: dict[str, str] | None = None, *,
                 model: str = DEFAULT_PLATFORM, sw_version: str = DEFAULT_SW_VERSION, latency_ms: float = 0) -> None:
        self.host = host
        self.port = port
        self.username = username
        self.password = password or secrets.token_urlsafe(12)
        self._own_dir = state_dir is None
        self.state_dir = Path(state_dir) if state_dir else Path(tempfile.mkdtemp(prefix="panos-emulator-"))
        self.admins = {**(admins or {}), username: self.password}
        secret = secrets.token_bytes(32)
        self.keys = {make_key(secret, user, pw): user for user, pw in self.admins.items()}
        self.lock = threading.RLock()
        self.device = Device(model, sw_version)
        self.latency_ms = self.start_latency_ms = self._checked_latency(latency_ms)
        self.state = EmulatorState(lock=self.lock, device=self.device)
        self.faults: list[Fault] = []
        self.counters = dict.fromkeys((*REQUEST_TYPES, "total"), 0)
        self.stopping = threading.Event()
        self.tls: TlsFiles | None = None
        self.httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> EmulatorServer:
        self.tls = make_certificates(self.state_dir, self.host)
        self.httpd = _HTTPServer((self.host, self.port), _Handler, self, self.tls.server_context())
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="panos-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._own_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def info(self) -> dict[str, Any]:
        url = f"https://{self.host}:{self.port}"
        info: dict[str, Any] = {"url": url, "host": self.host, "port": self.port,
                                "ca_file": str(self.tls.ca_file) if self.tls else None,
                                "username": self.username, "password": self.password,
                                "control_url": f"{url}/_emulator"}
        extra = {u: p for u, p in self.admins.items() if u != self.username}
        if extra:
            info["admins"] = extra
        return info

    def reset(self) -> None:
        with self.lock:
            self.state = EmulatorState(lock=self.lock, device=self.device)
            self.latency_ms = self.start_latency_ms
            self.faults.clear()
            self.reset_counters()

    def reset_counters(self) -> None:
        with self.lock:
            self.counters = dict.fromkeys((*REQUEST_TYPES, "total"), 0)

    @staticmethod
    def _checked_latency(milliseconds: float) -> float:
        value = float(milliseconds)
        if not 0 <= value <= 60_000:
            raise ValueError(f"latency_ms must be between 0 and 60000, not {milliseconds!r}")
        return value

    # -- the XML API --------------------------------------------------------------------------
    def _take_fault(self, request_type: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.remaining > 0 and fault.request_type in (request_type, "any"):
                    fault.remaining -= 1
                    return fault
        return None

    def api(self, params: dict[str, str], header_key: str | None) -> Reply | None:
        # The management plane's round trip, outside the lock: concurrent requests wait in parallel.
        if self.latency_ms:
            self.stopping.wait(self.latency_ms / 1000)
        request_type = params.get("type", "")
        with self.lock:
            if request_type in self.counters:
                self.counters[request_type] += 1
            self.counters["total"] += 1
        fault = self._take_fault(request_type)
        if fault is not None:
            if fault.kind == "reset":
                return None
            if fault.kind in ("http500", "http503"):
                status = 500 if fault.kind == "http500" else 503
                text = "Internal Server Error" if status == 500 else "Service Unavailable"
                return Reply(status, f"<html><body><h1>{status} {text}</h1></body></html>".encode(), "text/html")
            if fault.kind == "panos-error":
                return _xml(ApiError(fault.code or 22, fault.message or "Session timed out").reply())
            if fault.kind == "commit-in-progress":
                return _xml(ApiError(13, config.COMMIT_IN_PROGRESS).reply())
            if fault.kind == "hang":
                self.stopping.wait(fault.seconds)
        reply = self._answer(request_type, params, header_key)
        if fault is not None and fault.kind == "malformed":
            reply.body = reply.body[:max(len(reply.body) // 2, 1)]
        return reply

    def _answer(self, request_type: str, params: dict[str, str], header_key: str | None) -> Reply:
        try:
            if request_type == "keygen":
                return _xml(self._keygen(params))
            admin = self.keys.get(params.get("key") or header_key or "")
            if admin is None:
                raise ApiError(403, INVALID_CREDENTIAL, http_status=403, in_result=True)
            if request_type not in API_HANDLERS:
                what = "Missing value for" if not request_type else "Illegal value for"
                raise ApiError(400, f'{what} parameter "type"' + (f" [{request_type}]." if request_type else "."),
                               http_status=400, in_result=True)
            with self.lock:
                state = self.state
                if params.get("vsys"):
                    state.check_vsys(params["vsys"])
                state.expire()
                return _xml(API_HANDLERS[request_type](state, params, admin))
        except ApiError as exc:
            return _xml(exc.reply(), exc.http_status)
        except Exception:  # pylint: disable=broad-exception-caught  # a bug must not stop the firewall
            traceback.print_exc(file=sys.stderr)
            return _xml(ApiError(21, "Internal error").reply())

    def _keygen(self, params: dict[str, str]) -> etree._Element:
        user, password = params.get("user"), params.get("password")
        if user is None or password is None or not hmac.compare_digest(self.admins.get(user, "\0"), password):
            raise ApiError(403, INVALID_CREDENTIAL, http_status=403, in_result=True)
        key = next(k for k, u in self.keys.items() if u == user)
        elem = etree.Element("key")
        elem.text = key
        return success(elem)

    # -- the control plane ----------------------------------------------------------------------
    def control(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        routes: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
            ("GET", "clock"): lambda _: self._clock(),
            ("POST", "clock/advance"): self._advance,
            ("POST", "traffic"): lambda b: self._with_state(lambda s: s.traffic.add(list(b["records"]), s)),
            ("POST", "simulation"): lambda b: self._with_state(lambda s: s.simulation.set_sources(list(b["sources"]))),
            ("POST", "ip-user-mappings"): self._add_mappings,
            ("POST", "groups"): lambda b: self._with_state(lambda s: setattr(s, "groups", {g: list(m) for g, m in b["groups"].items()})),
            ("POST", "faults"): self._add_fault,
            ("POST", "reset"): lambda _: self.reset(),
            ("GET", "counters"): lambda _: dict(self.counters),
            ("POST", "counters"): lambda _: self.reset_counters(),
            ("POST", "url-categories"): lambda b: self._with_state(lambda s: {"categories": sorted(
                policy.RuleBase(s, str(b.get("vsys") or "vsys1")).url_categories(str(b["url"])))}),
            ("GET", "latency"): lambda _: {"ms": self.latency_ms},
            ("POST", "latency"): lambda b: setattr(self, "latency_ms", self._checked_latency(b["ms"])),
            ("GET", "config"): lambda _: self._with_state(lambda s: {
                "candidate": etree.tostring(s.candidate, encoding="unicode"),
                "running": etree.tostring(s.running, encoding="unicode")}),
            ("POST", "config"): lambda b: self._with_state(lambda s: s.load_config(etree.fromstring(b["xml"].encode()))),
        }
        route = routes.get((method, path.strip("/")))
        if route is None:
            return 404, {"error": f"no such control call: {method} /_emulator/{path}"}
        try:
            result = route(body)
        except (KeyError, TypeError, ValueError, etree.XMLSyntaxError) as exc:
            return 400, {"error": f"{type(exc).__name__}: {exc}"}
        return 200, {"ok": True} if result is None else result

    def _with_state(self, action: Callable[[EmulatorState], Any]) -> Any:
        with self.lock:
            return action(self.state)

    def _clock(self) -> dict[str, Any]:
        with self.lock:
            return {"epoch": self.state.now(), "local": self.state.local_time()}

    def _advance(self, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.state.advance(float(body["seconds"]))
        return self._clock()

    def _add_mappings(self, body: dict[str, Any]) -> None:
        with self.lock:
            now = self.state.now()
            for item in body["mappings"]:
                seconds = int(item.get("timeout") or 0)
                ip = userid.normalize_ip(item["ip"])
                self.state.mappings[ip] = Mapping(str(item["user"]), self.state.will_expire(now + seconds if seconds else None),
                                                  timeout=seconds // 60)

    def _add_fault(self, body: dict[str, Any]) -> None:
        request_type, kind = body["request_type"], body["kind"]
        if request_type not in (*REQUEST_TYPES, "any") or kind not in FAULT_KINDS:
            raise ValueError(f"unknown request type {request_type!r} or fault kind {kind!r}")
        code = body.get("code")
        fault = Fault(request_type, kind, int(body.get("count", 1)), int(code) if code is not None else None,
                      body.get("message"), float(body.get("seconds") or 30))
        with self.lock:
            self.faults.append(fault)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], emulator: EmulatorServer,
                 context: Any) -> None:
        self.emulator = emulator
        self.context = context
        super().__init__(address, handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        # The TLS handshake happens in the request's own thread, so a stalled client blocks nobody.
        sock, address = self.socket.accept()
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that drop connections or refuse the certificate are not the emulator's problem.
        if not isinstance(sys.exc_info()[1], (OSError, EOFError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "PAN-OS-emulator"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # pylint: disable=redefined-builtin
        """Quiet: the emulator runs inside test sessions."""

    def do_GET(self) -> None:  # pylint: disable=invalid-name
        self._dispatch("GET")

    def do_POST(self) -> None:  # pylint: disable=invalid-name
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(Reply(413, b"Request Entity Too Large", "text/plain"))
            return
        body = self.rfile.read(length) if length else b""
        if url.path.startswith("/_emulator/"):
            try:
                data = json.loads(body or b"{}")
            except ValueError:
                data = None
            status, result = (400, {"error": "the body must be JSON"}) if not isinstance(data, dict) else \
                self.server.emulator.control(method, url.path[len("/_emulator/"):], data)
            self._send(Reply(status, json.dumps(result).encode(), "application/json"))
            return
        if url.path.rstrip("/") != "/api":
            self._send(Reply(404, b"Not Found", "text/plain"))
            return
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        if method == "POST":
            params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        reply = self.server.emulator.api(params, self.headers.get("X-PAN-KEY"))
        if reply is None:
            self.close_connection = True
            return
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)
