# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTPS client of every threat-feed source (Lumu, plain lists, TAXII).

Plain Python (no Ansible imports). TLS is verified by default (:func:`make_ssl_context`); every
request has a timeout; connection resets, timeouts and 5xx replies are retried a bounded number
of times with exponential backoff; a 429 reply is retried after the wait the server names
(``Retry-After`` or ``RateLimit-Reset``) when that wait is within a bound, and a reply that says
the budget is spent (``RateLimit-Remaining: 0``) delays the next request until the reset. Every
message is scrubbed of the secrets the client was given (a key in a query string included).
Sleep, clock and opener are injectable so that tests neither wait nor need a network.
"""

from __future__ import annotations


import email.utils
import http.client
import json
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, Mapping, NamedTuple, Optional, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._errors import TagwardenError
from ansible_collections.tagwarden.panos.plugins.module_utils._http._secrets import Scrubber
from ansible_collections.tagwarden.panos.plugins.module_utils._http._tls import make_ssl_context

USER_AGENT = "tagwarden.panos"
RETRY_STATUSES = frozenset((500, 502, 503, 504))
# Headers whose value is a number of seconds to wait (draft-ietf-httpapi-ratelimit-headers and the
# older X- form Lumu's own library reads). A value above a year is taken as an epoch time.
RESET_HEADERS = ("retry-after", "ratelimit-reset", "x-ratelimit-reset")
EPOCH_THRESHOLD = 365 * 24 * 3600
SNIPPET = 80


class Reply(NamedTuple):
    """One HTTP reply: status, headers (names in lower case) and body."""

    status: int
    headers: Mapping[str, str]
    body: bytes


# An opener sends one request: (method, url, headers, body, timeout) -> Reply; it raises OSError
# (socket errors, resets, timeouts, TLS failures) or http.client.HTTPException when no reply came.
Opener = Callable[[str, str, Mapping[str, str], Optional[bytes], float], Reply]


class HttpsError(TagwardenError):
    """A request failed; the message names the cause and the fix, with every secret masked.

    Raised ``from None``: the exception it replaces (which may hold the URL with its key) is not
    chained into tracebacks.
    """

    def __init__(self, message: str, status: Optional[int] = None) -> None:
        super().__init__(message)
        self.status = status


class AuthenticationError(HttpsError):
    """The server refused the credentials (HTTP 401 or 403)."""


class RateLimitError(HttpsError):
    """The server kept answering 429, or asked for a longer wait than allowed."""


class ReplyFormatError(HttpsError):
    """The reply is not what was asked for: HTML instead of JSON, truncated or malformed JSON."""


class _HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to https:// only: a redirect to plain HTTP comes back as its 3xx reply."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> Optional[urllib.request.Request]:
        if urllib.parse.urlsplit(newurl).scheme.lower() != "https":
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def url_opener(context: ssl.SSLContext) -> Opener:
    """The default opener: urllib with ``context``, every status returned as a Reply."""
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _HttpsOnlyRedirects())

    def send(method: str, url: str, headers: Mapping[str, str], body: Optional[bytes], timeout: float) -> Reply:
        request = urllib.request.Request(url, data=body, headers=dict(headers), method=method)
        try:
            with opener.open(request, timeout=timeout) as response:
                return Reply(response.status, _lower(response.headers.items()), response.read())
        except urllib.error.HTTPError as exc:
            with exc:
                return Reply(exc.code, _lower(exc.headers.items()), exc.read())
        except urllib.error.URLError as exc:
            reason = exc.reason
            raise (reason if isinstance(reason, OSError) else OSError(str(reason))) from None

    return send


def _lower(items: Iterable[Tuple[str, str]]) -> Dict[str, str]:
    return {name.lower(): value for name, value in items}


def display_url(url: str) -> str:
    """The URL without its query string (where keys travel) for messages."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


@dataclass(frozen=True)
class HttpsSettings:
    """How an HttpsClient reaches its server: TLS (``ca_option`` is the option that named ``ca_path``,
    for the message when it cannot be used), the reply timeout, retries of failures with exponential
    ``backoff``, how long and how often a 429 is waited out, and the words messages use for the
    credentials' option and for the server."""

    validate_certs: bool = True
    ca_path: Optional[str] = None
    ca_option: str = "ca_path"
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    max_wait: float = 60.0
    rate_limit_retries: int = 5
    auth_option: str = "the API key"
    peer: str = "the feed server"


class HttpsClient:  # pylint: disable=too-many-instance-attributes
    """Sends requests and decodes replies; ``requests`` counts the HTTP requests sent (retries too).
    ``secrets`` are masked in every message; ``opener``, ``sleep`` and ``clock`` stand in for the
    network and the time in tests."""

    def __init__(self, settings: HttpsSettings = HttpsSettings(), *, secrets: Iterable[str] = (),
                 opener: Optional[Opener] = None, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time) -> None:
        self.timeout = settings.timeout
        self.retries = settings.retries
        self.backoff = settings.backoff
        self.max_wait = settings.max_wait
        self.rate_limit_retries = settings.rate_limit_retries
        self.auth_option = settings.auth_option
        self.peer = settings.peer
        self.scrubber = Scrubber(secrets)
        self._opener = opener or url_opener(make_ssl_context(settings.validate_certs, settings.ca_path,
                                                             settings.ca_option, settings.peer))
        self._sleep = sleep
        self._clock = clock
        self._not_before = 0.0
        self.requests = 0

    def add_secret(self, secret: str) -> None:
        self.scrubber.add(secret)

    # -- requests -------------------------------------------------------------------------------
    def request(self, method: str, url: str, params: Optional[Mapping[str, Any]] = None,
                body: Optional[bytes] = None, headers: Optional[Mapping[str, str]] = None) -> Reply:
        """Send one request (retried within bounds); a 2xx Reply or an HttpsError."""
        if params:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params, doseq=True)
        sent = {"User-Agent": USER_AGENT, **(headers or {})}
        failures = 0
        limited = 0
        while True:
            self._wait_for_budget()
            self.requests += 1
            try:
                reply = self._opener(method, url, sent, body, self.timeout)
            except ssl.SSLCertVerificationError as exc:
                raise self._error("cannot verify the TLS certificate of %s (%s): give the CA that signed it in "
                                  "the CA option, or fix the server's certificate" % (display_url(url), exc)) from None
            except (OSError, http.client.HTTPException, socket.timeout) as exc:
                failures += 1
                if failures > self.retries:
                    raise self._error("%s %s failed after %d attempts: %s (%s); check that %s is reachable"
                                      % (method, display_url(url), failures, type(exc).__name__, exc, self.peer)) from None
                self._sleep(self.backoff * 2 ** (failures - 1))
                continue
            if reply.status == 429:
                limited += 1
                wait = self._reset_wait(reply.headers)
                if limited > self.rate_limit_retries or wait > self.max_wait:
                    raise RateLimitError(self.scrubber.scrub(
                        "%s keeps answering HTTP 429 (too many requests) to %s %s: gave up after %d replies; "
                        "it asked to wait %.0f s (the bound is %.0f s); run less often or later"
                        % (self.peer, method, display_url(url), limited, wait, self.max_wait)), 429)
                self._sleep(max(wait, self.backoff))
                continue
            self._note_budget(reply.headers)
            if reply.status in RETRY_STATUSES:
                failures += 1
                if failures > self.retries:
                    raise self._error("%s answered HTTP %d to %s %s %d times: %s; try again later"
                                      % (self.peer, reply.status, method, display_url(url), failures,
                                         _snippet(reply.body)), reply.status)
                self._sleep(self.backoff * 2 ** (failures - 1))
                continue
            if reply.status in (401, 403):
                raise AuthenticationError(self.scrubber.scrub(
                    "%s refused the credentials (HTTP %d) for %s %s: the key may be revoked or mistyped; set %s to "
                    "a current key" % (self.peer, reply.status, method, display_url(url), self.auth_option)),
                    reply.status)
            if not 200 <= reply.status < 300:
                raise self._error("%s answered HTTP %d to %s %s: %s" % (
                    self.peer, reply.status, method, display_url(url), _snippet(reply.body)), reply.status)
            return reply

    def get_text(self, url: str, params: Optional[Mapping[str, Any]] = None) -> str:
        reply = self.request("GET", url, params)
        return reply.body.decode(_charset(reply.headers), errors="replace")

    def get_json(self, url: str, params: Optional[Mapping[str, Any]] = None,
                 headers: Optional[Mapping[str, str]] = None) -> Any:
        return self.decode_json(self.request("GET", url, params, headers={"Accept": "application/json",
                                                                          **(headers or {})}), url)

    def post_json(self, url: str, document: Any, params: Optional[Mapping[str, Any]] = None) -> Any:
        body = json.dumps(document).encode("utf-8")
        reply = self.request("POST", url, params, body,
                             {"Content-Type": "application/json", "Accept": "application/json"})
        return self.decode_json(reply, url)

    def decode_json(self, reply: Reply, url: str) -> Any:
        """The JSON document of ``reply``; a ReplyFormatError that says what came instead."""
        content_type = reply.headers.get("content-type", "")
        text = reply.body.decode(_charset(reply.headers), errors="replace")
        if "html" in content_type.lower() or text.lstrip()[:1] == "<":
            raise ReplyFormatError(self.scrubber.scrub(
                "%s answered HTML instead of JSON for %s (Content-Type %r, starts %r): check the base URL; "
                "a proxy or captive portal may be in the way" % (self.peer, display_url(url), content_type,
                                                                 _snippet(reply.body))))
        try:
            return json.loads(text)
        except ValueError as exc:
            position = getattr(exc, "pos", None)  # type: Optional[int]
            where = "" if position is None else " at character %s of %d" % (position, len(text))
            ended = position is not None and position >= len(text.rstrip())
            cause = "truncated" if ended or str(exc).startswith("Unterminated") else "malformed"
            raise ReplyFormatError(self.scrubber.scrub(
                "the JSON reply of %s for %s is %s%s (%s); the next run fetches it again"
                % (self.peer, display_url(url), cause, where, exc))) from None

    # -- rate limits ----------------------------------------------------------------------------
    def _reset_wait(self, headers: Mapping[str, str]) -> float:
        """Seconds the server asks to wait; the backoff when it names none."""
        for name in RESET_HEADERS:
            seconds = self._seconds(headers.get(name))
            if seconds is not None:
                return seconds
        return self.backoff

    def _seconds(self, value: Optional[str]) -> Optional[float]:
        if value is None:
            return None
        value = value.strip()
        try:
            number = float(value)
        except ValueError:
            try:
                moment = email.utils.parsedate_to_datetime(value)  # Retry-After as an HTTP date
            except (TypeError, ValueError):
                return None
            return max(0.0, moment.timestamp() - self._clock())
        if number > EPOCH_THRESHOLD:
            number -= self._clock()
        return max(0.0, number)

    def _note_budget(self, headers: Mapping[str, str]) -> None:
        remaining = headers.get("ratelimit-remaining", headers.get("x-ratelimit-remaining"))
        if remaining is None or remaining.strip() not in ("0", "0.0"):
            return
        wait = self._reset_wait(headers)
        if wait <= self.max_wait:
            self._not_before = self._clock() + wait

    def _wait_for_budget(self) -> None:
        wait = self._not_before - self._clock()
        if wait > 0:
            self._sleep(wait)
        self._not_before = 0.0

    def _error(self, message: str, status: Optional[int] = None) -> HttpsError:
        return HttpsError(self.scrubber.scrub(message), status)


def _charset(headers: Mapping[str, str]) -> str:
    for part in headers.get("content-type", "").split(";")[1:]:
        name, _equals, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip('"')
    return "utf-8"


def _snippet(body: bytes) -> str:
    text = " ".join(body.decode("utf-8", errors="replace").split())
    return repr(text[:SNIPPET] + ("..." if len(text) > SNIPPET else ""))
