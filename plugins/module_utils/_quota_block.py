# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Quota block state on the firewall: read it (quota_block_facts) and apply an evaluation (quota_block).

IP blocks are the quota tag plus its companion until-tag, registered with the native timeout;
group blocks are the source-users of the deny rule, their release times in its description
(both encoded by ``_quota_state``). :func:`apply` reads the registrations of the tag once and
the rule once, then writes only the difference: one batched set of uid-messages, one rule
write (edit, or delete when no group stays blocked), a partial commit of this admin's changes.
Plain Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Set, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._connection import ApplyFailed, FirewallError, ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._dag_register import check_ip
from ansible_collections.tagwarden.panos.plugins.module_utils._quota_config import (
    RULE_ACTIONS,
    apply_entry,
    entry_as_dict,
    keyword_problems,
    location_problems,
    move_rule,
    pending_for,
    read_entry,
    rule_xpath,
    rules_xpath,
    security_rule,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._quota_state import (
    block_state_from_tags,
    decode_rule_description,
    encode_rule_description,
    format_firewall_time,
    parse_firewall_time,
    parse_until_tag,
    until_tag,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._userid import (
    DEFAULT_CHUNK_SIZE,
    build_uid_messages,
    ip_sort_key,
    read_registered,
    send_uid_messages,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._xml import XPathQuoteError, xpath_literal

MAX_TIMEOUT = 2592000  # seconds, the longest tag timeout PAN-OS accepts
MAX_TAG_LENGTH = 127
COMMIT_DESCRIPTION = "tagwarden.panos quota_block"


def _times(state: Mapping[str, Optional[datetime]]) -> Dict[str, Optional[str]]:
    return {name: format_firewall_time(until) if until else None for name, until in state.items()}


def ip_blocks(registrations: Mapping[str, Set[str]], tag: str) -> Dict[str, Optional[datetime]]:
    """``{ip: until}`` (None: no companion tag, not ours) for IPs holding ``tag``, in address order."""
    state = block_state_from_tags(registrations, tag)
    return {ip: state[ip] for ip in sorted(state, key=ip_sort_key)}


def rule_groups(entry: Optional[ET.Element], strict: bool = True) -> Dict[str, Optional[datetime]]:
    """``{group: release time}`` from the rule's source-users and description (None: no time).

    ``strict``: a damaged description raises ValueError; otherwise its times are dropped.
    """
    if entry is None:
        return {}
    try:
        releases = decode_rule_description(entry.findtext("description"))
    except ValueError:
        if strict:
            raise
        releases = {}
    names = [m.text or "" for m in entry.findall("source-user/member")]
    return {name: releases.get(name) for name in names if not keyword_problems([name])}


class BlockState(NamedTuple):
    """What the firewall holds of the blocks, read once: its clock, the registrations of the tag
    (each IP with all its tags) and the deny rule (None when absent)."""

    now: datetime
    registrations: Dict[str, Set[str]]
    rule: Optional[ET.Element]


def read_state(conn: Any, tag: str = "quota", rule_name: str = "BlockQuota", vsys: Optional[str] = "vsys1",
               now: Optional[datetime] = None) -> BlockState:
    """Read the blocks; ``now``: the firewall's clock if this run has read it already."""
    return BlockState(now or conn.clock(), read_registered(conn, [tag], vsys), read_entry(conn, rule_xpath(rule_name, vsys)))


def blocked(conn: Any, state: BlockState, tag: str, rule_name: str) -> Dict[str, Dict[str, Optional[str]]]:
    """``{"ips": {ip: until}, "groups": {group: until}}`` (firewall time strings; None: not ours / no time)."""
    try:
        groups = rule_groups(state.rule)
    except ValueError as exc:
        raise FirewallError("rule %s on %s: %s" % (rule_name, conn.where, exc), kind="malformed")
    return {"ips": _times(ip_blocks(state.registrations, tag)), "groups": _times(groups)}


def block_facts(conn: Any, tag: str = "quota", rule_name: str = "BlockQuota", vsys: Optional[str] = "vsys1") -> Dict[str, Any]:
    """The quota_block_facts module: ``blocked`` {ips, groups}, ``firewall_time``, ``api_calls``."""
    state = read_state(conn, tag, rule_name, vsys)
    return {"blocked": blocked(conn, state, tag, rule_name), "firewall_time": format_firewall_time(state.now),
            "api_calls": conn.api_calls}


def _until(value: Any, where: str, problems: List[str]) -> Optional[datetime]:
    if value is None or value == "":
        return None
    try:
        return parse_firewall_time(str(value))
    except ValueError as exc:
        problems.append("%s: %s" % (where, exc))
        return None


def validate(tag: str, block_ips: Sequence[Any], release_ips: Sequence[Any], groups: Mapping[str, Any], now: Any,
             rule_name: str, rule_location: str, rule_existing: Optional[str], rule_action: str,
             chunk_size: int) -> Dict[str, Any]:
    """Every problem in one ValidationError; else the inputs as ``{now, block, release, groups, description}``."""
    problems = []  # type: List[str]
    moment = _until(now, "now", problems)
    if moment is None and not problems:
        problems.append("now: give the firewall time, YYYY/MM/DD HH:MM:SS (quota_block_facts returns firewall_time)")
    if not tag or len(until_tag(tag, datetime(2000, 1, 1))) > MAX_TAG_LENGTH:
        problems.append("tag: %r must be 1 to %d characters so that its until-tag fits the %d PAN-OS allows"
                        % (tag, MAX_TAG_LENGTH - len(until_tag("", datetime(2000, 1, 1))), MAX_TAG_LENGTH))
    block = {}  # type: Dict[str, datetime]
    for index, item in enumerate(block_ips):
        where = "block_ips item %d" % (index + 1)
        if not isinstance(item, Mapping) or "ip" not in item or not item.get("until"):
            problems.append("%s: %r needs ip and until (YYYY/MM/DD HH:MM:SS)" % (where, item))
            continue
        ip, problem = check_ip(item["ip"])
        until = _until(item["until"], where, problems)
        if problem:
            problems.append("%s: %s" % (where, problem))
        elif until is not None:
            block[ip or ""] = until
    release = []  # type: List[str]
    for index, value in enumerate(release_ips):
        ip, problem = check_ip(value)
        if problem:
            problems.append("release_ips item %d: %s" % (index + 1, problem))
        elif ip in block:
            problems.append("release_ips item %d: %s is also in block_ips" % (index + 1, ip))
        elif ip not in release:
            release.append(ip or "")
    wanted = {}  # type: Dict[str, Optional[datetime]]
    for name, until in (groups or {}).items():
        wanted[str(name)] = _until(until, "groups[%r]" % name, problems)
    problems.extend("groups: %s" % p for p in keyword_problems(list(wanted)))
    description = ""
    try:
        description = encode_rule_description(wanted) if wanted else ""
    except ValueError as exc:
        problems.append("groups: %s" % exc)
    try:
        xpath_literal(rule_name)
    except XPathQuoteError as exc:
        problems.append("rule_name: %s" % exc)
    problems.extend(location_problems(rule_location, rule_existing, rule_name, "rule_location"))
    if rule_action not in RULE_ACTIONS or rule_action == "allow":
        problems.append("rule_action: %r is not a blocking action (%s)" % (rule_action, ", ".join(RULE_ACTIONS[:-1])))
    if chunk_size < 1:
        problems.append("chunk_size: %s must be at least 1" % chunk_size)
    if problems:
        raise ValidationError("invalid input, nothing was sent to the firewall: " + " | ".join(problems))
    return {"now": moment, "block": block, "release": release, "groups": wanted, "description": description}


def timeout_for(until: datetime, now: datetime) -> int:
    """Seconds from ``now`` to ``until``, kept within what PAN-OS accepts (1 s to 30 days)."""
    return int(min(MAX_TIMEOUT, max(1, (until - now).total_seconds())))


def plan_ips(current: Mapping[str, Set[str]], tag: str, block: Mapping[str, datetime], release: Sequence[str],
             now: datetime) -> Tuple[Dict[str, Dict[str, int]], Dict[str, List[str]]]:
    """``(register {ip: {tag: timeout}}, unregister {ip: [tags]})`` that make the tags match.

    A blocked IP gets the tag and its until-tag with the seconds left; an IP blocked by us with
    another end loses the old tags in the same message (unregister comes first), so the tag's
    timeout is set anew. A released IP loses the tag and every until-tag of it that it holds.
    """
    register = {}  # type: Dict[str, Dict[str, int]]
    unregister = {}  # type: Dict[str, List[str]]
    for ip, until in block.items():
        held = current.get(ip, set())
        companion = until_tag(tag, until)
        stale = sorted(t for t in held if parse_until_tag(tag, t) is not None and t != companion)
        if stale:
            unregister[ip] = ([tag] if tag in held else []) + stale
            held = held - set(unregister[ip])
        missing = [t for t in (tag, companion) if t not in held]
        if missing:
            seconds = timeout_for(until, now)
            register[ip] = {t: seconds for t in missing}
    for ip in release:
        held = current.get(ip, set())
        ours = sorted(t for t in held if t == tag or parse_until_tag(tag, t) is not None)
        if ours:
            unregister[ip] = ours
    return register, unregister


def _after_ips(current: Mapping[str, Set[str]], tag: str, register: Mapping[str, Mapping[str, int]],
               unregister: Mapping[str, Sequence[str]]) -> Dict[str, Optional[datetime]]:
    after = {ip: set(tags) for ip, tags in current.items()}
    for ip, tags in unregister.items():
        after[ip] = after.get(ip, set()) - set(tags)
    for ip, more in register.items():
        after.setdefault(ip, set()).update(more)
    return ip_blocks(after, tag)


def apply(conn: Any, tag: str = "quota", block_ips: Sequence[Any] = (), release_ips: Sequence[Any] = (),
          groups: Optional[Mapping[str, Any]] = None, now: Any = None, rule_name: str = "BlockQuota",
          rule_location: str = "top", rule_existing: Optional[str] = None, rule_from: Sequence[str] = ("any",),
          rule_to: Sequence[str] = ("any",), rule_destination: Sequence[str] = ("any",), rule_action: str = "deny",
          commit: bool = True, commit_admin: Optional[str] = None, chunk_size: int = DEFAULT_CHUNK_SIZE,
          vsys: Optional[str] = "vsys1", check_mode: bool = False, state: Optional[BlockState] = None) -> Dict[str, Any]:
    """The quota_block module. Raises ValidationError before any request, FirewallError while
    reading, ApplyFailed (with the result so far) once writing has begun. ``state``: the blocks as
    already read in this run (see :func:`read_state`), so that they are not read twice."""
    wanted = validate(tag, block_ips, release_ips, groups or {}, now, rule_name, rule_location, rule_existing,
                      rule_action, chunk_size)
    xpath = rule_xpath(rule_name, vsys)
    if state is None:
        current, rule = read_registered(conn, [tag], vsys), read_entry(conn, xpath)
    else:
        current, rule = state.registrations, state.rule
    register, unregister = plan_ips(current, tag, wanted["block"], wanted["release"], wanted["now"])
    desired = None  # type: Optional[ET.Element]
    if wanted["groups"]:
        desired = security_rule(rule_name, rule_from, rule_to, ["any"], rule_destination, sorted(wanted["groups"]),
                                rule_action, wanted["description"])
    rule_change = None  # type: Optional[str]
    if desired is None and rule is not None:
        rule_change = "deleted"
    before_groups = rule_groups(rule, strict=False)
    result = {
        "changed": False,
        "registered": sorted(register, key=ip_sort_key),
        "unregistered": sorted(unregister, key=ip_sort_key),
        "groups_blocked": sorted(set(wanted["groups"]) - set(before_groups)),
        "groups_released": sorted(set(before_groups) - set(wanted["groups"])),
        "rule": "absent" if desired is None else "present",
        "rule_change": None,
        "committed": False,
        "failed_entries": [],
        "diff": {
            "before": {"ips": _times(ip_blocks(current, tag)), "rule": entry_as_dict(rule)},
            "after": {"ips": _times(_after_ips(current, tag, register, unregister)), "rule": entry_as_dict(desired)},
        },
    }  # type: Dict[str, Any]
    if desired is not None:
        rule_change = apply_entry(conn, rules_xpath(vsys), xpath, rule, desired, check_mode=True)
    # a pending change of ours (an earlier commit failed) or a pending deletion also needs a commit
    needs_commit = commit and (rule_change is not None or pending_for(rule, commit_admin)
                               or (rule is None and read_entry(conn, xpath, running=True) is not None))
    if needs_commit and not commit_admin:
        raise ValidationError("commit_admin: the rule %s must be committed, and with only provider.api_key the admin "
                              "whose changes to commit is unknown; give commit_admin (the admin that owns the API key) "
                              "or commit: false" % rule_name)
    result["rule_change"] = rule_change
    result["changed"] = bool(register or unregister or rule_change or needs_commit)
    if check_mode:
        return _finish(conn, result)
    try:
        if register or unregister:
            sent = send_uid_messages(conn, build_uid_messages(register, unregister, chunk_size=chunk_size), vsys)
            _record_failures(result, sent.failures, register, unregister)
        if rule_change == "deleted":
            conn.config("delete", xpath)
        elif rule_change is not None:
            apply_entry(conn, rules_xpath(vsys), xpath, rule, desired, check_mode=False)
            if rule_change == "created":
                move_rule(conn, xpath, rule_location, rule_existing)
        if needs_commit:
            result["committed"] = conn.commit_partial(commit_admin, COMMIT_DESCRIPTION)["changed"]
    except FirewallError as exc:
        raise ApplyFailed(exc, _finish(conn, result))
    return _finish(conn, result)


def _record_failures(result: Dict[str, Any], failures: Sequence[Any], register: Mapping[str, Any],
                     unregister: Mapping[str, Any]) -> None:
    """Move IPs the firewall rejected out of registered/unregistered and into failed_entries."""
    if not failures:
        return
    result["failed_entries"] = [f.as_dict() for f in failures]
    failed = {(f.section, f.ip) for f in failures}
    result["registered"] = [ip for ip in result["registered"] if ("register", ip) not in failed]
    result["unregistered"] = [ip for ip in result["unregistered"] if ("unregister", ip) not in failed]
    after = result["diff"]["after"]["ips"]
    for section, ip in failed:
        if section == "register" and ip in register:
            after.pop(ip, None)
        elif section == "unregister" and ip in unregister:
            after[ip] = result["diff"]["before"]["ips"].get(ip)
    result["diff"]["after"]["ips"] = dict(sorted(after.items(), key=lambda item: ip_sort_key(item[0])))


def _finish(conn: Any, result: Dict[str, Any]) -> Dict[str, Any]:
    result["api_calls"] = conn.api_calls
    return result
