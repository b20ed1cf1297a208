# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which rules are ours: a tag on the rule, kept on the firewall, so that a managed rule set
only ever updates or deletes rules it created. Plain Python, no Ansible imports."""

from __future__ import annotations


import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Iterable, List, Union

from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import ConfigObject, tag_object
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SecurityRule

#: The tag that marks a rule as created by this collection (a tag object of that name must exist).
OWNER_TAG = "tagwarden.panos"
OWNER_TAG_COMMENT = "rules created by the tagwarden.panos collection; it touches no rule without this tag"


def owner_tag_object(owner: str = OWNER_TAG) -> ConfigObject:
    """The tag object the marker refers to (write it before the rules that carry it)."""
    return tag_object(owner, comments=OWNER_TAG_COMMENT)


def mark(rule: SecurityRule, owner: str = OWNER_TAG) -> SecurityRule:
    """``rule`` carrying the owner tag."""
    return rule if owner in rule.tags else replace(rule, tags=tuple(rule.tags) + (owner,))


def is_owned(rule: Union[SecurityRule, ET.Element], owner: str = OWNER_TAG) -> bool:
    """Whether a rule (model or entry read from the firewall) carries the owner tag."""
    if isinstance(rule, SecurityRule):
        return owner in rule.tags
    return owner in [m.text for m in rule.findall("tag/member")]


def owned(entries: Iterable[ET.Element], owner: str = OWNER_TAG) -> List[ET.Element]:
    """The entries that carry the owner tag; the others are never touched."""
    return [entry for entry in entries if is_owned(entry, owner)]
