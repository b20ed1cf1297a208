# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a Panorama says about the firewalls it manages (for the ``panorama`` inventory plugin)."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

from typing import Any, Dict, List

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import DEVICE_XPATH, cmd, text

#: Panorama's own device entry, under which its template stacks are configured.
TEMPLATE_STACKS_XPATH = DEVICE_XPATH + "/template-stack"


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
