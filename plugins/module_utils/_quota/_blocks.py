# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apply a quota evaluation on the firewall (quota_block, and the cycle's last step).

Every tag carries the native timeout, so every block ends on the firewall by itself. The block
tag's timeout is the block's; the bookkeeping (until-tags, group tags, and on IPs the fixed-name
``<tag>.until`` that one filtered read finds) lasts :data:`RELEASE_GRACE` longer, so that the next
cycle still sees a block the firewall ended (``_blockstate.lapsed``), reports its release and
removes the bookkeeping. Users with the tag are members of the dynamic user group that the
permanent deny rule names as source-user: no commit per block.
:func:`apply` reads the registrations (IP and user) once and the three config objects once
(``_blockstate.read_state``), writes only the difference through the desired-set engine (batched
uid-messages) and, only when the DUG or the rule had to be written or is not yet in the running
config, one partial commit of this admin's changes. Plain Python, no Ansible imports.
"""

from __future__ import annotations


from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Set, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import DYNAMIC_USER_GROUP
from ansible_collections.tagwarden.panos.plugins.module_utils._desired import _engine as engine
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._address import check_ip, ip_sort_key
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import parse_firewall_time
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ApplyFailed, FirewallError, invalid_input
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import MAX_TAG_LENGTH, MAX_TAG_TIMEOUT
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._blockstate import (
    BlockState,
    ours,
    ours_on_ips,
    as_times,
    group_blocks,
    ip_blocks,
    known_groups,
    read_state,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import (
    GroupRule,
    dug_object,
    existing_rule_problem,
    group_marker,
    group_tag,
    rule_problems,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ownership import OWNER_TAG, is_owned, owner_tag_object
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import place
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SECURITY_RULE, keyword_problems
from ansible_collections.tagwarden.panos.plugins.module_utils._state._until import (
    UNTIL_SUFFIX_LENGTH,
    until_index_tag,
    until_tag,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._identity import group_members
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._registrations import (
    DEFAULT_CHUNK_SIZE,
    TagWriter,
    UserTagWriter,
)

COMMIT_DESCRIPTION = "tagwarden.panos quota_block"
#: Seconds the bookkeeping of a block outlives its block tag: a cycle that runs within an hour of
#: a block's end (60 missed cycles at a one-minute cadence, 3 at fifteen minutes) reports the
#: release; later, the firewall drops the bookkeeping by itself and the release goes unreported.
RELEASE_GRACE = 3600


@dataclass(frozen=True)
class BlockRequest:
    """What quota_block is asked: the blocks to set and lift. ``groups``: the complete set of
    blocked groups (None: leave the group blocks as they are); ``members``: their users (None: read
    from User-ID); ``now``: the firewall's time (None: read its clock); ``bootstrap``: create the DUG
    and the rule now, even with no group to block."""

    tag: str = "quota"
    block_ips: Sequence[Any] = ()
    release_ips: Sequence[Any] = ()
    groups: Optional[Mapping[str, Any]] = None
    members: Optional[Mapping[str, Sequence[str]]] = None
    now: Any = None
    bootstrap: bool = False

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> "BlockRequest":
        """From quota_block's options (``group_members`` is ``members``; missing or None: the default)."""
        given = dict(options, members=options.get("group_members", options.get("members")))
        return cls(**{name: given[name] for name in cls.__dataclass_fields__ if given.get(name) is not None})


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


def validate(request: BlockRequest, rule: GroupRule, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Wanted:
    """Every problem in one ValidationError; else the checked inputs. A group that cannot be
    blocked (a PAN-OS keyword, an empty name) is refused on its own, in ``refused``."""
    tag, groups = request.tag, request.groups
    problems = []  # type: List[str]
    moment = _until(request.now, "now", problems)
    if not tag or len(tag) + UNTIL_SUFFIX_LENGTH > MAX_TAG_LENGTH:
        problems.append("tag: %r must be 1 to %d characters so that its until-tag fits the %d PAN-OS allows"
                        % (tag, MAX_TAG_LENGTH - UNTIL_SUFFIX_LENGTH, MAX_TAG_LENGTH))
    elif "'" in tag and '"' in tag:
        problems.append("tag: %r holds both quote kinds, which no filter can name" % tag)
    block = _block_ips(request.block_ips, problems)
    release = _release_ips(request.release_ips, block, problems)
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
    problems.extend(rule_problems(rule, tag))
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
                       in_scope=lambda name: ours_on_ips(tag, name), replace=True)


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
              if user not in present and any(name != tag and ours(tag, name) for name in tags)}
    return engine.plan(current, present=present, absent=absent, in_scope=lambda name: ours(tag, name), replace=True)


def _user_view(held: Mapping[str, Set[str]], tag: str) -> Dict[str, List[str]]:
    return {user: sorted(name for name in tags if ours(tag, name)) for user, tags in sorted(held.items())
            if any(ours(tag, name) for name in tags)}


def apply(changes: ChangeSet, request: BlockRequest, rule: GroupRule = GroupRule(),
          chunk_size: int = DEFAULT_CHUNK_SIZE, state: Optional[BlockState] = None) -> Dict[str, Any]:
    """The quota_block module, on the run's ``changes`` (its connection, vsys, check mode and
    commit; ``changes.pending`` set beforehand commits this admin's changes even when this run
    changes nothing: quota_block's ``commit_pending``).

    Raises ValidationError before any write (bad input, or a rule_name held by a rule that is
    not ours), FirewallError while reading, ApplyFailed (with the result so far) once writing
    has begun. ``state``: the blocks as already read in this run (see ``_blockstate.read_state``)."""
    conn, vsys, tag = changes.conn, changes.vsys, request.tag
    wanted = validate(request, rule, chunk_size)
    if state is None:
        state = read_state(conn, tag, rule.name, vsys, wanted.now, rule.dug_name)
    _check_owned(state, rule)
    changes.known(SECURITY_RULE, rule.name, state.rule)
    changes.known(DYNAMIC_USER_GROUP, rule.dug_name, state.dug)
    members = request.members
    if wanted.groups and members is None:
        members = group_members(conn, sorted(wanted.groups), vsys)
    blocking, refused = _blocking(wanted, members or {})
    before = group_blocks(state.users, tag, _names(conn, state, tag, wanted.groups, members, vsys))
    if blocking or request.bootstrap or state.rule is not None or state.dug is not None:
        _ensure_group_rule(changes, state, rule, tag)
    users_todo = None if wanted.groups is None else plan_users(state.users, tag, blocking, members or {}, state.now)
    todo = plan_ips(state.registrations, tag, wanted.block, wanted.release, state.now)
    result = _result(changes, state, todo, users_todo, blocking, before, refused, wanted.groups is None)
    try:
        # addresses first (they need no config); user tags only once the rule and the DUG are written
        writer = None if changes.check_mode else TagWriter(conn, vsys, chunk_size=chunk_size)
        outcome = engine.run(state.registrations, todo, writer, lambda held: as_times(ip_blocks(held, tag)),
                             order=ip_sort_key)
        _book(result, outcome, None, changes)
        commit_result = changes.apply()
        result["committed"] = bool(commit_result and commit_result["changed"])
        result["enforced"] = state.enforced or result["committed"]
        users = engine.run(state.users, users_todo or engine.Plan({}, {}, 0),
                           None if changes.check_mode else UserTagWriter(conn, vsys, chunk_size=chunk_size),
                           lambda held: _user_view(held, tag))
        _book(result, outcome, users, changes)
    except FirewallError as exc:
        raise ApplyFailed(exc, _finish(conn, result))
    if not result["enforced"] and (blocking or before):
        result["warnings"].append("the deny rule %s and dynamic user group %s are not in the running config: group "
                                  "blocks are not in force until they are committed%s"
                                  % (rule.name, rule.dug_name, "" if changes.commit else " (commit: false)"))
    return _finish(conn, result)


def _check_owned(state: BlockState, rule: GroupRule) -> None:
    """Refuse a rule or a DUG of the configured names that is not ours, before any write."""
    problem = existing_rule_problem(state.rule, rule.name, rule.dug_name)
    if state.dug is not None and not is_owned(state.dug):
        problem = problem or ("dug_name: dynamic user group %r exists and is not managed by tagwarden.panos (no %s "
                              "tag); nothing was changed. Choose another dug_name" % (rule.dug_name, OWNER_TAG))
    if problem:
        raise invalid_input([problem])


def _blocking(wanted: Wanted, members: Mapping[str, Sequence[str]]) -> Tuple[Dict[str, datetime], Dict[str, str]]:
    """The groups to block (those with members) and those refused, with why."""
    refused = dict(wanted.refused)
    blocking = {}  # type: Dict[str, datetime]
    for group, until in (wanted.groups or {}).items():
        if members.get(group):
            blocking[group] = until
        else:
            refused[group] = "no members known to User-ID: nobody to block"
    return blocking, refused


def _result(changes: ChangeSet, state: BlockState, todo: engine.Plan, users_todo: Optional[engine.Plan],
            blocking: Mapping[str, datetime], before: Mapping[str, datetime], refused: Mapping[str, str],
            groups_left: bool) -> Dict[str, Any]:
    """The result as planned, before any write (``groups_left``: the group blocks are not touched)."""
    return {
        "groups_blocked": sorted(set(blocking) - set(before)),
        "groups_released": [] if groups_left else sorted(set(before) - set(blocking)),
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
    }


def _names(conn: Connection, state: BlockState, tag: str, groups: Optional[Mapping[str, Any]],
           members: Optional[Mapping[str, Any]], vsys: Optional[str]) -> List[str]:
    """The group names that may be blocked now: those given, and when a group tag is none of
    theirs and blocks change, those User-ID lists (one request), to name the groups released."""
    names = sorted(set(groups or ()) | set(members or ()))
    markers = {group_marker(tag, name) for name in names}
    if groups is not None and any(m not in markers for m in group_blocks(state.users, tag, keep_unknown=True)):
        names.extend(known_groups(conn, vsys))
    return names


def _ensure_group_rule(changes: ChangeSet, state: BlockState, rule: GroupRule, tag: str) -> None:
    """Plan the DUG and the rule as they must be (the owner tag first when one of them is new),
    and a commit when they are not yet in the running config."""
    if state.rule is None or state.dug is None:
        changes.present(owner_tag_object())
    changes.present(dug_object(rule.dug_name, tag))
    changes.present(rule.model().as_object(), then=lambda: place(changes.conn, rule.name, rule.placement, changes.vsys))
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
