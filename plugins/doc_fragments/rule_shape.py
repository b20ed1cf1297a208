# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """What a rule we own matches and does besides its zones and action (doc fragment
    tagwarden.panos.rule_zones): destinations, logging, tags (argument spec:
    module_utils/_ansible/_options.py RULE_SHAPE)."""

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
