# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a Panorama says about the firewalls it manages (for the ``panorama`` inventory plugin), and
the registration point: where tags are registered for PAN-OS to redistribute (docs/fleet.md)."""

from __future__ import annotations


from typing import Any, Dict, List

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import SYSTEM_INFO, is_panorama_model
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import DEVICE_XPATH, cmd, text

#: Panorama's own device entry, under which its template stacks are configured.
TEMPLATE_STACKS_XPATH = DEVICE_XPATH + "/template-stack"

#: Where a module that only registers tags registers them: ``firewall`` (the provider's firewall, or
#: the one ``provider.serial_number`` names through Panorama) or ``panorama`` (Panorama's own User-ID
#: table, redistributed by PAN-OS to the firewalls that take Panorama as a redistribution agent).
#: The argument spec of doc fragment tagwarden.panos.register_on.
REGISTER_ON = ("firewall", "panorama")
REGISTER_ON_OPTIONS = dict(
    register_on=dict(type="str", choices=list(REGISTER_ON), default="firewall"),
)  # type: Dict[str, Dict[str, Any]]


def on_panorama(register_on: str) -> bool:
    """The task registers on Panorama itself: its connection must not refuse Panorama."""
    return register_on == "panorama"


def registration_point(conn: Connection, register_on: str) -> Connection:
    """``conn`` once it is known to reach where ``register_on`` says.

    For ``panorama``: Panorama itself. A ``provider.serial_number`` (the ``panorama`` inventory gives
    every host one) is dropped, so that the same provider registers on the Panorama in between; then
    ``show system info`` must say Panorama (one request, the one the firewall check makes otherwise).
    Raises FirewallError (kind ``settings``) before anything is written."""
    if not on_panorama(register_on):
        return conn
    if getattr(conn, "serial", None):
        setattr(conn, "serial", None)  # no ``target``: the request stays on Panorama
    model = (text(conn.request({"type": "op", "cmd": SYSTEM_INFO}, "op show system info"), "./result/system/model")
             or "").strip()
    if not is_panorama_model(model):
        raise FirewallError("register_on=panorama, but %s is not Panorama (model %s): give Panorama's address in "
                            "provider.ip_address, or set register_on=firewall to register on this firewall (a hub "
                            "firewall that redistributes to others is reached this way)" % (conn.where, model or "unknown"),
                            kind="settings")
    return conn


def _members_by_serial(entries: List[Any]) -> Dict[str, str]:
    """``{serial: entry name}`` from entries that list their firewalls under ``devices/entry``."""
    found = {}  # type: Dict[str, str]
    for entry in entries:
        for device in entry.findall("./devices/entry"):
            found.setdefault(device.get("name") or "", entry.get("name") or "")
    return found


def managed_firewalls(conn: Connection, connected_only: bool = True) -> List[Dict[str, Any]]:
    """The firewalls Panorama manages (or only the connected ones), in serial order: three requests.

    Each is ``{"serial_number", "hostname", "ip_address", "model", "sw_version", "ha_state",
    "connected", "device_group", "template_stack"}`` (``""`` where Panorama says nothing)."""
    devices = conn.op(cmd("show", "devices", "connected" if connected_only else "all"))
    groups = _members_by_serial(conn.op(cmd("show", "devicegroups")).findall("./result/devicegroups/entry"))
    stacks = _members_by_serial(conn.config("get", TEMPLATE_STACKS_XPATH).findall("./result/template-stack/entry"))
    firewalls = []
    for entry in devices.findall("./result/devices/entry"):
        serial = (text(entry, "serial") or entry.get("name") or "").strip()
        if not serial:
            continue
        firewalls.append({
            "serial_number": serial,
            "hostname": (text(entry, "hostname") or "").strip(),
            "ip_address": (text(entry, "ip-address") or "").strip(),
            "model": (text(entry, "model") or "").strip(),
            "sw_version": (text(entry, "sw-version") or "").strip(),
            "ha_state": (text(entry, "ha/state") or "").strip(),
            "connected": (text(entry, "connected") or "").strip() == "yes",
            "device_group": groups.get(serial, ""),
            "template_stack": stacks.get(serial, ""),
        })
    return sorted(firewalls, key=lambda firewall: firewall["serial_number"])
