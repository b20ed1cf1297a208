"""Panorama mode (``--panorama --firewalls N``): one emulated Panorama and N managed firewalls.

Each managed firewall is a :class:`Node` of its own (state, clock, counters); a request with
``target=<serial>`` goes to it, as pan-os-python's ``Firewall(serial=…)`` under a ``Panorama`` and
pan-python's ``PanXapi(serial=…)`` send it. This module builds the nodes and answers the Panorama-only
op commands ``show devices connected|all`` and ``show devicegroups``.

Data redistribution (PAN-OS 10.0 and later; Panorama admin guide "Redistribute Data to Managed Firewalls",
PAN-OS admin guide "Configure Data Redistribution"): a managed firewall whose running config has, in a vsys,
``redistribution-agent/entry`` with ``<serial-number>panorama</serial-number>`` (its Panorama) or
``<host-port><host>`` naming another managed firewall (a hub), and ``<ip-tags>yes</ip-tags>``, enforces the
IP-tag registrations of that agent besides its own, with their timeouts; an entry with
``<disabled>yes</disabled>`` takes nothing. Only the agent's own registrations travel (IP-tag mappings go one
hop). The emulator delivers them at once; PAN-OS documents no delay for redistribution (a registration reaches
a Dynamic Address Group "within 60 seconds", PAN-OS admin guide "Use Dynamic Address Groups in Policy").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from .models import PANORAMA, Device
from .state import ApiError, EmulatorState, default_config, success

DEVICE_GROUP = "firewalls"
PANORAMA_SERIAL = "000710000123456"
# The emulator's text for a target Panorama does not manage, or one not connected (not confirmed on Panorama).
NOT_MANAGED = "Device {serial} is not a connected managed device"


def counters_for(request_types: tuple[str, ...]) -> dict[str, int]:
    return dict.fromkeys((*request_types, "total"), 0)


@dataclass
class Node:
    """One emulated device: the firewall itself, Panorama, or a firewall Panorama manages."""

    state: EmulatorState
    counters: dict[str, int]
    hostname: str = "PA-EMU"
    ip_address: str = "127.0.0.1"
    device_group: str | None = None
    connected: bool = True
    managed: dict[str, Node] = field(default_factory=dict)  # on Panorama: serial -> firewall


def managed_serial(index: int) -> str:
    """The serial of managed firewall ``index`` (1-based): 15 digits, as PAN-OS serials are."""
    return f"0079510001{index:05d}"


def build_nodes(lock: Any, device: Device, request_types: tuple[str, ...], panorama: bool, firewalls: int) -> dict[str, Node]:
    """``{"": the device itself}`` plus, for Panorama, one node per managed firewall by serial."""
    if not panorama:
        return {"": Node(EmulatorState(lock=lock, device=device), counters_for(request_types))}
    nodes = {}
    for index in range(1, firewalls + 1):
        serial = managed_serial(index)
        hostname = f"fw-{index}"
        state = EmulatorState(hostname, lock=lock, device=Device(device.platform_name, device.sw_version, serial))
        nodes[serial] = Node(state, counters_for(request_types), hostname, f"10.255.0.{index}", DEVICE_GROUP)
    own = EmulatorState("Panorama", lock=lock, device=Device(PANORAMA, device.sw_version, PANORAMA_SERIAL))
    own.load_config(_panorama_config(list(nodes)))
    own.managed = nodes
    for node in nodes.values():
        node.state.redistribution_sources = functools.partial(redistribution_sources, node.state, own, nodes, {})
    return {"": Node(own, counters_for(request_types), "Panorama", managed=nodes), **nodes}


def redistribution_sources(client: EmulatorState, panorama: EmulatorState, nodes: dict[str, Node],
                           cache: dict[str, tuple[etree._Element, list[EmulatorState]]], vsys: str) -> list[EmulatorState]:
    """The devices whose IP-tag registrations ``client`` takes in ``vsys``: its enabled redistribution agents
    that redistribute IP tags (``ip-tags yes``), by serial number (``panorama``) or by the host of a managed
    firewall. An agent the emulator does not know (a Windows User-ID agent, another host) gives nothing.
    Read from the running config once per commit (``cache``: vsys -> the running tree read, the sources)."""
    if vsys in cache and cache[vsys][0] is client.running:
        return cache[vsys][1]
    try:
        agents = list(client.vsys_root(client.running, vsys).iterfind("redistribution-agent/entry"))
    except KeyError:
        agents = []
    found: list[EmulatorState] = []
    for agent in agents:
        if agent.findtext("disabled") == "yes" or agent.findtext("ip-tags") != "yes":
            continue
        serial, host = agent.findtext("serial-number"), agent.findtext("host-port/host")
        if serial in ("panorama", "panorama2"):  # the primary or secondary Panorama: one emulated Panorama
            source: EmulatorState | None = panorama
        else:
            source = next((node.state for node in nodes.values() if host in (node.ip_address, node.hostname)), None)
        if source is not None and source is not client and source not in found:
            found.append(source)
    cache[vsys] = (client.running, found)
    return found


def _panorama_config(serials: list[str]) -> etree._Element:
    config = default_config("Panorama")
    device = config.find("devices/entry")
    assert device is not None
    group = etree.SubElement(etree.SubElement(device, "device-group"), "entry", name=DEVICE_GROUP)
    devices = etree.SubElement(group, "devices")
    for serial in serials:
        etree.SubElement(devices, "entry", name=serial)
    return config


def _fields(parent: etree._Element, fields: dict[str, str]) -> etree._Element:
    for tag, text in fields.items():
        etree.SubElement(parent, tag).text = text
    return parent


def _managed(state: EmulatorState, command: str) -> dict[str, Node]:
    if state.managed is None:
        raise ApiError(17, f" show -> {command} is unexpected", cdata=True)
    return state.managed


def show_devices(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    """``show devices all`` (every managed firewall) or ``connected``."""
    del vsys
    managed = _managed(state, "devices")
    if cmd.find("all") is None and cmd.find("connected") is None:
        raise ApiError(17, " devices is incomplete", cdata=True)
    devices = etree.Element("devices")
    for serial, node in managed.items():
        if cmd.find("connected") is not None and not node.connected:
            continue
        entry = etree.SubElement(devices, "entry", name=serial)
        firewall = node.state.device
        _fields(entry, {
            "serial": serial, "connected": "yes" if node.connected else "no", "unsupported-version": "no",
            "hostname": node.hostname, "ip-address": node.ip_address, "model": firewall.platform.model,
            "family": firewall.platform.family, "sw-version": firewall.sw_version, "app-version": "8890-9001",
            "multi-vsys": "no", "operational-mode": "normal",
        })
        _fields(etree.SubElement(entry, "ha"), {"state": "standalone"})
        vsys_entry = etree.SubElement(etree.SubElement(entry, "vsys"), "entry", name="vsys1")
        _fields(vsys_entry, {"display-name": "vsys1", "shared-policy-status": "In Sync"})
    return success(devices)


def show_devicegroups(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    """``show devicegroups``: each device group with its firewalls' connection state."""
    del cmd, vsys
    managed = _managed(state, "devicegroups")
    groups = etree.Element("devicegroups")
    for name in dict.fromkeys(node.device_group for node in managed.values() if node.device_group):
        devices = etree.SubElement(etree.SubElement(groups, "entry", name=name), "devices")
        for serial, node in managed.items():
            if node.device_group == name:
                _fields(etree.SubElement(devices, "entry", name=serial), {
                    "serial": serial, "connected": "yes" if node.connected else "no", "hostname": node.hostname,
                    "shared-policy-status": "In Sync"})
    return success(groups)


def target_node(nodes: dict[str, Node], target: str | None) -> Node:
    """The node a request goes to: the device itself, or on Panorama the managed firewall named by ``target``."""
    own = nodes[""]
    if not target or own.state.managed is None:
        return own  # a firewall has no managed devices and answers for itself
    node = nodes.get(target)
    if node is None or not node.connected:
        raise ApiError(None, NOT_MANAGED.format(serial=target))
    return node
