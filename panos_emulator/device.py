"""The op commands that describe the device (system info, version, HA, resources, sessions, routes,
pending changes); the device itself is :class:`models.Device`."""

from __future__ import annotations

import ipaddress

from lxml import etree

from .state import ApiError, EmulatorState, response, success


def system_info_fields(state: EmulatorState) -> dict[str, str]:
    platform = state.device.platform
    hostname = state.running.findtext("devices/entry/deviceconfig/system/hostname") or state.hostname
    fields = {
        "hostname": hostname, "devicename": hostname,
        "ip-address": "127.0.0.1", "netmask": "255.255.255.0", "default-gateway": "127.0.0.254",
        "mac-address": "00:1b:17:00:01:01",
        "time": state.local().strftime("%a %b %d %H:%M:%S %Y"),
        "uptime": "0 days, 1:00:00", "family": platform.family, "model": platform.model,
        "serial": state.device.serial,
    }
    if platform.vm_license:
        fields["vm-license"] = platform.vm_license
    fields.update({
        "sw-version": state.device.sw_version, "global-protect-client-package-version": "0.0.0",
        "app-version": "8890-9001", "av-version": "0", "threat-version": "8890-9001", "wildfire-version": "0",
        "url-filtering-version": "20261122.20001", "logdb-version": "10.2.2", "multi-vsys": "off",
        "operational-mode": "normal",
    })
    return fields


def _children(parent: etree._Element, fields: dict[str, str]) -> etree._Element:
    for tag, text in fields.items():
        etree.SubElement(parent, tag).text = text
    return parent


def _text(text: str) -> etree._Element:
    root = response("success")
    etree.SubElement(root, "result").text = etree.CDATA(text)
    return root


def show_system_info(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    del cmd, vsys
    return success(_children(etree.Element("system"), system_info_fields(state)))


def handle_version(state: EmulatorState, params: dict[str, str], admin: str) -> etree._Element:
    """``type=version``."""
    del params, admin
    info = system_info_fields(state)
    root = success()
    _children(root[0], {tag: info[tag] for tag in ("sw-version", "multi-vsys", "model", "serial")})
    return root


def show_high_availability(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    """``state`` and ``all`` of a standalone firewall (no HA configured)."""
    del state, vsys
    if cmd.find("state") is None and cmd.find("all") is None:
        raise ApiError(17, " high-availability is incomplete", cdata=True)
    return success(*_leaves({"enabled": "no"}))


def show_system_resources(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    """``top`` output, as PAN-OS 9.0 and later print it."""
    del cmd, vsys
    clock = state.local().strftime("%H:%M:%S")
    return _text(
        f"top - {clock} up 1 day,  1:00,  0 users,  load average: 0.42, 0.51, 0.48\n"
        "Tasks: 142 total,   1 running, 141 sleeping,   0 stopped,   0 zombie\n"
        "%Cpu(s):  3.1 us,  1.6 sy,  0.0 ni, 95.2 id,  0.0 wa,  0.0 hi,  0.1 si,  0.0 st\n"
        "KiB Mem :  6946028 total,   293184 free,  4113636 used,  2539208 buff/cache\n"
        "KiB Swap:        0 total,        0 free,        0 used.  2218980 avail Mem \n\n"
        "  PID USER      PR  NI    VIRT    RES    SHR S  %CPU %MEM     TIME+ COMMAND\n"
        " 3462 root      20   0 1163944 418328  20916 S   5.9  6.0  12:03.15 mgmtsrvr\n"
        " 3711 root      20   0  989044 164416  11620 S   0.0  2.4   1:40.22 useridd\n")


def show_session_info(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    """Session counters from the emulator's traffic: sessions of the last minute are the active ones."""
    del cmd, vsys
    now = state.now()
    recent = state.traffic.between(now - 60, now + 1)
    protocols = [r.protocol for r in recent]
    kbps = sum(r.total_bytes for r in recent) * 8 // 1000 // 60
    fields = {
        "tmo-tcp": "3600", "tmo-udp": "30", "tmo-icmp": "6",
        "num-max": str(state.device.platform.max_sessions), "num-active": str(len(recent)),
        "num-tcp": str(protocols.count("tcp")), "num-udp": str(protocols.count("udp")), "num-icmp": "0",
        "num-gtpc": "0", "num-gtpu-active": "0", "num-mcast": "0", "num-bcast": "0", "num-predict": "0",
        "num-installed": str(len(state.traffic)), "cps": str(len(recent) // 60), "pps": str(len(recent) // 60),
        "kbps": str(kbps), "dp": "*.dp0", "max-pending-mcast": "0", "age-accel-en": "True",
    }
    return success(*_leaves(fields))


def _leaves(fields: dict[str, str]) -> list[etree._Element]:
    leaves = []
    for tag, text in fields.items():
        leaf = etree.Element(tag)
        leaf.text = text
        leaves.append(leaf)
    return leaves


ROUTE_FLAGS = ("flags: A:active, ?:loose, C:connect, H:host, S:static, ~:internal, R:rip, O:ospf, B:bgp, "
               "Oi:ospf intra-area, Oo:ospf inter-area, O1:ospf ext-type-1, O2:ospf ext-type-2, E:ecmp, M:multicast")


def _interface_networks(device: etree._Element) -> dict[str, list[ipaddress.IPv4Interface | ipaddress.IPv6Interface]]:
    networks: dict[str, list[ipaddress.IPv4Interface | ipaddress.IPv6Interface]] = {}
    for interface in device.iterfind("network/interface/ethernet/entry"):
        for address in interface.iterfind("layer3/ip/entry"):
            try:
                networks.setdefault(interface.get("name", ""), []).append(ipaddress.ip_interface(address.get("name", "")))
            except ValueError:
                continue
    return networks


def show_routing_route(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    """Connected routes of the virtual routers' interfaces and their static routes, from the running config."""
    del vsys
    wanted_router = cmd.findtext("virtual-router")
    device = state.running.find("devices/entry")
    flags = etree.Element("flags")
    flags.text = ROUTE_FLAGS
    entries = [flags]
    if device is None:
        return success(*entries)
    networks = _interface_networks(device)
    for router in device.iterfind("network/virtual-router/entry"):
        name = router.get("name", "")
        if wanted_router is not None and name != wanted_router:
            continue
        for interface in (m.text or "" for m in router.iterfind("interface/member")):
            for address in networks.get(interface, []):
                entries.append(_route(name, str(address.network), "0.0.0.0", "0", "A C", interface))
        for route in router.iterfind("routing-table/ip/static-route/entry"):
            entries.append(_route(name, route.findtext("destination") or "", route.findtext("nexthop/ip-address") or "discard",
                                  route.findtext("metric") or "10", "A S", route.findtext("interface") or ""))
    return success(*entries)


def _route(router: str, destination: str, nexthop: str, metric: str, flags: str, interface: str) -> etree._Element:
    entry = etree.Element("entry")
    return _children(entry, {"virtual-router": router, "destination": destination, "nexthop": nexthop, "metric": metric,
                             "flags": flags, "age": "", "interface": interface, "route-table": "unicast"})


def check(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    """``check pending-changes`` (yes while any admin has an uncommitted change) and ``check full-commit-required``."""
    del vsys
    what = cmd[0].tag if len(cmd) else ""
    if what == "pending-changes":
        answer = "yes" if state.changes else "no"
    elif what == "full-commit-required":
        answer = "no"
    elif not what:
        raise ApiError(17, " check is incomplete", cdata=True)
    else:
        raise ApiError(17, f" check -> {what} is unexpected", cdata=True)
    root = response("success")
    etree.SubElement(root, "result").text = answer
    return root
