"""``type=user-id``: uid-message register/unregister, user tags, login/logout and groups.

A message is applied entry by entry; entries that fail are reported, the others stay applied,
and any failure turns the whole reply into ``status="error"`` listing only the failed entries.
"""

from __future__ import annotations

import ipaddress
from typing import Callable

from lxml import etree

from .state import ApiError, EmulatorState, IPRegistration, Mapping, parse_xml, response, success

MAX_TAG_TIMEOUT = 2592000
MAX_TAGS_PER_IP = 32
# IPv4 ranges and networks can be registered from PAN-OS 10.0 (IPv6 ones cannot).
IP_SETS_VERSION = (10, 0)
# The emulator's text for a registration beyond the model's capacity (not confirmed on a firewall).
CAPACITY_TEXT = "ip {ip} could not be registered: the maximum of {limit} registered IP addresses is reached"
# Login timeout (minutes) when a login entry has none: the firewall's default User-ID timeout.
DEFAULT_LOGIN_MINUTES = 45


class EntryError(Exception):
    """A failed entry; each message becomes one failed entry with a ``message`` attribute."""

    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def normalize_ip(text: str | None) -> str:
    """A single IPv4/IPv6 address in canonical form; CIDRs, ranges and names are refused."""
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        raise EntryError(f"Invalid IP address {text or ''}") from None


def registration_key(text: str | None, version: tuple[int, ...]) -> str:
    """What a register/unregister entry's ``ip`` names, canonical: an IPv4/IPv6 address, and from PAN-OS 10.0
    an IPv4 network (``10.1.1.0/24``, host bits clear; a /32 is the address) or range (``10.1.1.10-10.1.1.19``)."""
    raw = (text or "").strip()
    if version >= IP_SETS_VERSION and ("/" in raw or "-" in raw):
        try:
            if "/" in raw:
                network = ipaddress.IPv4Network(raw)
                return str(network.network_address) if network.prefixlen == 32 else str(network)
            low, high = (ipaddress.IPv4Address(part.strip()) for part in raw.split("-", 1))
            if low <= high:
                return str(low) if low == high else f"{low}-{high}"
        except ValueError:
            pass
        raise EntryError(f"Invalid IP address {raw}")
    return normalize_ip(raw)


def _tag_timeout(member: etree._Element, now: float) -> float | None:
    """A member's expiry epoch from its ``timeout`` seconds; 0 or none means never."""
    raw = member.get("timeout")
    if raw is None:
        return None
    try:
        seconds = int(raw)
    except ValueError:
        raise EntryError(f"Invalid timeout value {raw}") from None
    if not 0 <= seconds <= MAX_TAG_TIMEOUT:
        raise EntryError(f"Invalid timeout value {raw}")
    return None if seconds == 0 else now + seconds


def _tag_members(entry: etree._Element) -> list[etree._Element]:
    return entry.findall("tag/member")


class UidProcessor:
    """Applies one uid-message to the state and collects the failed entries per section."""

    def __init__(self, state: EmulatorState, vsys: str) -> None:
        self.state = state
        self.vsys = vsys
        self.now = state.now()
        self.failures: dict[str, list[etree._Element]] = {}

    def fail(self, section: str, entry: etree._Element, keys: tuple[str, ...], message: str) -> None:
        failed = etree.Element("entry")
        for key in keys:
            if entry.get(key) is not None:
                failed.set(key, entry.get(key, ""))
        failed.set("message", message)
        self.failures.setdefault(section, []).append(failed)

    def register(self, entry: etree._Element) -> None:
        ip = registration_key(entry.get("ip"), self.state.device.version)
        ips = self.state.registered_ips.setdefault(self.vsys, {})
        if ip not in ips and self.state.registered_count() >= self.state.device.platform.max_registered_ips:
            raise EntryError(CAPACITY_TEXT.format(ip=ip, limit=self.state.device.platform.max_registered_ips))
        reg = ips.get(ip) or IPRegistration()
        reg.persistent = entry.get("persistent", "1") != "0"
        current = self.state.own_tags(ip, self.vsys)
        errors = []
        for member in _tag_members(entry):
            tag = (member.text or "").strip()
            try:
                if not tag:
                    raise EntryError("Invalid tag name")
                expiry = _tag_timeout(member, self.now)
                if tag in current:
                    raise EntryError(f"tag {tag} already exists, ignore")
                if len(current) >= MAX_TAGS_PER_IP:
                    raise EntryError(f"ip {ip} already has the maximum of {MAX_TAGS_PER_IP} tags")
            except EntryError as exc:
                errors.append(str(exc))
                continue
            reg.tags[tag] = self.state.will_expire(expiry)
            current.add(tag)
        if reg.tags:
            ips[ip] = reg
        if errors:
            raise EntryError(*errors)

    def unregister(self, entry: etree._Element) -> None:
        ip = registration_key(entry.get("ip"), self.state.device.version)
        reg = self.state.registered_ips.get(self.vsys, {}).get(ip)
        current = self.state.own_tags(ip, self.vsys)
        if reg is None or not current:
            raise EntryError(f"ip {ip} does not exist, ignore unreg")
        members = _tag_members(entry)
        missing = []
        for tag in [(m.text or "").strip() for m in members] if members else list(current):
            if tag in current:
                del reg.tags[tag]
            else:
                missing.append(tag)
        if not self.state.own_tags(ip, self.vsys):
            del self.state.registered_ips[self.vsys][ip]
        if missing:
            raise EntryError(f"tag {', '.join(missing)} does not exist, ignore unreg")

    def register_user(self, entry: etree._Element) -> None:
        user = entry.get("user") or ""
        if not user.strip():
            raise EntryError("Invalid user name")
        tags = self.state.registered_users.setdefault(self.vsys, {}).setdefault(user, {})
        existing = []
        for member in _tag_members(entry):
            tag = (member.text or "").strip()
            if not tag:
                raise EntryError("Invalid tag name")
            if tag in tags:
                existing.append(tag)
                continue
            tags[tag] = self.state.will_expire(_tag_timeout(member, self.now))
        if not tags:
            del self.state.registered_users[self.vsys][user]
        if existing:
            raise EntryError(f"tag {', '.join(existing)} already exists, ignore")

    def unregister_user(self, entry: etree._Element) -> None:
        user = entry.get("user") or ""
        users = self.state.registered_users.get(self.vsys, {})
        if user not in users:
            raise EntryError(f"user {user} does not exist, ignore unreg")
        members = _tag_members(entry)
        names = [(m.text or "").strip() for m in members] if members else list(users[user])
        missing = [tag for tag in names if users[user].pop(tag, "missing") == "missing"]
        if not users[user]:
            del users[user]
        if missing:
            raise EntryError(f"tag {', '.join(missing)} does not exist, ignore unreg")

    def login(self, entry: etree._Element) -> None:
        user = entry.get("name") or ""
        if not user.strip():
            raise EntryError("Invalid user name")
        ip = normalize_ip(entry.get("ip"))
        raw = entry.get("timeout", str(DEFAULT_LOGIN_MINUTES))
        if not raw.isdigit():
            raise EntryError(f"Invalid timeout value {raw}")
        minutes = int(raw)
        expiry = None if minutes == 0 else self.now + minutes * 60
        self.state.mappings[ip] = Mapping(user, self.state.will_expire(expiry), self.vsys, minutes)

    def logout(self, entry: etree._Element) -> None:
        ip = normalize_ip(entry.get("ip"))
        if self.state.user_for_ip(ip) != entry.get("name"):
            raise EntryError("Delete mapping failed")
        del self.state.mappings[ip]

    def groups(self, entry: etree._Element) -> None:
        name = entry.get("name") or ""
        if not name.strip():
            raise EntryError("Invalid group name")
        self.state.groups[name] = [m.get("name", "") for m in entry.findall("members/entry")]


# section -> (handler, attributes that identify an entry in a failure reply)
SECTIONS: dict[str, tuple[Callable[[UidProcessor, etree._Element], None], tuple[str, ...]]] = {
    "register": (UidProcessor.register, ("ip",)),
    "unregister": (UidProcessor.unregister, ("ip",)),
    "register-user": (UidProcessor.register_user, ("user",)),
    "unregister-user": (UidProcessor.unregister_user, ("user",)),
    "login": (UidProcessor.login, ("name", "ip")),
    "logout": (UidProcessor.logout, ("name", "ip")),
    "groups": (UidProcessor.groups, ("name",)),
}


def handle_user_id(state: EmulatorState, params: dict[str, str]) -> etree._Element:
    if "cmd" not in params:
        raise ApiError(400, 'Missing value for parameter "cmd".', http_status=400, in_result=True)
    message = parse_xml(params["cmd"])
    payload = message.find("payload")
    if message.tag != "uid-message" or payload is None:
        raise ApiError(18, "Malformed Request: a uid-message with a payload is expected")
    state.expire()
    state.registrations_changed += 1
    processor = UidProcessor(state, params.get("vsys") or "vsys1")
    sections = []
    for section in payload:
        if section.tag not in SECTIONS:
            raise ApiError(17, f" payload -> {section.tag} is unexpected", cdata=True)
        handler, keys = SECTIONS[section.tag]
        sections.append(section.tag)
        for entry in section.findall("entry"):
            try:
                handler(processor, entry)
            except EntryError as exc:
                for text in exc.messages:
                    processor.fail(section.tag, entry, keys, text)
    state.registrations_changed += 1  # listings and IP-set indexes built while applying it are stale
    reply_payload = etree.Element("payload")
    for tag in dict.fromkeys(sections):
        if processor.failures and tag not in processor.failures:
            continue
        section_elem = etree.SubElement(reply_payload, tag)
        section_elem.extend(processor.failures.get(tag, []))
        if not len(section_elem):
            section_elem.text = ""  # PAN-OS writes <register></register>
    uid_response = etree.Element("uid-response")
    etree.SubElement(uid_response, "version").text = "2.0"
    uid_response.append(reply_payload)
    if not processor.failures:
        return success(uid_response)
    root = response("error")
    etree.SubElement(etree.SubElement(root, "msg"), "line").append(uid_response)
    return root
