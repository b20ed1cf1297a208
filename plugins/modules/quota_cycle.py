#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: quota_cycle
short_description: Run one bandwidth-quota cycle on a PAN-OS firewall
version_added: 0.1.0
description:
  - One enforce and release cycle, as the role C(tagwarden.panos.quota_enforce) runs it every minute -
    read the usage (the custom report C(Quota) or the traffic logs), the User-ID groups and IP-user
    mapping where quotas need them, and the blocks in force; decide what to block and release; register
    and unregister the quota tag, update or delete the group deny rule, and commit (partially, this
    admin's changes only) when the configuration changed.
  - The same steps as M(tagwarden.panos.quota_report_info), M(tagwarden.panos.userid_info),
    M(tagwarden.panos.quota_block_info), M(tagwarden.panos.quota_evaluate) and M(tagwarden.panos.quota_block),
    in one process over one connection - the firewall is read once and written once, and the
    report's rows never pass through Ansible, which keeps a cycle short on large reports.
  - The firewall is the only state - IP blocks are tags with a native timeout (the firewall releases them
    itself), group release times are kept in the rule's description, times come from the firewall's clock.
  - Settings are checked before the first request; one error names every bad value.
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.quota_policy
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
    description: Can run in check mode and return changed status prediction without modifying the firewall.
    support: full
    details: Reads everything and reports what would change; sends no change and no commit.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: full
    details: Shows the blocked addresses (with their ends) and the rule, before and after.
options:
  source:
    description:
      - Where usage comes from - V(report) runs the custom report O(report_name) (traffic summary data,
        which moves in 15-minute buckets); V(traffic_log) sums the traffic logs of the last O(minutes)
        minutes for minute-level accuracy, at the cost of more requests.
    type: str
    choices: [report, traffic_log]
    default: report
  report_name:
    description: The saved custom report (created by the role C(tagwarden.panos.quota_bootstrap)).
    type: str
    default: Quota
  minutes:
    description: With O(source=traffic_log), the window of logs summed.
    type: int
    default: 15
  job_timeout:
    description: Seconds to wait for the report or log job.
    type: int
    default: 120
  groups:
    description:
      - Only these User-ID groups are read and evaluated. All groups when omitted.
    type: list
    elements: str
  group_membership:
    description:
      - 'Group membership to use instead of reading it from User-ID, C({group: [user, ...]}), for example
        from an LDAP query.'
    type: dict
  firewall_name:
    description:
      - The firewall's name at the start of each RV(summary) line and in each of RV(events), so that the
        logs of many firewalls stay greppable; the role C(tagwarden.panos.quota_enforce) passes the inventory
        host name.
      - Default the provider's address and port.
    type: str
notes:
  - Runs inside Ansible's own process on the controller (an action plugin of the same name), which costs
    far less CPU per firewall than a module process; its libraries (pan-python) must be installed in the
    Python that runs C(ansible-playbook), whatever C(ansible_python_interpreter) says. The C(delegate_to)
    and C(connection) keywords do not change where it runs.
seealso:
  - module: tagwarden.panos.quota_evaluate
  - module: tagwarden.panos.quota_block
"""

EXAMPLES = r"""
- name: One quota cycle (20MB per address and per user, 100MB per group, per 15 minutes)
  tagwarden.panos.quota_cycle:
    quotas:
      ip: 20MB
      user: 20MB
      group: 100MB
    exempt:
      ips: [10.0.0.0/24]
      users: ['acme\ceo']
  register: quota

- name: Show the status
  ansible.builtin.debug:
    msg: "{{ quota.summary }}"

- name: One cycle, its status lines and events named after the inventory host
  tagwarden.panos.quota_cycle:
    quotas:
      ip: 20MB
    firewall_name: "{{ inventory_hostname }}"
  register: quota
"""

RETURN = r"""
summary:
  description:
    - Lines a person reads at a glance, each starting with O(firewall_name) - the firewall's time and the
      usage's time window (with the report, from when the 15-minute bucket in progress counts), then the
      decisions (new blocks with reasons, releases), usage with percent of quota, blocks in force with time
      left (in check mode the new ones read C(would block)), and what changed on the firewall.
  returned: success
  type: list
  elements: str
  sample:
    - 'fw1: quota cycle at 2026/11/22 10:07:00, usage 2026/11/22 09:45:00 to 2026/11/22 09:59:59 (15-minute buckets:
      traffic after 2026/11/22 09:59:59 counts from 2026/11/22 10:15:00)'
    - 'fw1: BLOCK ip 10.1.9.50 until 2026/11/22 10:22:00: address over quota, 42MB of 20MB (210.0%)'
events:
  description:
    - One event per block and release of this cycle, for a SIEM or a chat (docs/quota.md, "Notifications"); the
      role C(tagwarden.panos.quota_enforce) writes them as JSON lines to a file or syslog. Every event has every
      key. A user block is one event for all the user's addresses.
    - Address blocks that end on the firewall by themselves (their tag timeout) give no release event.
    - In check mode, the events the cycle would cause.
  returned: success
  type: list
  elements: dict
  contains:
    time:
      description: The firewall's clock at the cycle (firewall-local time, C(YYYY/MM/DD HH:MM:SS)).
      type: str
    time_iso:
      description: RV(events[].time) in ISO 8601 (C(2026-11-22T10:07:00)), firewall-local time without an offset.
      type: str
    firewall:
      description: O(firewall_name).
      type: str
    action:
      description: V(block) or V(release).
      type: str
    kind:
      description: V(ip) (an address over quota, or an address released), V(user) (a user over quota), V(group).
      type: str
    subject:
      description: The address, the user or the group.
      type: str
    addresses:
      description: The addresses blocked or released (all the user's for V(user)); empty for V(group).
      type: list
      elements: str
    user:
      description: The user of a blocked address (or the blocked user); null when unknown and for groups.
      type: str
    until:
      description: The block's end (firewall-local time); for a release, the end it had.
      type: str
    until_iso:
      description: RV(events[].until) in ISO 8601.
      type: str
    bytes:
      description: The usage that caused the block, in bytes; null for releases.
      type: int
    quota:
      description: The quota that was exceeded, in bytes; null for releases.
      type: int
    reason:
      description:
        - C(address over quota), C(user over quota), C(group over quota); for releases C(block ended), C(exempt)
          or C(block removed on the firewall).
      type: str
    ended_by:
      description:
        - For releases, C(cycle) when this cycle removed the block, C(firewall) when the block had already ended on
          the firewall (its native timeout, or an unregistration) and this cycle found and removed its bookkeeping,
          which outlives the block by one hour; null for blocks.
      type: str
  sample:
    - {time: 2026/11/22 10:07:00, time_iso: "2026-11-22T10:07:00", firewall: fw1, action: block, kind: user,
       subject: 'acme\alice', addresses: [10.1.1.11, 10.1.1.12], user: 'acme\alice', until: 2026/11/22 10:22:00,
       until_iso: "2026-11-22T10:22:00", bytes: 33600000, quota: 30000000, reason: user over quota, ended_by: null}
block_ips:
  description: Addresses blocked by this cycle, with C(ip), C(reason), C(user), C(bytes), C(quota), C(until), C(timeout).
  returned: success
  type: list
  elements: dict
release_ips:
  description:
    - Addresses released by this cycle (their block ended or they became exempt), with C(ended_by) as in RV(events).
  returned: success
  type: list
  elements: dict
block_groups:
  description: Groups blocked by this cycle.
  returned: success
  type: list
  elements: dict
release_groups:
  description: Groups released by this cycle, with C(ended_by) as in RV(events).
  returned: success
  type: list
  elements: dict
groups_after:
  description: The groups the deny rule holds afterwards, with their release times.
  returned: success
  type: dict
usage:
  description: The top names of each scope (C(ip), C(user), C(group)) with bytes, quota, percent, over and exempt.
  returned: success
  type: dict
currently_blocked:
  description:
    - How many blocks (addresses and groups) are in force after the cycle. RV(summary) lists the first ones with
      their time left; M(tagwarden.panos.quota_block_info) reads them all.
  returned: success
  type: int
registered:
  description: Addresses that got the tag (in check mode, that would).
  returned: success
  type: list
  elements: str
unregistered:
  description: Addresses whose tags were removed (in check mode, that would be).
  returned: success
  type: list
  elements: str
rule:
  description: Whether the deny rule exists afterwards (V(present) or V(absent)).
  returned: success
  type: str
rule_change:
  description: V(created), V(updated), V(deleted) or null.
  returned: success
  type: str
committed:
  description: Whether a commit job ran.
  returned: success
  type: bool
failed_entries:
  description: User-ID entries the firewall rejected; the task fails when there are any.
  returned: always
  type: list
  elements: dict
window:
  description: The time range the usage covers (firewall time).
  returned: success
  type: dict
firewall_time:
  description: The firewall's clock when the blocks were read (C(YYYY/MM/DD HH:MM:SS)).
  returned: success
  type: str
api_calls:
  description: HTTP requests made to the firewall by this task.
  returned: always
  type: int
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
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._blocks import COMMIT_DESCRIPTION
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._cycle import cycle
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._options import QUOTA_POLICY
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import GROUP_RULE


# The options besides the connection's; the action plugin of the same name takes them too.
OPTIONS = merge(
    VSYS, COMMIT, GROUP_RULE, RULE_ZONES, RULE_SHAPE, RULE_PLACEMENT, USERID_BATCH, QUOTA_POLICY,
    source=dict(type="str", choices=["report", "traffic_log"], default="report"),
    report_name=dict(type="str", default="Quota"),
    minutes=dict(type="int", default=15),
    job_timeout=dict(type="int", default=120),
    groups=dict(type="list", elements="str"),
    group_membership=dict(type="dict"),
    firewall_name=dict(type="str"),
)


def run_cycle(module):
    """One cycle for an AnsibleModule or the action plugin's stand-in for one."""
    run_changes(module, COMMIT_DESCRIPTION, lambda changes: cycle(changes, module.params))


def main():
    run_cycle(firewall_module(OPTIONS))


if __name__ == "__main__":
    main()
