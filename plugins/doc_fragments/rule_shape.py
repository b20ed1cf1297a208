# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """What a rule we own matches and does (argument spec: module_utils/_ansible/_options.py RULE_SHAPE).

    A module that takes the whole shape names both fragments, tagwarden.panos.rule_shape.zones and
    tagwarden.panos.rule_shape (ansible-test reads each fragment as one string literal).
    """

    # The zones and the action alone: threat_feed_objects and threat_feed_edl_objects, whose rules'
    # other ends are the feed's objects (argument spec: _options.RULE_ZONES).
    ZONES = r"""
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

    # The rest of the shape (with ZONES: _options.RULE_SHAPE).
    DOCUMENTATION = r"""
options:
  destination:
    description: Destination addresses of the rule (alias O(rule_destination), the name of earlier releases).
    type: list
    elements: str
    default: [any]
    aliases: [rule_destination]
  log_setting:
    description:
      - The log forwarding profile of the rule (for example to send every block to a SIEM).
      - Alias O(rule_log_setting), the name of earlier releases.
    type: str
    aliases: [rule_log_setting]
  log_end:
    description: Log at session end (alias O(rule_log_end), the name of earlier releases).
    type: bool
    default: true
    aliases: [rule_log_end]
  rule_tags:
    description: More tags on the rule (tag objects that exist), besides the C(tagwarden.panos) owner tag.
    type: list
    elements: str
    default: []
"""
