# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The quota group rule: its options, the dynamic user group it denies, names PAN-OS accepts,
and which existing rule may be used.

Group blocks are user tags (``_blocks``): a blocked group's members carry the quota tag, so
they are members of the dynamic user group ``dug_name`` (filter: the tag), the source-user of
the permanent deny rule ``rule_name``. Each blocked group is marked on its members by a short
stable tag (a hash of its name: DNs can be 1,008 characters, tags 127) carrying its end time.
Plain Python, no Ansible imports.
"""

from __future__ import annotations


import hashlib
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import ConfigObject, dynamic_user_group_object
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import MAX_RULE_NAME, MAX_TAG_LENGTH
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import xpath_literal
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ownership import OWNER_TAG, is_owned, mark
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import RULE_ACTIONS, SecurityRule
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._shape import RuleShape
from ansible_collections.tagwarden.panos.plugins.module_utils._state._until import UNTIL_SUFFIX_LENGTH, parse_until_tag, until_tag

# The argument spec of doc fragment tagwarden.panos.quota_rule (quota_block, quota_cycle; with the
# rule_shape and rule_placement groups): built into a GroupRule.
GROUP_RULE = dict(
    rule_name=dict(type="str", default="BlockQuota"),
    dug_name=dict(type="str", default="quota-users"),
)  # type: Dict[str, Dict[str, Any]]
BLOCKING_ACTIONS = tuple(action for action in RULE_ACTIONS if action != "allow")
RULE_DESCRIPTION = "tagwarden.panos quota: denies the users of dynamic user group %s (users over their group's quota)"
DUG_DESCRIPTION = "tagwarden.panos quota: users tagged %s (their group is over its quota)"
#: What PAN-OS accepts in a rule or object name: letters, digits, space, hyphen, underscore, period.
NAME_PATTERN = re.compile(r"[A-Za-z0-9 ._-]+")
GROUP_MARKER = ".g."
GROUP_HASH_LENGTH = 10
#: Characters a group's until-tag adds to the quota tag.
GROUP_SUFFIX_LENGTH = len(GROUP_MARKER) + GROUP_HASH_LENGTH + UNTIL_SUFFIX_LENGTH


def name_problems(option: str, name: Optional[str], limit: int = MAX_RULE_NAME) -> List[str]:
    """Why PAN-OS would refuse ``name`` as a rule or object name (empty when it accepts it)."""
    if not name or not name.strip():
        return ["%s: a name is required (letters, digits, space, hyphen, underscore, period)" % option]
    problems = []
    if len(name) > limit:
        problems.append("%s: %r has %d characters, PAN-OS allows %d" % (option, name, len(name), limit))
    if not NAME_PATTERN.fullmatch(name):
        bad = sorted(set(c for c in name if not NAME_PATTERN.fullmatch(c)))
        problems.append("%s: %r holds %s; PAN-OS allows only letters, digits, space, hyphen, underscore and period"
                        % (option, name, " ".join(repr(c) for c in bad)))
    return problems


def group_marker(tag: str, group: str) -> str:
    """The tag prefix naming ``group`` on its members: ``quota.g.<10 hex digits>``."""
    return tag + GROUP_MARKER + hashlib.sha256(group.encode("utf-8")).hexdigest()[:GROUP_HASH_LENGTH]


def group_tag(tag: str, group: str, until: datetime) -> str:
    """The user tag saying that ``group`` is blocked until ``until``."""
    return until_tag(group_marker(tag, group), until)


def is_group_tag(tag: str, name: str) -> bool:
    return group_until(tag, name) is not None


def group_until(tag: str, name: str) -> Optional[datetime]:
    """The end time of a group tag of ``tag`` (None: not one)."""
    prefix = tag + GROUP_MARKER
    if not name.startswith(prefix):
        return None
    return parse_until_tag(name[:len(prefix) + GROUP_HASH_LENGTH], name)


@dataclass(frozen=True)
class GroupRule:
    """The permanent rule denying the dynamic user group ``dug_name``: its name, shape and placement."""

    name: str = "BlockQuota"
    dug_name: str = "quota-users"
    shape: RuleShape = RuleShape()
    placement: Placement = Placement()

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> "GroupRule":
        """From the options of the quota_rule, rule_shape and rule_placement groups (missing: the default)."""
        given = {name: options[name] for name in ("rule_name", "dug_name") if options.get(name) is not None}
        return cls(given.get("rule_name", cls.name), given.get("dug_name", cls.dug_name), RuleShape.from_options(options),
                   Placement(options.get("location") or "top", options.get("existing_rule")))

    def model(self) -> SecurityRule:
        """The rule, carrying the owner tag."""
        shape = self.shape
        return mark(SecurityRule(name=self.name, from_zones=shape.from_zones, to_zones=shape.to_zones,
                                 destinations=shape.destinations, source_users=(self.dug_name,), services=("any",),
                                 action=shape.action, log_setting=shape.log_setting or None, log_end=shape.log_end,
                                 description=RULE_DESCRIPTION % self.dug_name, tags=shape.tags))


def dug_object(name: str, tag: str) -> ConfigObject:
    """The dynamic user group holding the users that carry ``tag`` (carrying the owner tag)."""
    return dynamic_user_group_object(name, xpath_literal(tag), DUG_DESCRIPTION % tag, tags=(OWNER_TAG,))


def rule_problems(rule: GroupRule, tag: str = "quota") -> List[str]:
    """Problems with the rule options, before anything is sent."""
    problems = name_problems("rule_name", rule.name)
    problems.extend(name_problems("dug_name", rule.dug_name))
    if not problems:
        problems.extend(SecurityRule(name=rule.name).problems("rule_name"))
        problems.extend(rule.placement.problems(rule.name, "location"))
    if rule.shape.action not in BLOCKING_ACTIONS:
        problems.append("action: %r is not a blocking action (%s)" % (rule.shape.action, ", ".join(BLOCKING_ACTIONS)))
    if len(tag) + GROUP_SUFFIX_LENGTH > MAX_TAG_LENGTH:
        problems.append("tag: %r must be at most %d characters so that its group tags fit the %d PAN-OS allows"
                        % (tag, MAX_TAG_LENGTH - GROUP_SUFFIX_LENGTH, MAX_TAG_LENGTH))
    return problems


def existing_rule_problem(entry: Optional[ET.Element], name: str, dug_name: str) -> Optional[str]:
    """Why the rule found under ``rule_name`` must not be written (None: absent or ours)."""
    if entry is None:
        return None
    if not is_owned(entry):
        return ("rule_name: rule %r exists and is not managed by tagwarden.panos (no %s tag); nothing was changed. "
                "Choose another rule_name" % (name, OWNER_TAG))
    users = [m.text for m in entry.findall("source-user/member")]
    if users != [dug_name]:
        return ("rule_name: rule %r is a tagwarden.panos rule for something else (source-user %s, not the dynamic "
                "user group %r); nothing was changed. Choose another rule_name" % (name, users or ["any"], dug_name))
    return None
