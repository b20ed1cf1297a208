#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

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
  - The same steps as M(tagwarden.panos.quota_report_facts), M(tagwarden.panos.userid_facts),
    M(tagwarden.panos.quota_block_facts), M(tagwarden.panos.quota_evaluate) and M(tagwarden.panos.quota_block),
    in one process over one connection - the firewall is read once and written once, and the
    report's rows never pass through Ansible, which keeps a cycle short on large reports.
  - The firewall is the only state - IP blocks are tags with a native timeout (the firewall releases them
    itself), group release times are kept in the rule's description, times come from the firewall's clock.
  - Settings are checked before the first request; one error names every bad value.
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.connection
  - tagwarden.panos.attributes
  - tagwarden.panos.commit
  - tagwarden.panos.quota_rule
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
  quotas:
    description:
      - Quota per scope, a dictionary with any of the keys C(ip), C(user) and C(group); a scope left out
        or null is not checked. Sizes as in M(tagwarden.panos.quota_evaluate), for example C(20MB) or C(1.5GiB).
    type: dict
    default: {}
  overrides:
    description:
      - 'Per-name quotas, for example C({"user": {"acme\\bob": "50MB"}}), as in M(tagwarden.panos.quota_evaluate).'
    type: dict
    default: {}
  exempt:
    description: Names never blocked, a dictionary with C(ips) (addresses and networks), C(users) and C(groups).
    type: dict
    default: {}
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
  block_duration:
    description: How long a new block lasts, as seconds or with a unit (C(15m), C(1h)); at most 30 days.
    type: raw
    default: 15m
  top:
    description: How many of the largest users of each scope the usage tables and RV(summary) list.
    type: int
    default: 10
  tag:
    description: The tag of the quota Dynamic Address Group.
    type: str
    default: quota
  vsys:
    description: The virtual system whose traffic, registrations and rules the cycle works on.
    type: str
    default: vsys1
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
"""

RETURN = r"""
summary:
  description: Lines a person reads at a glance - usage with percent of quota, new blocks with reasons, releases,
    blocks in force with time left, and what changed on the firewall.
  returned: success
  type: list
  elements: str
block_ips:
  description: Addresses blocked by this cycle, with C(ip), C(reason), C(user), C(bytes), C(quota), C(until), C(timeout).
  returned: success
  type: list
  elements: dict
release_ips:
  description: Addresses released by this cycle (their block ended or they became exempt).
  returned: success
  type: list
  elements: dict
block_groups:
  description: Groups blocked by this cycle.
  returned: success
  type: list
  elements: dict
release_groups:
  description: Groups released by this cycle.
  returned: success
  type: list
  elements: dict
groups_after:
  description: The groups the deny rule holds afterwards, with their release times.
  returned: success
  type: dict
usage:
  description: The top names of each scope (C(ip), C(user), C(group)) with bytes, quota and percent.
  returned: success
  type: dict
currently_blocked:
  description:
    - How many blocks (addresses and groups) are in force after the cycle. RV(summary) lists the first ones with
      their time left; M(tagwarden.panos.quota_block_facts) reads them all.
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

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import COMMIT_OPTIONS, firewall_module, run_task
from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import commit_admin_for
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import RULE_OPTIONS
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._cycle import cycle


def main():
    module = firewall_module(dict(
        RULE_OPTIONS,
        **COMMIT_OPTIONS,
        source=dict(type="str", choices=["report", "traffic_log"], default="report"),
        report_name=dict(type="str", default="Quota"),
        minutes=dict(type="int", default=15),
        job_timeout=dict(type="int", default=120),
        quotas=dict(type="dict", default={}),
        overrides=dict(type="dict", default={}),
        exempt=dict(type="dict", default={}),
        groups=dict(type="list", elements="str"),
        group_membership=dict(type="dict"),
        block_duration=dict(type="raw", default="15m"),
        top=dict(type="int", default=10),
        tag=dict(type="str", default="quota"),
        vsys=dict(type="str", default="vsys1"),
    ))
    options = dict(module.params, commit_admin=commit_admin_for(module.params["commit_admin"], module.params["provider"]))
    run_task(module, lambda conn: cycle(conn, options, check_mode=module.check_mode))


if __name__ == "__main__":
    main()
