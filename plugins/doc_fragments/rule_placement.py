# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """Where a new rule goes (argument spec: module_utils/_ansible/_options.py RULE_PLACEMENT)."""

    DOCUMENTATION = r"""
options:
  location:
    description:
      - Where a new rule goes - V(top), V(bottom), V(before) or V(after) O(existing_rule), or V(above) it
        (right before it when it exists, else at the bottom - for a clean-up rule that must stay last).
      - An existing rule is left where it is, unless the module says otherwise.
      - Alias O(rule_location), the name of earlier releases.
    type: str
    choices: [top, bottom, before, after, above]
    default: top
    aliases: [rule_location]
  existing_rule:
    description:
      - The rule that O(location=before), O(location=after) and O(location=above) refer to.
      - Alias O(rule_existing), the name of earlier releases.
    type: str
    aliases: [rule_existing]
"""
