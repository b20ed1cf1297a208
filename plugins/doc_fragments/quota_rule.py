# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The group deny rule and dynamic user group of quota_block and quota_cycle (argument spec:
    module_utils/_quota/_rule.py GROUP_RULE); its shape and placement are fragments of their own."""

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
"""
