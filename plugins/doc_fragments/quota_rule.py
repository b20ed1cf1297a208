# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The group deny rule and dynamic user group of quota_block and quota_cycle."""

    DOCUMENTATION = r"""
options:
  rule_name:
    description:
      - The permanent deny rule for groups; its source user is the dynamic user group O(dug_name).
      - Letters, digits, space, hyphen, underscore and period, at most 63 characters; anything else is refused
        before any request.
      - A rule of that name that tagwarden.panos does not own (no C(tagwarden.panos) tag), or one of ours for
        something else (for example the address rule C(BlockQuotaDAG)), is refused before any write.
    type: str
    default: BlockQuota
  dug_name:
    description:
      - The dynamic user group (PAN-OS 9.1 or later) whose members are the users tagged O(tag),
        the members of the blocked groups. Same naming rules as O(rule_name).
    type: str
    default: quota-users
  rule_location:
    description: Where a newly created rule goes.
    type: str
    choices: [top, bottom, before, after]
    default: top
  rule_existing:
    description: The rule that O(rule_location=before) or O(rule_location=after) refers to.
    type: str
  rule_from:
    description: Source zones of the rule (alias C(source_zone), the name C(paloaltonetworks.panos) uses).
    type: list
    elements: str
    default: [any]
    aliases: [source_zone]
  rule_to:
    description: Destination zones of the rule (alias C(destination_zone), the name C(paloaltonetworks.panos) uses).
    type: list
    elements: str
    default: [any]
    aliases: [destination_zone]
  rule_destination:
    description: Destination addresses of the rule.
    type: list
    elements: str
    default: [any]
  rule_action:
    description: The rule's action.
    type: str
    choices: [deny, drop, reset-client, reset-server, reset-both]
    default: deny
  rule_log_setting:
    description: The log forwarding profile of the rule (for example to send every quota block to a SIEM).
    type: str
  rule_log_end:
    description: Log at session end.
    type: bool
    default: true
  rule_tags:
    description: More tags on the rule (tag objects that exist), besides the C(tagwarden.panos) owner tag.
    type: list
    elements: str
    default: []
  chunk_size:
    description: The largest number of address or user entries in one User-ID message.
    type: int
    default: 1000
"""
