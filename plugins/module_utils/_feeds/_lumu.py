# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Indicators from the Lumu Defender API: incidents in a time window, then each adversary's context.

``POST {base_url}/incidents/all`` lists incidents between ``fromDate`` and ``toDate``, paged with
``page``/``items`` until ``paginationInfo.next`` is absent; windows longer than ``window_days`` are
split. ``GET {base_url}/incidents/{id}/context`` gives the adversary's ``threat_triggers``: an
http(s) trigger is a URL; any other loses its scheme, path and port and is an IP or a domain. When
no trigger gives an IP or domain the incident's ``adversaries`` do (as Lumu's own integrations do,
so that a URL-only adversary can still be blocked by host without TLS decryption). Incidents of one
adversary share one context request. The company key travels in the ``key`` query parameter.

Where the window starts: ``from``, else ``hours`` back, else the cursor (``since``, less
``CURSOR_OVERLAP`` for clock skew), else ``DEFAULT_DAYS`` back. The new cursor is the window's end.
"""

from __future__ import annotations


import urllib.parse
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds import _options
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import (
    DOMAIN,
    IP,
    URL,
    FeedError,
    FeedOptionError,
    FeedResult,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import HttpsClient

NAME = "lumu"
BASE_URL = "https://defender.lumu.io/api"
# The documented types (C2C, Malware, DGA, Mining, Spam, Phishing) and Anonymizer, which Lumu's own
# tools offer; the API spells them case-sensitively.
ADVERSARY_TYPES = ("C2C", "Malware", "DGA", "Mining", "Spam", "Phishing", "Anonymizer")
STATUSES = ("open", "muted", "closed")
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S.000Z"
DEFAULT_DAYS = 30
WINDOW_DAYS = 30
PAGE_ITEMS = 100
CURSOR_OVERLAP = timedelta(minutes=5)
OPTIONS = ("base_url", "company_key", "hours", "from", "adversary_types", "statuses", "page_items", "window_days")
KEY_OPTION = "company_key"


def format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(DATE_FORMAT)


class LumuSource:
    """The Lumu Defender API as a feed: OPTIONS (company_key required), read as the module docstring says."""

    name = NAME
    auth_option = KEY_OPTION

    def __init__(self, options: Mapping[str, Any], clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
                 ) -> None:
        _options.check_known(options, OPTIONS, NAME)
        self.company_key = _options.text(options, KEY_OPTION, required=True) or ""
        self.base_url = (_options.https_url(options, "base_url", default=BASE_URL) or BASE_URL).rstrip("/")
        self.hours = _options.integer(options, "hours", None, 1, 24 * 366)
        start = _options.text(options, "from")
        if self.hours is not None and start is not None:
            raise FeedOptionError("give either hours (%d) or from (%s), not both: hours counts back from now, "
                                  "from names the start" % (self.hours, start))
        self.start = _options.parse_time(start, "from") if start is not None else None
        self.adversary_types = _options.choices(options, "adversary_types", ADVERSARY_TYPES, ())
        self.statuses = _options.choices(options, "statuses", STATUSES, STATUSES)
        self.page_items = _options.integer(options, "page_items", PAGE_ITEMS, 1, 100) or PAGE_ITEMS
        self.window = timedelta(days=_options.integer(options, "window_days", WINDOW_DAYS, 1, 90) or WINDOW_DAYS)
        self._clock = clock

    def secrets(self) -> List[str]:
        return [self.company_key]

    def fetch(self, client: HttpsClient, since: Optional[str] = None) -> FeedResult:
        """Indicators of the incidents since the window start; ``cursor`` is the window's end."""
        now = self._clock()
        start = self._window_start(now, since)
        result = FeedResult(cursor=format_time(now))
        contexts = {}  # type: Dict[str, Optional[Mapping[str, Any]]]
        for incident in self._incidents(client, start, now):
            adversary = str(incident.get("adversaryId") or incident.get("id"))
            if adversary not in contexts:
                contexts[adversary] = self._context(client, incident)
            self._add_incident(result, incident, contexts[adversary])
        return result

    def _window_start(self, now: datetime, since: Optional[str]) -> datetime:
        if self.start is not None:
            if self.start >= now:
                raise FeedOptionError("from=%s is not in the past (now is %s): give an earlier start"
                                      % (format_time(self.start), format_time(now)))
            return self.start
        if self.hours is not None:
            return now - timedelta(hours=self.hours)
        if since:
            cursor = _options.parse_time(since, "the saved cursor")
            return min(cursor, now) - CURSOR_OVERLAP
        return now - timedelta(days=DEFAULT_DAYS)

    def _windows(self, start: datetime, end: datetime) -> Iterator[Tuple[datetime, datetime]]:
        while start < end:
            stop = min(start + self.window, end)
            yield start, stop
            start = stop

    def _incidents(self, client: HttpsClient, start: datetime, end: datetime) -> Iterator[Mapping[str, Any]]:
        url = self.base_url + "/incidents/all"
        for window_start, window_end in self._windows(start, end):
            body = {"fromDate": format_time(window_start), "toDate": format_time(window_end),
                    "status": list(self.statuses)}  # type: Dict[str, Any]
            if self.adversary_types:
                body["adversary-types"] = list(self.adversary_types)
            page = 1
            while True:
                document = client.post_json(url, body, {"key": self.company_key, "page": page,
                                                        "items": self.page_items})
                items = document.get("items") if isinstance(document, dict) else None
                if not isinstance(items, list):
                    raise FeedError("the Lumu API answered %s/incidents/all without an 'items' list (keys: %s): "
                                    "check base_url" % (self.base_url, _keys(document)))
                for item in items:
                    if isinstance(item, dict):
                        yield item
                following = (document.get("paginationInfo") or {}).get("next")
                if not following:
                    break
                if not isinstance(following, int) or following <= page:
                    raise FeedError("the Lumu API's paginationInfo.next is %r after page %d: it must grow"
                                    % (following, page))
                page = following

    def _context(self, client: HttpsClient, incident: Mapping[str, Any]) -> Optional[Mapping[str, Any]]:
        identifier = incident.get("id")
        if not identifier:
            return None
        url = "%s/incidents/%s/context" % (self.base_url, urllib.parse.quote(str(identifier), safe=""))
        document = client.get_json(url, {"key": self.company_key, "hash": "sha256"})
        return document if isinstance(document, dict) else None

    @staticmethod
    def _add_incident(result: FeedResult, incident: Mapping[str, Any], context: Optional[Mapping[str, Any]]) -> None:
        source = "lumu incident %s" % incident.get("id", "?")
        if context is not None and context.get("currently_active") is False:
            return  # Lumu deactivated the adversary: nothing left to block
        hosts = 0
        for trigger in (context or {}).get("threat_triggers") or ():
            is_url, value = trigger_value(str(trigger))
            before = len(result.indicators)
            result.add(value, source, (URL,) if is_url else (IP, DOMAIN))
            hosts += not is_url and len(result.indicators) > before
        if not hosts:
            for adversary in incident.get("adversaries") or ():
                result.add(str(adversary), source, (IP, DOMAIN))


def trigger_value(trigger: str) -> Tuple[bool, str]:
    """(True, the trigger) for an http(s) trigger; else (False, its host without scheme, port or path)."""
    text = trigger.strip()
    scheme, separator, rest = text.partition("://")
    if separator and scheme.lower() in ("http", "https"):
        return True, text
    host = (rest if separator else text).split("/", 1)[0]
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return False, host


def _keys(document: Any) -> str:
    return ", ".join(sorted(map(str, document))) if isinstance(document, dict) else type(document).__name__
