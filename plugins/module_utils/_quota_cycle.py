# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One quota enforcement cycle in one process (the quota_cycle module).

The same steps as the building-block modules (quota_report_facts, userid_facts,
quota_block_facts, quota_evaluate, quota_block), composed so that the firewall is read once and
written once over one connection (one key), and so that the report's rows never travel through
Ansible: at 100,000 rows, passing them from task to task costs far more than the work itself.
Plain Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._connection import ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._quota_block import apply, blocked, read_state
from ansible_collections.tagwarden.panos.plugins.module_utils._quota_config import RULE_OPTIONS
from ansible_collections.tagwarden.panos.plugins.module_utils._quota_evaluate import (
    evaluate,
    options_to_inputs,
    policy_inputs,
    summary_lines,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._quota_identity import userid_facts
from ansible_collections.tagwarden.panos.plugins.module_utils._quota_state import format_firewall_time, parse_firewall_time
from ansible_collections.tagwarden.panos.plugins.module_utils._quota_usage import usage

# Options passed to quota_block's apply() as they are.
APPLY_OPTIONS = ("tag", "vsys", "commit", "commit_admin") + tuple(RULE_OPTIONS)


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
    return prefix + "IPs registered %d, unregistered %d, rule %s %s%s" % (
        len(applied["registered"]), len(applied["unregistered"]), applied["rule_name"],
        applied["rule_change"] or applied["rule"], ", committed" if applied["committed"] else "")


def cycle(conn: Any, options: Mapping[str, Any], check_mode: bool = False) -> Dict[str, Any]:
    """Report, User-ID, block state, evaluation, block and release, commit if needed.

    ``options`` are the quota_cycle module's. Raises ValueError (bad settings) before the first
    request, FirewallError while reading, ApplyFailed once writing has begun.
    """
    try:
        policy = policy_inputs(options)
    except ValueError as exc:
        raise ValidationError("invalid input, nothing was sent to the firewall: %s" % exc)
    vsys = options.get("vsys")
    report = usage(conn, source=options["source"], report_name=options["report_name"], vsys=vsys,
                   minutes=options["minutes"], job_timeout=options["job_timeout"])
    needs = userid_needs(policy, options.get("group_membership"))
    identity = userid_facts(conn, gather=needs, groups=options.get("groups") or None, vsys=vsys) if needs else {}
    state = read_state(conn, policy["tag"], options["rule_name"], vsys, now=parse_firewall_time(report["firewall_time"]))
    now = format_firewall_time(state.now)
    inputs = options_to_inputs(dict(
        options, rows=report["rows"], now=now, blocked=blocked(conn, state, policy["tag"], options["rule_name"]),
        groups=options.get("group_membership") or identity.get("groups") or {},
        ip_user_mapping=identity.get("ip_user_mapping") or []))
    evaluation = evaluate(**inputs)
    decision = evaluation.as_dict()
    rule_options = dict((name, options[name]) for name in APPLY_OPTIONS if options.get(name) is not None)
    applied = apply(conn, block_ips=decision["block_ips"], release_ips=[entry["ip"] for entry in decision["release_ips"]],
                    groups=decision["groups_after"], now=now, check_mode=check_mode, state=state, **rule_options)
    applied["rule_name"] = options["rule_name"]
    result = dict(decision)
    # Every block in force can run to 100,000 entries, costly to hand back through Ansible each
    # minute: the summary lists the first ones, quota_block_facts reads them all.
    result["currently_blocked"] = len(decision["currently_blocked"])
    result.update(applied)
    result.update(window=report["window"], firewall_time=now, warnings=identity.get("warnings", []),
                  summary=summary_lines(evaluation, policy["top"]) + [outcome_line(applied, check_mode)])
    return result
