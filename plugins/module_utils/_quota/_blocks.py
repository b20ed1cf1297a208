# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Quota block state on the firewall: read it (quota_block_facts) and apply an evaluation (quota_block).

IP blocks are the quota tag plus its until-tag (``_state._until``), registered with the native
timeout, planned and written by the desired-set engine; group blocks are the source-users of
the deny rule (``_rule``), written through a ChangeSet. :func:`apply` reads the registrations
of the tag once and the rule once, then writes only the difference: one batched set of
uid-messages, one rule write (edit, or delete when no group stays blocked), a partial commit
of this admin's changes. Plain Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Set

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._config._store import entry_as_dict
from ansible_collections.tagwarden.panos.plugins.module_utils._desired import _engine as engine
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._address import check_ip, ip_sort_key
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import format_firewall_time, parse_firewall_time
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import (
    ApplyFailed,
    FirewallError,
    invalid_input,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import MAX_TAG_LENGTH, MAX_TAG_TIMEOUT
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._release import encode_rule_description
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import deny_rule, rule_groups, rule_problems
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement, place
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SECURITY_RULE, keyword_problems
from ansible_collections.tagwarden.panos.plugins.module_utils._state._until import (
    UNTIL_SUFFIX_LENGTH,
    is_until_tag,
    until_by_holder,
    until_tag,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._registrations import (
    DEFAULT_CHUNK_SIZE,
    TagWriter,
    read_registered,
)

COMMIT_DESCRIPTION = "tagwarden.panos quota_block"


def _times(state: Mapping[str, Optional[datetime]]) -> Dict[str, Optional[str]]:
    return {name: format_firewall_time(until) if until else None for name, until in state.items()}


def ip_blocks(registrations: Mapping[str, Set[str]], tag: str) -> Dict[str, Optional[datetime]]:
    """``{ip: until}`` (None: no companion tag, not ours) for IPs holding ``tag``, in address order."""
    state = until_by_holder(registrations, tag)
    return {ip: state[ip] for ip in sorted(state, key=ip_sort_key)}


class BlockState(NamedTuple):
    """What the firewall holds of the blocks, read once: its clock, the registrations of the tag
    (each IP with all its tags) and the deny rule (None when absent)."""

    now: datetime
    registrations: Dict[str, Set[str]]
    rule: Optional[ET.Element]


def read_state(conn: Connection, tag: str = "quota", rule_name: str = "BlockQuota", vsys: Optional[str] = "vsys1",
               now: Optional[datetime] = None) -> BlockState:
    """Read the blocks; ``now``: the firewall's clock if this run has read it already."""
    rule = conn.config("get", SECURITY_RULE.xpath(rule_name, vsys)).find("./result/entry")
    return BlockState(now or conn.clock(), read_registered(conn, [tag], vsys), rule)


def blocked(conn: Connection, state: BlockState, tag: str, rule_name: str) -> Dict[str, Dict[str, Optional[datetime]]]:
    """``{"ips": {ip: until}, "groups": {group: until}}`` (None: not ours / no time)."""
    try:
        groups = rule_groups(state.rule)
    except ValueError as exc:
        raise FirewallError("rule %s on %s: %s" % (rule_name, conn.where, exc), kind="malformed")
    return {"ips": ip_blocks(state.registrations, tag), "groups": groups}


def block_facts(conn: Connection, tag: str = "quota", rule_name: str = "BlockQuota",
                vsys: Optional[str] = "vsys1") -> Dict[str, Any]:
    """The quota_block_facts module: ``blocked`` {ips, groups}, ``firewall_time``, ``api_calls``."""
    state = read_state(conn, tag, rule_name, vsys)
    found = blocked(conn, state, tag, rule_name)
    return {"blocked": {"ips": _times(found["ips"]), "groups": _times(found["groups"])},
            "firewall_time": format_firewall_time(state.now), "api_calls": conn.api_calls}


class Wanted(NamedTuple):
    """quota_block's inputs, checked: the blocks in force after this run."""

    now: datetime
    block: Dict[str, datetime]  # ip -> until
    release: List[str]
    groups: Dict[str, Optional[datetime]]  # the complete set of blocked groups
    description: str


def _until(value: Any, where: str, problems: List[str]) -> Optional[datetime]:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    try:
        return parse_firewall_time(str(value))
    except ValueError as exc:
        problems.append("%s: %s" % (where, exc))
        return None


def _block_ips(block_ips: Sequence[Any], problems: List[str]) -> Dict[str, datetime]:
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
    return block


def _release_ips(release_ips: Sequence[Any], block: Mapping[str, datetime], problems: List[str]) -> List[str]:
    release = []  # type: List[str]
    for index, value in enumerate(release_ips):
        ip, problem = check_ip(value)
        if problem:
            problems.append("release_ips item %d: %s" % (index + 1, problem))
        elif ip in block:
            problems.append("release_ips item %d: %s is also in block_ips" % (index + 1, ip))
        elif ip not in release:
            release.append(ip or "")
    return release


def validate(tag: str, block_ips: Sequence[Any], release_ips: Sequence[Any], groups: Mapping[str, Any], now: Any,
             rule_name: str, placement: Placement, rule_action: str, chunk_size: int) -> Wanted:
    """Every problem in one ValidationError; else the checked inputs."""
    problems = []  # type: List[str]
    moment = _until(now, "now", problems)
    if moment is None and not problems:
        problems.append("now: give the firewall time, YYYY/MM/DD HH:MM:SS (quota_block_facts returns firewall_time)")
    if not tag or len(tag) + UNTIL_SUFFIX_LENGTH > MAX_TAG_LENGTH:
        problems.append("tag: %r must be 1 to %d characters so that its until-tag fits the %d PAN-OS allows"
                        % (tag, MAX_TAG_LENGTH - UNTIL_SUFFIX_LENGTH, MAX_TAG_LENGTH))
    block = _block_ips(block_ips, problems)
    release = _release_ips(release_ips, block, problems)
    wanted = {str(name): _until(until, "groups[%r]" % name, problems) for name, until in (groups or {}).items()}
    problems.extend("groups: %s" % p for p in keyword_problems(list(wanted)))
    description = ""
    try:
        description = encode_rule_description(wanted) if wanted else ""
    except ValueError as exc:
        problems.append("groups: %s" % exc)
    problems.extend(rule_problems(rule_name, placement, rule_action))
    if chunk_size < 1:
        problems.append("chunk_size: %s must be at least 1" % chunk_size)
    if problems or moment is None:
        raise invalid_input(problems)
    return Wanted(moment, block, release, wanted, description)


def timeout_for(until: datetime, now: datetime) -> int:
    """Seconds from ``now`` to ``until``, kept within what PAN-OS accepts (1 s to 30 days)."""
    return int(min(MAX_TAG_TIMEOUT, max(1, (until - now).total_seconds())))


def plan_ips(current: Mapping[str, Set[str]], tag: str, block: Mapping[str, datetime], release: Sequence[str],
             now: datetime) -> engine.Plan:
    """The registrations that make the tags match the blocks.

    A blocked IP gets the tag and its until-tag with the seconds left; an IP blocked by us with
    another end loses the old tags in the same message (removals come first), so the tag's
    timeout is set anew. A released IP loses the tag and every until-tag of it that it holds.
    """
    present = {}  # type: Dict[str, Dict[str, Optional[int]]]
    for ip, until in block.items():
        seconds = timeout_for(until, now)
        present[ip] = {tag: seconds, until_tag(tag, until): seconds}
    return engine.plan(current, present=present, absent=dict.fromkeys(release),
                       in_scope=lambda name: name == tag or is_until_tag(tag, name), replace=True)


def apply(conn: Connection, tag: str = "quota", block_ips: Sequence[Any] = (), release_ips: Sequence[Any] = (),
          groups: Optional[Mapping[str, Any]] = None, now: Any = None, rule_name: str = "BlockQuota",
          rule_location: str = "top", rule_existing: Optional[str] = None, rule_from: Sequence[str] = ("any",),
          rule_to: Sequence[str] = ("any",), rule_destination: Sequence[str] = ("any",), rule_action: str = "deny",
          commit: bool = True, commit_admin: Optional[str] = None, chunk_size: int = DEFAULT_CHUNK_SIZE,
          vsys: Optional[str] = "vsys1", check_mode: bool = False, state: Optional[BlockState] = None) -> Dict[str, Any]:
    """The quota_block module. Raises ValidationError before any request, FirewallError while
    reading, ApplyFailed (with the result so far) once writing has begun. ``state``: the blocks as
    already read in this run (see :func:`read_state`), so that they are not read twice."""
    placement = Placement(rule_location, rule_existing)
    wanted = validate(tag, block_ips, release_ips, groups or {}, now, rule_name, placement, rule_action, chunk_size)
    changes = ChangeSet(conn, vsys=vsys, check_mode=check_mode, commit=commit, admin=commit_admin,
                        description=COMMIT_DESCRIPTION)
    if state is None:
        current, rule = read_registered(conn, [tag], vsys), changes.current(SECURITY_RULE, rule_name)
    else:
        current, rule = state.registrations, state.rule
        changes.known(SECURITY_RULE, rule_name, rule)
    desired = None
    if wanted.groups:
        desired = deny_rule(rule_name, sorted(wanted.groups), wanted.description, rule_from, rule_to, rule_destination,
                            rule_action).as_object()
        changes.present(desired, then=lambda: place(conn, rule_name, placement, vsys))
    else:
        changes.absent(SECURITY_RULE, rule_name)
    before_groups = rule_groups(rule, strict=False)
    todo = plan_ips(current, tag, wanted.block, wanted.release, wanted.now)
    result = {
        "groups_blocked": sorted(set(wanted.groups) - set(before_groups)),
        "groups_released": sorted(set(before_groups) - set(wanted.groups)),
        "rule": "absent" if desired is None else "present",
        "rule_change": changes.changes[0].action if changes.changes else None,
        "committed": False,
        "changed": todo.changed or changes.changed,
        "registered": sorted(todo.add, key=ip_sort_key),
        "unregistered": sorted(todo.remove, key=ip_sort_key),
        "failed_entries": [],
    }  # type: Dict[str, Any]
    writer = None if check_mode else TagWriter(conn, vsys, chunk_size=chunk_size)
    try:
        outcome = engine.run(current, todo, writer, lambda held: _times(ip_blocks(held, tag)), order=ip_sort_key)
        _book(result, outcome, rule, desired.element if desired is not None else None)
        commit_result = changes.apply()
        result["committed"] = bool(commit_result and commit_result["changed"])
    except FirewallError as exc:
        raise ApplyFailed(exc, _finish(conn, result))
    return _finish(conn, result)


def _book(result: Dict[str, Any], outcome: engine.Outcome, rule: Optional[ET.Element],
          desired: Optional[ET.Element]) -> None:
    """What the writes did: the IPs the firewall rejected move to failed_entries."""
    result.update(registered=outcome.added, unregistered=outcome.removed,
                  failed_entries=outcome.failed,
                  diff={"before": {"ips": outcome.before, "rule": entry_as_dict(rule)},
                        "after": {"ips": outcome.after, "rule": entry_as_dict(desired)}})


def _finish(conn: Connection, result: Dict[str, Any]) -> Dict[str, Any]:
    result["api_calls"] = conn.api_calls
    return result
