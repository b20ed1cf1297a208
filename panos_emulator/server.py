"""The HTTPS server: ``/api/`` (the PAN-OS XML API) and ``/_emulator/`` (JSON control plane)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import secrets
import socket
import ssl
import sys
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from double_server.serving import QuietHandler, ServedEmulator

from . import config, control, device, ops, panorama, traffic, userid
from .models import DEFAULT_PLATFORM, DEFAULT_SW_VERSION, Device
from .control import REQUEST_TYPES, Fault
from .panorama import Node, counters_for
from .plane import DEFAULT_LIMIT, DEFAULT_QUEUE_SECONDS, PLANE_COUNTERS, ManagementPlane, checked_milliseconds
from .state import ApiError, EmulatorState, success

MAX_BODY = 5 * 1024 * 1024
XML_TYPE = "application/xml; charset=utf-8"
INVALID_CREDENTIAL = "Invalid Credential"
SESSION_TIMED_OUT = "Session timed out"
#: What a device counts: requests by type and in total, connections, the in-flight high-water mark, refusals.
COUNTED = (*REQUEST_TYPES, *PLANE_COUNTERS)
#: Round trips before the first request on a new connection: TCP's handshake, then TLS 1.3's (1.2 takes two).
TLS_ROUND_TRIPS = {"TLSv1.3": 1, "TLSv1.2": 2}

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


@dataclass
class Connection:
    """An open connection: serving a request now; counted (it has carried an XML API request)."""

    busy: bool = False
    counted: bool = False


@dataclass
class Network:
    """The link to the management interface: ``rtt_ms`` per round trip (TCP and TLS handshakes, each request)."""

    rtt_ms: float = 0.0

    def handshake_seconds(self, tls_version: str | None) -> float:
        return self.rtt_ms * (1 + TLS_ROUND_TRIPS.get(tls_version or "", 2)) / 1000

    @property
    def request_seconds(self) -> float:
        return self.rtt_ms / 1000


class EmulatorServer(ServedEmulator):  # pylint: disable=too-many-instance-attributes
    """The emulated firewall; ``start()`` serves in a background thread.

    ``max_concurrent`` and ``queue_seconds`` model each device's management plane (``plane.py``),
    ``rtt_ms`` the network in front of it, ``latency_ms`` the time the management plane takes per request.
    """

    thread_name = "panos-emulator"

    def __init__(  # pylint: disable=too-many-arguments,too-many-positional-arguments
            self, host: str = "127.0.0.1", port: int = 0, username: str = "admin", password: str | None = None,
            state_dir: str | Path | None = None, admins: dict[str, str] | None = None, *,
            model: str = DEFAULT_PLATFORM, sw_version: str = DEFAULT_SW_VERSION, latency_ms: float = 0,
            panorama_mode: bool = False, firewalls: int = 0, rtt_ms: float = 0, max_concurrent: int = DEFAULT_LIMIT,
            queue_seconds: float = DEFAULT_QUEUE_SECONDS) -> None:
        super().__init__(host, port, str(state_dir) if state_dir else None, "panos-emulator-")
        self.username = username
        self.password = password or secrets.token_urlsafe(12)
        self.admins = {**(admins or {}), username: self.password}
        secret = secrets.token_bytes(32)
        self.keys = {make_key(secret, user, pw): user for user, pw in self.admins.items()}
        self.lock = threading.RLock()
        self.device = Device(model, sw_version)
        if firewalls and not panorama_mode or not 0 <= firewalls <= 1000:
            raise ValueError(f"firewalls={firewalls!r}: 0 to 1000 managed firewalls, and only with panorama")
        self.panorama, self.firewalls = panorama_mode, firewalls
        self.start_latency_ms: float = self.checked_latency(latency_ms)
        self.latency_ms: float = self.start_latency_ms
        self.nodes: dict[str, Node] = panorama.build_nodes(self.lock, self.device, COUNTED, panorama_mode, firewalls)
        self.faults: list[Fault] = []
        self.network = Network(checked_milliseconds("rtt_ms", rtt_ms))
        self.planes = {serial: ManagementPlane(max_concurrent, queue_seconds) for serial in self.nodes}
        self.connections: dict[socket.socket, Connection] = {}

    @property
    def info(self) -> dict[str, Any]:
        url = self.url
        info: dict[str, Any] = {"url": url, "host": self.host, "port": self.port, "ca_file": self.ca_file,
                                "username": self.username, "password": self.password,
                                "control_url": f"{url}/_emulator"}
        extra = {u: p for u, p in self.admins.items() if u != self.username}
        if extra:
            info["admins"] = extra
        if self.panorama:
            info["firewalls"] = [serial for serial in self.nodes if serial]
        return info

    @property
    def state(self) -> EmulatorState:
        """The state of the device itself (the firewall, or Panorama)."""
        return self.nodes[""].state

    @property
    def counters(self) -> dict[str, int]:
        return self.nodes[""].counters

    def reset(self) -> None:
        with self.lock:
            self.nodes = panorama.build_nodes(self.lock, self.device, COUNTED, self.panorama, self.firewalls)
            self.latency_ms = self.start_latency_ms
            self.faults.clear()

    def reset_counters(self, serial: str | None = None) -> None:
        with self.lock:
            for key in [serial] if serial is not None else list(self.nodes):
                self.nodes[key].counters = counters_for(COUNTED)

    def node(self, serial: str | None) -> Node:
        """A node by serial for the control plane: none = the device itself; KeyError names an unknown one."""
        if not serial:
            return self.nodes[""]
        if serial not in self.nodes:
            raise KeyError(f"no managed firewall with serial {serial}")
        return self.nodes[serial]

    @staticmethod
    def checked_latency(milliseconds: float) -> float:
        return checked_milliseconds("latency_ms", milliseconds)

    # -- connections ----------------------------------------------------------------------------
    def connection_opened(self, sock: socket.socket) -> None:
        with self.lock:
            self.connections[sock] = Connection()

    def connection_closed(self, sock: socket.socket) -> None:
        with self.lock:
            self.connections.pop(sock, None)

    def serving(self, sock: socket.socket, busy: bool, api: bool) -> None:
        """A connection starts or ends a request. Its first XML API request counts the connection on
        the device and pays its handshakes' round trips (control calls are neither counted nor delayed)."""
        with self.lock:
            connection = self.connections.get(sock)
            if connection is None:
                return
            connection.busy = busy
            first = api and busy and not connection.counted
            if first:
                connection.counted = True
                self.nodes[""].counters["connections"] += 1
        if first and self.network.rtt_ms:
            self.stopping.wait(self.network.handshake_seconds(sock.version() if isinstance(sock, ssl.SSLSocket) else None))

    def close_idle_connections(self) -> int:
        """Close every kept-alive connection that is not serving a request, as a web server does after its
        keep-alive timeout; the client's next request on one finds it closed."""
        with self.lock:
            idle = [sock for sock, connection in self.connections.items() if not connection.busy]
        for sock in idle:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        return len(idle)

    # -- the XML API --------------------------------------------------------------------------
    def _take_fault(self, request_type: str, serial: str | None) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.remaining > 0 and fault.request_type in (request_type, "any") and fault.serial in (None, serial):
                    fault.remaining -= 1
                    return fault
        return None

    def api(self, params: dict[str, str], header_key: str | None) -> Reply | None:
        # The network's round trip, outside the management plane: it takes no slot.
        if self.network.rtt_ms:
            self.stopping.wait(self.network.request_seconds)
        request_type = params.get("type", "")
        # Keygen is Panorama's own business; other requests with a target go to that firewall.
        serial = params.get("target") if self.panorama and request_type != "keygen" else None
        with self.lock:
            counters = self.nodes.get(serial or "", self.nodes[""]).counters
            if request_type in REQUEST_TYPES:
                counters[request_type] += 1
            counters["total"] += 1
        with contextlib.ExitStack() as stack:
            for key in dict.fromkeys(("", serial or "")):
                if key in self.planes and not stack.enter_context(self.planes[key].enter(self.nodes[key].counters)):
                    return _xml(ApiError(22, SESSION_TIMED_OUT).reply())
            # The management plane's own time per request, holding its slot.
            if self.latency_ms:
                self.stopping.wait(self.latency_ms / 1000)
            return self._serve(request_type, params, header_key, serial)

    def _serve(self, request_type: str, params: dict[str, str], header_key: str | None, serial: str | None) -> Reply | None:
        fault = self._take_fault(request_type, serial)
        if fault is not None:
            if fault.kind == "reset":
                return None
            if fault.kind in ("http500", "http503"):
                status = 500 if fault.kind == "http500" else 503
                text = "Internal Server Error" if status == 500 else "Service Unavailable"
                return Reply(status, f"<html><body><h1>{status} {text}</h1></body></html>".encode(), "text/html")
            if fault.kind == "panos-error":
                return _xml(ApiError(fault.code or 22, fault.message or SESSION_TIMED_OUT).reply())
            if fault.kind == "commit-in-progress":
                return _xml(ApiError(13, config.COMMIT_IN_PROGRESS).reply())
            if fault.kind == "hang":
                self.stopping.wait(fault.seconds)
        reply = self._answer(request_type, params, header_key, serial)
        if fault is not None and fault.kind == "malformed":
            reply.body = reply.body[:max(len(reply.body) // 2, 1)]
        return reply

    def _answer(self, request_type: str, params: dict[str, str], header_key: str | None, serial: str | None) -> Reply:
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
                state = panorama.target_node(self.nodes, serial).state
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
        return control.dispatch(self, method, path, body)


class _Handler(QuietHandler):
    server_version = "PAN-OS-emulator"

    def setup(self) -> None:
        super().setup()
        self.server.emulator.connection_opened(self.request)

    def finish(self) -> None:
        self.server.emulator.connection_closed(self.request)
        super().finish()

    def dispatch(self, method: str) -> None:
        emulator, api = self.server.emulator, not self.path.startswith("/_emulator/")
        emulator.serving(self.request, True, api)
        try:
            self._dispatch(method)
        finally:
            emulator.serving(self.request, False, api)

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(Reply(413, b"Request Entity Too Large", "text/plain"))
            return
        body = self.rfile.read(length) if length else b""
        if url.path.startswith("/_emulator/"):
            try:
                data = json.loads(body) if body else dict(parse_qsl(url.query))
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
        self.send_body(reply.status, reply.content_type, reply.body)


EmulatorServer.handler = _Handler
