#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: quota_block
short_description: Apply quota blocks to a PAN-OS firewall (tag registrations and a deny rule)
version_added: 0.1.0
description:
  - Blocks addresses by registering O(tag) and the companion tag C(<tag>.until.YYYYMMDDHHMMSS)
    on them with the native timeout (the seconds until the block ends), so the firewall
    releases them by itself; releases addresses by unregistering both.
  - Blocks groups with the deny rule O(rule_name), which lists them as source users and keeps
    their release times in its description. The rule is created and moved into place when the
    first group is blocked, edited when the groups change, and deleted when none is left (it is
    never left with an empty source user, which would mean any user).
  - Reads the registrations of O(tag) once and the rule once, then writes only the difference,
    one batched set of User-ID messages and at most one rule change, followed by a partial
    commit of this admin's changes when the configuration changed.
  - All input is checked first; group names that PAN-OS reads as keywords (C(any),
    C(known-user), C(unknown), C(pre-logon)) and a description longer than PAN-OS stores are
    refused before anything is sent.
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.connection
  - tagwarden.panos.attributes
  - tagwarden.panos.commit
  - tagwarden.panos.quota_rule
attributes:
  check_mode:
    support: full
    description: Reads the current state and reports what would change; sends no change and no commit.
  diff_mode:
    support: full
    description: Shows the blocked addresses (with their ends) and the rule, before and after.
options:
  tag:
    description:
      - The tag the quota DAG matches.
    type: str
    default: quota
  block_ips:
    description:
      - Addresses to block and the end of each block, as C(quota_evaluate) returns them (other keys are ignored).
      - C(until) is firewall-local C(YYYY/MM/DD HH:MM:SS). An address already blocked until then is left alone.
    type: list
    elements: dict
    default: []
  release_ips:
    description:
      - Addresses whose block ends now.
    type: list
    elements: str
    default: []
  groups:
    description:
      - The complete set of groups to block, each with its release time (C(YYYY/MM/DD HH:MM:SS), or null when unknown).
      - An empty dict deletes the rule.
    type: dict
    default: {}
  now:
    description:
      - The firewall's time (C(YYYY/MM/DD HH:MM:SS)), as C(quota_block_facts) returns it; tag timeouts
        are C(until - now) seconds, from 1 to 2592000 (30 days).
    type: str
    required: true
  vsys:
    description:
      - The virtual system of the registrations and the rule.
    type: str
    default: vsys1
"""

EXAMPLES = r"""
- name: Apply the evaluation of this cycle
  tagwarden.panos.quota_block:
    provider: "{{ firewall }}"
    now: "{{ blocks.firewall_time }}"
    block_ips: "{{ evaluation.block_ips }}"
    release_ips: "{{ evaluation.release_ips | map(attribute='ip') | list }}"
    groups: "{{ evaluation.groups_after }}"
"""

RETURN = r"""
registered:
  description: Addresses that got the tag (in check mode, that would).
  returned: always
  type: list
  elements: str
  sample: [10.0.0.5]
unregistered:
  description: Addresses whose tags were removed (in check mode, that would be).
  returned: always
  type: list
  elements: str
  sample: [10.0.0.7]
groups_blocked:
  description: Groups added to the rule.
  returned: always
  type: list
  elements: str
  sample: ["cn=sales,dc=acme,dc=local"]
groups_released:
  description: Groups removed from the rule.
  returned: always
  type: list
  elements: str
  sample: []
rule:
  description: Whether the rule exists afterwards.
  returned: always
  type: str
  sample: present
rule_change:
  description: V(created), V(updated), V(deleted) or null.
  returned: always
  type: str
  sample: created
committed:
  description: Whether a commit job ran.
  returned: always
  type: bool
  sample: true
failed_entries:
  description:
    - User-ID entries the firewall rejected; the task fails when there are any (the other changes are applied).
    - Named C(failed_entries) because Ansible reserves C(failed) for the task status.
  returned: always
  type: list
  elements: dict
  sample: [{ip: 10.0.0.5, section: register, message: "ip 10.0.0.5 already has the maximum of 32 tags"}]
api_calls:
  description: HTTP requests made to the firewall by this task.
  returned: always
  type: int
  sample: 6
"""

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import COMMIT_OPTIONS, firewall_module, run_task
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._blocks import apply
from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import commit_admin_for
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import RULE_OPTIONS


def main():
    module = firewall_module(dict(
        RULE_OPTIONS,
        **COMMIT_OPTIONS,
        tag=dict(type="str", default="quota"),
        block_ips=dict(type="list", elements="dict", default=[]),
        release_ips=dict(type="list", elements="str", default=[]),
        groups=dict(type="dict", default={}),
        now=dict(type="str", required=True),
        vsys=dict(type="str", default="vsys1"),
    ))
    p = module.params
    rule_options = dict((name, p[name]) for name in RULE_OPTIONS)
    rule_options.update(commit=p["commit"], commit_admin=commit_admin_for(p["commit_admin"], p["provider"]))
    run_task(module, lambda conn: apply(
        conn, tag=p["tag"], block_ips=p["block_ips"], release_ips=p["release_ips"], groups=p["groups"], now=p["now"],
        vsys=p["vsys"], check_mode=module.check_mode, **rule_options))


if __name__ == "__main__":
    main()
