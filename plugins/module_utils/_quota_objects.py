# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The firewall objects quota enforcement needs (quota_objects, used by the bootstrap role):
the tag, the DAG matching it, the custom report ``Quota`` and the deny rules using the DAG.

Each object is read once from the candidate config and written only where it differs (``set``
when new, ``edit`` of a merge when changed); new rules are moved into place; a partial commit of
this admin's changes follows when something changed, or when an earlier run's commit failed and
our changes are still pending. Plain Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import xml.etree.ElementTree as ET
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._connection import ApplyFailed, FirewallError, ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._dag_config import group_element
from ansible_collections.tagwarden.panos.plugins.module_utils._quota_config import (
    RULE_ACTIONS,
    apply_entry,
    entry_as_dict,
    location_problems,
    move_rule,
    pending_for,
    read_entry,
    rule_xpath,
    rules_xpath,
    security_rule,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._xml import (
    XPathQuoteError,
    element,
    entry_xpath,
    members,
    sub,
    vsys_xpath,
    xpath_literal,
)

REPORT_PERIODS = ("last-15-minutes", "last-hour", "last-6-hrs", "last-12-hrs", "last-24-hrs", "last-calendar-day",
                  "last-7-days", "last-30-days")
MAX_TOPN = 10000  # the largest "Top N" the PAN-OS web interface offers for custom reports
TAG_COLOR = "color1"  # red
TAG_COMMENT = "tagwarden.panos quota: addresses over their bandwidth quota"
DAG_DESCRIPTION = "tagwarden.panos quota: addresses tagged %s"
COMMIT_DESCRIPTION = "tagwarden.panos quota_objects"


def tag_element(tag: str) -> ET.Element:
    entry = element("entry", name=tag)
    sub(entry, "color", TAG_COLOR)
    sub(entry, "comments", TAG_COMMENT)
    return entry


def report_element(name: str, period: str, topn: int) -> ET.Element:
    """The saved custom report: traffic summary bytes per (source address, source user)."""
    entry = element("entry", name=name)
    trsum = sub(sub(entry, "type"), "trsum")
    sub(trsum, "sortby", "bytes")
    members(trsum, "aggregate-by", ["src", "srcuser"])
    members(trsum, "values", ["bytes"])
    sub(entry, "period", period)
    sub(entry, "topn", str(topn))
    sub(entry, "topm", "10")
    sub(entry, "caption", name)
    return entry


def rule_defaults(rule: Mapping[str, Any]) -> Dict[str, Any]:
    """A ``rules`` item with defaults filled in (module options may leave keys out or None)."""
    defaults = {"from": ["any"], "to": ["any"], "destination": ["any"], "action": "deny", "location": "top",
                "existing_rule": None, "description": None, "disabled": False}
    return dict(defaults, **{k: v for k, v in rule.items() if v is not None})


def validate(tag: str, dag_name: str, report_name: str, report_period: str, report_topn: int,
             rules: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """Every problem in one ValidationError; else the rules with defaults."""
    problems = []  # type: List[str]
    for what, name in (("tag", tag), ("dag_name", dag_name), ("report_name", report_name)):
        try:
            if not name:
                raise XPathQuoteError("it is empty")
            xpath_literal(name)
        except XPathQuoteError as exc:
            problems.append("%s: %s" % (what, exc))
    if report_period not in REPORT_PERIODS:
        problems.append("report_period: %r is not one of %s" % (report_period, ", ".join(REPORT_PERIODS)))
    if not 1 <= report_topn <= MAX_TOPN:
        problems.append("report_topn: %s must be from 1 to %d" % (report_topn, MAX_TOPN))
    full = [rule_defaults(rule) for rule in rules]
    for index, rule in enumerate(full):
        where = "rules item %d" % (index + 1)
        try:
            xpath_literal(rule.get("name") or "")
            if not rule.get("name"):
                raise XPathQuoteError("a name is required")
        except XPathQuoteError as exc:
            problems.append("%s: %s" % (where, exc))
        if rule["action"] not in RULE_ACTIONS:
            problems.append("%s: action %r is not one of %s" % (where, rule["action"], ", ".join(RULE_ACTIONS)))
        problems.extend(location_problems(rule["location"], rule["existing_rule"], rule.get("name"), where))
        if len(rule.get("description") or "") > 1024:
            problems.append("%s: the description has more than 1024 characters" % where)
    names = [rule.get("name") for rule in full]
    if len(set(names)) != len(names):
        problems.append("rules: each name may appear once")
    if problems:
        raise ValidationError("invalid input, nothing was sent to the firewall: " + " | ".join(problems))
    return full


def desired_objects(tag: str, dag_name: str, report_name: str, report_period: str, report_topn: int,
                    rules: Sequence[Mapping[str, Any]], vsys: Optional[str]) -> List[Tuple[str, str, str, ET.Element, Optional[Mapping[str, Any]]]]:
    """``(label, parent xpath, xpath, element, rule or None)`` for every object, in creation order
    (the tag before the DAG that matches it, the DAG before the rules that use it)."""
    root = vsys_xpath(vsys)
    objects = [
        ("tag %s" % tag, root + "/tag", entry_xpath(root + "/tag", tag), tag_element(tag), None),
        ("address-group %s" % dag_name, root + "/address-group", entry_xpath(root + "/address-group", dag_name),
         group_element(dag_name, xpath_literal(tag), DAG_DESCRIPTION % tag), None),
        ("report %s" % report_name, root + "/reports", entry_xpath(root + "/reports", report_name),
         report_element(report_name, report_period, report_topn), None),
    ]  # type: List[Tuple[str, str, str, ET.Element, Optional[Mapping[str, Any]]]]
    for rule in rules:
        element_ = security_rule(rule["name"], rule["from"], rule["to"], [dag_name], rule["destination"], ["any"],
                                 rule["action"], rule["description"], rule["disabled"])
        objects.append(("rule %s" % rule["name"], rules_xpath(vsys), rule_xpath(rule["name"], vsys), element_, rule))
    return objects


def ensure(conn: Any, tag: str = "quota", dag_name: str = "quota", report_name: str = "Quota",
           report_period: str = "last-15-minutes", report_topn: int = MAX_TOPN,
           rules: Sequence[Mapping[str, Any]] = (), commit: bool = True, commit_admin: Optional[str] = None,
           vsys: Optional[str] = "vsys1", check_mode: bool = False) -> Dict[str, Any]:
    """The quota_objects module: ``created``, ``updated``, ``committed``, ``diff``, ``api_calls``.

    Raises ValidationError before any request, FirewallError while reading, ApplyFailed once
    writing has begun.
    """
    full_rules = validate(tag, dag_name, report_name, report_period, report_topn, rules)
    objects = desired_objects(tag, dag_name, report_name, report_period, report_topn, full_rules, vsys)
    plan = []  # type: List[Tuple[str, str, str, Optional[ET.Element], ET.Element, Optional[Mapping[str, Any]], str]]
    pending = False
    result = {"changed": False, "created": [], "updated": [], "committed": False,
              "diff": {"before": {}, "after": {}}}  # type: Dict[str, Any]
    for label, parent, xpath, desired, rule in objects:
        current = read_entry(conn, xpath)
        pending = pending or pending_for(current, commit_admin)
        change = apply_entry(conn, parent, xpath, current, desired, check_mode=True)
        if change:
            plan.append((label, parent, xpath, current, desired, rule, change))
            result[change].append(label)
            result["diff"]["before"][label] = entry_as_dict(current)
            result["diff"]["after"][label] = entry_as_dict(desired)
    needs_commit = commit and (bool(plan) or pending)
    if needs_commit and not commit_admin:
        raise ValidationError("commit_admin: with only provider.api_key the admin whose changes to commit is unknown; "
                              "give commit_admin (the admin that owns the API key) or commit: false")
    result["changed"] = bool(plan) or needs_commit
    if check_mode:
        result["api_calls"] = conn.api_calls
        return result
    try:
        for _label, parent, xpath, current, desired, rule, change in plan:
            apply_entry(conn, parent, xpath, current, desired, check_mode=False)
            if rule is not None and change == "created":
                move_rule(conn, xpath, rule["location"], rule["existing_rule"])
        if needs_commit:
            result["committed"] = conn.commit_partial(commit_admin, COMMIT_DESCRIPTION)["changed"]
    except FirewallError as exc:
        result["api_calls"] = conn.api_calls
        raise ApplyFailed(exc, result)
    result["api_calls"] = conn.api_calls
    return result
