# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Indicators from the STIX 2.1 ``indicator`` objects of a TAXII 2.1 collection.

taxii2-client walks the collection (its ``Collection`` and ``as_pages``) over a connection that is
the collection's one HTTPS client, so TLS, retries and secret masking are those of every source.
Patterns are read with stix2-patterns (the STIX project's pattern parser, which stix2 itself uses):
``[ipv4-addr:value = '…']``, ``ipv6-addr``, ``domain-name`` and ``url`` with ``=`` or ``IN``, and
``ISSUBSET '<cidr>'`` for networks, joined by ``OR``. A pattern that says more (another object type
or property, ``AND``/``FOLLOWEDBY`` between observations) is rejected: one block entry would match
more than the pattern does. ``valid_until`` becomes the expiry; revoked and expired indicators are
left out. The cursor is the server's ``X-TAXII-Date-Added-Last``, sent back as ``added_after``.
"""

from __future__ import annotations


import base64
import re
from datetime import datetime, timezone
from typing import Any, Callable, List, Mapping, Optional, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds import _options
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import (
    DOMAIN,
    IP,
    NETWORK,
    URL,
    FeedError,
    FeedResult,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import (
    HttpsClient,
    HttpsError,
    display_url,
)

try:
    from stix2patterns.exceptions import ParseException
    from stix2patterns.v21.pattern import Pattern
    from taxii2client.exceptions import TAXIIServiceException
    from taxii2client.v21 import Collection, as_pages
except ImportError as _exc:  # pragma: no cover - depends on the environment
    TAXII_IMPORT_ERROR = str(_exc)  # type: Optional[str]
else:
    TAXII_IMPORT_ERROR = None

NAME = "taxii"
OPTIONS = ("collection_url", "username", "password", "page_size", "kinds")
MEDIA_TYPE = "application/taxii+json;version=2.1"
PAGE_SIZE = 1000
# STIX object type -> the indicator kinds its value may be (an address value may be a CIDR).
OBJECT_KINDS = {"ipv4-addr": (IP, NETWORK), "ipv6-addr": (IP, NETWORK), "domain-name": (DOMAIN,), "url": (URL,)}
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


class _Connection:
    """What taxii2-client's endpoints call (``get``, ``close``), sent through the HTTPS client."""

    def __init__(self, client: HttpsClient, authorization: Optional[str]) -> None:
        self.client = client
        self.authorization = authorization
        self.date_added_last = None  # type: Optional[str]

    def get(self, url: str, headers: Optional[Mapping[str, str]] = None,
            params: Optional[Mapping[str, Any]] = None) -> Any:
        sent = {"Accept": MEDIA_TYPE, **(headers or {})}
        if self.authorization:
            sent["Authorization"] = self.authorization
        reply = self.client.request("GET", url, {k: v for k, v in (params or {}).items() if v not in (None, "")},
                                    headers=sent)
        last = reply.headers.get("x-taxii-date-added-last")
        if last and (self.date_added_last is None or last > self.date_added_last):
            self.date_added_last = last
        return self.client.decode_json(reply, url)

    def close(self) -> None:
        """Connections are the HTTPS client's; nothing to release."""


class TaxiiSource:
    """One TAXII 2.1 collection, by its URL (``https://host/api-root/collections/<id>/``)."""

    name = NAME
    auth_option = "password"

    def __init__(self, options: Mapping[str, Any], clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
                 ) -> None:
        _options.check_known(options, OPTIONS, NAME)
        if TAXII_IMPORT_ERROR is not None:
            raise FeedError("the taxii source needs the Python libraries taxii2-client and stix2 on the "
                            "controller (pip install taxii2-client stix2): %s" % TAXII_IMPORT_ERROR)
        self.collection_url = _options.https_url(options, "collection_url", required=True) or ""
        if not self.collection_url.endswith("/"):
            self.collection_url += "/"
        self.username = _options.text(options, "username")
        self.password = _options.text(options, "password")
        self.page_size = _options.integer(options, "page_size", PAGE_SIZE, 1, 10000) or PAGE_SIZE
        self.kinds = _options.kinds(options)
        self._clock = clock

    def secrets(self) -> List[str]:
        return [secret for secret in (self.password, self._authorization()) if secret]

    def _authorization(self) -> Optional[str]:
        if self.username is None and self.password is None:
            return None
        pair = ("%s:%s" % (self.username or "", self.password or "")).encode("utf-8")
        return "Basic " + base64.b64encode(pair).decode("ascii")

    def fetch(self, client: HttpsClient, since: Optional[str] = None) -> FeedResult:
        connection = _Connection(client, self._authorization())
        collection = Collection(self.collection_url, conn=connection)
        self._load(collection, client)
        now = self._clock()
        result = FeedResult()
        try:
            for envelope in as_pages(collection.get_objects, per_request=self.page_size, added_after=since,
                                     type="indicator"):
                for item in envelope.get("objects") or ():
                    if isinstance(item, dict) and item.get("type") == "indicator":
                        self._add_indicator(result, item, now)
        except TAXIIServiceException as exc:
            raise FeedError(client.scrubber.scrub("the TAXII server's reply for %s is not usable: %s"
                                                  % (display_url(self.collection_url), exc))) from None
        result.cursor = connection.date_added_last or since
        return result

    def _load(self, collection: Any, client: HttpsClient) -> None:
        try:
            collection.refresh()
        except HttpsError as exc:
            if exc.status == 404:
                raise FeedError(client.scrubber.scrub(
                    "the TAXII collection %s does not exist (HTTP 404)%s: check collection_url"
                    % (display_url(self.collection_url), self._known_collections(client)))) from None
            raise
        except TAXIIServiceException as exc:
            raise FeedError(client.scrubber.scrub("%s is not a TAXII 2.1 collection (%s): check collection_url"
                                                  % (display_url(self.collection_url), exc))) from None
        if not collection.can_read:
            raise FeedError("the TAXII collection %s does not allow reading to this user: grant read access or "
                            "use another collection" % display_url(self.collection_url))

    def _known_collections(self, client: HttpsClient) -> str:
        """The API root's collections, to name in the error (best effort: one more request)."""
        root = self.collection_url.rstrip("/").rsplit("/", 1)[0] + "/"
        try:
            document = _Connection(client, self._authorization()).get(root, {"Accept": MEDIA_TYPE})
        except HttpsError:
            return ""
        names = ["%s (%s)" % (item.get("id"), item.get("title")) for item in document.get("collections") or ()
                 if isinstance(item, dict)] if isinstance(document, dict) else []
        return "; the API root has %s" % (", ".join(names) if names else "no collections")

    def _add_indicator(self, result: FeedResult, item: Mapping[str, Any], now: datetime) -> None:
        source = "stix %s" % item.get("id", "?")
        if item.get("revoked") or item.get("pattern_type", "stix") != "stix":
            return
        expires = None
        if item.get("valid_until"):
            try:
                expires = _options.parse_time(str(item["valid_until"]), "valid_until")
            except ValueError:
                result.reject(str(item["valid_until"]), source, "%s has a valid_until that is not a timestamp"
                              % source)
                return
            if expires <= now:
                return
        try:
            values = pattern_values(str(item.get("pattern", "")))
        except ValueError as exc:
            result.reject(str(item.get("pattern", "")), source, "%s: %s" % (source, exc))
            return
        for kinds, value in values:
            result.add(value, source, tuple(kind for kind in kinds if kind in self.kinds) or self.kinds, expires)


def pattern_values(pattern: str) -> List[Tuple[Tuple[str, ...], str]]:
    """(kinds it may be, value) of each value a blockable STIX pattern names; ValueError when it is not."""
    try:
        inspected = Pattern(pattern).inspect()
    except ParseException as exc:
        raise ValueError("the pattern %r is not valid STIX 2.1 (%s)" % (pattern, exc))
    if inspected.observation_ops - {"OR"}:
        raise ValueError("the pattern %r joins observations with %s: a block entry cannot express that"
                         % (pattern, ", ".join(sorted(inspected.observation_ops - {"OR"}))))
    values = []  # type: List[Tuple[Tuple[str, ...], str]]
    for object_type, comparisons in inspected.comparisons.items():
        for path, operator, literal in comparisons:
            kinds = OBJECT_KINDS.get(object_type)
            if kinds is None or path != ["value"] or operator not in ("=", "IN", "ISSUBSET") or (
                    operator == "ISSUBSET" and IP not in kinds):
                raise ValueError("the pattern %r tests %s:%s %s, which a block entry cannot express: only "
                                 "= / IN on ipv4-addr, ipv6-addr, domain-name and url values, and ISSUBSET on "
                                 "addresses, are taken" % (pattern, object_type, ".".join(map(str, path)), operator))
            values.extend(((NETWORK,) if operator == "ISSUBSET" else kinds, value) for value in _unquote_all(literal))
    return values


def _unquote_all(literal: str) -> List[str]:
    return [re.sub(r"\\(.)", r"\1", match) for match in _QUOTED.findall(literal)]
