# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One quota cycle in one process (the quota_cycle module).

The same steps as the building-block modules (quota_report_info, userid_info,
quota_block_info, quota_evaluate, quota_block), composed on typed objects so that the firewall
is read once and written once over one connection (one key), and the report's rows never
travel through Ansible or through strings: at 100,000 rows, that costs more than the work.
Plain Python, no Ansible imports.
"""

from __future__ import annotations


from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import format_firewall_time
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import invalid_input
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._blocks import BlockRequest, apply
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._blockstate import blocked, lapsed, read_state
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._evaluate import QuotaPolicy, evaluate
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._events import events
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._options import group_problems, policy_inputs
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import GroupRule
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._summary import summary_lines
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._usage import read_usage
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._identity import userid_info
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._registrations import DEFAULT_CHUNK_SIZE


@dataclass(frozen=True)
class CycleSettings:
    """quota_cycle's settings besides the policy and the group rule: where usage comes from, which
    groups User-ID reads (or their members as given), how User-ID messages are cut, the
    firewall's name in the summary and the events (None: its address)."""

    source: str = "report"
    report_name: str = "Quota"
    minutes: int = 15
    job_timeout: int = 120
    groups: Optional[Sequence[str]] = None
    group_membership: Optional[Mapping[str, Any]] = None
    chunk_size: int = DEFAULT_CHUNK_SIZE
    firewall_name: Optional[str] = None

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> "CycleSettings":
        return cls(**{name: options[name] for name in cls.__dataclass_fields__ if options.get(name) is not None})


def userid_needs(policy: QuotaPolicy, group_membership: Optional[Mapping[str, Any]]) -> List[str]:
    """What User-ID must deliver: group members only for group quotas (unless given), the IP-user
    mapping only where users matter (it adds a user's addresses that the report lacks)."""
    needs = []
    if group_membership is None and ("group" in policy.quotas or policy.overrides.get("group")):
        needs.append("groups")
    if "user" in policy.quotas or policy.overrides.get("user") or policy.exempt.get("users"):
        needs.append("ip_user_mapping")
    return needs


def outcome_line(applied: Mapping[str, Any], check_mode: bool) -> str:
    """One line on what changed on the firewall, for the summary."""
    prefix = "firewall (check mode, nothing written): " if check_mode else "firewall: "
    if not applied["changed"]:
        return prefix + "unchanged"
    line = prefix + "IPs registered %d, unregistered %d, users tagged %d, untagged %d" % (
        len(applied["registered"]), len(applied["unregistered"]), len(applied["users_tagged"]),
        len(applied["users_untagged"]))
    if applied["rule_change"]:
        line += ", rule %s %s" % (applied["rule_name"], applied["rule_change"])
    return line + (", committed" if applied["committed"] else "")


def cycle(changes: ChangeSet, options: Mapping[str, Any]) -> Dict[str, Any]:
    """The quota_cycle module: its options checked into settings objects before the first request
    (one ValidationError for every problem), then :func:`run`."""
    try:
        policy = policy_inputs(options)
    except ValueError as exc:
        raise invalid_input([str(exc)])
    settings = CycleSettings.from_options(options)
    problems = group_problems(settings.group_membership or {}, "group_membership")
    if problems:
        raise invalid_input(problems)
    return run(changes, policy, GroupRule.from_options(options), settings)


def run(changes: ChangeSet, policy: QuotaPolicy, rule: GroupRule, settings: CycleSettings) -> Dict[str, Any]:
    """Report, User-ID, block state, evaluation, block and release, commit if needed.

    Raises FirewallError while reading, ApplyFailed once writing has begun."""
    conn, vsys, check_mode = changes.conn, changes.vsys, changes.check_mode
    report = read_usage(conn, source=settings.source, report_name=settings.report_name, vsys=vsys,
                        minutes=settings.minutes, job_timeout=settings.job_timeout)
    needs = userid_needs(policy, settings.group_membership)
    identity = userid_info(conn, gather=needs, groups=settings.groups or None, vsys=vsys) if needs else {}
    state = read_state(conn, policy.tag, rule.name, vsys, now=report.now, dug_name=rule.dug_name)
    # User-ID lists dynamic user groups too: ours holds the blocked users, it is no group with a quota
    members = {group: users for group, users in (settings.group_membership or identity.get("groups") or {}).items()
               if group.lower() != rule.dug_name.lower()}
    evaluation = evaluate(report.rows, state.now, policy, groups=members,
                          ip_user_mapping=identity.get("ip_user_mapping") or [],
                          blocked=blocked(conn, state, policy.tag, rule.name, list(members)),
                          ended=lapsed(state, policy.tag, list(members)))
    request = BlockRequest(policy.tag, evaluation.block_ips, [entry["ip"] for entry in evaluation.release_ips],
                           evaluation.groups_after, members, state.now)
    applied = apply(changes, request, rule, settings.chunk_size, state)
    applied["rule_name"] = rule.name
    result = evaluation.as_dict()
    # Every block in force can run to 100,000 entries, costly to hand back through Ansible each
    # minute: the summary lists the first ones, quota_block_info reads them all.
    result["currently_blocked"] = len(evaluation.currently_blocked)
    result.update(applied)
    firewall = settings.firewall_name or conn.where
    result.update(window=report.window(), firewall_time=format_firewall_time(state.now),
                  warnings=identity.get("warnings", []) + applied["warnings"], events=events(evaluation, firewall),
                  summary=summary_lines(evaluation, policy.top, firewall=firewall, window=(report.start, report.end),
                                        applied=not check_mode, outcome=outcome_line(applied, check_mode)))
    return result
