# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTPS request to the XML API with pan-python's ``PanXapi``, and the classification of
everything that is not a PAN-OS reply into a :class:`TransportError`.

The SSL context comes from ``_http._tls`` (pan-python accepts one; without it certificates
are not checked).
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import http.client
import re
import socket
import ssl
import xml.etree.ElementTree as ET
from typing import Mapping, Optional, Protocol

from ansible_collections.tagwarden.panos.plugins.module_utils._http._tls import TlsSettingsError
from ansible_collections.tagwarden.panos.plugins.module_utils._http._tls import make_ssl_context as _make_ssl_context
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError, missing_library_message

try:
    import pan.xapi as _pan_xapi  # pan-python
except ImportError as _exc:  # pragma: no cover - depends on the environment
    _pan_xapi = None
    PAN_PYTHON_IMPORT_ERROR = str(_exc)  # type: Optional[str]
else:
    PAN_PYTHON_IMPORT_ERROR = None


class Transport(Protocol):
    """What the client sends through: the real :class:`PanXapiTransport` or a test fake."""

    def set_key(self, api_key: str) -> None: ...

    def request(self, params: Mapping[str, str]) -> ET.Element: ...


class TransportError(Exception):
    """A request produced no PAN-OS XML reply (network, TLS, HTTP status, unparsable reply).

    ``kind``: ``http`` (``http_status`` set), ``certificate``, ``tls``, ``timeout``, ``reset``,
    ``unreachable``, ``network``, ``malformed``.
    """

    def __init__(self, kind: str, detail: str, http_status: Optional[int] = None) -> None:
        super(TransportError, self).__init__(detail)
        self.kind = kind
        self.detail = detail
        self.http_status = http_status

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


def classify_text(detail: str) -> TransportError:
    """Turn a pan-python error text that has no XML reply behind it into a TransportError."""
    low = detail.lower()
    match = re.search(r"code: (\d{3})", detail)
    if detail.startswith("URLError:") and match:
        return TransportError("http", detail, int(match.group(1)))
    for kind, needles in _TEXT_KINDS:
        if any(needle in low for needle in needles):
            return TransportError(kind, detail)
    if detail.startswith("URLError:"):
        return TransportError("network", detail)
    return TransportError("malformed", detail)


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
    return classify_text("%s: %s" % (type(exc).__name__, exc))


class PanXapiTransport:
    """Sends one request with pan-python's ``PanXapi`` and returns the reply's root element.

    Replies that are PAN-OS XML are returned whatever their status; everything else raises
    :class:`TransportError`.
    """

    def __init__(self, host: str, port: int, timeout: int, ssl_context: ssl.SSLContext) -> None:
        if _pan_xapi is None:
            raise FirewallError(missing_library_message("pan-python", PAN_PYTHON_IMPORT_ERROR), kind="library")
        try:
            # api_key is set after keygen (or from the provider); "" keeps pan-python from
            # generating a key by itself on the first request.
            self._xapi = _pan_xapi.PanXapi(hostname=host, port=port, api_key="", timeout=timeout,
                                           ssl_context=ssl_context)
        except _pan_xapi.PanXapiError as exc:
            raise FirewallError("invalid connection settings: %s" % exc, kind="settings")

    def set_key(self, api_key: str) -> None:
        self._xapi.api_key = api_key

    def request(self, params: Mapping[str, str]) -> ET.Element:
        xapi = self._xapi
        try:
            if params.get("type") == "keygen":
                xapi.api_username = params["user"]
                xapi.api_password = params["password"]
                try:
                    xapi.keygen()
                finally:
                    xapi.api_username = None
                    xapi.api_password = None
            else:
                xapi.ad_hoc(qs=dict(params), modify_qs=True)
        except _pan_xapi.PanXapiError as exc:
            if xapi.element_root is not None:
                return xapi.element_root
            raise classify_text(str(exc))
        except Exception as exc:  # socket, TLS and http.client errors escape pan-python raw
            raise classify_exception(exc)
        if xapi.element_root is None:
            raise TransportError("malformed", "the reply has no XML document")
        return xapi.element_root
