# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Quota blocks as the firewall holds them, read once (quota_block_info; quota_block and the cycle
before they write).

IP blocks are the quota tag plus its until-tag (``_state._until``) registered on the IP; group
blocks are the same two tags plus one group tag per blocked group (``_rule.group_tag``)
registered on each member of the group as User-ID user tags. Group blocks count only while the
running config holds the deny rule and the dynamic user group (one ``show`` of both). Blocks the
firewall ended by itself keep their bookkeeping a while (``_blocks.RELEASE_GRACE``): they are
:func:`lapsed`. Plain Python, no Ansible imports.
"""

from __future__ import annotations


import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Set

from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import DYNAMIC_USER_GROUP
from ansible_collections.tagwarden.panos.plugins.module_utils._config._store import ConfigStore
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._address import ip_sort_key
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import format_firewall_time
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import cmd
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import group_marker, group_until, is_group_tag
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SECURITY_RULE
from ansible_collections.tagwarden.panos.plugins.module_utils._state._until import (
    UNTIL_SUFFIX_LENGTH,
    is_until_tag,
    lapsed_by_holder,
    until_by_holder,
    until_index_tag,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._identity import parse_group_list, result_text
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._registrations import read_registered, read_registered_users


def as_times(state: Mapping[str, Optional[datetime]]) -> Dict[str, Optional[str]]:
    return {name: format_firewall_time(until) if until else None for name, until in state.items()}


def ip_blocks(registrations: Mapping[str, Set[str]], tag: str) -> Dict[str, Optional[datetime]]:
    """``{ip: until}`` (None: no companion tag, not ours) for IPs holding ``tag``, in address order."""
    state = until_by_holder(registrations, tag)
    return {ip: state[ip] for ip in sorted(state, key=ip_sort_key)}


class BlockState(NamedTuple):
    """What the firewall holds of the blocks, read once: its clock, the registrations of the tag
    (each IP with all its tags), every user's tags, the candidate entries of the deny rule and
    the dynamic user group (None when absent), and which of them the running config holds."""

    now: datetime
    registrations: Dict[str, Set[str]]
    users: Dict[str, Set[str]]
    rule: Optional[ET.Element]
    dug: Optional[ET.Element]
    running: Set[str]  # "rule", "dug"

    @property
    def enforced(self) -> bool:
        """Whether the running config holds the rule and the DUG (group blocks are in force)."""
        return self.running == {"rule", "dug"}


def _running(conn: Connection, rule_name: str, dug_name: str, vsys: Optional[str]) -> Set[str]:
    """One ``show`` (running config) of the rule and the DUG: which of them are in force."""
    try:
        root = conn.config("show", SECURITY_RULE.xpath(rule_name, vsys) + "|" + DYNAMIC_USER_GROUP.xpath(dug_name, vsys))
    except FirewallError as exc:
        if exc.kind == "panos" and exc.code in (None, "7"):
            return set()
        raise
    found = set()
    for entry in root.iter("entry"):
        if entry.find("filter") is not None and entry.get("name") == dug_name:
            found.add("dug")
        elif entry.find("action") is not None and entry.get("name") == rule_name:
            found.add("rule")
    return found


def read_state(conn: Connection, tag: str = "quota", rule_name: str = "BlockQuota", vsys: Optional[str] = "vsys1",
               now: Optional[datetime] = None, dug_name: str = "quota-users") -> BlockState:
    """Read the blocks; ``now``: the firewall's clock if this run has read it already."""
    found = ConfigStore(conn, vsys).read([(SECURITY_RULE, rule_name), (DYNAMIC_USER_GROUP, dug_name)])
    registrations = read_registered(conn, [tag, until_index_tag(tag)], vsys)
    return BlockState(now or conn.clock(), registrations, read_registered_users(conn, vsys),
                      found[(SECURITY_RULE, rule_name)], found[(DYNAMIC_USER_GROUP, dug_name)],
                      _running(conn, rule_name, dug_name, vsys))


def ours(tag: str, name: str) -> bool:
    return name == tag or is_until_tag(tag, name) or is_group_tag(tag, name)


def ours_on_ips(tag: str, name: str) -> bool:
    return name == tag or is_until_tag(tag, name) or name == until_index_tag(tag)


def _group_markers(users: Mapping[str, Set[str]], tag: str, holding: bool) -> Dict[str, datetime]:
    """``{marker: latest until}`` of the group tags on the users that hold ``tag`` (``holding``)
    or that do not."""
    by_marker = {}  # type: Dict[str, datetime]
    for tags in users.values():
        if (tag in tags) != holding:
            continue
        for name in tags:
            until = group_until(tag, name)
            if until is not None:
                marker = name[:len(name) - UNTIL_SUFFIX_LENGTH]
                by_marker[marker] = max(until, by_marker.get(marker, until))
    return by_marker


def group_blocks(users: Mapping[str, Set[str]], tag: str, names: Sequence[str] = (),
                 keep_unknown: bool = False) -> Dict[str, datetime]:
    """``{group: until}`` from the user tags: a group is blocked while a member holds ``tag``
    and the group's tag. Group tags are hashes of the names: ``names`` are the groups known; a
    group tag of none of them is listed as its marker (``quota.g.<hash>``) with
    ``keep_unknown``, else left out (the group is gone, so its tags are released)."""
    return _named(_group_markers(users, tag, holding=True), tag, names, keep_unknown)


def _named(by_marker: Mapping[str, datetime], tag: str, names: Sequence[str], keep_unknown: bool) -> Dict[str, datetime]:
    known = {group_marker(tag, name): name for name in names}
    found = {}  # type: Dict[str, datetime]
    for marker, until in by_marker.items():
        if marker in known or keep_unknown:
            found[known.get(marker, marker)] = until
    return dict(sorted(found.items()))


def blocked(conn: Connection, state: BlockState, tag: str, rule_name: str,
            names: Sequence[str] = ()) -> Dict[str, Dict[str, Optional[datetime]]]:
    """``{"ips": {ip: until}, "groups": {group: until}}`` (None: not ours / no time) for the
    groups ``names``. Group blocks count only while the running config enforces them."""
    groups = group_blocks(state.users, tag, names) if state.enforced else {}
    return {"ips": ip_blocks(state.registrations, tag), "groups": dict(groups)}


def lapsed(state: BlockState, tag: str, names: Sequence[str] = ()) -> Dict[str, Dict[str, datetime]]:
    """``{"ips": {ip: until}, "groups": {group: until}}``: the blocks the firewall ended by itself
    whose bookkeeping is still there (an IP with an until-tag and no ``tag``; a group whose tags
    are left only on users without ``tag``). A group none of ``names`` is named by its marker."""
    active = _group_markers(state.users, tag, holding=True)
    ended = {marker: until for marker, until in _group_markers(state.users, tag, holding=False).items()
             if marker not in active}
    groups = _named(ended, tag, names, keep_unknown=True) if state.enforced else {}
    return {"ips": lapsed_by_holder(state.registrations, tag), "groups": groups}


def known_groups(conn: Connection, vsys: Optional[str] = "vsys1") -> List[str]:
    """The group names User-ID lists (one request), to name blocked groups by their tags."""
    return parse_group_list(result_text(conn.op(cmd("show", "user", "group", "list"), vsys)))


def block_info(conn: Connection, tag: str = "quota", rule_name: str = "BlockQuota",
               vsys: Optional[str] = "vsys1", dug_name: str = "quota-users") -> Dict[str, Any]:
    """The quota_block_info module: ``blocked`` {ips, groups}, ``groups_enforced``,
    ``firewall_time``, ``api_calls``. Groups User-ID no longer lists appear as their tag; a group
    whose end has passed is not listed (its members may still be denied through another group)."""
    state = read_state(conn, tag, rule_name, vsys, dug_name=dug_name)
    names = known_groups(conn, vsys) if state.enforced and group_blocks(state.users, tag, keep_unknown=True) else []
    groups = group_blocks(state.users, tag, names, keep_unknown=True) if state.enforced else {}
    groups = {group: until for group, until in groups.items() if until > state.now}
    return {"blocked": {"ips": as_times(ip_blocks(state.registrations, tag)), "groups": as_times(dict(groups))},
            "groups_enforced": state.enforced, "firewall_time": format_firewall_time(state.now),
            "api_calls": conn.api_calls}
