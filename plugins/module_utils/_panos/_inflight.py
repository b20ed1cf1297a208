# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""At most ``max_in_flight`` XML API requests in flight on one management plane from this controller.

Palo Alto's guidance is to keep at most five concurrent API calls per device (the management plane's
web server serves the API and the web interface: "PAN-OS XML API Components" in the PAN-OS and
Panorama API guide); clients that send more get ``Session timed out``. Ansible runs every module in
a process of its own (one per fork), so the limit is kept across processes: ``max_in_flight`` lock
files per ``host:port`` in a directory of the user's, each held with ``flock`` while one request is
in flight. The kernel releases a lock when its process ends, so a killed run leaves nothing held.
Twenty forks through one Panorama then send five requests at a time; forks to different firewalls
use different files and never wait for each other.
"""

from __future__ import annotations


import contextlib
import hashlib
import os
import random
import stat
import tempfile
import time
from typing import Callable, Iterator, List, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._errors import TagwardenError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: Ansible's controller always is
    fcntl = None  # type: ignore[assignment]

DEFAULT_MAX_IN_FLIGHT = 5
FIRST_POLL = 0.002
LAST_POLL = 0.05


class SlotTimeout(TagwardenError):
    """No slot came free within the wait."""


def lock_directory() -> str:
    """The directory of the lock files: private to this user (other users' locks are not ours to share)."""
    path = os.path.join(tempfile.gettempdir(), "tagwarden.panos-%d" % os.getuid())
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        info = os.lstat(path)
    except OSError as exc:
        raise FirewallError("cannot create the request-slot directory %s (%s): set TMPDIR to a writable "
                            "directory, or max_in_flight: 0" % (path, exc), kind="settings")
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        raise FirewallError("%s is not a directory that only this user can write, so its request slots could be "
                            "tampered with: remove it, or set TMPDIR elsewhere" % path, kind="settings")
    return path


class InFlightLimit:
    """``slot()`` holds one of ``limit`` slots of ``host:port`` (0: no limit) while a request is in flight.

    The lock files are opened for each request and closed after it, so that nothing stays open
    when a connection object is dropped.
    """

    def __init__(self, host: str, port: int, limit: int, wait: float, directory: Optional[str] = None,
                 sleep: Callable[[float], None] = time.sleep, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.where = "%s:%s" % (host.lower(), port)
        self.limit = limit if fcntl is not None else 0
        self.wait = wait
        self._directory = directory
        self._sleep = sleep
        self._monotonic = monotonic
        self._paths = []  # type: List[str]

    def _slot_paths(self) -> List[str]:
        if not self._paths:
            directory = self._directory or lock_directory()
            stem = hashlib.sha256(self.where.encode("utf-8")).hexdigest()[:20]
            self._paths = [os.path.join(directory, "%s.%d" % (stem, index)) for index in range(self.limit)]
        return self._paths

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        if not self.limit:
            yield
            return
        held = self._acquire()
        try:
            yield
        finally:
            os.close(held)  # closing the file releases its lock

    def _acquire(self) -> int:
        paths = self._slot_paths()
        deadline = self._monotonic() + self.wait
        delay = FIRST_POLL
        while True:
            start = random.randrange(len(paths))  # spread the processes over the slots
            for path in paths[start:] + paths[:start]:
                held = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return held
                except BlockingIOError:
                    os.close(held)
            if self._monotonic() >= deadline:
                raise SlotTimeout("all %d request slots of %s stayed busy for %.0f s" % (self.limit, self.where, self.wait))
            self._sleep(delay)
            delay = min(delay * 2, LAST_POLL)
