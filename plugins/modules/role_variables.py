#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: role_variables
short_description: Warn about variables that look like a role's but that no role of the collection knows
version_added: 0.1.0
description:
  - The roles of this collection run it first, once per play - a variable with a role's prefix
    (C(quota_), C(threat_feed_), C(aws_security_rules_)) that no role's C(meta/argument_specs.yml)
    declares is a typing mistake (C(quota_ipp) for C(quota_ip)) that Ansible would silently ignore,
    enforcing the default instead. One warning per such variable, naming the closest known one.
  - An action plugin - it runs on the controller and reads the task's variables; it changes nothing.
author:
  - tagwarden developers (@tagwarden)
options:
  role:
    description: The role that asks, named in the warnings.
    type: str
    required: true
  prefixes:
    description: The variable name prefixes to check.
    type: list
    elements: str
    required: true
  known:
    description: Names with those prefixes that are not role options but are known (playbook variables, registered results).
    type: list
    elements: str
    default: []
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: It only reads variables.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: none
    details: Nothing changes.
"""

EXAMPLES = r"""
- name: Check the role's variable names
  tagwarden.panos.role_variables:
    role: tagwarden.panos.quota_enforce
    prefixes: [quota_]
    known: [quota_hosts]
  run_once: true
"""

RETURN = r"""
unknown:
  description: The variables with one of O(prefixes) that no role of the collection declares.
  returned: always
  type: list
  elements: str
  sample: [quota_ipp]
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(role=dict(type="str", required=True),
                                              prefixes=dict(type="list", elements="str", required=True),
                                              known=dict(type="list", elements="str", default=[])),
                           supports_check_mode=True)
    module.fail_json(msg="tagwarden.panos.role_variables runs as an action plugin on the controller only")


if __name__ == "__main__":
    main()
