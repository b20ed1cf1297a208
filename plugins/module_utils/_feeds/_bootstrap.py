# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The firewall objects a feed needs (threat_feed_objects, run by the threat_feed_bootstrap role):
the feed's tag, the DAG matching it, the custom URL category and two block rules - one denying
the DAG as destination, one denying the category (one rule with both would match only sessions
meeting both). Everything is owner-marked; objects someone else made are refused, never changed.

The tag and the category are created when missing and otherwise left alone: threat_feed_sync
keeps its state in the tag's comments and writes the category's entries. One ChangeSet: read in
one batch per type, written where different, new rules moved into place, one partial commit.
Plain Python, no Ansible imports.
"""

from __future__ import annotations


from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import (
    ADDRESS_GROUP,
    DEFAULT_TAG_COLOR,
    TAG,
    TAG_COLORS,
    dynamic_group_object,
    tag_color_problem,
    tag_object,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds import _category
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._sync import STATE_RECORD
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError, invalid_input
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import xpath_literal
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ownership import is_owned, mark, owner_tag_object
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement, place
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SECURITY_RULE, SecurityRule
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._shape import RuleShape

COMMIT_DESCRIPTION = "tagwarden.panos threat_feed_objects"
URL_RULE_SUFFIX = "-url"


@dataclass(frozen=True)
class FeedObjects:
    """The names of a feed's objects on the firewall: its tag, the DAG matching it, the custom URL
    category, and the address rule (the URL rule is named after it, :data:`URL_RULE_SUFFIX`)."""

    tag: str = "threat-feed"
    dag_name: str = "threat-feed"
    url_category: str = "threat-feed"
    rule_name: str = "BlockThreatFeed"

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> "FeedObjects":
        return cls(**{name: options[name] for name in cls.__dataclass_fields__ if options.get(name) is not None})


def block_rules(names: FeedObjects, shape: RuleShape) -> List[SecurityRule]:
    """The rule denying the DAG as destination, then the one denying the category, both owner-marked
    (``shape``: their zones and action)."""
    def rule(name: str, what: str, destinations: Sequence[str], categories: Sequence[str]) -> SecurityRule:
        return mark(SecurityRule(name=name, from_zones=shape.from_zones, to_zones=shape.to_zones,
                                 destinations=tuple(destinations), categories=tuple(categories), services=("any",),
                                 action=shape.action, description="%s: deny %s" % (_category.OWNER_MARK, what)))
    return [rule(names.rule_name, "the addresses of threat feed DAG %s" % names.dag_name, [names.dag_name], ["any"]),
            rule(names.rule_name + URL_RULE_SUFFIX, "the URLs of custom URL category %s" % names.url_category, ["any"],
                 [names.url_category])]


def ensure(changes: ChangeSet, names: FeedObjects = FeedObjects(), placement: Placement = Placement(),
           shape: RuleShape = RuleShape(), tag_color: str = DEFAULT_TAG_COLOR) -> Dict[str, Any]:
    """The threat_feed_objects module, on the run's ``changes``: ``created``, ``updated``, ``committed``,
    ``rules``, ``diff``, ``api_calls``. ``tag_color``: the tag's colour by its GUI name
    (``_config._objects.TAG_COLORS``)."""
    tag, dag_name, url_category, rule_name = names.tag, names.dag_name, names.url_category, names.rule_name
    rules = block_rules(names, shape)
    problems = _category.check_name(tag, "tag") + _category.check_name(dag_name, "dag_name") + \
        _category.check_name(url_category, "url_category") + placement.problems(rule_name, "rule")
    color_problem = tag_color_problem("tag_color", tag_color)
    if color_problem:
        problems.append(color_problem)
    for rule in rules:
        problems.extend(rule.problems("rule_name"))
    if problems:
        raise invalid_input(problems)
    owner = owner_tag_object()
    current = changes.read([(TAG, owner.name), (TAG, tag), (ADDRESS_GROUP, dag_name)] +
                           [(SECURITY_RULE, rule.name) for rule in rules])
    for rule in rules:
        entry = current[(SECURITY_RULE, rule.name)]
        if entry is not None and not is_owned(entry):
            raise ValidationError("rule %r exists and was not created by tagwarden.panos (it lacks the tag %r): "
                                  "choose another rule_name" % (rule.name, owner.name))
    dag = current[(ADDRESS_GROUP, dag_name)]
    if dag is not None and not (dag.findtext("description") or "").startswith(_category.OWNER_MARK):
        raise ValidationError("address group %r exists and is not managed by tagwarden.panos: choose another dag_name"
                              % dag_name)
    changes.present(owner)
    feed_tag = current[(TAG, tag)]
    if feed_tag is None:
        changes.present(tag_object(tag, TAG_COLORS[tag_color], STATE_RECORD.sentence))
    elif (feed_tag.findtext("comments") or "").startswith(STATE_RECORD.sentence):
        # ours: only its colour; the comments are threat_feed_sync's state (the merge keeps them)
        changes.present(tag_object(tag, TAG_COLORS[tag_color]))
    changes.present(dynamic_group_object(dag_name, xpath_literal(tag), "%s: addresses registered with tag %s"
                                         % (_category.OWNER_MARK, tag)))
    _category.plan_members(changes, url_category, [], "present")
    placements = [placement, Placement("after", rule_name)]
    for rule, where in zip(rules, placements):
        changes.present(rule.as_object(), then=_mover(changes.conn, rule.name, where, changes.vsys))
    result = {"changed": changes.changed, "created": changes.labels("created"), "updated": changes.labels("updated"),
              "rules": [rule.name for rule in rules], "committed": False, "diff": changes.diff()}  # type: Dict[str, Any]
    return changes.apply_into(result)


def _mover(conn: Connection, name: str, placement: Placement, vsys: Optional[str]) -> Any:
    return lambda: place(conn, name, placement, vsys)
