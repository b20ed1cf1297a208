# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""User-ID registrations: uid-message building, registered-ip reading, partial-failure parsing.

Reusable by every module that registers tags (dag_register, quota enforcement):

- :func:`read_registered` reads the current registrations once (per tag, paged);
- :func:`build_uid_messages` turns ``{ip: tags}`` to register / unregister into as few
  ``<uid-message>`` elements as ``chunk_size`` allows;
- :func:`send_uid_messages` / :func:`update` send them and sort the per-entry replies into
  real failures and the harmless "already exists" / "does not exist" notices;
- :func:`failure_message` names the rejected entries in one line.

Plain Python, no Ansible imports.
"""

from __future__ import annotations


import xml.etree.ElementTree as ET
from typing import Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Set, Tuple, Union

from ansible_collections.tagwarden.panos.plugins.module_utils._desired._engine import ItemFailure, WriteReport
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._address import normalize_ip
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import REGISTERED_IP_PAGE
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection


#: Messages that PAN-OS returns for entries already in the wanted state (pan-os-python ignores them too).
IGNORABLE_SUFFIXES = ("already exists, ignore", "does not exist, ignore unreg")
DEFAULT_PAGE_SIZE = REGISTERED_IP_PAGE
DEFAULT_CHUNK_SIZE = 1000
#: Upper bound for one serialized uid-message (the firewall accepts bodies up to about 5 MB and
#: the form encoding can triple the size of markup characters).
DEFAULT_MAX_BYTES = 1000000

#: Tags for one IP: a list of tag names, or a mapping tag -> timeout in seconds (None: the call's).
TagSpec = Union[Iterable[str], Mapping[str, Optional[int]]]


class UidFailure(NamedTuple):
    """One entry the firewall reported in a partial-failure reply."""

    section: str  # register, unregister, register-user, ...
    ip: str  # the entry's ip (or user) attribute
    message: str

    @property
    def ignorable(self) -> bool:
        return self.message.rstrip().endswith(IGNORABLE_SUFFIXES)

    def as_dict(self) -> Dict[str, str]:
        return {"ip": self.ip, "section": self.section, "message": self.message}


class UidResult(NamedTuple):
    """What sending uid-messages did."""

    messages: int  # uid-messages sent
    failures: List[UidFailure]  # entries the firewall rejected
    ignored: List[UidFailure]  # "already exists, ignore" / "does not exist, ignore unreg"


def _tag_items(tags: TagSpec, timeout: Optional[int]) -> List[Tuple[str, Optional[int]]]:
    if isinstance(tags, Mapping):
        items = [(str(t), (timeout if v is None else v)) for t, v in tags.items()]
    elif isinstance(tags, str):
        items = [(tags, timeout)]
    else:
        items = [(str(t), timeout) for t in tags]
    seen = set()  # type: Set[str]
    unique = []
    for tag, tag_timeout in sorted(items, key=lambda item: item[0]):
        if tag not in seen:
            seen.add(tag)
            unique.append((tag, tag_timeout))
    return unique


def _register_entry(ip: str, tags: TagSpec, timeout: Optional[int], persistent: Optional[bool],
                    holder: str = "ip") -> ET.Element:
    entry = ET.Element("entry", {holder: ip})
    if persistent is not None:
        entry.set("persistent", "1" if persistent else "0")
    tag_node = ET.SubElement(entry, "tag")
    for tag, tag_timeout in _tag_items(tags, timeout):
        member = ET.SubElement(tag_node, "member")
        if tag_timeout is not None:
            member.set("timeout", str(int(tag_timeout)))
        member.text = tag
    return entry


def _unregister_entry(ip: str, tags: TagSpec, holder: str = "ip") -> ET.Element:
    entry = ET.Element("entry", {holder: ip})
    tag_node = ET.SubElement(entry, "tag")
    for tag, _unused in _tag_items(tags, None):
        ET.SubElement(tag_node, "member").text = tag
    return entry


def new_uid_message() -> Tuple[ET.Element, ET.Element]:
    """An empty ``<uid-message>`` (version 1.0, type update) and its ``<payload>``."""
    root = ET.Element("uid-message")
    ET.SubElement(root, "version").text = "1.0"
    ET.SubElement(root, "type").text = "update"
    payload = ET.SubElement(root, "payload")
    return root, payload


def build_uid_messages(register: Optional[Mapping[str, TagSpec]] = None,
                       unregister: Optional[Mapping[str, TagSpec]] = None,
                       timeout: Optional[int] = None, persistent: Optional[bool] = None,
                       chunk_size: int = DEFAULT_CHUNK_SIZE,
                       max_bytes: int = DEFAULT_MAX_BYTES, users: bool = False) -> List[ET.Element]:
    """Build the fewest ``<uid-message>`` elements for the given registrations.

    ``register`` and ``unregister`` map an IP to its tags (a list, or a mapping tag -> timeout
    for per-tag timeouts). ``timeout`` (seconds, 0 = never) applies to registered tags without
    their own; ``None`` leaves the attribute out (PAN-OS default: never). ``persistent`` sets the
    entry's ``persistent`` attribute (``None``: left out, PAN-OS default 1).

    Each message holds at most ``chunk_size`` entries (register and unregister entries together)
    and about ``max_bytes`` of XML, and is cut only between holders: a holder's unregister and
    register entries always travel in the same message, ``<unregister>`` before ``<register>``.
    That is how a tag gets a new timeout: PAN-OS answers a register of a tag the holder already
    has with "tag ... already exists, ignore" and keeps the old timeout, so the tag is unregistered
    and registered again, and no message leaves a blocked holder without its tag in between.

    ``users``: the keys are user names and the tags user tags (``register-user`` /
    ``unregister-user``, matched by dynamic user groups) instead of IP addresses.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    holder, suffix = ("user", "-user") if users else ("ip", "")
    unregister_section, register_section = "unregister" + suffix, "register" + suffix
    unregister, register = unregister or {}, register or {}
    holders = [(name, unregister.get(name), register.get(name)) for name in dict.fromkeys([*unregister, *register])]

    chunks = []  # type: List[List[Tuple[str, ET.Element]]]
    count = size = 0
    for name, old_tags, new_tags in holders:
        unit = []  # type: List[Tuple[str, ET.Element]]
        if old_tags:
            unit.append((unregister_section, _unregister_entry(name, old_tags, holder)))
        if new_tags:
            unit.append((register_section, _register_entry(name, new_tags, timeout, None if users else persistent, holder)))
        if not unit:
            continue
        unit_size = sum(_estimated_size(entry) for _section, entry in unit)
        if not chunks or (count and (count + len(unit) > chunk_size or size + unit_size > max_bytes)):
            chunks.append([])
            count, size = 0, 200
        chunks[-1].extend(unit)
        count += len(unit)
        size += unit_size
    return [_uid_message(chunk, (unregister_section, register_section)) for chunk in chunks]


def _uid_message(entries: Sequence[Tuple[str, ET.Element]], order: Sequence[str]) -> ET.Element:
    """A uid-message holding ``entries`` (section, entry), its sections in ``order``."""
    root, payload = new_uid_message()
    for name in order:
        section = [entry for entry_section, entry in entries if entry_section == name]
        if section:
            ET.SubElement(payload, name).extend(section)
    return root


def _estimated_size(entry: ET.Element) -> int:
    """An upper bound of the serialized size of an entry (cheaper than serializing it)."""
    size = 40 + sum(len(k) + len(v) + 4 for k, v in entry.attrib.items())
    for member in entry.iter("member"):
        # escaping turns one character into at most 6 (&quot;); member markup and attributes ~40
        value = member.text or ""
        size += 40 + (len(value) if value.isalnum() else 6 * len(value))
    return size


def count_entries(message: ET.Element) -> int:
    """Number of entries in a uid-message."""
    return len(message.findall("./payload/*/entry"))


def parse_uid_failures(root: Optional[ET.Element]) -> List[UidFailure]:
    """Every entry listed in a uid-response (a partial-failure reply lists only failed entries)."""
    if root is None:
        return []
    failures = []
    for section in root.findall(".//uid-response/payload/*"):
        for entry in section.findall("entry"):
            who = entry.get("ip") or entry.get("user") or entry.get("name") or ""
            message = entry.get("message")
            if message is None:
                others = [v for k, v in entry.attrib.items() if k not in ("ip", "user", "name")]
                message = " ".join(others)
            failures.append(UidFailure(section.tag, who, message))
    return failures


def send_uid_messages(conn: Connection, messages: Iterable[ET.Element], vsys: Optional[str] = None) -> UidResult:
    """Send uid-messages with ``conn.user_id``; collect per-entry failures and ignorable notices."""
    failures = []  # type: List[UidFailure]
    ignored = []  # type: List[UidFailure]
    sent = 0
    for message in messages:
        reply = conn.user_id(message, vsys)
        sent += 1
        if reply.get("status") == "success":
            continue
        for failure in parse_uid_failures(reply):
            (ignored if failure.ignorable else failures).append(failure)
    return UidResult(sent, failures, ignored)


def update(conn: Connection, register: Optional[Mapping[str, TagSpec]] = None,
           unregister: Optional[Mapping[str, TagSpec]] = None, timeout: Optional[int] = None,
           persistent: Optional[bool] = None, vsys: Optional[str] = "vsys1",
           chunk_size: int = DEFAULT_CHUNK_SIZE) -> UidResult:
    """Register and unregister in as few requests as ``chunk_size`` allows (no read, no diff)."""
    messages = build_uid_messages(register, unregister, timeout=timeout, persistent=persistent,
                                  chunk_size=chunk_size)
    return send_uid_messages(conn, messages, vsys)


def registered_ip_command(tag: Optional[str] = None, ip: Optional[str] = None,
                          limit: Optional[int] = DEFAULT_PAGE_SIZE, start: int = 1) -> ET.Element:
    """``<show><object><registered-ip>`` with paging and an optional tag or IP filter."""
    show = ET.Element("show")
    registered = ET.SubElement(ET.SubElement(show, "object"), "registered-ip")
    if limit:
        ET.SubElement(registered, "limit").text = str(int(limit))
        ET.SubElement(registered, "start-point").text = str(int(start))
    if tag is not None:
        ET.SubElement(ET.SubElement(registered, "tag"), "entry", {"name": tag})
    if ip is not None:
        ET.SubElement(registered, "ip").text = ip
    if tag is None and ip is None and not limit:
        ET.SubElement(registered, "all")
    return show


def parse_registered(root: ET.Element) -> Dict[str, Set[str]]:
    """``{ip: {tags}}`` from a ``show object registered-ip`` reply."""
    found = {}  # type: Dict[str, Set[str]]
    for entry in root.findall("./result/entry"):
        ip = entry.get("ip")
        if not ip:
            continue
        tags = found.setdefault(normalize_ip(ip), set())
        for member in entry.findall("./tag/member"):
            if member.text is not None:
                tags.add(member.text)
    return found


def read_registered(conn: Connection, tags: Optional[Iterable[str]] = None, vsys: Optional[str] = "vsys1",
                    page_size: int = DEFAULT_PAGE_SIZE) -> Dict[str, Set[str]]:
    """Current registrations: ``{ip: {every tag of that ip}}`` for the IPs holding any of ``tags``.

    One paged ``show object registered-ip`` per tag (the firewall filters on one tag at a time);
    ``tags=None`` reads every registration. The tag sets hold all tags of each IP, not only the
    ones asked for. IPs are normalized with :func:`normalize_ip`.
    """
    filters = [None] if tags is None else sorted(set(tags))  # type: Sequence[Optional[str]]
    result = {}  # type: Dict[str, Set[str]]
    for tag in filters:
        start = 1
        seen = set()  # type: Set[str]
        while True:
            reply = conn.op(registered_ip_command(tag=tag, limit=page_size, start=start), vsys)
            page_entries = len(reply.findall("./result/entry"))
            page = parse_registered(reply)
            new = [ip for ip in page if ip not in seen]  # guards against a firewall ignoring start-point
            seen.update(page)
            for ip, ip_tags in page.items():
                result.setdefault(ip, set()).update(ip_tags)
            if page_entries < page_size or not new:
                break
            start += page_entries
    return result


def failure_message(failed: List[Mapping[str, str]], limit: int = 10) -> str:
    """One line naming the entries the firewall rejected (``[{ip, section, message}]``)."""
    shown = ["%s (%s): %s" % (f["ip"], f.get("section", ""), f["message"]) for f in failed[:limit]]
    more = " and %d more" % (len(failed) - limit) if len(failed) > limit else ""
    return ("the firewall rejected %d entr%s: %s%s (the other changes were applied; see 'failed_entries')"
            % (len(failed), "y" if len(failed) == 1 else "ies", "; ".join(shown), more))


class TagWriter:
    """The desired-set engine's writer for tag registrations: batched uid-messages, with the
    rejected entries booked per IP (``_desired._engine.Writer``)."""

    def __init__(self, conn: Connection, vsys: Optional[str] = "vsys1", timeout: Optional[int] = None,
                 persistent: Optional[bool] = None, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        self.conn = conn
        self.vsys = vsys
        self.timeout = timeout
        self.persistent = persistent
        self.chunk_size = chunk_size

    def write(self, add: Mapping[str, Mapping[str, Optional[int]]], remove: Mapping[str, Iterable[str]]) -> WriteReport:
        messages = build_uid_messages(add, remove, timeout=self.timeout, persistent=self.persistent,
                                      chunk_size=self.chunk_size)
        sent = send_uid_messages(self.conn, messages, self.vsys)
        failures = [ItemFailure(f.ip, f.section == "register", f.as_dict()) for f in sent.failures]
        return WriteReport(sent.messages, failures, len(sent.ignored))


def registered_user_command(limit: int = DEFAULT_PAGE_SIZE, start: int = 1) -> ET.Element:
    """``<show><object><registered-user><all><limit/><start-point/></all>`` (one page of user tags)."""
    show = ET.Element("show")
    every = ET.SubElement(ET.SubElement(ET.SubElement(show, "object"), "registered-user"), "all")
    ET.SubElement(every, "limit").text = str(int(limit))
    ET.SubElement(every, "start-point").text = str(int(start))
    return show


def read_registered_users(conn: Connection, vsys: Optional[str] = "vsys1",
                          page_size: int = DEFAULT_PAGE_SIZE) -> Dict[str, Set[str]]:
    """Every user tag: ``{user: {tags}}``, paged as pan-os-python's ``get_user_tags`` does."""
    result = {}  # type: Dict[str, Set[str]]
    start = 1
    while True:
        reply = conn.op(registered_user_command(page_size, start), vsys)
        entries = reply.findall("./result/entry")
        new = 0
        for entry in entries:
            user = entry.get("user")
            if user is None:
                continue
            new += user not in result
            result.setdefault(user, set()).update(m.text for m in entry.findall("./tag/member") if m.text is not None)
        if len(entries) < page_size or not new:  # a short page, or a firewall ignoring start-point
            return result
        start += len(entries)


class UserTagWriter(TagWriter):
    """The desired-set engine's writer for user tags (``register-user`` / ``unregister-user``),
    batched as :class:`TagWriter`; the keys are user names."""

    def write(self, add: Mapping[str, Mapping[str, Optional[int]]], remove: Mapping[str, Iterable[str]]) -> WriteReport:
        messages = build_uid_messages(add, remove, timeout=self.timeout, chunk_size=self.chunk_size, users=True)
        sent = send_uid_messages(self.conn, messages, self.vsys)
        failures = [ItemFailure(f.ip, f.section == "register-user", f.as_dict()) for f in sent.failures]
        return WriteReport(sent.messages, failures, len(sent.ignored))
