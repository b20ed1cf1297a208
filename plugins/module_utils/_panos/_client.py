# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The PAN-OS XML API client: one firewall, for one module run.

:class:`FirewallConnection` generates the API key once when only a password is given, sends every
request on one kept-alive connection (``_transport``) while holding one of the management plane's
``max_in_flight`` slots (``_inflight``), retries transient failures with bounded exponential
backoff (a request that may have been carried out only when it is a read), counts HTTP requests in
``api_calls`` and raises :class:`FirewallError` with one message that names the cause and the fix.
The password and the API key are scrubbed from every message. Plain Python, no Ansible imports.
"""

from __future__ import annotations


import datetime
import os
import re
import time
import xml.etree.ElementTree as ET
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Union

from ansible_collections.tagwarden.panos.plugins.module_utils._http._secrets import Scrubber
from ansible_collections.tagwarden.panos.plugins.module_utils._panos import _jobs
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import parse_show_clock
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import (
    CODE_SESSION_TIMEOUT,
    COMMIT_BUSY,
    TRANSPORT_FIXES,
    FirewallError,
    auth_message,
    is_auth_reply,
    reply_error,
    response_message,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._inflight import (
    DEFAULT_MAX_IN_FLIGHT,
    InFlightLimit,
    SlotTimeout,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._transport import (
    HttpTransport,
    Transport,
    TransportError,
    classify_exception,
    make_ssl_context,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import cmd, text, to_string

#: The ``provider`` suboptions. ``env`` names the environment fallback; ``_ansible._module``
#: turns this into an Ansible argument spec, ``doc_fragments/connection.py`` documents it.
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
    "max_in_flight": {"type": "int", "default": DEFAULT_MAX_IN_FLIGHT, "env": "PANOS_MAX_IN_FLIGHT"},
}  # type: Dict[str, Dict[str, Any]]

#: Top-level module options that set the provider key of the same meaning (the top-level option
#: wins): paloaltonetworks.panos rejects provider keys it does not know, so a provider shared by
#: both collections leaves these out and sets them once with ``module_defaults``. ``timeout`` is
#: ``api_timeout`` at the top level because ``dag_register`` has a ``timeout`` (the tags').
TOP_LEVEL_OPTIONS = {"validate_certs": "validate_certs", "ca_path": "ca_path", "api_timeout": "timeout",
                     "max_in_flight": "max_in_flight"}

SYSTEM_INFO = to_string(cmd("show", "system", "info"))

DEFAULT_ATTEMPTS = 4
#: How long a request other than commit is retried while the firewall answers "commit in progress".
BUSY_RETRY_SECONDS = 60.0
DEFAULT_BACKOFF = 0.5
MAX_BACKOFF = 8.0
#: How long a request waits for a free slot of its management plane, in multiples of provider.timeout.
SLOT_WAIT_TIMEOUTS = 10
#: Requests that change nothing: sent again after a reply was lost. ``op`` commands that only
#: show or test, config reads, and polling a report or log job; never a commit, a config write,
#: a User-ID message or a request that enqueues a job.
_READ_OP = re.compile(r"\s*<(show|test)[\s/>]")
_READ_CONFIG = frozenset(("get", "show", "complete"))


def is_read(params: Mapping[str, str]) -> bool:
    """The request changes nothing on the firewall, so sending it twice does no harm."""
    kind = params.get("type")
    if kind in ("keygen", "version"):
        return True
    if kind == "op":
        return bool(_READ_OP.match(params.get("cmd", "")))
    if kind == "config":
        return params.get("action") in _READ_CONFIG
    return kind in ("report", "log") and params.get("action") == "get"


def _with_defaults(provider: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """The provider with environment fallbacks and defaults applied where a key is absent, null or
    empty (Ansible applies its fallbacks only to absent keys: ``password: null`` reaches us)."""
    values = dict(provider or {})
    for name, spec in PROVIDER_SPEC.items():
        if values.get(name) in (None, ""):
            env = spec.get("env")
            if env and os.environ.get(env) not in (None, ""):
                values[name] = os.environ[env]
            elif "default" in spec:
                values[name] = spec["default"]
    return values


def is_panorama_model(model: str) -> bool:
    """``show system info``'s model names Panorama: ``Panorama`` (virtual) or an ``M-`` appliance."""
    return model == "Panorama" or model.startswith("M-")


def is_commit_busy(root: ET.Element) -> bool:
    """The reply refuses the request because a commit or validate is running."""
    return root.get("status") == "error" and response_message(root).startswith(COMMIT_BUSY)


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "on", "y", "t")


def _describe(element: ET.Element) -> str:
    """A short name for a command element: ``show clock``, ``show object registered-ip``."""
    words = []  # type: List[str]
    node = element  # type: Optional[ET.Element]
    while node is not None and len(words) < 4:
        words.append(node.tag)
        node = node[0] if len(node) else None
    return " ".join(words)


class FirewallConnection:
    """One firewall, for one module run. See docs/design.md, "PAN-OS client contract"."""

    def __init__(self, provider: Mapping[str, Any], *, transport: Optional[Transport] = None,
                 sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic,
                 attempts: int = DEFAULT_ATTEMPTS, backoff: float = DEFAULT_BACKOFF,
                 require_firewall: bool = False) -> None:
        values = _with_defaults(provider)
        self.host = str(values.get("ip_address") or "")
        #: The managed firewall's serial when the provider names Panorama and a firewall behind it:
        #: every request but keygen then carries ``target=<serial>``.
        self.serial = str(values.get("serial_number") or "").strip() or None  # type: Optional[str]
        # Without a serial, refuse Panorama before the first request (one ``show system info``).
        self._device_checked = not require_firewall or self.serial is not None
        self.username = str(values.get("username") or "admin")
        self._password = values.get("password") or None  # type: Optional[str]
        self._api_key = values.get("api_key") or None  # type: Optional[str]
        self._scrubber = Scrubber(s for s in (self._password, self._api_key) if s)
        self._check_settings(values)
        self.validate_certs = _as_bool(values.get("validate_certs", True))
        self.ca_path = values.get("ca_path") or None  # type: Optional[str]
        self.sleep = sleep
        self.monotonic = monotonic
        self.attempts = max(1, int(attempts))
        self.backoff = float(backoff)
        self.api_calls = 0
        self._key_ready = False
        self._slots = InFlightLimit(self.host, self.port, self.max_in_flight, self.timeout * SLOT_WAIT_TIMEOUTS)
        if transport is None:
            transport = HttpTransport(self.host, self.port, self.timeout,
                                      make_ssl_context(self.validate_certs, self.ca_path), slot=self._slots.slot)
        self._transport = transport
        if self._api_key:
            self._transport.set_key(self._api_key)
            self._key_ready = True

    def _check_settings(self, values: Mapping[str, Any]) -> None:
        if not self.host:
            raise FirewallError("provider.ip_address is missing: give the firewall's management address "
                                "in provider.ip_address or PANOS_IP_ADDRESS", kind="settings")
        try:
            self.port = int(values.get("port") or 443)
            self.timeout = int(values.get("timeout") or 30)
            self.max_in_flight = int(values.get("max_in_flight", DEFAULT_MAX_IN_FLIGHT))
        except (TypeError, ValueError):
            raise FirewallError("provider.port, provider.timeout and max_in_flight must be integers", kind="settings")
        if not 0 <= self.max_in_flight <= 100:
            raise FirewallError("max_in_flight=%s is not 0 (no limit) to 100: PAN-OS's guidance is at most 5 requests "
                                "at once per management plane" % self.max_in_flight, kind="settings")
        if not 0 < self.port < 65536:
            raise FirewallError("provider.port=%s is not a TCP port (1-65535)" % self.port, kind="settings")
        if self.timeout < 1:
            raise FirewallError("provider.timeout must be at least 1 second", kind="settings")
        if not (self._password or self._api_key):
            raise FirewallError(
                "no credentials: give provider.api_key (PANOS_API_KEY) or provider.password "
                "(PANOS_PASSWORD) for provider.username (PANOS_USERNAME, default admin)", kind="settings")

    # ----------------------------------------------------------------- errors
    def scrub(self, message: str) -> str:
        """``message`` with the password and the API key (also URL-encoded) masked."""
        return self._scrubber.scrub(message)

    def fail(self, message: str, kind: str, code: Optional[str] = None,
             root: Optional[ET.Element] = None) -> FirewallError:
        """A FirewallError with the secrets scrubbed from ``message``."""
        return FirewallError(self.scrub(message), kind=kind, code=code, root=root)

    @property
    def where(self) -> str:
        if self.serial:
            return "firewall %s through Panorama %s:%s" % (self.serial, self.host, self.port)
        return "%s:%s" % (self.host, self.port)

    def error_from_reply(self, root: ET.Element, what: str) -> FirewallError:
        """The FirewallError for an error reply to the ``what`` request."""
        if is_auth_reply(root):
            return self._auth_failure("code 403: %s" % (response_message(root) or "no message"), root)
        if self.serial and self.serial in response_message(root):
            return self.fail("Panorama %s:%s cannot pass the %s request to firewall %s (%s): check provider.serial_number "
                             "against Panorama's 'show devices connected', and that the firewall is connected to Panorama"
                             % (self.host, self.port, what, self.serial, response_message(root)), "target",
                             root.get("code"), root)
        error = reply_error(root, what)
        return self.fail(error.message, error.kind, error.code, root)

    def _auth_failure(self, detail: str, root: Optional[ET.Element]) -> FirewallError:
        return self.fail(auth_message(self.where, detail, bool(self._api_key), self.username), "auth", "403", root)

    def _transport_failure(self, exc: TransportError, what: str, attempts: int) -> FirewallError:
        if exc.kind == "http" and exc.http_status == 403:
            return self._auth_failure("HTTP 403", None)
        key = exc.kind if exc.kind in TRANSPORT_FIXES else "network"
        if exc.kind == "http" and exc.transient:
            key = "http-transient"
        template, kind = TRANSPORT_FIXES[key]
        return self.fail(template.format(where=self.where, what=what, detail=exc.detail, timeout=self.timeout,
                                         status=exc.http_status, tried=" (%d attempts)" % attempts if attempts > 1 else ""),
                         kind)

    # ----------------------------------------------------------------- requests
    def _send(self, params: Mapping[str, str], what: str) -> ET.Element:
        """Send one request with retries of transient failures; return the reply's root."""
        attempt = 0
        busy_until = None  # type: Optional[float]
        busy_delay = max(self.backoff, 0.5)
        while True:
            attempt += 1
            self.api_calls += 1
            try:
                root = self._transport.request(params)
            except FirewallError as exc:
                raise self.fail(exc.message, exc.kind, exc.code, exc.root)
            except SlotTimeout as exc:
                raise self.fail("%s: other requests of this controller kept %s busy; lower the forks or raise "
                                "max_in_flight (PANOS_MAX_IN_FLIGHT)" % (exc, self.where), "transient")
            except Exception as exc:  # TransportError, or a fake or third-party transport raising something raw
                error = classify_exception(exc)
                # A reply lost after the request left (cut short, connection closed): a read is sent
                # again; a write is not, it may have been carried out (a commit's job is looked up by _jobs).
                lost = error.sent and error.kind in ("malformed", "reset") and not is_read(params)
                if error.transient and attempt < self.attempts and not lost:
                    self.sleep(self._delay(attempt))
                    continue
                failure = self._transport_failure(error, what, attempt)
                if lost and params.get("type") != "commit":
                    failure = self.fail("%s; it may have been carried out, so it was not sent again: the next run "
                                        "sees what the firewall holds" % failure.message, failure.kind)
                failure.reply_lost = lost and params.get("type") == "commit"
                raise failure
            if root.get("status") == "error" and root.get("code") == CODE_SESSION_TIMEOUT and attempt < self.attempts:
                self.sleep(self._delay(attempt))
                continue
            if params.get("type") != "commit" and is_commit_busy(root):
                # Refused, not done: safe to send again once the commit ends (commit has its own loop).
                busy_until = self.monotonic() + BUSY_RETRY_SECONDS if busy_until is None else busy_until
                if self.monotonic() < busy_until:
                    self.sleep(busy_delay)
                    busy_delay = min(busy_delay * 2, MAX_BACKOFF)
                    continue
                raise self.fail("a commit kept %s busy for %d s, the %s request was refused (%s): try again later"
                                % (self.where, BUSY_RETRY_SECONDS, what, response_message(root)),
                                "transient", root.get("code"), root)
            return root

    def close(self) -> None:
        """Close the kept-alive connection (the end of the process closes it too)."""
        close = getattr(self._transport, "close", None)
        if close is not None:
            close()

    def _delay(self, attempt: int) -> float:
        return min(MAX_BACKOFF, self.backoff * (2 ** (attempt - 1)))

    def _ensure_key(self) -> None:
        if self._key_ready:
            return
        if not self._password:
            raise self.fail("no password to generate an API key with: give provider.password or provider.api_key",
                            "settings")
        root = self._send({"type": "keygen", "user": self.username, "password": self._password}, "keygen")
        key = text(root, "./result/key")
        if root.get("status") != "success" or not key:
            if root.get("status") == "success":
                raise self.fail("the keygen reply from %s holds no API key" % self.where, "malformed")
            raise self.error_from_reply(root, "keygen")
        self._api_key = key
        self._scrubber.add(key)
        self._transport.set_key(key)
        self._key_ready = True

    def request(self, params: Mapping[str, str], what: Optional[str] = None, check: bool = True) -> ET.Element:
        """Send any request (``params`` without the key); raise on an error reply when ``check``.

        With a serial number the request goes to that firewall through Panorama (``target``)."""
        self._ensure_key()
        label = what or "type=%s" % params.get("type", "?")
        if self.serial:
            params = dict(params, target=self.serial)
        elif not self._device_checked:
            self._device_checked = True
            if params.get("type") == "op" and params.get("cmd") == SYSTEM_INFO:
                root = self._send(params, label)
                self._refuse_panorama(root)
                return self._checked(root, label, check)
            self._refuse_panorama(self._send({"type": "op", "cmd": SYSTEM_INFO}, "op show system info"))
        return self._checked(self._send(params, label), label, check)

    def _checked(self, root: ET.Element, label: str, check: bool) -> ET.Element:
        if check and root.get("status") != "success":
            raise self.error_from_reply(root, label)
        return root

    def _refuse_panorama(self, root: ET.Element) -> None:
        """Fail when ``show system info`` says this is Panorama (an error reply, e.g. from an admin
        role without operational commands, proves nothing and lets the task go on)."""
        model = (text(root, "./result/system/model") or "").strip()
        if root.get("status") == "success" and is_panorama_model(model):
            raise self.fail(
                "%s is Panorama (model %s), not a firewall: set provider.serial_number to the serial of the "
                "managed firewall this task is for (Panorama's 'show devices connected' lists them, the "
                "tagwarden.panos.panorama inventory makes one host per firewall), and every request goes "
                "to that firewall through Panorama" % (self.where, model), "settings")

    def op(self, cmd_element: ET.Element, vsys: Optional[str] = None) -> ET.Element:
        """Run an operational command (an element such as ``<show><clock/></show>``)."""
        params = {"type": "op", "cmd": to_string(cmd_element)}
        if vsys:
            params["vsys"] = vsys
        return self.request(params, "op %s" % _describe(cmd_element))

    def user_id(self, uid_message: ET.Element, vsys: Optional[str] = None) -> ET.Element:
        """Send a ``<uid-message>``. Partial failures (an error reply listing the failed entries
        under ``uid-response``) are returned, not raised: ``_userid`` parses them."""
        params = {"type": "user-id", "cmd": to_string(uid_message)}
        if vsys:
            params["vsys"] = vsys
        root = self.request(params, "user-id", check=False)
        if root.get("status") != "success" and root.find(".//uid-response") is None:
            raise self.error_from_reply(root, "user-id")
        return root

    def config(self, action: str, xpath: str,
               element: Optional[Union[ET.Element, Sequence[ET.Element]]] = None, **extra: Optional[str]) -> ET.Element:
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
        value = text(self.op(cmd("show", "clock")), "./result")
        if not value or not value.strip():
            raise self.fail("the reply to 'show clock' from %s holds no time" % self.where, "malformed")
        try:
            return parse_show_clock(value.strip())
        except ValueError as exc:
            raise self.fail(str(exc), "malformed")

    # ----------------------------------------------------------------- jobs (see _jobs)
    def wait_job(self, job_id: str, timeout: Optional[float] = 600, interval: float = 1.0) -> ET.Element:
        return _jobs.wait_job(self, job_id, timeout, interval)

    def run_job(self, params: Mapping[str, str], timeout: Optional[float] = 300, interval: float = 1.0) -> ET.Element:
        return _jobs.run_job(self, params, timeout, interval)

    def commit_partial(self, admin: str, description: Optional[str] = None, timeout: float = 600,
                       interval: float = 2.0) -> Dict[str, Any]:
        return _jobs.commit_partial(self, admin, description, timeout, interval)
