#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: quota_block
short_description: Apply quota blocks to a PAN-OS firewall (address and user tag registrations)
version_added: 0.1.0
description:
  - Blocks addresses by registering O(tag) and the companion tag C(<tag>.until.YYYYMMDDHHMMSS)
    on them with the native timeout (the seconds until the block ends), so the firewall
    releases them by itself; releases addresses by unregistering both.
  - Blocks groups by registering the user tags O(tag), its companion tag and one group tag
    C(<tag>.g.<hash>.until.YYYYMMDDHHMMSS) (a hash of the group name) on every member of the
    group, with the native timeout; the firewall ends them by itself, even when no cycle runs
    again. Users with O(tag) are the members of the dynamic user group O(dug_name), the source
    user of the permanent deny rule O(rule_name). No commit is needed for a block or a release.
  - Creates the owner tag, the dynamic user group and the rule when missing (normally the
    bootstrap does), carrying the C(tagwarden.panos) owner tag, and commits them (partial
    commit of this admin) only then, or when they are in the candidate but not yet in the
    running config.
  - Reads the address registrations of O(tag), every user's tags and the config objects once,
    then writes only the difference in batched User-ID messages.
  - All input is checked first. A group that cannot be blocked (a PAN-OS keyword such as
    C(any) or C(Known-User), compared case-insensitively, or a group without known members)
    is reported in RV(groups_refused) and a warning; every other block still applies.
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.connection
  - tagwarden.panos.attributes
  - tagwarden.panos.commit
  - tagwarden.panos.quota_rule
  - tagwarden.panos.rule_zones
  - tagwarden.panos.rule_shape
  - tagwarden.panos.rule_placement
  - tagwarden.panos.userid_batch
  - tagwarden.panos.vsys
attributes:
  check_mode:
    support: full
    description: Reads the current state and reports what would change; sends no change and no commit.
  diff_mode:
    support: full
    description: Shows the blocked addresses (with their ends), the users' tags and the config objects, before and after.
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
      - The complete set of groups to block, each with its release time (C(YYYY/MM/DD HH:MM:SS)).
      - An empty dict releases every group block; leave it out to leave the group blocks as they are.
    type: dict
  group_members:
    description:
      - The users of each group in O(groups), as C(userid_info) returns them; when left out they are read
        from User-ID (one request per group).
    type: dict
  bootstrap:
    description:
      - Create the owner tag, the dynamic user group and the rule now, even with no group to block
        (the role C(tagwarden.panos.quota_bootstrap) sets it).
    type: bool
    default: false
  commit_pending:
    description:
      - Commit this admin's changes (partial commit) even when this task changes nothing, because an earlier
        task wrote with C(commit=false). The role C(tagwarden.panos.quota_bootstrap) passes
        C(tagwarden.panos.quota_objects)'s RV(tagwarden.panos.quota_objects#module:pending), so that a bootstrap
        makes one commit. Nothing happens with O(commit=false) or in check mode.
    type: bool
    default: false
  now:
    description:
      - The firewall's time (C(YYYY/MM/DD HH:MM:SS)), as C(quota_block_info) returns it; tag timeouts
        are C(until - now) seconds, from 1 to 2592000 (30 days).
      - When left out, the firewall's clock is read (one more request).
    type: str
"""

EXAMPLES = r"""
- name: Apply the evaluation of this cycle
  tagwarden.panos.quota_block:
    provider: "{{ firewall }}"
    now: "{{ blocks.firewall_time }}"
    block_ips: "{{ evaluation.block_ips }}"
    release_ips: "{{ evaluation.release_ips | map(attribute='ip') | list }}"
    groups: "{{ evaluation.groups_after }}"
    log_setting: siem
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
users_tagged:
  description: Users that got group block tags (in check mode, that would).
  returned: always
  type: list
  elements: str
  sample: ["acme\\bob"]
users_untagged:
  description: Users whose group block tags were removed.
  returned: always
  type: list
  elements: str
  sample: []
groups_refused:
  description: Groups that cannot be blocked, each with the reason (the other blocks are applied).
  returned: always
  type: list
  elements: dict
  sample: [{group: any, reason: "'any' is a PAN-OS keyword ..."}]
enforced:
  description: Whether the running config holds the deny rule and the dynamic user group, so that group blocks are in force.
  returned: always
  type: bool
  sample: true
groups_blocked:
  description: Groups newly blocked.
  returned: always
  type: list
  elements: str
  sample: ["cn=sales,dc=acme,dc=local"]
groups_released:
  description: Groups whose block ended early (their tags were removed).
  returned: always
  type: list
  elements: str
  sample: []
rule:
  description: Whether the rule exists afterwards (it is permanent once created; V(absent) only before any group block or bootstrap).
  returned: always
  type: str
  sample: present
rule_change:
  description: V(created), V(updated) or null.
  returned: always
  type: str
  sample: created
committed:
  description: Whether a commit job ran (only when the rule or the dynamic user group was written or not yet running).
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

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import firewall_module, run_changes
from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import (
    COMMIT,
    RULE_PLACEMENT,
    RULE_SHAPE,
    RULE_ZONES,
    USERID_BATCH,
    VSYS,
    merge,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._blocks import COMMIT_DESCRIPTION, BlockRequest, apply
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import GROUP_RULE, GroupRule


def main():
    module = firewall_module(merge(
        VSYS, COMMIT, GROUP_RULE, RULE_ZONES, RULE_SHAPE, RULE_PLACEMENT, USERID_BATCH,
        tag=dict(type="str", default="quota"),
        block_ips=dict(type="list", elements="dict", default=[]),
        release_ips=dict(type="list", elements="str", default=[]),
        groups=dict(type="dict"),
        group_members=dict(type="dict"),
        bootstrap=dict(type="bool", default=False),
        commit_pending=dict(type="bool", default=False),
        now=dict(type="str"),
    ))
    p = module.params

    def task(changes):
        changes.pending = p["commit_pending"]
        return apply(changes, BlockRequest.from_options(p), GroupRule.from_options(p), p["chunk_size"])

    run_changes(module, COMMIT_DESCRIPTION, task)


if __name__ == "__main__":
    main()
