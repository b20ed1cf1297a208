#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: quota_block_info
short_description: Read the quota blocks kept on a PAN-OS firewall
version_added: 0.1.0
description:
  - Blocked addresses are the ones registered with O(tag); each block's end is the companion
    tag C(<tag>.until.YYYYMMDDHHMMSS) registered with it. An address with O(tag) but no
    companion tag was blocked by someone else and reads as C(null).
  - Blocked groups are read from the user tags. A group is blocked while members carry O(tag)
    and its group tag C(<tag>.g.<hash>.until.YYYYMMDDHHMMSS); the group is named by matching the
    hash with the groups User-ID lists (a group no longer listed appears as C(<tag>.g.<hash>)).
    Group blocks count only while the running config holds the rule O(rule_name) and the
    dynamic user group O(dug_name) (RV(groups_enforced)).
  - One paged read of the registered addresses with O(tag), one of the user tags, three config
    reads and one running-config read, one C(show clock), and one group list when groups are
    blocked. Only reads; never changes the firewall.
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.connection
  - tagwarden.panos.attributes
  - tagwarden.panos.attributes.info_module
options:
  tag:
    description:
      - The tag that the quota DAG matches.
    type: str
    default: quota
  rule_name:
    description:
      - The deny rule for the blocked groups' users.
    type: str
    default: BlockQuota
  dug_name:
    description:
      - The dynamic user group of the blocked users.
    type: str
    default: quota-users
  vsys:
    description:
      - The virtual system of the registrations and the rule.
    type: str
    default: vsys1
"""

EXAMPLES = r"""
- name: What is blocked now
  tagwarden.panos.quota_block_info:
    provider: "{{ firewall }}"
  register: blocks
"""

RETURN = r"""
blocked:
  description: The current blocks and their ends (firewall-local C(YYYY/MM/DD HH:MM:SS), or null when not ours).
  returned: success
  type: dict
  contains:
    ips:
      description: Address to end of its block.
      type: dict
      returned: always
    groups:
      description: Group to release time.
      type: dict
      returned: always
  sample: {ips: {10.0.0.5: "2026/11/22 10:15:00", 10.0.0.9: null}, groups: {"cn=sales,dc=acme,dc=local": "2026/11/22 10:30:00"}}
groups_enforced:
  description: Whether the running config holds the rule and the dynamic user group (else no group block is in force).
  returned: success
  type: bool
  sample: true
firewall_time:
  description: The firewall's clock (C(YYYY/MM/DD HH:MM:SS)).
  returned: success
  type: str
  sample: "2026/11/22 10:00:03"
api_calls:
  description: HTTP requests made to the firewall by this task.
  returned: always
  type: int
  sample: 4
"""

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import firewall_module, run_task
from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import VSYS, merge
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._blockstate import block_info
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import GROUP_RULE


def main():
    module = firewall_module(merge(VSYS, GROUP_RULE, tag=dict(type="str", default="quota")))
    p = module.params
    run_task(module, lambda conn: block_info(conn, tag=p["tag"], rule_name=p["rule_name"], vsys=p["vsys"],
                                             dug_name=p["dug_name"]))


if __name__ == "__main__":
    main()
