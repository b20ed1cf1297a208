# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The quota deny rule: its options, the rule for a set of blocked groups, and reading them back.

A group block is a source-user of the rule; the release times are in its description
(``_release``). Plain Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ansible_collections.tagwarden.panos.plugins.module_utils._quota._release import decode_rule_description
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import RULE_ACTIONS, SecurityRule, keyword_problems

# The argument spec of doc fragment tagwarden.panos.quota_rule (quota_block, quota_cycle).
RULE_OPTIONS = dict(
    rule_name=dict(type="str", default="BlockQuota"),
    rule_location=dict(type="str", choices=["top", "bottom", "before", "after"], default="top"),
    rule_existing=dict(type="str"),
    rule_from=dict(type="list", elements="str", default=["any"]),
    rule_to=dict(type="list", elements="str", default=["any"]),
    rule_destination=dict(type="list", elements="str", default=["any"]),
    rule_action=dict(type="str", choices=["deny", "drop", "reset-client", "reset-server", "reset-both"], default="deny"),
    chunk_size=dict(type="int", default=1000),
)  # type: Dict[str, Dict[str, Any]]
BLOCKING_ACTIONS = tuple(action for action in RULE_ACTIONS if action != "allow")


def deny_rule(name: str, groups: Sequence[str], description: str, from_zones: Sequence[str] = ("any",),
              to_zones: Sequence[str] = ("any",), destinations: Sequence[str] = ("any",),
              action: str = "deny") -> SecurityRule:
    """The rule blocking ``groups`` (as source-users) from any source, for every service."""
    return SecurityRule(name=name, from_zones=tuple(from_zones), to_zones=tuple(to_zones),
                        destinations=tuple(destinations), source_users=tuple(groups),
                        services=("any",), action=action, description=description)


def rule_problems(name: str, placement: Placement, action: str) -> List[str]:
    """Problems with the rule options, before anything is sent."""
    problems = SecurityRule(name=name).problems("rule_name")
    problems.extend(placement.problems(name, "rule_location"))
    if action not in BLOCKING_ACTIONS:
        problems.append("rule_action: %r is not a blocking action (%s)" % (action, ", ".join(BLOCKING_ACTIONS)))
    return problems


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


def rule_options(options: Mapping[str, Any]) -> Dict[str, Any]:
    """The rule options that are set, as quota_block's ``apply`` takes them."""
    return {name: options[name] for name in RULE_OPTIONS if options.get(name) is not None}
