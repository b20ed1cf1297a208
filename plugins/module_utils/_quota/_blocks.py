# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Quota block state on the firewall: read it (quota_block_info) and apply an evaluation (quota_block).

IP blocks are the quota tag plus its until-tag (``_state._until``) registered on the IP; group
blocks are the same two tags plus one group tag per blocked group (``_rule.group_tag``)
registered on each member of the group as User-ID user tags. Every tag carries the native
timeout, so every block ends on the firewall by itself. The block tag's timeout is the block's;
the bookkeeping (until-tags, group tags, and on IPs the fixed-name ``<tag>.until`` that one
filtered read finds) lasts :data:`RELEASE_GRACE` longer, so that the next cycle still sees a
block the firewall ended (:func:`lapsed`), reports its release and removes the bookkeeping.
Users with the tag are members of the dynamic user group that the permanent deny rule names as
source-user: no commit per block.
:func:`apply` reads the registrations (IP and user) once and the three config objects once,
writes only the difference through the desired-set engine (batched uid-messages) and, only when
the DUG or the rule had to be written or is not yet in the running config, one partial commit
of this admin's changes. Plain Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Set

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import DYNAMIC_USER_GROUP
from ansible_collections.tagwarden.panos.plugins.module_utils._config._store import ConfigStore
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
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import (
    dug_object,
    existing_rule_problem,
    group_marker,
    group_rule,
    group_tag,
    group_until,
    is_group_tag,
    rule_problems,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ownership import OWNER_TAG, is_owned, owner_tag_object
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement, place
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SECURITY_RULE, SecurityRule, keyword_problems
from ansible_collections.tagwarden.panos.plugins.module_utils._state._until import (
    UNTIL_SUFFIX_LENGTH,
    is_until_tag,
    lapsed_by_holder,
    until_by_holder,
    until_index_tag,
    until_tag,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._identity import group_members, parse_group_list, result_text
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._registrations import (
    DEFAULT_CHUNK_SIZE,
    TagWriter,
    UserTagWriter,
    read_registered,
    read_registered_users,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import cmd

COMMIT_DESCRIPTION = "tagwarden.panos quota_block"
#: Seconds the bookkeeping of a block outlives its block tag: a cycle that runs within an hour of
#: a block's end (60 missed cycles at a one-minute cadence, 3 at fifteen minutes) reports the
#: release; later, the firewall drops the bookkeeping by itself and the release goes unreported.
RELEASE_GRACE = 3600


def _times(state: Mapping[str, Optional[datetime]]) -> Dict[str, Optional[str]]:
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


def _ours(tag: str, name: str) -> bool:
    return name == tag or is_until_tag(tag, name) or is_group_tag(tag, name)


def _ours_on_ips(tag: str, name: str) -> bool:
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


def block_facts(conn: Connection, tag: str = "quota", rule_name: str = "BlockQuota",
                vsys: Optional[str] = "vsys1", dug_name: str = "quota-users") -> Dict[str, Any]:
    """The quota_block_info module: ``blocked`` {ips, groups}, ``groups_enforced``,
    ``firewall_time``, ``api_calls``. Groups User-ID no longer lists appear as their tag; a group
    whose end has passed is not listed (its members may still be denied through another group)."""
    state = read_state(conn, tag, rule_name, vsys, dug_name=dug_name)
    names = known_groups(conn, vsys) if state.enforced and group_blocks(state.users, tag, keep_unknown=True) else []
    groups = group_blocks(state.users, tag, names, keep_unknown=True) if state.enforced else {}
    groups = {group: until for group, until in groups.items() if until > state.now}
    return {"blocked": {"ips": _times(ip_blocks(state.registrations, tag)), "groups": _times(dict(groups))},
            "groups_enforced": state.enforced, "firewall_time": format_firewall_time(state.now),
            "api_calls": conn.api_calls}


class Wanted(NamedTuple):
    """quota_block's inputs, checked: the blocks in force after this run."""

    now: Optional[datetime]  # None: the firewall's clock, read with the state
    block: Dict[str, datetime]  # ip -> until
    release: List[str]
    groups: Optional[Dict[str, datetime]]  # the complete set of blocked groups; None: leave them
    refused: Dict[str, str]  # group -> why it cannot be blocked


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


def validate(tag: str, block_ips: Sequence[Any], release_ips: Sequence[Any], groups: Optional[Mapping[str, Any]],
             now: Any, rule_name: str, placement: Placement, rule_action: str, chunk_size: int,
             dug_name: str = "quota-users") -> Wanted:
    """Every problem in one ValidationError; else the checked inputs. A group that cannot be
    blocked (a PAN-OS keyword, an empty name) is refused on its own, in ``refused``."""
    problems = []  # type: List[str]
    moment = _until(now, "now", problems)
    if not tag or len(tag) + UNTIL_SUFFIX_LENGTH > MAX_TAG_LENGTH:
        problems.append("tag: %r must be 1 to %d characters so that its until-tag fits the %d PAN-OS allows"
                        % (tag, MAX_TAG_LENGTH - UNTIL_SUFFIX_LENGTH, MAX_TAG_LENGTH))
    elif "'" in tag and '"' in tag:
        problems.append("tag: %r holds both quote kinds, which no filter can name" % tag)
    block = _block_ips(block_ips, problems)
    release = _release_ips(release_ips, block, problems)
    wanted = None  # type: Optional[Dict[str, datetime]]
    refused = {}  # type: Dict[str, str]
    if groups is not None:
        wanted = {}
        for name, value in groups.items():
            until = _until(value, "groups[%r]" % name, problems)
            refusal = keyword_problems([str(name)])
            if refusal:
                refused[str(name)] = refusal[0]
            elif until is not None:
                wanted[str(name)] = until
            elif value in (None, ""):
                problems.append("groups[%r]: give its release time, YYYY/MM/DD HH:MM:SS" % name)
    problems.extend(rule_problems(rule_name, placement, rule_action, dug_name, tag))
    if chunk_size < 1:
        problems.append("chunk_size: %s must be at least 1" % chunk_size)
    if problems:
        raise invalid_input(problems)
    return Wanted(moment, block, release, wanted, refused)


def timeout_for(until: datetime, now: datetime) -> int:
    """Seconds from ``now`` to ``until``, kept within what PAN-OS accepts (1 s to 30 days)."""
    return int(min(MAX_TAG_TIMEOUT, max(1, (until - now).total_seconds())))


def bookkeeping_timeout(until: datetime, now: datetime) -> int:
    """The timeout of a block's bookkeeping: the block's plus :data:`RELEASE_GRACE`, within 30 days."""
    return min(MAX_TAG_TIMEOUT, timeout_for(until, now) + RELEASE_GRACE)


def plan_ips(current: Mapping[str, Set[str]], tag: str, block: Mapping[str, datetime], release: Sequence[str],
             now: datetime) -> engine.Plan:
    """The registrations that make the tags match the blocks.

    A blocked IP gets the tag with the seconds left, its until-tag and the index tag
    ``<tag>.until`` with :data:`RELEASE_GRACE` more; an IP blocked by us with another end loses
    the old tags in the same message (removals come first), so the tag's timeout is set anew. A
    released IP loses the tag, the index tag and every until-tag of it that it holds.
    """
    present = {}  # type: Dict[str, Dict[str, Optional[int]]]
    index = until_index_tag(tag)
    for ip, until in block.items():
        kept = bookkeeping_timeout(until, now)
        present[ip] = {tag: timeout_for(until, now), until_tag(tag, until): kept, index: kept}
    return engine.plan(current, present=present, absent=dict.fromkeys(release),
                       in_scope=lambda name: _ours_on_ips(tag, name), replace=True)


def plan_users(current: Mapping[str, Set[str]], tag: str, groups: Mapping[str, datetime],
               members: Mapping[str, Sequence[str]], now: datetime) -> engine.Plan:
    """The user tags that make the group blocks match ``groups`` (the complete set).

    A member of blocked groups holds the tag and its until-tag for the latest end among them,
    and one group tag per group with that group's end, the tag with its seconds left, the others
    with :data:`RELEASE_GRACE` more (the bookkeeping that tells a block's end); a changed
    end replaces the old tags in the same message (the timeout starts anew). A user holding
    tags of ours and no longer in a blocked group loses them; a user holding only ``tag`` (not
    ours: no until-tag, no group tag) is left alone.
    """
    present = {}  # type: Dict[str, Dict[str, Optional[int]]]
    latest = {}  # type: Dict[str, datetime]
    for group, until in groups.items():
        for user in members.get(group, ()):
            present.setdefault(user, {})[group_tag(tag, group, until)] = bookkeeping_timeout(until, now)
            latest[user] = max(until, latest.get(user, until))
    for user, until in latest.items():
        present[user].update({tag: timeout_for(until, now), until_tag(tag, until): bookkeeping_timeout(until, now)})
    absent = {user: None for user, tags in current.items()
              if user not in present and any(name != tag and _ours(tag, name) for name in tags)}
    return engine.plan(current, present=present, absent=absent, in_scope=lambda name: _ours(tag, name), replace=True)


def _user_view(held: Mapping[str, Set[str]], tag: str) -> Dict[str, List[str]]:
    return {user: sorted(name for name in tags if _ours(tag, name)) for user, tags in sorted(held.items())
            if any(_ours(tag, name) for name in tags)}


def apply(conn: Connection, tag: str = "quota", block_ips: Sequence[Any] = (), release_ips: Sequence[Any] = (),
          groups: Optional[Mapping[str, Any]] = None, now: Any = None, rule_name: str = "BlockQuota",
          rule_location: str = "top", rule_existing: Optional[str] = None, rule_from: Sequence[str] = ("any",),
          rule_to: Sequence[str] = ("any",), rule_destination: Sequence[str] = ("any",), rule_action: str = "deny",
          commit: bool = True, commit_admin: Optional[str] = None, chunk_size: int = DEFAULT_CHUNK_SIZE,
          vsys: Optional[str] = "vsys1", check_mode: bool = False, state: Optional[BlockState] = None,
          dug_name: str = "quota-users", rule_log_setting: Optional[str] = None, rule_log_end: bool = True,
          rule_tags: Sequence[str] = (), members: Optional[Mapping[str, Sequence[str]]] = None,
          bootstrap: bool = False, commit_pending: bool = False) -> Dict[str, Any]:
    """The quota_block module. ``groups``: the complete set of blocked groups (None: leave the
    group blocks as they are); ``members``: their users (None: read from User-ID); ``now``:
    the firewall's time (None: read its clock); ``bootstrap``: create the DUG and the rule now,
    even with no group to block; ``commit_pending``: commit this
    admin's changes even when this run changes nothing (an earlier task wrote with commit false).

    Raises ValidationError before any write (bad input, or a rule_name held by a rule that is
    not ours), FirewallError while reading, ApplyFailed (with the result so far) once writing
    has begun. ``state``: the blocks as already read in this run (see :func:`read_state`)."""
    placement = Placement(rule_location, rule_existing)
    wanted = validate(tag, block_ips, release_ips, groups, now, rule_name, placement, rule_action, chunk_size, dug_name)
    changes = ChangeSet(conn, vsys=vsys, check_mode=check_mode, commit=commit, admin=commit_admin,
                        description=COMMIT_DESCRIPTION)
    changes.pending = commit_pending
    if state is None:
        state = read_state(conn, tag, rule_name, vsys, wanted.now, dug_name)
    problem = existing_rule_problem(state.rule, rule_name, dug_name)
    if state.dug is not None and not is_owned(state.dug):
        problem = problem or ("dug_name: dynamic user group %r exists and is not managed by tagwarden.panos (no %s tag); "
                              "nothing was changed. Choose another dug_name" % (dug_name, OWNER_TAG))
    if problem:
        raise invalid_input([problem])
    changes.known(SECURITY_RULE, rule_name, state.rule)
    changes.known(DYNAMIC_USER_GROUP, dug_name, state.dug)
    refused = dict(wanted.refused)
    blocking = {}  # type: Dict[str, datetime]
    if wanted.groups:
        if members is None:
            members = group_members(conn, sorted(wanted.groups), vsys)
        for group, until in wanted.groups.items():
            if members.get(group):
                blocking[group] = until
            else:
                refused[group] = "no members known to User-ID: nobody to block"
    before = group_blocks(state.users, tag, _names(conn, state, tag, wanted.groups, members, vsys))
    if blocking or bootstrap or state.rule is not None or state.dug is not None:
        _ensure_group_rule(conn, changes, state, rule_name, dug_name, tag, placement, vsys, group_rule(
            rule_name, dug_name, rule_from, rule_to, rule_destination, rule_action, rule_log_setting, rule_log_end,
            rule_tags))
    users_todo = None if wanted.groups is None else plan_users(state.users, tag, blocking, members or {}, state.now)
    todo = plan_ips(state.registrations, tag, wanted.block, wanted.release, state.now)
    result = {
        "groups_blocked": sorted(set(blocking) - set(before)),
        "groups_released": [] if wanted.groups is None else sorted(set(before) - set(blocking)),
        "groups_refused": [{"group": group, "reason": reason} for group, reason in sorted(refused.items())],
        "warnings": ["group %s cannot be blocked: %s" % (group, reason) for group, reason in sorted(refused.items())],
        "rule": "present" if state.rule is not None or changes.labels("created") else "absent",
        "rule_change": next((c.action for c in changes.changes if c.kind is SECURITY_RULE), None),
        "committed": False,
        "enforced": state.enforced,
        "changed": todo.changed or changes.changed or bool(users_todo and users_todo.changed),
        "registered": sorted(todo.add, key=ip_sort_key),
        "unregistered": sorted(todo.remove, key=ip_sort_key),
        "users_tagged": [],
        "users_untagged": [],
        "failed_entries": [],
    }  # type: Dict[str, Any]
    try:
        # addresses first (they need no config); user tags only once the rule and the DUG are written
        outcome = engine.run(state.registrations, todo, None if check_mode else TagWriter(conn, vsys, chunk_size=chunk_size),
                             lambda held: _times(ip_blocks(held, tag)), order=ip_sort_key)
        _book(result, outcome, None, changes)
        commit_result = changes.apply()
        result["committed"] = bool(commit_result and commit_result["changed"])
        result["enforced"] = state.enforced or result["committed"]
        users = engine.run(state.users, users_todo or engine.Plan({}, {}, 0),
                           None if check_mode else UserTagWriter(conn, vsys, chunk_size=chunk_size),
                           lambda held: _user_view(held, tag))
        _book(result, outcome, users, changes)
    except FirewallError as exc:
        raise ApplyFailed(exc, _finish(conn, result))
    if not result["enforced"] and (blocking or before):
        result["warnings"].append("the deny rule %s and dynamic user group %s are not in the running config: group "
                                  "blocks are not in force until they are committed%s"
                                  % (rule_name, dug_name, "" if commit else " (commit: false)"))
    return _finish(conn, result)


def _names(conn: Connection, state: BlockState, tag: str, groups: Optional[Mapping[str, Any]],
           members: Optional[Mapping[str, Any]], vsys: Optional[str]) -> List[str]:
    """The group names that may be blocked now: those given, and when a group tag is none of
    theirs and blocks change, those User-ID lists (one request), to name the groups released."""
    names = sorted(set(groups or ()) | set(members or ()))
    markers = {group_marker(tag, name) for name in names}
    if groups is not None and any(m not in markers for m in group_blocks(state.users, tag, keep_unknown=True)):
        names.extend(known_groups(conn, vsys))
    return names


def _ensure_group_rule(conn: Connection, changes: ChangeSet, state: BlockState, rule_name: str, dug_name: str,
                       tag: str, placement: Placement, vsys: Optional[str], rule: SecurityRule) -> None:
    """Plan the DUG and the rule as they must be (the owner tag first when one of them is new),
    and a commit when they are not yet in the running config."""
    if state.rule is None or state.dug is None:
        changes.present(owner_tag_object())
    changes.present(dug_object(dug_name, tag))
    changes.present(rule.as_object(), then=lambda: place(conn, rule_name, placement, vsys))
    if changes.commit and not state.enforced:
        changes.pending = True  # in the candidate only (an earlier commit failed): commit it now


def _book(result: Dict[str, Any], outcome: engine.Outcome, users: Optional[engine.Outcome], changes: ChangeSet) -> None:
    """What the writes did (``users``: None before the user tags are written): the entries the
    firewall rejected move to failed_entries."""
    diff = changes.diff()
    result.update(registered=outcome.added, unregistered=outcome.removed, failed_entries=list(outcome.failed),
                  diff={"before": {"ips": outcome.before, "config": diff["before"]},
                        "after": {"ips": outcome.after, "config": diff["after"]}})
    if users is not None:
        result.update(users_tagged=users.added, users_untagged=users.removed)
        result["failed_entries"].extend(users.failed)
        result["diff"]["before"]["users"] = users.before
        result["diff"]["after"]["users"] = users.after


def _finish(conn: Connection, result: Dict[str, Any]) -> Dict[str, Any]:
    result["api_calls"] = conn.api_calls
    return result
