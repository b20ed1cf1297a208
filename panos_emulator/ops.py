"""``type=op``: the operational commands the collection and pan-os-python use."""

from __future__ import annotations

import ipaddress
import socket
from typing import Callable

from lxml import etree

from . import config, device, edl, panorama, policy
from .state import ApiError, EmulatorState, address_range, parse_xml, response, success

CLOCK_FORMAT = "%a %b %d %H:%M:%S %Z %Y"


def _text_result(text: str) -> etree._Element:
    """Plain-text replies come as CDATA inside ``<result>``."""
    root = response("success")
    etree.SubElement(root, "result").text = etree.CDATA(text)
    return root


def _entry_filter(cmd: etree._Element) -> tuple[int, int]:
    """``limit`` and ``start-point`` (1-based) of a paged show command; limit 0 = all."""
    def number(tag: str, default: int) -> int:
        text = (cmd.findtext(f".//{tag}") or "").strip()
        if not text:
            return default
        if not text.isdigit():
            raise ApiError(17, f" {tag} '{text}' is invalid", cdata=True)
        return int(text)
    return number("limit", 0), max(number("start-point", 1), 1)


def _page(items: list, cmd: etree._Element) -> list:
    limit, start = _entry_filter(cmd)
    return items[start - 1:start - 1 + limit] if limit else items[start - 1:]


def _ip_key(key: str) -> tuple[int, int, int]:
    """address_range's order; a single address (stored canonical) through inet_pton, 10 times faster than
    ipaddress and not bounded by address_range's cache, which 100,000 registrations overflow."""
    if "/" in key or "-" in key:
        return address_range(key)
    family, version = (socket.AF_INET6, 6) if ":" in key else (socket.AF_INET, 4)
    number = int.from_bytes(socket.inet_pton(family, key), "big")
    return version, number, number


def _tags_element(tags: list[str]) -> etree._Element:
    elem = etree.Element("tag")
    for tag in tags:
        etree.SubElement(elem, "member").text = tag
    return elem


def show_clock(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    """The local time and the zone's abbreviation (``Sun Nov 22 02:00:00 PST 2026``), as ``date`` prints it."""
    del cmd, vsys
    root = response("success")
    etree.SubElement(root, "result").text = state.local().strftime(CLOCK_FORMAT) + "\n"
    return root


def show_registered_ip(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    wanted_tag = cmd.find("tag/entry")
    tag = None if wanted_tag is None else wanted_tag.get("name")
    ip_filter = (cmd.findtext("ip") or "").strip()
    key = (tag, ip_filter, *state.registrations_version(vsys))
    if key not in state.listing_cache:
        tagged = state.tagged_ips(vsys, tag)
        if ip_filter:
            try:
                network = ipaddress.ip_network(ip_filter, strict=False)
            except ValueError:
                raise ApiError(17, f" ip '{ip_filter}' is invalid", cdata=True) from None
            low, high = int(network.network_address), int(network.broadcast_address)
            tagged = {ip: tags for ip, tags in tagged.items()
                      if address_range(ip)[0] == network.version and low <= address_range(ip)[1] <= high}
        # One listing kept: a client pages through it with the same filter, request after request.
        state.listing_cache = {key: (sorted(tagged, key=_ip_key), tagged)}
    ordered, tagged = state.listing_cache[key]
    registrations = state.registrations(vsys)
    entries = []
    for ip in _page(ordered, cmd):
        registration = registrations[ip]
        entry = etree.Element("entry", ip=ip, from_agent="1" if registration.from_agent else "0",
                              persistent="1" if registration.persistent else "0")
        # Every current tag of the IP, in registration order, even when filtered by one tag.
        entry.append(_tags_element([t for t in registration.tags if t in tagged[ip]]))
        entries.append(entry)
    count = etree.Element("count")
    count.text = str(len(entries))
    return success(*entries, count)


def show_registered_user(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    state.expire()
    users = state.registered_users.get(vsys, {})
    wanted = cmd.findtext("user")
    names = [wanted] if wanted is not None and wanted in users else [] if wanted is not None else sorted(users)
    wanted_tag = cmd.find("tag/entry")
    if wanted_tag is not None:
        names = [n for n in names if wanted_tag.get("name") in users[n]]
    entries = []
    for name in _page(names, cmd):
        entry = etree.Element("entry", user=name)
        entry.append(_tags_element(list(users[name])))
        entries.append(entry)
    return success(*entries)


def show_dynamic_address_group(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    """DAG members from the running config: registered IPs and tagged address objects."""
    wanted = cmd.findtext("name")
    root = state.vsys_root(state.running, vsys)
    scopes = [(vsys, root), ("shared", state.running.find("shared"))]
    groups = etree.Element("dyn-addr-grp")
    tagged = state.tagged_ips(vsys)
    if any("/" in key or "-" in key for key in tagged):  # IP sets: members also inherit the tags of sets holding them
        tagged = {key: state.ip_tags(key, vsys) for key in tagged}
    for scope_name, scope in scopes:
        if scope is None:
            continue
        addresses = [(a.get("name", ""), {m.text or "" for m in a.findall("tag/member")}) for a in scope.findall("address/entry")]
        for group in scope.findall("address-group/entry"):
            filter_text = group.findtext("dynamic/filter")
            if filter_text is None or (wanted is not None and group.get("name") != wanted):
                continue
            entry = etree.SubElement(groups, "entry")
            etree.SubElement(entry, "vsys").text = scope_name
            etree.SubElement(entry, "group-name").text = group.get("name", "")
            etree.SubElement(entry, "filter").text = filter_text
            members = etree.SubElement(entry, "member-list")
            for ip in sorted(tagged, key=_ip_key):
                if policy.dag_matches(filter_text, tagged[ip]):
                    etree.SubElement(members, "entry", name=ip, type="registered-ip")
            for name, tags in addresses:
                if policy.dag_matches(filter_text, tags):
                    etree.SubElement(members, "entry", name=name, type="address-object")
    return success(groups)


def show_ip_user_mapping(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    state.expire()
    wanted = (cmd.findtext("ip") or "").strip()
    now = state.now()
    entries = []
    for ip in sorted(state.mappings, key=_ip_key):
        mapping = state.mappings[ip]
        if (wanted and ip != wanted) or mapping.vsys != vsys:
            continue
        remaining = "Never" if mapping.expiry is None else str(int(mapping.expiry - now))
        entry = etree.Element("entry")
        for tag, text in (("ip", ip), ("vsys", mapping.vsys), ("type", "XMLAPI"), ("user", mapping.user),
                          ("idle_timeout", remaining), ("timeout", remaining)):
            etree.SubElement(entry, tag).text = text
        entries.append(entry)
    if not entries:
        root = success()
        root[0].text = ""  # PAN-OS writes <result></result>
        return root
    count = etree.Element("count")
    count.text = str(len(entries))
    return success(*entries, count)


def show_user_group(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    """Directory groups (source ldap) and the vsys's dynamic user groups (source xmlapi, type Dynamic)."""
    dynamic = policy.dynamic_user_groups(state, vsys)
    name = cmd.findtext("name")
    if name is None:
        names = [*state.groups, *(group for group in dynamic if group not in state.groups)]
        listing = "".join(f"{group} \n" for group in names)
        return _text_result(f"\n{listing}\nTotal: {len(names)}\n* : Custom Group\n\n")
    source, kind = ("ldap", "Normal") if name in state.groups else ("xmlapi", "Dynamic")
    members = state.groups.get(name) or dynamic.get(name)
    if not members:
        return _text_result(f"\nUser group '{name}' does not exist or does not have members\n")
    lines = "".join(f"[{str(i).ljust(6)}] {user}\n" for i, user in enumerate(members, 1))
    return _text_result(f"\n\nsource type: {source}\nGroup type: {kind}\n\n{lines}\n")


def show_user_ids(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    """A text table of the users matching ``match-user`` (a substring, case-insensitive)."""
    del vsys
    pattern = (cmd.findtext("match-user") or "").casefold()
    users = {u for members in state.groups.values() for u in members} | {m.user for m in state.mappings.values()}
    lines = [f"{'User Name':<40} {'Vsys':<6} Groups", "-" * 70]
    matched = sorted(u for u in users if pattern in u.casefold())
    for user in matched:
        groups = sorted(state.groups_for_user(user)) or [""]
        lines.append(f"{user:<40} {'vsys1':<6} {groups[0]}")
        lines.extend(f"{'':<47} {group}" for group in groups[1:])
    lines.append("")
    lines.append(f"Total: {len(matched)}")
    lines.append("* : Custom Group")
    return _text_result("\n" + "\n".join(lines) + "\n")


def show_jobs(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    del vsys
    job_id = (cmd.findtext("id") or "").strip()
    if not job_id:
        if cmd.find("all") is None and cmd.find("processed") is None and cmd.find("pending") is None:
            raise ApiError(17, " jobs is incomplete", cdata=True)
        state.settle_jobs()
        return success(*[state.job_element(job) for job in state.jobs.values()])
    job = state.poll_job(int(job_id)) if job_id.isdigit() else None
    if job is None:
        raise ApiError(None, f"job {job_id} not found")
    return success(state.job_element(job))


def security_policy_match(state: EmulatorState, cmd: etree._Element, vsys: str) -> etree._Element:
    root = response("success")
    root.set("cmd", "status")
    root.append(policy.security_policy_match(state, cmd, vsys))
    return root


def config_lock(state: EmulatorState, cmd: etree._Element, admin: str) -> etree._Element:
    """``request config-lock add [comment]`` / ``remove``: one lock per admin, refused while another admin holds one."""
    action = cmd[0].tag if len(cmd) else ""
    if action == "add":
        state.check_config_lock(admin)
        state.config_locks[admin] = cmd[0].findtext("comment") or ""
        text = "Successfully acquired lock"
    elif action == "remove":
        if state.config_locks.pop(admin, None) is None:
            raise ApiError(None, "Config is not currently locked")
        text = "Successfully removed lock"
    else:
        raise ApiError(17, " config-lock is incomplete", cdata=True)
    root = response("success")
    etree.SubElement(root, "result").text = text
    return root


def show_config_locks(state: EmulatorState, cmd: etree._Element, admin: str) -> etree._Element:
    del cmd, admin
    locks = etree.Element("config-locks")
    for holder, comment in sorted(state.config_locks.items()):
        entry = etree.SubElement(locks, "entry", name=holder)
        etree.SubElement(entry, "name").text = holder
        etree.SubElement(entry, "comment").text = comment
    return success(locks)


Handler = Callable[[EmulatorState, etree._Element, str], etree._Element]
# Commands whose handler takes the requesting admin instead of the vsys.
ADMIN_COMMANDS: dict[tuple[str, ...], Handler] = {
    ("request", "config-lock"): config_lock,
    ("show", "config-locks"): show_config_locks,
    ("validate", "full"): lambda state, cmd, admin: config.validate_job(state, admin),
}
COMMANDS: dict[tuple[str, ...], Handler] = {
    ("show", "system", "info"): device.show_system_info,
    ("show", "system", "resources"): device.show_system_resources,
    ("show", "high-availability"): device.show_high_availability,
    ("show", "session", "info"): device.show_session_info,
    ("show", "routing", "route"): device.show_routing_route,
    ("check",): device.check,
    ("show", "devices"): panorama.show_devices,
    ("show", "devicegroups"): panorama.show_devicegroups,
    ("show", "clock"): show_clock,
    ("show", "object", "registered-ip"): show_registered_ip,
    ("show", "object", "registered-user"): show_registered_user,
    ("show", "object", "dynamic-address-group"): show_dynamic_address_group,
    ("show", "user", "ip-user-mapping"): show_ip_user_mapping,
    ("show", "user", "group"): show_user_group,
    ("show", "user", "user-ids"): show_user_ids,
    ("show", "jobs"): show_jobs,
    ("test", "security-policy-match"): security_policy_match,
    ("request", "system", "external-list", "show"): edl.show,
    ("request", "system", "external-list", "refresh"): edl.refresh,
    **ADMIN_COMMANDS,
}
_PREFIXES = {path[:i] for path in COMMANDS for i in range(1, len(path))}


def handle_op(state: EmulatorState, params: dict[str, str], admin: str = "admin") -> etree._Element:
    if "cmd" not in params:
        raise ApiError(400, 'Missing value for parameter "cmd".', http_status=400, in_result=True)
    node = parse_xml(params["cmd"])
    path: tuple[str, ...] = (node.tag,)
    if path not in COMMANDS and path not in _PREFIXES:
        raise ApiError(1, f" {node.tag} is unexpected", cdata=True)
    while path not in COMMANDS:
        children = list(node)
        if not children:
            raise ApiError(17, f" {path[-1]} is incomplete", cdata=True)
        unknown = [c.tag for c in children if path + (c.tag,) not in COMMANDS and path + (c.tag,) not in _PREFIXES]
        if unknown or len(children) > 1:
            raise ApiError(17, f" {path[-1]} -> {(unknown or [children[1].tag])[0]} is unexpected", cdata=True)
        node = children[0]
        path += (node.tag,)
    if path in ADMIN_COMMANDS:
        return ADMIN_COMMANDS[path](state, node, admin)
    return COMMANDS[path](state, node, params.get("vsys") or "vsys1")
