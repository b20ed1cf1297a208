#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: dag_info
short_description: List Dynamic Address Groups and their current members
version_added: 0.1.0
description:
  - Runs C(show object dynamic-address-group) on the firewall (one request) and returns each
    group's filter and members, as the PAN-OS DAG quickstart verifies them.
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.vsys
  - tagwarden.panos.connection
  - tagwarden.panos.attributes
  - tagwarden.panos.attributes.info_module
options:
  name:
    description: Only this group. All groups when omitted.
    type: str
"""

EXAMPLES = r"""
- name: Members of the quota group
  tagwarden.panos.dag_info:
    name: quota-blocked
  register: dag

- name: Show them
  ansible.builtin.debug:
    var: dag.members['quota-blocked']
"""

RETURN = r"""
groups:
  description: Every group shown by the firewall.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Group name.
      type: str
      returned: always
    vsys:
      description: Where the group is defined (a vsys or C(shared)).
      type: str
      returned: always
    filter:
      description: The match expression.
      type: str
      returned: always
    members:
      description: Member addresses (registered IPs and tagged address objects).
      type: list
      elements: str
      returned: always
    member_types:
      description: Member -> C(registered-ip) or C(address-object).
      type: dict
      returned: always
members:
  description: Group name -> member list.
  returned: always
  type: dict
  sample: {quota-blocked: [10.0.0.5, 10.0.0.6]}
api_calls:
  description: HTTP requests made to the firewall by this task.
  returned: always
  type: int
  sample: 2
"""

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import firewall_module, run_task
from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import VSYS, merge
from ansible_collections.tagwarden.panos.plugins.module_utils._dag._group import dag_members


def main():
    module = firewall_module(merge(VSYS, name=dict(type="str")))

    def task(conn):
        groups = dag_members(conn, module.params["name"], module.params["vsys"])
        return dict(groups=groups, members=dict((g["name"], g["members"]) for g in groups))

    run_task(module, task)


if __name__ == "__main__":
    main()
