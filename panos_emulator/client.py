"""``EmulatorControl``: the control plane (``/_emulator/``) as Python calls, for tests."""

from __future__ import annotations

import ssl
import urllib.parse
from typing import Any

from double_server.serving import json_call


class EmulatorControl:
    """Talks JSON over HTTPS to a running emulator, verifying it against its own CA."""

    def __init__(self, info: dict[str, Any], timeout: float = 30.0, serial: str | None = None) -> None:
        self.info = info
        self.base = info["control_url"].rstrip("/")
        self.timeout = timeout
        self.serial = serial
        self.context = ssl.create_default_context(cafile=info["ca_file"])

    def firewall(self, serial: str) -> EmulatorControl:
        """The same emulator's control plane for one firewall managed by the emulated Panorama."""
        return EmulatorControl(self.info, self.timeout, serial)

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        url = f"{self.base}/{path}"
        if self.serial is not None and body is not None:
            body = {**body, "serial": self.serial}
        elif self.serial is not None:
            url += "?" + urllib.parse.urlencode({"serial": self.serial})
        return json_call(url, method, body, self.context, self.timeout)

    def now(self) -> dict[str, Any]:
        """``{"epoch": float, "local": "YYYY/MM/DD HH:MM:SS"}``."""
        return self._call("GET", "clock")

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the clock (of this firewall, or without ``serial`` every clock); simulated traffic runs minute by
        minute; tags and mappings expire."""
        return self._call("POST", "clock/advance", {"seconds": seconds})

    def add_traffic(self, records: list[dict[str, Any]]) -> None:
        self._call("POST", "traffic", {"records": records})

    def simulate(self, sources: list[dict[str, Any]]) -> None:
        self._call("POST", "simulation", {"sources": sources})

    def add_mappings(self, mappings: list[dict[str, Any]]) -> None:
        """IP-user mappings ``{"ip", "user", "timeout"?}``, timeout in seconds (none = never)."""
        self._call("POST", "ip-user-mappings", {"mappings": mappings})

    def set_groups(self, groups: dict[str, list[str]]) -> None:
        self._call("POST", "groups", {"groups": groups})

    def inject_fault(self, request_type: str, kind: str, count: int = 1, code: int | None = None,
                     message: str | None = None, seconds: float | None = None) -> None:
        body: dict[str, Any] = {"request_type": request_type, "kind": kind, "count": count}
        for name, value in (("code", code), ("message", message), ("seconds", seconds)):
            if value is not None:
                body[name] = value
        self._call("POST", "faults", body)

    def reset(self) -> None:
        """Everything back to the start (every managed firewall too, whatever ``serial`` this control has)."""
        self._call("POST", "reset", {})

    def devices(self) -> list[dict[str, Any]]:
        """Panorama mode: the managed firewalls ``{"serial", "hostname", "ip_address", "device_group", "connected", "model"}``."""
        return self._call("GET", "devices")

    def set_connected(self, connected: bool) -> None:
        """Panorama mode, on a ``firewall(serial)`` control: connect or disconnect that firewall."""
        self._call("POST", "devices/connected", {"connected": connected})

    def counters(self) -> dict[str, int]:
        return self._call("GET", "counters")

    def close_idle_connections(self) -> int:
        """Close the kept-alive connections that are idle, as the web server's keep-alive timeout does."""
        return int(self._call("POST", "connections/close", {})["closed"])

    def reset_counters(self) -> None:
        self._call("POST", "counters", {})

    def url_categories(self, url: str, vsys: str = "vsys1") -> list[str]:
        """The custom URL categories (type URL List, running config) this URL falls in, by the emulator's version."""
        return self._call("POST", "url-categories", {"url": url, "vsys": vsys})["categories"]

    def set_latency(self, milliseconds: float) -> None:
        """Delay every later XML API request by this much (0 = none), as a firewall's management plane does."""
        self._call("POST", "latency", {"ms": milliseconds})

    def latency(self) -> float:
        return float(self._call("GET", "latency")["ms"])

    def set_config(self, xml: str) -> None:
        """Load a whole ``<config>`` as both candidate and running config."""
        self._call("POST", "config", {"xml": xml})

    def config(self) -> dict[str, str]:
        """``{"candidate": xml, "running": xml}``."""
        return self._call("GET", "config")
