# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTPS to the XML API on one kept-alive connection per device, and the classification of
everything that is not a PAN-OS reply into a :class:`TransportError`.

pan-python (which this replaced) sends every request with ``urllib.request``, which closes the
connection after each reply: a new TCP and TLS handshake per request (docs/design.md,
"Dependencies"). Here one ``http.client`` connection, with the SSL context from ``_http._tls``,
carries every request of a module run. A request goes again on a fresh connection only when it
provably never left: the kept-alive connection was closed by the firewall before it was written.
Whether a request that left may be sent again is the client's decision (reads only).
"""

from __future__ import annotations


import contextlib
import http.client
import select
import socket
import ssl
import urllib.parse
import xml.etree.ElementTree as ET
from typing import Any, Callable, ContextManager, Mapping, Optional, Protocol, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._errors import TagwardenError
from ansible_collections.tagwarden.panos.plugins.module_utils._http._tls import TlsSettingsError
from ansible_collections.tagwarden.panos.plugins.module_utils._http._tls import make_ssl_context as _make_ssl_context
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError

API_PATH = "/api/"
HEADERS = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": "tagwarden.panos"}


class Transport(Protocol):
    """What the client sends through: the real :class:`HttpTransport` or a test fake."""

    def set_key(self, api_key: str) -> None: ...

    def request(self, params: Mapping[str, str]) -> ET.Element: ...


class TransportError(TagwardenError):
    """A request produced no PAN-OS XML reply (network, TLS, HTTP status, unparsable reply).

    ``kind``: ``http`` (``http_status`` set), ``certificate``, ``tls``, ``timeout``, ``reset``,
    ``unreachable``, ``network``, ``malformed``. ``sent`` is False only when the request provably
    never reached the firewall whole (the connection failed before or while it was written).
    """

    def __init__(self, kind: str, detail: str, http_status: Optional[int] = None, sent: bool = True) -> None:
        super(TransportError, self).__init__(detail)
        self.kind = kind
        self.detail = detail
        self.http_status = http_status
        self.sent = sent

    @property
    def transient(self) -> bool:
        if self.kind == "http":
            return self.http_status is not None and self.http_status in (500, 502, 503, 504, 429)
        return self.kind in ("reset", "malformed")


def make_ssl_context(validate_certs: bool = True, ca_path: Optional[str] = None) -> ssl.SSLContext:
    """The SSL context for the firewall: verified against ``ca_path`` (or the system CAs)."""
    try:
        return _make_ssl_context(validate_certs, ca_path, option="ca_path",
                                 peer="the firewall's management interface")
    except TlsSettingsError as exc:
        raise FirewallError(str(exc), kind="settings")


_TEXT_KINDS = (
    ("certificate", ("certificate_verify_failed", "certificate verify failed", "certificateerror", "hostname mismatch")),
    ("timeout", ("timed out", "timeout")),
    ("reset", ("connection reset", "remote end closed", "eof occurred", "broken pipe", "unexpected_eof")),
    ("unreachable", ("connection refused", "name or service not known", "no route to host", "network is unreachable",
                     "nodename nor servname", "temporary failure in name resolution", "no address associated")),
    ("tls", ("ssl",)),
    ("malformed", ("elementtree", "no response element status", "content-type", "parseerror")),
)


def classify_text(detail: str, default: str = "malformed") -> TransportError:
    """Turn an error text that has no XML reply behind it into a TransportError."""
    low = detail.lower()
    for kind, needles in _TEXT_KINDS:
        if any(needle in low for needle in needles):
            return TransportError(kind, detail)
    return TransportError(default, detail)


def classify_exception(exc: BaseException) -> TransportError:
    """Map an exception raised while talking HTTP to a TransportError."""
    if isinstance(exc, TransportError):
        return exc
    if isinstance(exc, ssl.SSLCertVerificationError):
        return TransportError("certificate", str(exc))
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return TransportError("timeout", str(exc) or "timed out")
    if isinstance(exc, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError,
                        http.client.RemoteDisconnected, http.client.IncompleteRead)):
        return TransportError("reset", "%s: %s" % (type(exc).__name__, exc))
    if isinstance(exc, ConnectionRefusedError):
        return TransportError("unreachable", str(exc))
    if isinstance(exc, ssl.SSLError):
        return classify_text("ssl: %s" % exc)
    if isinstance(exc, http.client.HTTPException):
        return TransportError("malformed", "%s: %s" % (type(exc).__name__, exc))
    return classify_text("%s: %s" % (type(exc).__name__, exc), "network" if isinstance(exc, OSError) else "malformed")


def parse_reply(status: int, reason: str, body: bytes) -> ET.Element:
    """The root of a PAN-OS reply (any ``status`` attribute); TransportError for anything else."""
    if not 200 <= status < 300:
        raise TransportError("http", "HTTP %d %s" % (status, reason), status)
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise TransportError("malformed", "ElementTree.fromstring ParseError: %s" % exc)
    if root.tag != "response" or "status" not in root.attrib:
        raise TransportError("malformed", "no response element status attribute (the reply's root is <%s>)" % root.tag)
    return root


def _closed_by_peer(sock: Any) -> bool:
    """An idle kept-alive socket that is readable has been closed (or spoken to out of turn) by the peer.
    ``poll``, not ``select``: select() cannot watch a descriptor above 1023."""
    try:
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True


class HttpTransport:
    """Sends requests on one kept-alive HTTPS connection to one device and returns the replies' roots.

    ``slot`` wraps each request's time in flight (the management plane's limit, ``_inflight``);
    ``connections`` counts the connections opened.
    """

    def __init__(self, host: str, port: int, timeout: float, ssl_context: ssl.SSLContext,
                 slot: Optional[Callable[[], ContextManager[None]]] = None,
                 connect: Optional[Callable[[], http.client.HTTPConnection]] = None) -> None:
        self._connect = connect or (lambda: http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl_context))
        self._slot = slot or contextlib.nullcontext
        self._conn = None  # type: Optional[http.client.HTTPConnection]
        self._key = None  # type: Optional[str]
        self.connections = 0

    def set_key(self, api_key: str) -> None:
        self._key = api_key

    def request(self, params: Mapping[str, str]) -> ET.Element:
        fields = dict(params)
        if self._key and params.get("type") != "keygen":
            fields["key"] = self._key
        with self._slot():
            status, reason, body = self._exchange(urllib.parse.urlencode(fields).encode("utf-8"))
        return parse_reply(status, reason, body)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> Tuple[http.client.HTTPConnection, bool]:
        """The kept-alive connection (True) or a new one (False); connecting failures never sent anything."""
        conn = self._conn
        if conn is not None and conn.sock is not None and not _closed_by_peer(conn.sock):
            return conn, True
        self.close()
        conn = self._connect()
        try:
            conn.connect()
        except Exception as exc:
            conn.close()
            error = classify_exception(exc)
            error.sent = False
            raise error
        self._conn = conn
        self.connections += 1
        return conn, False

    def _exchange(self, body: bytes) -> Tuple[int, str, bytes]:
        while True:
            conn, reused = self._connection()
            try:
                conn.request("POST", API_PATH, body, HEADERS)
            except (OSError, http.client.HTTPException) as exc:
                # Not written whole: the firewall cannot have read the request.
                self.close()
                if reused:
                    continue  # the firewall closed the kept-alive connection just now: a fresh one
                error = classify_exception(exc)
                error.sent = False
                raise error
            try:
                response = conn.getresponse()
                reply = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.close()  # the request left: only the client may decide to send it again
                raise classify_exception(exc)
            if response.will_close:
                self.close()
            return response.status, response.reason, reply
