# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors of the PAN-OS layer, the PAN-OS error codes, and the fix-it texts.

Every message names the cause and the fix; the client scrubs secrets from it before raising.
"""

from __future__ import annotations


import xml.etree.ElementTree as ET
from typing import Any, Dict, List, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._errors import InputError, TagwardenError

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
#: The code of a config read of a node that does not exist.
CODE_MISSING = "7"
#: The code of a move to where the rule already is.
CODE_NOT_POSSIBLE = "14"
#: The code of an expired session, retried by the client.
CODE_SESSION_TIMEOUT = "22"

COMMIT_BUSY = ("A commit is in progress", "Another commit/validate is in progress")
LOCKED = "Configuration is locked by"


class FirewallError(TagwardenError):
    """A request to the firewall failed; ``str(error)`` names the cause and the fix.

    ``kind`` is one of ``settings``, ``certificate``, ``tls``, ``auth``, ``timeout``,
    ``unreachable``, ``network``, ``transient``, ``malformed``, ``panos``, ``locked``, ``job``, ``target``
    (Panorama cannot reach the managed firewall named by the serial number).
    ``code`` is the PAN-OS error code when there is one, ``root`` the reply's root element.
    """

    def __init__(self, message: str, kind: str = "panos", code: Optional[str] = None,
                 root: Optional[ET.Element] = None) -> None:
        super(FirewallError, self).__init__(message)
        self.message = message
        self.kind = kind
        self.code = code
        self.root = root

    #: True when a request that may have been carried out got no usable reply (a commit only).
    reply_lost = False

    def __str__(self) -> str:
        return self.message


class ValidationError(InputError):
    """Invalid input, found before anything was sent; the message names each bad value and the fix."""


class ApplyFailed(TagwardenError):
    """A request failed after changes began; ``result`` says what was done before it."""

    def __init__(self, error: FirewallError, result: Dict[str, Any]) -> None:
        super(ApplyFailed, self).__init__(str(error))
        self.error = error
        self.result = result


def invalid_input(problems: List[str]) -> ValidationError:
    """One ValidationError listing every problem."""
    return ValidationError("invalid input, nothing was sent to the firewall: " + " | ".join(problems))


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


def reply_error(root: ET.Element, what: str) -> FirewallError:
    """The FirewallError for an error reply that is neither about credentials nor a lock."""
    code = root.get("code")
    text = response_message(root) or "no message"
    if text.startswith(LOCKED):
        return FirewallError("%s: wait until that admin commits or releases the lock, or remove the "
                             "lock on the firewall" % text, "locked", code, root)
    meaning = PANOS_ERROR_CODES.get(code or "", "")
    label = "code %s, %s" % (code, meaning) if code and meaning else ("code %s" % code if code else "no code")
    return FirewallError("PAN-OS rejected the %s request (%s): %s" % (what, label, text), "panos", code, root)


def is_auth_reply(root: ET.Element) -> bool:
    text = response_message(root)
    return root.get("code") == "403" or text.startswith("Invalid Credential") or text.startswith("Invalid credentials")


def auth_message(where: str, detail: str, api_key: bool, username: str) -> str:
    if api_key:
        return ("the firewall at %s refused the API key (%s): check provider.api_key "
                "(PANOS_API_KEY), or give provider.username and provider.password instead" % (where, detail))
    return ("the firewall at %s refused the credentials of admin %r (%s): check provider.username "
            "and provider.password (PANOS_USERNAME, PANOS_PASSWORD), and that this admin's role "
            "allows the XML API" % (where, username, detail))


#: ``TransportError.kind`` -> (message, error kind); fields: where, what, tried, detail, timeout.
TRANSPORT_FIXES = {
    "certificate": ("the TLS certificate of {where} was refused ({detail}): give the CA bundle (PEM) that signed "
                    "the firewall's management certificate in ca_path (the playbooks' panos_ca_path, or PANOS_CA_PATH), "
                    "or, knowingly and only on a trusted network, set validate_certs: false", "certificate"),
    "tls": ("the TLS handshake with {where} failed ({detail}): check that provider.port is the "
            "firewall's HTTPS management port", "tls"),
    "timeout": ("no reply from {where} within {timeout} s for the {what} request ({detail}): check that the "
                "management interface is reachable from this host, or raise api_timeout (the playbooks' "
                "panos_api_timeout, or PANOS_TIMEOUT)",
                "timeout"),
    "unreachable": ("cannot connect to {where} ({detail}): check provider.ip_address and provider.port "
                    "(PANOS_IP_ADDRESS, PANOS_PORT) and that the firewall's management interface "
                    "permits HTTPS from this host", "unreachable"),
    "reset": ("the connection to {where} was reset during the {what} request{tried} ({detail}): the firewall's "
              "management plane may be busy or restarting, try again later", "transient"),
    "malformed": ("the reply from {where} to the {what} request is not a PAN-OS XML API reply{tried} ({detail}): "
                  "check that provider.ip_address/port point at the firewall's management interface", "malformed"),
    "http-transient": ("the {what} request to {where} failed with HTTP {status}{tried} ({detail}): the firewall's "
                       "management plane may be busy or restarting: try again later", "transient"),
    "http": ("the {what} request to {where} failed with HTTP {status}{tried} ({detail}): check that "
             "provider.ip_address/port point at the firewall's management interface", "network"),
    "network": ("the {what} request to {where} failed ({detail}): check provider.ip_address and provider.port",
                "network"),
}
