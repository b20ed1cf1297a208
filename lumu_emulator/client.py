"""``LumuControl``: the control plane (``/_emulator/``) as Python calls, for tests and demos."""

from __future__ import annotations

import ssl
from typing import Any

from double_server.serving import json_call


class LumuControl:
    """Talks JSON over HTTPS to a running Lumu emulator, verifying it against its own CA."""

    def __init__(self, info: dict[str, Any], timeout: float = 30.0) -> None:
        self.info = info
        self.base = info["control_url"].rstrip("/")
        self.timeout = timeout
        self.context = ssl.create_default_context(cafile=info["ca_file"])

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return json_call(f"{self.base}/{path}", method, body, self.context, self.timeout)

    def add_incidents(self, incidents: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Incidents from short specs (README); returns them as the API lists them."""
        return self._call("POST", "incidents", {"incidents": incidents})

    def set_status(self, incident_id: str, status: str) -> None:
        self._call("POST", "incidents/status", {"id": incident_id, "status": status})

    def inject_fault(self, kind: str, path: str = "any", count: int = 1, retry_after: float = 1) -> None:
        self._call("POST", "faults", {"kind": kind, "path": path, "count": count, "retry_after": retry_after})

    def set_rate_limit(self, limit: int, period: float = 60) -> None:
        self._call("POST", "rate-limit", {"limit": limit, "period": period})

    def set_max_window(self, days: float) -> None:
        self._call("POST", "max-window", {"days": days})

    def rotate_key(self, key: str | None = None) -> str:
        """Revoke the key; the new one is returned (and put in ``info``)."""
        new = self._call("POST", "key", {"key": key} if key else {})["key"]
        self.info["key"] = new
        return str(new)

    def reset(self) -> None:
        self._call("POST", "reset", {})

    def counters(self) -> dict[str, int]:
        return self._call("GET", "counters")

    def requests(self) -> list[dict[str, Any]]:
        return self._call("GET", "requests")
