# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation, diff and apply for the dag_register module (plain Python, no Ansible imports).

``run()`` is the whole module: validate, read the registrations of the given tags once, plan the
difference, send it in as few uid-messages as ``chunk_size`` allows (nothing in check mode).
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import ipaddress
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Set, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._connection import ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._userid import (
    canonical_ip,
    DEFAULT_CHUNK_SIZE,
    DEFAULT_PAGE_SIZE,
    build_uid_messages,
    ip_sort_key,
    read_registered,
    send_uid_messages,
)

STATES = ("present", "absent", "exact")
MAX_TIMEOUT = 2592000  # 30 days, the PAN-OS maximum
MAX_TAGS = 32  # per IP address
MAX_TAG_LENGTH = 127
MAX_CHUNK_SIZE = 50000


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:60] + "...'"


def check_ip(value: Any) -> Tuple[Optional[str], Optional[str]]:
    """``(normalized ip, None)`` for a single IPv4/IPv6 address, else ``(None, problem)``."""
    if value is None:
        return None, "an empty entry: remove it"
    text = str(value).strip()
    try:  # the common case first: a plain, valid address
        return canonical_ip(text), None
    except ValueError:
        pass
    if not text:
        return None, "an empty entry: remove it"
    if "/" in text:
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            return None, "%s is not an IP address: give single IPv4/IPv6 addresses" % _show(text)
        if network.num_addresses == 1:
            return None, ("%s is written as a network: give the address without the prefix (%s)"
                          % (_show(text), network.network_address))
        return None, ("%s is a CIDR network: PAN-OS registers single addresses only, list each "
                      "address (for example with the ansible.utils.ipaddr/ipsubnet filters)" % _show(text))
    if "-" in text:
        low, _sep, high = text.partition("-")
        try:
            ipaddress.ip_address(low.strip())
            ipaddress.ip_address(high.strip())
        except ValueError:
            pass
        else:
            return None, ("%s is an address range: PAN-OS registers single addresses only, list each "
                          "address" % _show(text))
    if "%" in text:
        return None, "%s has a zone index: give the address without %%zone" % _show(text)
    try:
        return str(ipaddress.ip_address(text)), None
    except ValueError:
        pass
    if any(c.isalpha() for c in text) and ":" not in text:
        return None, ("%s is not an IP address (a host name?): resolve it first, for example with "
                      "the community.general.dig lookup, and give the addresses" % _show(text))
    return None, "%s is not a valid IPv4/IPv6 address" % _show(text)


def validate(ips: Optional[Iterable[Any]], tags: Optional[Iterable[Any]], timeout: Optional[int] = None,
             chunk_size: int = DEFAULT_CHUNK_SIZE, state: str = "present") -> Tuple[List[str], List[str]]:
    """Normalized, de-duplicated ``(ips, tags)``; raises ValidationError naming every bad value."""
    problems = []  # type: List[str]
    good_ips = []  # type: List[str]
    seen_ips = set()  # type: Set[str]
    bad_ips = []  # type: List[str]
    for index, value in enumerate(list(ips or [])):
        ip, problem = check_ip(value)
        if problem:
            bad_ips.append("item %d: %s" % (index + 1, problem))
        elif ip is not None and ip not in seen_ips:
            seen_ips.add(ip)
            good_ips.append(ip)
    if bad_ips:
        problems.append("ips: " + "; ".join(bad_ips))

    good_tags = []  # type: List[str]
    bad_tags = []  # type: List[str]
    for index, value in enumerate(list(tags or [])):
        tag = "" if value is None else str(value)
        if not tag.strip():
            bad_tags.append("item %d: an empty tag: remove it" % (index + 1))
        elif len(tag) > MAX_TAG_LENGTH:
            bad_tags.append("item %d: %s is %d characters long: PAN-OS tags have at most %d characters"
                            % (index + 1, _show(tag), len(tag), MAX_TAG_LENGTH))
        elif tag not in good_tags:
            good_tags.append(tag)
    if not list(tags or []):
        bad_tags.append("no tags given: give at least one tag")
    if len(good_tags) > MAX_TAGS:
        bad_tags.append("%d tags given: PAN-OS allows at most %d tags per IP address, split them over "
                        "several tasks" % (len(good_tags), MAX_TAGS))
    if bad_tags:
        problems.append("tags: " + "; ".join(bad_tags))

    if timeout is not None and not 0 <= int(timeout) <= MAX_TIMEOUT:
        problems.append("timeout: %s is out of range: give seconds from 0 (never expire) to %d (30 days)"
                        % (timeout, MAX_TIMEOUT))
    if not 1 <= int(chunk_size) <= MAX_CHUNK_SIZE:
        problems.append("chunk_size: %s is out of range: give 1 to %d entries per message"
                        % (chunk_size, MAX_CHUNK_SIZE))
    if state not in STATES:
        problems.append("state: %r is not one of %s" % (state, ", ".join(STATES)))
    if problems:
        raise ValidationError("invalid input, nothing was sent to the firewall. " + " | ".join(problems))
    return good_ips, good_tags


class Plan(NamedTuple):
    """What has to change: ``{ip: [tags]}`` to register and to unregister."""

    register: Dict[str, List[str]]
    unregister: Dict[str, List[str]]
    unchanged: int  # IPs asked for (present/absent/exact) that needed nothing
    before: Dict[str, List[str]]  # tag -> sorted IPs holding it, as read
    after: Dict[str, List[str]]  # tag -> sorted IPs holding it once the plan is applied

    @property
    def changed(self) -> bool:
        return bool(self.register or self.unregister)


def _by_tag(registrations: Mapping[str, Set[str]], tags: Iterable[str]) -> Dict[str, List[str]]:
    return {tag: sorted((ip for ip, held in registrations.items() if tag in held), key=ip_sort_key)
            for tag in tags}


def plan(current: Mapping[str, Set[str]], ips: Iterable[str], tags: Iterable[str], state: str) -> Plan:
    """Diff the current registrations (``{ip: {tags}}``) against the wanted state."""
    tags = list(tags)
    wanted = set(tags)
    ips = list(ips)
    register = {}  # type: Dict[str, List[str]]
    unregister = {}  # type: Dict[str, List[str]]
    unchanged = 0
    for ip in ips:
        held = current.get(ip, set())
        if state in ("present", "exact"):
            missing = [t for t in tags if t not in held]
            if missing:
                register[ip] = missing
            else:
                unchanged += 1
        elif state == "absent":
            extra = [t for t in tags if t in held]
            if extra:
                unregister[ip] = extra
            else:
                unchanged += 1
        else:
            raise ValueError("unknown state %r" % state)
    if state == "exact":
        asked = set(ips)
        for ip in sorted(current, key=ip_sort_key):
            if ip not in asked:
                extra = [t for t in tags if t in current[ip]]
                if extra:
                    unregister[ip] = extra
    after = {ip: set(held) & wanted for ip, held in current.items()}
    for ip, added in register.items():
        after.setdefault(ip, set()).update(added)
    for ip, removed in unregister.items():
        after[ip] = after.get(ip, set()) - set(removed)
    return Plan(register, unregister, unchanged, _by_tag(current, tags), _by_tag(after, tags))


def run(conn: Any, ips: Iterable[Any], tags: Iterable[Any], state: str = "present",
        timeout: Optional[int] = None, persistent: Optional[bool] = True, vsys: Optional[str] = "vsys1",
        chunk_size: int = DEFAULT_CHUNK_SIZE, check_mode: bool = False,
        page_size: int = DEFAULT_PAGE_SIZE) -> Dict[str, Any]:
    """The dag_register module: validate, read once, diff, write the difference.

    Returns ``changed``, ``registered``/``unregistered`` (sorted IPs), ``unchanged`` (count),
    ``failed_entries`` (``[{ip, section, message}]``), ``ignored`` (count of "already exists"/"does not
    exist" notices), ``uid_messages`` (sent), ``api_calls`` and ``diff`` (``before``/``after``:
    tag -> IPs). Raises ValidationError before any request, FirewallError from the connection.
    """
    good_ips, good_tags = validate(ips, tags, timeout, chunk_size, state)
    current = read_registered(conn, good_tags, vsys, page_size=page_size)
    todo = plan(current, good_ips, good_tags, state)
    result = {
        "changed": todo.changed,
        "registered": sorted(todo.register, key=ip_sort_key),
        "unregistered": sorted(todo.unregister, key=ip_sort_key),
        "unchanged": todo.unchanged,
        "failed_entries": [],
        "ignored": 0,
        "uid_messages": 0,
        "diff": {"before": todo.before, "after": todo.after},
    }  # type: Dict[str, Any]
    if todo.changed and not check_mode:
        messages = build_uid_messages(todo.register, todo.unregister, timeout=timeout,
                                      persistent=persistent, chunk_size=chunk_size)
        sent = send_uid_messages(conn, messages, vsys)
        result["uid_messages"] = sent.messages
        result["ignored"] = len(sent.ignored)
        if sent.failures:
            failed_register = {f.ip for f in sent.failures if f.section == "register"}
            failed_unregister = {f.ip for f in sent.failures if f.section == "unregister"}
            result["failed_entries"] = [{"ip": f.ip, "section": f.section, "message": f.message}
                                        for f in sent.failures]
            result["registered"] = [ip for ip in result["registered"] if ip not in failed_register]
            result["unregistered"] = [ip for ip in result["unregistered"] if ip not in failed_unregister]
            result["changed"] = bool(result["registered"] or result["unregistered"])
            after = {tag: set(ips_) for tag, ips_ in todo.after.items()}
            for ip in failed_register:
                for tag in todo.register.get(ip, []):
                    after[tag].discard(ip)
            for ip in failed_unregister:
                for tag in todo.unregister.get(ip, []):
                    after[tag].add(ip)
            result["diff"]["after"] = {tag: sorted(v, key=ip_sort_key) for tag, v in after.items()}
    result["api_calls"] = conn.api_calls
    return result


def failure_message(failed: List[Mapping[str, str]], limit: int = 10) -> str:
    """One line naming the entries the firewall rejected."""
    shown = ["%s (%s): %s" % (f["ip"], f.get("section", ""), f["message"]) for f in failed[:limit]]
    more = " and %d more" % (len(failed) - limit) if len(failed) > limit else ""
    return ("the firewall rejected %d entr%s: %s%s (the other changes were applied; see 'failed_entries')"
            % (len(failed), "y" if len(failed) == 1 else "ies", "; ".join(shown), more))
