# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The group deny rule of quota_block and quota_cycle."""

    DOCUMENTATION = r"""
options:
  rule_name:
    description: The deny rule for groups; it exists only while a group is blocked.
    type: str
    default: BlockQuota
  rule_location:
    description: Where a newly created rule goes.
    type: str
    choices: [top, bottom, before, after]
    default: top
  rule_existing:
    description: The rule that O(rule_location=before) or O(rule_location=after) refers to.
    type: str
  rule_from:
    description: Source zones of the rule.
    type: list
    elements: str
    default: [any]
  rule_to:
    description: Destination zones of the rule.
    type: list
    elements: str
    default: [any]
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
  chunk_size:
    description: The largest number of address entries in one User-ID message.
    type: int
    default: 1000
"""
