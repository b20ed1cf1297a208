"""The JSON control plane under ``/_emulator/`` (README "Control plane"); ``client.EmulatorControl`` calls it.

A call may name a managed firewall (Panorama mode) with ``serial`` in its body, or in the query of a GET;
without one it acts on the device itself. Advancing the clock without a serial moves every clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from lxml import etree

from . import policy, userid
from .state import EmulatorState, Mapping

if TYPE_CHECKING:
    from .server import EmulatorServer

REQUEST_TYPES = ("keygen", "op", "user-id", "config", "commit", "report", "log", "version")
FAULT_KINDS = ("http500", "http503", "hang", "panos-error", "malformed", "commit-in-progress", "reset")
Route = Callable[["EmulatorServer", dict[str, Any]], Any]


@dataclass
class Fault:  # pylint: disable=too-many-instance-attributes
    """A fault for the next ``remaining`` API requests of ``request_type`` (README "Control plane")."""

    request_type: str
    kind: str
    remaining: int
    code: int | None = None
    message: str | None = None
    seconds: float = 30.0
    serial: str | None = None  # only requests to this managed firewall (Panorama mode); None: any request


def _state(server: EmulatorServer, body: dict[str, Any]) -> EmulatorState:
    return server.node(body.get("serial")).state


def _clock(server: EmulatorServer, body: dict[str, Any]) -> dict[str, Any]:
    state = _state(server, body)
    return {"epoch": state.now(), "local": state.local_time()}


def _advance(server: EmulatorServer, body: dict[str, Any]) -> dict[str, Any]:
    seconds = float(body["seconds"])
    nodes = [server.node(body["serial"])] if body.get("serial") else list(server.nodes.values())
    for node in nodes:
        node.state.advance(seconds)
    return _clock(server, body)


def _add_mappings(server: EmulatorServer, body: dict[str, Any]) -> None:
    state = _state(server, body)
    now = state.now()
    for item in body["mappings"]:
        seconds = int(item.get("timeout") or 0)
        ip = userid.normalize_ip(item["ip"])
        state.mappings[ip] = Mapping(str(item["user"]), state.will_expire(now + seconds if seconds else None),
                                     timeout=seconds // 60)


def _add_fault(server: EmulatorServer, body: dict[str, Any]) -> None:
    request_type, kind = body["request_type"], body["kind"]
    if request_type not in (*REQUEST_TYPES, "any") or kind not in FAULT_KINDS:
        raise ValueError(f"unknown request type {request_type!r} or fault kind {kind!r}")
    serial = body.get("serial") or None
    if serial is not None:
        server.node(serial)
    code = body.get("code")
    server.faults.append(Fault(request_type, kind, int(body.get("count", 1)), int(code) if code is not None else None,
                               body.get("message"), float(body.get("seconds") or 30), serial))


def _set_latency(server: EmulatorServer, body: dict[str, Any]) -> None:
    server.latency_ms = server.checked_latency(body["ms"])


def _config(server: EmulatorServer, body: dict[str, Any]) -> dict[str, str]:
    state = _state(server, body)
    return {"candidate": etree.tostring(state.candidate, encoding="unicode"),
            "running": etree.tostring(state.running, encoding="unicode")}


def _devices(server: EmulatorServer, body: dict[str, Any]) -> list[dict[str, Any]]:
    del body
    return [{"serial": serial, "hostname": node.hostname, "ip_address": node.ip_address, "device_group": node.device_group,
             "connected": node.connected, "model": node.state.device.platform.model} for serial, node in server.nodes.items() if serial]


def _set_connected(server: EmulatorServer, body: dict[str, Any]) -> None:
    if not body.get("serial"):
        raise ValueError("serial is required")
    server.node(body["serial"]).connected = bool(body["connected"])


ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "clock"): _clock,
    ("POST", "clock/advance"): _advance,
    ("POST", "traffic"): lambda server, b: _state(server, b).traffic.add(list(b["records"]), _state(server, b)),
    ("POST", "simulation"): lambda server, b: _state(server, b).simulation.set_sources(list(b["sources"])),
    ("POST", "ip-user-mappings"): _add_mappings,
    ("POST", "groups"): lambda server, b: setattr(_state(server, b), "groups", {g: list(m) for g, m in b["groups"].items()}),
    ("POST", "faults"): _add_fault,
    ("POST", "reset"): lambda server, b: server.reset(),
    ("GET", "counters"): lambda server, b: dict(server.node(b.get("serial")).counters),
    ("POST", "counters"): lambda server, b: server.reset_counters(b.get("serial")),
    ("POST", "url-categories"): lambda server, b: {"categories": sorted(
        policy.RuleBase(_state(server, b), str(b.get("vsys") or "vsys1")).url_categories(str(b["url"])))},
    ("POST", "connections/close"): lambda server, b: {"closed": server.close_idle_connections()},
    ("GET", "latency"): lambda server, b: {"ms": server.latency_ms},
    ("POST", "latency"): _set_latency,
    ("GET", "config"): _config,
    ("POST", "config"): lambda server, b: _state(server, b).load_config(etree.fromstring(b["xml"].encode())),
    ("GET", "devices"): _devices,
    ("POST", "devices/connected"): _set_connected,
}


def dispatch(server: EmulatorServer, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
    """(HTTP status, JSON reply) of one control call; bad input is a 400 naming the problem."""
    route = ROUTES.get((method, path.strip("/")))
    if route is None:
        return 404, {"error": f"no such control call: {method} /_emulator/{path}"}
    try:
        with server.lock:
            result = route(server, body)
    except (KeyError, TypeError, ValueError, etree.XMLSyntaxError) as exc:
        return 400, {"error": f"{type(exc).__name__}: {exc}"}
    return 200, {"ok": True} if result is None else result
