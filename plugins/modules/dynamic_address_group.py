#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: dynamic_address_group
short_description: Create, update or delete a Dynamic Address Group (and its tag objects)
version_added: 0.1.0
description:
  - Makes a vsys hold a dynamic address group with the given filter, plus tag objects for the
    tags named in O(tags), then commits only this administrator's changes (partial commit).
  - Idempotent, it reads the candidate configuration first and writes only what differs. An update
    keeps the children of the group that it does not manage (for example tags an administrator added).
  - Membership changes need no commit; use M(tagwarden.panos.dag_register) to tag addresses and
    M(tagwarden.panos.dag_info) to list the members.
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.vsys
  - tagwarden.panos.connection
  - tagwarden.panos.attributes
  - tagwarden.panos.commit
attributes:
  check_mode:
    support: full
    description: Reads the configuration and reports what would change.
  diff_mode:
    support: full
    description: Shows the tag objects and the group before and after (the children this module manages).
options:
  name:
    description: Name of the address group.
    type: str
    required: true
  filter:
    description:
      - The match expression, tag names in single quotes joined with C(and)/C(or), for example
        V('quota') or V('quota' and 'group').
      - Required when O(state=present).
    type: str
  description:
    description: Description of the group.
    type: str
  tags:
    description: Tag objects to create when missing (registered tags do not need them).
    type: list
    elements: str
    default: []
  state:
    description: Whether the group should exist.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: A group holding every address tagged quota
  tagwarden.panos.dynamic_address_group:
    name: quota-blocked
    filter: "'quota'"
    tags: [quota]
"""

RETURN = r"""
changes:
  description: What was (or, in check mode, would be) changed in the candidate configuration.
  returned: always
  type: list
  elements: str
  sample: ["create tag quota", "create address-group quota-blocked"]
commit:
  description: The partial commit, when one ran.
  returned: when a commit ran (changes made, or this admin's earlier changes still pending), O(commit=true), not in check mode
  type: dict
  sample: {changed: true, job_id: "12", result: OK, messages: ["Configuration committed successfully"]}
api_calls:
  description: HTTP requests made to the firewall by this task.
  returned: always
  type: int
  sample: 5
"""

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import firewall_module, run_changes
from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import COMMIT, VSYS, merge
from ansible_collections.tagwarden.panos.plugins.module_utils._dag._group import COMMIT_DESCRIPTION, ensure_group


def main():
    module = firewall_module(merge(
        VSYS, COMMIT,
        name=dict(type="str", required=True),
        filter=dict(type="str"),
        description=dict(type="str"),
        tags=dict(type="list", elements="str", default=[]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ), required_if=[("state", "present", ("filter",))])
    p = module.params
    run_changes(module, COMMIT_DESCRIPTION, lambda changes: ensure_group(
        changes, p["name"], p["filter"], p["description"], p["tags"], p["state"]))


if __name__ == "__main__":
    main()
