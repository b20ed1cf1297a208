# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection to a PAN-OS firewall's XML API, shared by every device module.

Plain Python (no Ansible imports). :class:`FirewallConnection` sends requests through pan-python's
``PanXapi`` with an SSL context built here (pan-os-python never hands one to pan-python, so
without it certificates are not checked), generates the API key once when only a password is
given, retries transient failures with bounded exponential backoff, counts HTTP requests in
``api_calls`` and raises :class:`FirewallError` with one message that names the cause and the fix.
The password and the API key are scrubbed from every message.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import datetime
import http.client
import os
import re
import socket
import ssl
import time
import xml.etree.ElementTree as ET
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from ansible_collections.tagwarden.panos.plugins.module_utils._http._secrets import MASK, Scrubber  # noqa: F401
from ansible_collections.tagwarden.panos.plugins.module_utils._http._tls import TlsSettingsError
from ansible_collections.tagwarden.panos.plugins.module_utils._http._tls import make_ssl_context as _make_ssl_context
from ansible_collections.tagwarden.panos.plugins.module_utils._xml import cmd as _cmd
from ansible_collections.tagwarden.panos.plugins.module_utils._xml import text as _text
from ansible_collections.tagwarden.panos.plugins.module_utils._xml import to_string

try:
    import pan.xapi as _pan_xapi  # pan-python
except ImportError as _exc:  # pragma: no cover - depends on the environment
    _pan_xapi = None  # type: ignore[assignment]
    PAN_PYTHON_IMPORT_ERROR = str(_exc)  # type: Optional[str]
else:
    PAN_PYTHON_IMPORT_ERROR = None

try:
    import panos as _panos  # pan-os-python  # noqa: F401  (only checked for presence)
except ImportError as _exc:  # pragma: no cover - depends on the environment
    PAN_OS_PYTHON_IMPORT_ERROR = str(_exc)  # type: Optional[str]
else:
    PAN_OS_PYTHON_IMPORT_ERROR = None

#: The ``provider`` suboptions. ``env`` names the environment fallback; ``_module.py`` turns this
#: into an Ansible argument spec, ``doc_fragments/connection.py`` documents it.
PROVIDER_SPEC = {
    "ip_address": {"type": "str", "required": True, "env": "PANOS_IP_ADDRESS"},
    "username": {"type": "str", "default": "admin", "env": "PANOS_USERNAME"},
    "password": {"type": "str", "no_log": True, "env": "PANOS_PASSWORD"},
    "api_key": {"type": "str", "no_log": True, "env": "PANOS_API_KEY"},
    "port": {"type": "int", "default": 443, "env": "PANOS_PORT"},
    "serial_number": {"type": "str"},
    "validate_certs": {"type": "bool", "default": True, "env": "PANOS_VALIDATE_CERTS"},
    "ca_path": {"type": "path", "env": "PANOS_CA_PATH"},
    "timeout": {"type": "int", "default": 30, "env": "PANOS_TIMEOUT"},
}  # type: Dict[str, Dict[str, Any]]

PIP_REQUIREMENTS = {
    "pan-python": "pan-python>=0.17,<0.18",
    "pan-os-python": "pan-os-python>=1.12,<2",
    "lxml": "lxml>=5,<7",
}

PANOS_ERROR_CODES = {
    "400": "bad request",
    "403": "forbidden",
    "1": "unknown command",
    "2": "internal error",
    "3": "internal error",
    "4": "internal error",
    "5": "internal error",
    "6": "bad xpath",
    "7": "object not present",
    "8": "object not unique",
    "10": "reference count not zero",
    "11": "internal error",
    "12": "invalid object",
    "13": "object not found",
    "14": "operation not possible",
    "15": "operation denied",
    "16": "unauthorized",
    "17": "invalid command",
    "18": "malformed command",
    "19": "success",
    "20": "success",
    "21": "internal error",
    "22": "session timed out",
}

DEFAULT_ATTEMPTS = 4
DEFAULT_BACKOFF = 0.5
FIRST_POLL = 0.25  # seconds before the first poll of a job; most finish within a second
MAX_BACKOFF = 8.0

COMMIT_BUSY = ("A commit is in progress", "Another commit/validate is in progress")
LOCKED = "Configuration is locked by"


def missing_library_message(package: str, import_error: Optional[str] = None) -> str:
    """The message for a Python library that is not installed where the module runs."""
    spec = PIP_REQUIREMENTS.get(package, package)
    msg = (
        "the Python library %s is not installed for the Python that runs this module "
        "(usually the controller's, see ansible_python_interpreter): install it with "
        "`python -m pip install '%s'` (or `python -m pip install -r requirements.txt` "
        "from the tagwarden.panos collection)" % (package, spec)
    )
    if import_error:
        msg += " [import error: %s]" % import_error
    return msg


class FirewallError(Exception):
    """A request to the firewall failed; ``str(error)`` names the cause and the fix.

    ``kind`` is one of ``library``, ``settings``, ``certificate``, ``tls``, ``auth``, ``timeout``,
    ``unreachable``, ``network``, ``transient``, ``malformed``, ``panos``, ``locked``, ``job``.
    ``code`` is the PAN-OS error code when there is one, ``root`` the reply's root element.
    """

    def __init__(self, message: str, kind: str = "panos", code: Optional[str] = None,
                 root: Optional[ET.Element] = None) -> None:
        super(FirewallError, self).__init__(message)
        self.message = message
        self.kind = kind
        self.code = code
        self.root = root

    def __str__(self) -> str:
        return self.message


class ValidationError(ValueError):
    """Invalid input, found before anything was sent; the message names each bad value and the fix."""


class ApplyFailed(Exception):
    """A request failed after changes began; ``result`` says what was done before it."""

    def __init__(self, error: FirewallError, result: Dict[str, Any]) -> None:
        super(ApplyFailed, self).__init__(str(error))
        self.error = error
        self.result = result


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


def response_message(root: Optional[ET.Element]) -> str:
    """The error or status text of a reply, looked up where pan-python looks for it."""
    if root is None:
        return ""
    lines = []  # type: List[str]
    for entry in root.findall("./msg/line/uid-response/payload/*/entry"):
        lines.append(" ".join("%s: %s" % (k, v) for k, v in entry.attrib.items()))
    if lines:
        return "\n".join(lines)
    found = root.findall("./msg/line")
    if found:
        for line in found:
            if line.text and line.text.strip():
                lines.append(line.text.strip())
            else:
                inner = line.find("line")
                if inner is not None and inner.text:
                    lines.append(inner.text.strip())
        return "\n".join(lines)
    for path in ("./result/msg/line", "./result/msg", "./msg", "./result/job/details/line"):
        found = root.findall(path)
        if found:
            lines = [n.text.strip() for n in found if n.text and n.text.strip()]
            if lines:
                return "\n".join(lines)
    return ""


def parse_clock(value: str) -> datetime.datetime:
    """Parse ``show clock`` text (``Sun Nov 22 10:00:00 UTC 2026``) to a naive local datetime.

    Same result as pan-os-python's ``Firewall.clock()`` (``%a %b %d %H:%M:%S %Z %Y``), but the
    zone name is dropped before parsing, so zones that ``strptime`` does not know (``PST``,
    ``CET``) work too.
    """
    parts = value.split()
    if len(parts) == 6:
        del parts[4]
    try:
        return datetime.datetime.strptime(" ".join(parts), "%a %b %d %H:%M:%S %Y")
    except ValueError:
        raise ValueError("cannot parse the firewall clock %r (expected e.g. 'Sun Nov 22 10:00:00 UTC 2026')" % value)


def make_ssl_context(validate_certs: bool = True, ca_path: Optional[str] = None) -> ssl.SSLContext:
    """The SSL context for the firewall: verified against ``ca_path`` (or the system CAs)."""
    try:
        return _make_ssl_context(validate_certs, ca_path, option="provider.ca_path",
                                 peer="the firewall's management interface")
    except TlsSettingsError as exc:
        raise FirewallError(str(exc), kind="settings")


def _classify_text(detail: str) -> TransportError:
    """Turn a pan-python error text that has no XML reply behind it into a TransportError."""
    low = detail.lower()
    match = re.search(r"code: (\d{3})", detail)
    if detail.startswith("URLError:") and match:
        return TransportError("http", detail, int(match.group(1)))
    if ("certificate_verify_failed" in low or "certificate verify failed" in low
            or "certificateerror" in low or "hostname mismatch" in low):
        return TransportError("certificate", detail)
    if "timed out" in low or "timeout" in low:
        return TransportError("timeout", detail)
    if ("connection reset" in low or "remote end closed" in low or "eof occurred" in low
            or "broken pipe" in low or "unexpected_eof" in low):
        return TransportError("reset", detail)
    if ("connection refused" in low or "name or service not known" in low or "no route to host" in low
            or "network is unreachable" in low or "nodename nor servname" in low
            or "temporary failure in name resolution" in low or "no address associated" in low):
        return TransportError("unreachable", detail)
    if "ssl" in low:
        return TransportError("tls", detail)
    if ("elementtree" in low or "no response element status" in low or "content-type" in low
            or "parseerror" in low):
        return TransportError("malformed", detail)
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
        return _classify_text("ssl: %s" % exc)
    if isinstance(exc, http.client.HTTPException):
        return TransportError("malformed", "%s: %s" % (type(exc).__name__, exc))
    return _classify_text("%s: %s" % (type(exc).__name__, exc))


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
            raise _classify_text(str(exc))
        except Exception as exc:  # socket, TLS and http.client errors escape pan-python raw
            raise classify_exception(exc)
        if xapi.element_root is None:
            raise TransportError("malformed", "the reply has no XML document")
        return xapi.element_root


Transport = Any  # anything with request(params) -> Element and set_key(key)


# The argument spec of doc fragment tagwarden.panos.commit.
COMMIT_OPTIONS = dict(
    commit=dict(type="bool", default=True),
    commit_admin=dict(type="str"),
)  # type: Dict[str, Dict[str, Any]]


def commit_admin_for(commit_admin: Optional[str], provider: Optional[Mapping[str, Any]]) -> Optional[str]:
    """The admin whose changes to commit: the option, else the provider's username when it logs
    in with a password (with only an API key the key's owner is unknown: None)."""
    if commit_admin:
        return commit_admin
    provider = provider or {}
    return (provider.get("username") or "admin") if provider.get("password") else None


class FirewallConnection:
    """One firewall, for one module run. See docs/design.md, "Connection contract"."""

    def __init__(self, provider: Mapping[str, Any], *, transport: Optional[Transport] = None,
                 sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic,
                 attempts: int = DEFAULT_ATTEMPTS, backoff: float = DEFAULT_BACKOFF) -> None:
        provider = dict(provider or {})
        for name, spec in PROVIDER_SPEC.items():
            if provider.get(name) is None:
                env = spec.get("env")
                if env and os.environ.get(env) not in (None, ""):
                    provider[name] = os.environ[env]
                elif "default" in spec:
                    provider[name] = spec["default"]
        self.host = str(provider.get("ip_address") or "")
        self.username = str(provider.get("username") or "admin")
        self._password = provider.get("password") or None  # type: Optional[str]
        self._api_key = provider.get("api_key") or None  # type: Optional[str]
        self._scrubber = Scrubber(s for s in (self._password, self._api_key) if s)
        if not self.host:
            raise FirewallError("provider.ip_address is missing: give the firewall's management address "
                                "in provider.ip_address or PANOS_IP_ADDRESS", kind="settings")
        try:
            self.port = int(provider.get("port") or 443)
            self.timeout = int(provider.get("timeout") or 30)
        except (TypeError, ValueError):
            raise FirewallError("provider.port and provider.timeout must be integers", kind="settings")
        if not 0 < self.port < 65536:
            raise FirewallError("provider.port=%s is not a TCP port (1-65535)" % self.port, kind="settings")
        if self.timeout < 1:
            raise FirewallError("provider.timeout must be at least 1 second", kind="settings")
        if not (self._password or self._api_key):
            raise FirewallError(
                "no credentials: give provider.api_key (PANOS_API_KEY) or provider.password "
                "(PANOS_PASSWORD) for provider.username (PANOS_USERNAME, default admin)", kind="settings")
        self.validate_certs = _as_bool(provider.get("validate_certs", True))
        self.ca_path = provider.get("ca_path") or None  # type: Optional[str]
        self._sleep = sleep
        self._monotonic = monotonic
        self.attempts = max(1, int(attempts))
        self.backoff = float(backoff)
        self.api_calls = 0
        self._key_ready = False
        if transport is None:
            transport = PanXapiTransport(self.host, self.port, self.timeout,
                                         make_ssl_context(self.validate_certs, self.ca_path))
        self._transport = transport
        if self._api_key:
            self._transport.set_key(self._api_key)
            self._key_ready = True

    # ----------------------------------------------------------------- secrets
    def scrub(self, message: str) -> str:
        """``message`` with the password and the API key (also URL-encoded) masked."""
        return self._scrubber.scrub(message)

    def _fail(self, message: str, kind: str, code: Optional[str] = None,
              root: Optional[ET.Element] = None) -> FirewallError:
        return FirewallError(self.scrub(message), kind=kind, code=code, root=root)

    @property
    def where(self) -> str:
        return "%s:%s" % (self.host, self.port)

    # ----------------------------------------------------------------- requests
    def _send(self, params: Mapping[str, str], what: str) -> ET.Element:
        """Send one request with retries of transient failures; return the reply's root."""
        attempt = 0
        while True:
            attempt += 1
            self.api_calls += 1
            try:
                root = self._transport.request(params)
            except TransportError as exc:
                if exc.transient and attempt < self.attempts:
                    self._sleep(self._delay(attempt))
                    continue
                raise self._transport_failure(exc, what, attempt)
            except FirewallError as exc:
                raise self._fail(exc.message, exc.kind, exc.code, exc.root)
            except Exception as exc:  # a fake or third-party transport raising something raw
                error = classify_exception(exc)
                if error.transient and attempt < self.attempts:
                    self._sleep(self._delay(attempt))
                    continue
                raise self._transport_failure(error, what, attempt)
            if (root.get("status") == "error" and root.get("code") == "22"
                    and attempt < self.attempts):
                self._sleep(self._delay(attempt))
                continue
            return root

    def _delay(self, attempt: int) -> float:
        return min(MAX_BACKOFF, self.backoff * (2 ** (attempt - 1)))

    def _transport_failure(self, exc: TransportError, what: str, attempts: int) -> FirewallError:
        where = self.where
        tried = " (%d attempts)" % attempts if attempts > 1 else ""
        if exc.kind == "certificate":
            return self._fail(
                "the TLS certificate of %s was refused (%s): give the CA bundle (PEM) that signed the "
                "firewall's management certificate in provider.ca_path (or PANOS_CA_PATH), or, knowingly "
                "and only on a trusted network, set provider.validate_certs: false" % (where, exc.detail),
                "certificate")
        if exc.kind == "tls":
            return self._fail("the TLS handshake with %s failed (%s): check that provider.port is the "
                              "firewall's HTTPS management port" % (where, exc.detail), "tls")
        if exc.kind == "timeout":
            return self._fail(
                "no reply from %s within %d s for the %s request (%s): check that the management "
                "interface is reachable from this host, or raise provider.timeout (PANOS_TIMEOUT)"
                % (where, self.timeout, what, exc.detail), "timeout")
        if exc.kind == "unreachable":
            return self._fail(
                "cannot connect to %s (%s): check provider.ip_address and provider.port "
                "(PANOS_IP_ADDRESS, PANOS_PORT) and that the firewall's management interface "
                "permits HTTPS from this host" % (where, exc.detail), "unreachable")
        if exc.kind == "http" and exc.http_status == 403:
            return self._auth_failure("HTTP 403", None)
        if exc.kind == "http":
            fix = ("the firewall's management plane may be busy or restarting: try again later"
                   if exc.transient else "check that provider.ip_address/port point at the firewall's "
                   "management interface")
            return self._fail("the %s request to %s failed with HTTP %s%s (%s): %s"
                              % (what, where, exc.http_status, tried, exc.detail, fix), "transient"
                              if exc.transient else "network")
        if exc.kind == "reset":
            return self._fail("the connection to %s was reset during the %s request%s (%s): the firewall's "
                              "management plane may be busy or restarting, try again later"
                              % (where, what, tried, exc.detail), "transient")
        if exc.kind == "malformed":
            return self._fail("the reply from %s to the %s request is not a PAN-OS XML API reply%s (%s): "
                              "check that provider.ip_address/port point at the firewall's management "
                              "interface" % (where, what, tried, exc.detail), "malformed")
        return self._fail("the %s request to %s failed (%s): check provider.ip_address and provider.port"
                          % (what, where, exc.detail), "network")

    def _auth_failure(self, detail: str, root: Optional[ET.Element]) -> FirewallError:
        if self._api_key:
            msg = ("the firewall at %s refused the API key (%s): check provider.api_key "
                   "(PANOS_API_KEY), or give provider.username and provider.password instead"
                   % (self.where, detail))
        else:
            msg = ("the firewall at %s refused the credentials of admin %r (%s): check provider.username "
                   "and provider.password (PANOS_USERNAME, PANOS_PASSWORD), and that this admin's role "
                   "allows the XML API" % (self.where, self.username, detail))
        return self._fail(msg, "auth", "403", root)

    def _error_from_reply(self, root: ET.Element, what: str) -> FirewallError:
        code = root.get("code")
        text = response_message(root) or "no message"
        if code == "403" or text.startswith("Invalid Credential") or text.startswith("Invalid credentials"):
            return self._auth_failure("code 403: %s" % text, root)
        if text.startswith(LOCKED):
            return self._fail("%s: wait until that admin commits or releases the lock, or remove the "
                              "lock on the firewall" % text, "locked", code, root)
        meaning = PANOS_ERROR_CODES.get(code or "", "")
        label = "code %s, %s" % (code, meaning) if code and meaning else ("code %s" % code if code else "no code")
        return self._fail("PAN-OS rejected the %s request (%s): %s" % (what, label, text), "panos", code, root)

    def _ensure_key(self) -> None:
        if self._key_ready:
            return
        if not self._password:
            raise self._fail("no password to generate an API key with: give provider.password or provider.api_key",
                             "settings")
        root = self._send({"type": "keygen", "user": self.username, "password": self._password}, "keygen")
        key = _text(root, "./result/key")
        if root.get("status") != "success" or not key:
            if root.get("status") == "success":
                raise self._fail("the keygen reply from %s holds no API key" % self.where, "malformed")
            raise self._error_from_reply(root, "keygen")
        self._api_key = key
        self._scrubber.add(key)
        self._transport.set_key(key)
        self._key_ready = True

    def request(self, params: Mapping[str, str], what: Optional[str] = None, check: bool = True) -> ET.Element:
        """Send any request (``params`` without the key); raise on an error reply when ``check``."""
        self._ensure_key()
        label = what or "type=%s" % params.get("type", "?")
        root = self._send(params, label)
        if check and root.get("status") != "success":
            raise self._error_from_reply(root, label)
        return root

    def op(self, cmd_element: ET.Element, vsys: Optional[str] = None) -> ET.Element:
        """Run an operational command (an element such as ``<show><clock/></show>``)."""
        params = {"type": "op", "cmd": to_string(cmd_element)}
        if vsys:
            params["vsys"] = vsys
        return self.request(params, "op %s" % _describe(cmd_element))

    def user_id(self, uid_message: ET.Element, vsys: Optional[str] = None) -> ET.Element:
        """Send a ``<uid-message>``. Partial failures (an error reply listing the failed entries
        under ``uid-response``) are returned, not raised: parse them with ``_userid``."""
        params = {"type": "user-id", "cmd": to_string(uid_message)}
        if vsys:
            params["vsys"] = vsys
        root = self.request(params, "user-id", check=False)
        if root.get("status") != "success" and root.find(".//uid-response") is None:
            raise self._error_from_reply(root, "user-id")
        return root

    def config(self, action: str, xpath: str,
               element: Optional[Union[ET.Element, Sequence[ET.Element]]] = None, **extra: str) -> ET.Element:
        """``type=config&action=...``; ``element`` is an element or a list of sibling elements.
        Extra query parameters (``newname``, ``where``, ``dst``) go in ``extra``."""
        params = {"type": "config", "action": action, "xpath": xpath}
        if element is not None:
            params["element"] = to_string(element)
        for key, value in extra.items():
            if value is not None:
                params[key] = str(value)
        return self.request(params, "config %s" % action)

    def clock(self) -> datetime.datetime:
        """The firewall's local time (naive datetime), from ``show clock``."""
        root = self.op(_cmd("show", "clock"))
        value = _text(root, "./result")
        if not value or not value.strip():
            raise self._fail("the reply to 'show clock' from %s holds no time" % self.where, "malformed")
        try:
            return parse_clock(value.strip())
        except ValueError as exc:
            raise self._fail(str(exc), "malformed")

    # ----------------------------------------------------------------- jobs
    def _deadline_passed(self, deadline: Optional[float]) -> bool:
        return deadline is not None and self._monotonic() >= deadline

    def _polls(self, interval: float) -> Iterator[float]:
        """Delays between polls of a job: short at first (most jobs finish within a second),
        doubling up to ``interval``."""
        delay = min(FIRST_POLL, interval)
        while True:
            yield delay
            delay = min(delay * 2, interval)

    def wait_job(self, job_id: str, timeout: Optional[float] = 600, interval: float = 1.0) -> ET.Element:
        """Poll ``show jobs id`` until the job is FIN; return its ``<job>`` element."""
        deadline = None if not timeout else self._monotonic() + timeout
        delays = self._polls(interval)
        while True:
            root = self.op(_cmd("show", "jobs", "id", text=str(job_id)))
            job = root.find("./result/job")
            if job is None:
                raise self._fail("the reply to 'show jobs id %s' holds no job" % job_id, "malformed", root=root)
            if _text(job, "status") == "FIN":
                return job
            if self._deadline_passed(deadline):
                raise self._fail("job %s on %s did not finish within %s s (status %s, progress %s)"
                                 % (job_id, self.where, timeout, _text(job, "status"), _text(job, "progress")),
                                 "job", root=root)
            self._sleep(next(delays))

    def run_job(self, params: Mapping[str, str], timeout: Optional[float] = 300,
                interval: float = 1.0) -> ET.Element:
        """Start an asynchronous ``type=report`` / ``type=log`` job and poll it until FIN.

        ``params`` is the starting request without the key, e.g.
        ``{"type": "report", "reporttype": "custom", "reportname": "Quota", "async": "yes"}`` or
        ``{"type": "log", "log-type": "traffic", "nlogs": "5000", "query": "..."}``. The job is
        polled with ``type=<same>&action=get&job-id=N``; returns the root of the final reply (the
        ``<report>`` or ``<log>`` is under ``./result``). A reply that already holds the data
        (a synchronous report) is returned as it is.
        """
        kind = params.get("type", "")
        root = self.request(params, "type=%s" % kind)
        job_id = (_text(root, "./result/job") or "").strip()
        if not job_id:
            if root.find(".//report") is not None or root.find(".//log") is not None:
                return root
            raise self._fail("the type=%s reply from %s holds no job id: %s"
                             % (kind, self.where, response_message(root) or to_string(root)[:200]),
                             "malformed", root=root)
        job_id = job_id.strip()
        deadline = None if not timeout else self._monotonic() + timeout
        delays = self._polls(interval)
        while True:
            root = self.request({"type": kind, "action": "get", "job-id": job_id}, "type=%s action=get" % kind)
            status = _text(root, "./result/job/status")
            if status is None:
                raise self._fail("the reply polling %s job %s holds no status: %s"
                                 % (kind, job_id, response_message(root)), "malformed", root=root)
            if status == "FIN":
                return root
            if self._deadline_passed(deadline):
                raise self._fail("%s job %s on %s did not finish within %s s (status %s)"
                                 % (kind, job_id, self.where, timeout, status), "job", root=root)
            self._sleep(next(delays))

    # ----------------------------------------------------------------- commit
    def commit_partial(self, admin: str, description: Optional[str] = None, timeout: float = 600,
                       interval: float = 2.0) -> Dict[str, Any]:
        """Commit only ``admin``'s changes and wait for the job.

        Returns ``{"changed": bool, "job_id": str | None, "result": "OK" | None, "messages": [...],
        "warnings": [...]}``; ``changed`` is false when PAN-OS says there is nothing to commit.
        Retries "commit in progress" with backoff until ``timeout``; a lock or a failed job raises.
        """
        element = ET.Element("commit")
        if description:
            ET.SubElement(element, "description").text = description
        partial = ET.SubElement(element, "partial")
        ET.SubElement(ET.SubElement(partial, "admin"), "member").text = admin
        params = {"type": "commit", "cmd": to_string(element)}
        deadline = self._monotonic() + timeout if timeout else None
        delay = max(interval, 1.0)
        while True:
            root = self.request(params, "commit", check=False)
            text = response_message(root)
            if root.get("status") == "success":
                break
            if text.startswith(COMMIT_BUSY) and not self._deadline_passed(deadline):
                self._sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            if text.startswith(COMMIT_BUSY):
                raise self._fail("another commit kept the firewall %s busy for %s s (%s): try again later"
                                 % (self.where, timeout, text), "transient", root.get("code"), root)
            raise self._error_from_reply(root, "commit")
        job_id = _text(root, "./result/job")
        if not job_id:  # "There are no changes to commit." (or another note): no job, nothing committed
            return {"changed": False, "job_id": None, "result": None, "messages": [text] if text else [], "warnings": []}
        job_id = job_id.strip()
        remaining = None if deadline is None else max(1.0, deadline - self._monotonic())
        job = self.wait_job(job_id, timeout=remaining, interval=interval)
        result = _text(job, "result")
        details = [n.text or "" for n in job.findall("./details/line")]
        warnings = [n.text or "" for n in job.findall("./warnings/line")]
        if result != "OK":
            raise self._fail("commit job %s on %s failed (%s): %s" % (job_id, self.where, result,
                                                                      "; ".join(details) or "no details"),
                             "job", root=job)
        return {"changed": True, "job_id": job_id, "result": result, "messages": details, "warnings": warnings}


def _describe(element: ET.Element) -> str:
    """A short name for a command element: ``show clock``, ``show object registered-ip``."""
    words = []
    node = element
    while node is not None and len(words) < 4:
        words.append(node.tag)
        node = node[0] if len(node) else None
    return " ".join(words)


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on", "y", "t")
