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

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import format_firewall_time
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import invalid_input
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._blocks import apply, blocked, lapsed, read_state
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._evaluate import evaluate
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._events import events
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._options import group_problems, policy_inputs
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import rule_options
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._summary import summary_lines
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._usage import read_usage
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._identity import userid_info

# Options passed to quota_block's apply() as they are, besides the rule options.
APPLY_OPTIONS = ("tag", "vsys", "commit", "commit_admin")


def userid_needs(policy: Mapping[str, Any], group_membership: Optional[Mapping[str, Any]]) -> List[str]:
    """What User-ID must deliver: group members only for group quotas (unless given), the IP-user
    mapping only where users matter (it adds a user's addresses that the report lacks)."""
    needs = []
    if group_membership is None and ("group" in policy["quotas"] or policy["overrides"].get("group")):
        needs.append("groups")
    if "user" in policy["quotas"] or policy["overrides"].get("user") or policy["exempt"].get("users"):
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


def cycle(conn: Connection, options: Mapping[str, Any], check_mode: bool = False) -> Dict[str, Any]:
    """Report, User-ID, block state, evaluation, block and release, commit if needed.

    ``options`` are the quota_cycle module's. Raises ValueError (bad settings) before the first
    request, FirewallError while reading, ApplyFailed once writing has begun.
    """
    try:
        policy = policy_inputs(options)
    except ValueError as exc:
        raise invalid_input([str(exc)])
    membership = options.get("group_membership")
    problems = group_problems(membership or {}, "group_membership")
    if problems:
        raise invalid_input(problems)
    vsys = options.get("vsys")
    report = read_usage(conn, source=options["source"], report_name=options["report_name"], vsys=vsys,
                        minutes=options["minutes"], job_timeout=options["job_timeout"])
    needs = userid_needs(policy, membership)
    identity = userid_info(conn, gather=needs, groups=options.get("groups") or None, vsys=vsys) if needs else {}
    state = read_state(conn, policy["tag"], options["rule_name"], vsys, now=report.now, dug_name=options["dug_name"])
    # User-ID lists dynamic user groups too: ours holds the blocked users, it is no group with a quota
    members = {group: users for group, users in (membership or identity.get("groups") or {}).items()
               if group.lower() != options["dug_name"].lower()}
    evaluation = evaluate(report.rows, state.now, quotas=policy["quotas"], overrides=policy["overrides"],
                          exempt=policy["exempt"], groups=members,
                          ip_user_mapping=identity.get("ip_user_mapping") or [],
                          blocked=blocked(conn, state, policy["tag"], options["rule_name"], list(members)),
                          ended=lapsed(state, policy["tag"], list(members)),
                          block_seconds=policy["block_seconds"], top=policy["top"], tag=policy["tag"])
    apply_options = dict((name, options[name]) for name in APPLY_OPTIONS if options.get(name) is not None)
    apply_options.update(rule_options(options))
    applied = apply(conn, block_ips=evaluation.block_ips, release_ips=[entry["ip"] for entry in evaluation.release_ips],
                    groups=evaluation.groups_after, members=members, now=state.now, check_mode=check_mode, state=state,
                    **apply_options)
    applied["rule_name"] = options["rule_name"]
    result = evaluation.as_dict()
    # Every block in force can run to 100,000 entries, costly to hand back through Ansible each
    # minute: the summary lists the first ones, quota_block_info reads them all.
    result["currently_blocked"] = len(evaluation.currently_blocked)
    result.update(applied)
    firewall = options.get("firewall_name") or conn.where
    result.update(window=report.window(), firewall_time=format_firewall_time(state.now),
                  warnings=identity.get("warnings", []) + applied["warnings"], events=events(evaluation, firewall),
                  summary=summary_lines(evaluation, policy["top"], firewall=firewall, window=(report.start, report.end),
                                        applied=not check_mode, outcome=outcome_line(applied, check_mode)))
    return result
