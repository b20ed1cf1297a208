#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: threat_feed_objects
short_description: The firewall objects a threat feed needs (tag, DAG, custom URL category, block rules)
version_added: 0.2.0
description:
  - Creates the tag O(tag), the Dynamic Address Group O(dag_name) matching it, the custom URL category
    O(url_category) (URL List) and two deny rules - O(rule_name) with the DAG as destination, and
    O(rule_name)C(-url) with the category (one rule with both would match only sessions meeting both) -
    placed as O(location) says, the second right after the first.
  - Idempotent. The tag and the category are created when missing and otherwise left to
    M(tagwarden.panos.threat_feed_sync), which keeps its state in the tag's comments and writes the
    category's entries. The rules carry the owner tag C(tagwarden.panos); an object of the same name
    that this collection did not create is refused, never changed.
  - One partial commit of O(commit_admin)'s changes, only when something changed.
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.rule_zones
  - tagwarden.panos.vsys
  - tagwarden.panos.rule_placement
  - tagwarden.panos.connection
  - tagwarden.panos.commit
  - tagwarden.panos.tag_color
  - tagwarden.panos.attributes
attributes:
  check_mode:
    support: full
    description: Reads the objects and reports what would change; writes nothing.
  diff_mode:
    support: full
    description: Shows each changed object before and after.
options:
  tag:
    description: The tag threat_feed_sync registers.
    type: str
    default: threat-feed
  dag_name:
    description: The Dynamic Address Group matching O(tag).
    type: str
    default: threat-feed
  url_category:
    description: The custom URL category receiving the feed's domains and URLs.
    type: str
    default: threat-feed
  rule_name:
    description: The name of the address rule; the URL rule is named O(rule_name)C(-url).
    type: str
    default: BlockThreatFeed
"""

EXAMPLES = r"""
- name: Feed objects, the rules above the outbound allow rule
  tagwarden.panos.threat_feed_objects:
    provider: "{{ panos_provider }}"
    location: above
    existing_rule: Allow-Outbound
"""

RETURN = r"""
created:
  description: Objects created, as C(<kind> <name>).
  returned: always
  type: list
  elements: str
updated:
  description: Objects changed.
  returned: always
  type: list
  elements: str
rules:
  description: The names of the two rules.
  returned: always
  type: list
  elements: str
committed:
  description: Whether a commit ran.
  returned: always
  type: bool
api_calls:
  description: XML API requests sent.
  returned: always
  type: int
"""

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import firewall_module, run_changes
from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import (
    COMMIT,
    RULE_PLACEMENT,
    RULE_ZONES,
    TAG_COLOR,
    VSYS,
    merge,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._bootstrap import COMMIT_DESCRIPTION, FeedObjects, ensure
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._shape import RuleShape


def main():
    module = firewall_module(merge(
        VSYS, COMMIT, TAG_COLOR, RULE_PLACEMENT, RULE_ZONES,
        tag=dict(type="str", default="threat-feed"),
        dag_name=dict(type="str", default="threat-feed"),
        url_category=dict(type="str", default="threat-feed"),
        rule_name=dict(type="str", default="BlockThreatFeed"),
    ))
    p = module.params
    run_changes(module, COMMIT_DESCRIPTION, lambda changes: ensure(
        changes, FeedObjects.from_options(p), Placement(p["location"], p["existing_rule"]), RuleShape.from_options(p),
        p["tag_color"]))


if __name__ == "__main__":
    main()
