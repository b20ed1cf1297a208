# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The zones and the action of a rule we own (argument spec: module_utils/_ansible/_options.py RULE_ZONES)."""

    DOCUMENTATION = r"""
options:
  from_zones:
    description:
      - Source zones of the rule.
      - Aliases O(rule_from) (quota_block's earlier name) and O(source_zone) (the name C(paloaltonetworks.panos) uses).
    type: list
    elements: str
    default: [any]
    aliases: [rule_from, source_zone]
  to_zones:
    description:
      - Destination zones of the rule.
      - Aliases O(rule_to) (quota_block's earlier name) and O(destination_zone) (the name C(paloaltonetworks.panos) uses).
    type: list
    elements: str
    default: [any]
    aliases: [rule_to, destination_zone]
  action:
    description: The rule's action (alias O(rule_action), quota_block's earlier name).
    type: str
    choices: [deny, drop, reset-client, reset-server, reset-both]
    default: deny
    aliases: [rule_action]
"""
