# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The firewall objects quota enforcement needs (quota_objects, used by the bootstrap role):
the tag, the DAG matching it, the custom report ``Quota`` and the deny rules using the DAG.
(The group rule and its dynamic user group are quota_block's, ``_blocks``.)

The DAG and the rules carry the owner tag. A rule of a configured name that is not ours is
refused before any write.

All of it goes through one ChangeSet: read in one batch per object type, written only where it
differs (``set`` when new, ``edit`` of a merge when changed), new rules moved into place, one
partial commit of this admin's changes when something changed or an earlier run's commit
failed and our changes are still pending. Plain Python, no Ansible imports.
"""

from __future__ import annotations


from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import (
    DEFAULT_TAG_COLOR,
    TAG_COLORS,
    ConfigObject,
    dynamic_group_object,
    tag_color_problem,
    tag_object,
    traffic_summary_report_object,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import invalid_input
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import MAX_REPORT_TOPN
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import XPathQuoteError, xpath_literal
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import name_problems
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ownership import OWNER_TAG, is_owned, mark, owner_tag_object
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement, place
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SECURITY_RULE, SecurityRule

REPORT_PERIODS = ("last-15-minutes", "last-hour", "last-6-hrs", "last-12-hrs", "last-24-hrs", "last-calendar-day",
                  "last-7-days", "last-30-days")
MAX_TOPN = MAX_REPORT_TOPN
TAG_COMMENT = "tagwarden.panos quota: addresses over their bandwidth quota"
DAG_DESCRIPTION = "tagwarden.panos quota: addresses tagged %s"
COMMIT_DESCRIPTION = "tagwarden.panos quota_objects"

QuotaRule = Tuple[SecurityRule, Placement]


def rule_defaults(rule: Mapping[str, Any]) -> Dict[str, Any]:
    """A ``rules`` item with defaults filled in (module options may leave keys out or None)."""
    defaults = {"from": ["any"], "to": ["any"], "destination": ["any"], "action": "deny", "location": "top",
                "existing_rule": None, "description": None, "disabled": False, "log_setting": None, "log_end": True,
                "tags": []}
    return dict(defaults, **{k: v for k, v in rule.items() if v is not None})


def quota_rule(rule: Mapping[str, Any], dag_name: str) -> QuotaRule:
    """A ``rules`` item (with defaults) as the rule denying the DAG (ours: the owner tag), and its placement."""
    model = SecurityRule(name=rule.get("name") or "", from_zones=tuple(rule["from"]), to_zones=tuple(rule["to"]),
                         sources=(dag_name,), destinations=tuple(rule["destination"]), services=("any",),
                         action=rule["action"], description=rule["description"], disabled=bool(rule["disabled"]),
                         log_setting=rule["log_setting"], log_end=bool(rule["log_end"]), tags=tuple(rule["tags"]))
    return mark(model), Placement(rule["location"], rule["existing_rule"])


def foreign_rule_problems(current: Mapping[Tuple[Any, str], Any], rules: Sequence[QuotaRule]) -> List[str]:
    """The configured rule names held by rules that are not ours."""
    return ["rules: rule %r exists and is not managed by tagwarden.panos (no %s tag); nothing was changed. "
            "Choose another name" % (model.name, OWNER_TAG) for model, _placement in rules
            if current.get((SECURITY_RULE, model.name)) is not None
            and not is_owned(current[(SECURITY_RULE, model.name)])]


def validate(tag: str, dag_name: str, report_name: str, report_period: str, report_topn: int,
             rules: Sequence[Mapping[str, Any]], tag_color: str = DEFAULT_TAG_COLOR) -> List[QuotaRule]:
    """Every problem in one ValidationError; else the rules and their placements."""
    problems = []  # type: List[str]
    color_problem = tag_color_problem("tag_color", tag_color)
    if color_problem:
        problems.append(color_problem)
    for what, name in (("tag", tag), ("dag_name", dag_name), ("report_name", report_name)):
        try:
            if not name:
                raise XPathQuoteError("it is empty")
            xpath_literal(name)
        except XPathQuoteError as exc:
            problems.append("%s: %s" % (what, exc))
    if dag_name:
        problems.extend(name_problems("dag_name", dag_name))
    if report_period not in REPORT_PERIODS:
        problems.append("report_period: %r is not one of %s" % (report_period, ", ".join(REPORT_PERIODS)))
    if not 1 <= report_topn <= MAX_TOPN:
        problems.append("report_topn: %s must be from 1 to %d" % (report_topn, MAX_TOPN))
    full = [quota_rule(rule_defaults(rule), dag_name) for rule in rules]
    for index, (model, placement) in enumerate(full):
        where = "rules item %d" % (index + 1)
        problems.extend(name_problems("%s: name" % where, model.name) or model.problems(where))
        problems.extend(placement.problems(model.name, where))
    names = [model.name for model, _placement in full]
    if len(set(names)) != len(names):
        problems.append("rules: each name may appear once")
    if problems:
        raise invalid_input(problems)
    return full


def desired_objects(tag: str, dag_name: str, report_name: str, report_period: str, report_topn: int,
                    rules: Sequence[QuotaRule], tag_color: str = DEFAULT_TAG_COLOR
                    ) -> List[Tuple[ConfigObject, Optional[Placement]]]:
    """Every object with the placement of the rules, in creation order (the tag before the DAG
    that matches it, the DAG before the rules that use it)."""
    objects = [
        (owner_tag_object(), None),
        (tag_object(tag, TAG_COLORS[tag_color], TAG_COMMENT), None),
        (dynamic_group_object(dag_name, xpath_literal(tag), DAG_DESCRIPTION % tag, tags=(OWNER_TAG,)), None),
        (traffic_summary_report_object(report_name, report_period, report_topn), None),
    ]  # type: List[Tuple[ConfigObject, Optional[Placement]]]
    objects.extend((model.as_object(), placement) for model, placement in rules)
    return objects


def _mover(conn: Connection, name: str, placement: Placement, vsys: Optional[str]) -> Callable[[], None]:
    return lambda: place(conn, name, placement, vsys)


def ensure(changes: ChangeSet, tag: str = "quota", dag_name: str = "quota", report_name: str = "Quota",
           report_period: str = "last-15-minutes", report_topn: int = MAX_TOPN,
           rules: Sequence[Mapping[str, Any]] = (), tag_color: str = DEFAULT_TAG_COLOR) -> Dict[str, Any]:
    """The quota_objects module, on the run's ``changes``: ``created``, ``updated``, ``committed``, ``pending``, ``diff``,
    ``api_calls``. ``tag_color``: the tag's colour by its GUI name (``_config._objects.TAG_COLORS``).
    ``pending``: with ``commit`` false, whether this admin's changes to these objects (written now,
    or by an earlier run) wait for a commit, which a later task can make (the bootstrap role:
    quota_block's ``commit_pending``), so that a bootstrap commits once.

    Raises ValidationError before any request, FirewallError while reading, ApplyFailed once
    writing has begun.
    """
    checked = validate(tag, dag_name, report_name, report_period, report_topn, rules, tag_color)
    objects = desired_objects(tag, dag_name, report_name, report_period, report_topn, checked, tag_color)
    problems = foreign_rule_problems(changes.read((obj.type, obj.name) for obj, _placement in objects), checked)
    if problems:
        raise invalid_input(problems)
    for obj, placement in objects:
        changes.present(obj, then=_mover(changes.conn, obj.name, placement, changes.vsys) if placement is not None else None)
    result = {"changed": changes.changed, "created": changes.labels("created"), "updated": changes.labels("updated"),
              "committed": False, "pending": not changes.commit and (bool(changes.changes) or changes.pending),
              "diff": changes.diff()}  # type: Dict[str, Any]
    return changes.apply_into(result)
