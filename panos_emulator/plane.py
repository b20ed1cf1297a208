"""The management plane's limits: concurrent XML API requests per device, and the network in front of it.

PAN-OS serves the XML API from the management plane's web server, the one that also serves the web
interface. Palo Alto's guidance is to "limit the number of concurrent API calls to five" ("PAN-OS XML API
Components", PAN-OS and Panorama API guide, 10.x/11.x); clients that send more report replies of code 22,
``Session timed out`` (pan-os-python issue #289 ``PanSessionTimedOut``, terraform-provider-panos #255). How
long PAN-OS queues before it gives up is not published, so the emulator's queue is a setting: a request over
the limit waits up to ``queue_seconds`` for a slot, then gets that code 22 reply without being carried out.

Every device has its own plane: the firewall, Panorama, and each firewall Panorama manages (a request with
``target`` holds a slot on Panorama and one on the firewall). The counters (``/_emulator/counters``) say
what a device saw: ``max_in_flight`` (the most requests it had at once, queued or served, since the counters
were reset) and ``refused``.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Iterator

#: PAN-OS's guidance (see above); 0 means no limit.
DEFAULT_LIMIT = 5
DEFAULT_QUEUE_SECONDS = 5.0
PLANE_COUNTERS = ("connections", "max_in_flight", "refused")


class ManagementPlane:
    """The slots of one device; ``enter()`` is a context manager that yields False when refused."""

    def __init__(self, limit: int = DEFAULT_LIMIT, queue_seconds: float = DEFAULT_QUEUE_SECONDS) -> None:
        if not 0 <= limit <= 1000 or not 0 <= queue_seconds <= 3600:
            raise ValueError(f"max_concurrent must be 0..1000 and queue_seconds 0..3600, not {limit!r}, {queue_seconds!r}")
        self.limit = limit
        self.queue_seconds = queue_seconds
        self._slots = threading.BoundedSemaphore(limit) if limit else None
        self._lock = threading.Lock()
        self.in_flight = 0

    @contextlib.contextmanager
    def enter(self, counters: dict[str, int]) -> Iterator[bool]:
        """Hold a slot while the request is served; False (and ``refused`` counted) when none came in time.

        A request counts as in flight from its arrival, queued or served: ``max_in_flight`` is what the
        device saw at once, which a client that keeps the limit holds at or below it."""
        with self._lock:
            self.in_flight += 1
            counters["max_in_flight"] = max(counters["max_in_flight"], self.in_flight)
        served = self._slots is None or self._slots.acquire(timeout=self.queue_seconds)
        try:
            if not served:
                with self._lock:
                    counters["refused"] += 1
            yield served
        finally:
            with self._lock:
                self.in_flight -= 1
            if served and self._slots is not None:
                self._slots.release()


def checked_milliseconds(name: str, value: float) -> float:
    number = float(value)
    if not 0 <= number <= 60_000:
        raise ValueError(f"{name} must be between 0 and 60000, not {value!r}")
    return number
