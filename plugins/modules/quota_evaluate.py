#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: quota_evaluate
short_description: Decide which IPs and user groups to block or release for bandwidth quotas
version_added: 0.1.0
description:
  - Evaluates one quota cycle on the controller from data read earlier from the firewall
    (usage rows of the C(Quota) custom report, user groups, the IP-user mapping, the current
    block state and the firewall's clock) and returns what to block and what to release.
  - Talks to no firewall and changes nothing; it never reports C(changed).
  - A name is over quota when its bytes exceed its quota. IPs over the C(ip) quota are blocked;
    a user over the C(user) quota has all its IPs blocked (the report rows with that user and
    the IP-user mapping); a group over the C(group) quota is blocked by the deny rule.
  - Blocks are not extended while they last. A user's new IP joins the user's running block
    (same end time). A block whose end has passed is released and not renewed in the same cycle.
  - User names are matched case-insensitively; group names too for O(overrides) and O(exempt).
author:
  - tagwarden developers (@tagwarden)
attributes:
  check_mode:
    support: full
    description: The module changes nothing in any mode.
  diff_mode:
    support: none
    description: The module changes nothing.
extends_documentation_fragment:
  - tagwarden.panos.quota_policy
options:
  rows:
    description:
      - Usage rows, for example the rows read from the C(Quota) custom report.
      - Each row is a dictionary with C(ip) (a single address, not a network), C(user) (a
        name such as C(acme\\bob), or null/empty when unknown) and C(bytes) (a whole number).
    type: list
    elements: dict
    default: []
  groups:
    description:
      - 'Group membership, C({group: [user, ...]}); a user in several groups counts toward each.'
    type: dict
    default: {}
  ip_user_mapping:
    description:
      - The firewall's IP-user mapping, a list of dictionaries with C(ip) and C(user); used to find
        all current IPs of an over-quota user.
    type: list
    elements: dict
    default: []
  blocked:
    description:
      - The current block state read from the firewall, a dictionary with the keys C(ips) and C(groups).
      - C(ips) maps each IP that has the quota O(tag) to its block's end (C(YYYY/MM/DD HH:MM:SS),
        from the companion tag) or to the list of its registered tags, from which the end is
        read. Null means the IP has the tag but no companion tag (not managed here, left alone).
      - C(groups) maps each group of the deny rule to its release time (from the rule's
        description), null for a group without one (left alone).
    type: dict
    default: {}
  now:
    description:
      - The firewall's current time, C(YYYY/MM/DD HH:MM:SS) in the firewall's local time. Pass the
        firewall's clock, never the controller's, so that block times agree with the firewall.
    type: str
    required: true
notes:
  - Run it on the controller (a play on C(localhost) or C(delegate_to) C(localhost)); it is not in the
    C(tagwarden.panos.firewall) action group because it has no connection options.
  - A blocked group's deny rule matches all its members, exempt users included.
"""

EXAMPLES = r"""
- name: Decide this cycle's blocks
  tagwarden.panos.quota_evaluate:
    now: "{{ firewall_clock }}"
    rows: "{{ quota_report.rows }}"
    quotas:
      ip: 20MB
      user: 20MB
      group: 200MB
    overrides:
      user:
        acme\carol: 1GiB
    exempt:
      ips: [10.0.0.1, 10.10.0.0/16]
      users: ['acme\ceo']
    groups: "{{ user_groups }}"
    ip_user_mapping: "{{ mapping.entries }}"
    blocked:
      ips: "{{ registered_quota_ips }}"
      groups: "{{ rule_release_times }}"
    block_duration: 15m
  register: quota

- name: Show it like the old script did
  ansible.builtin.debug:
    msg: "{{ quota.summary }}"
"""

RETURN = r"""
block_ips:
  description:
    - IPs to block now. Register C(tags) with the tag timeout C(timeout) (seconds).
    - C(reason) is C(address over quota) or C(user over quota); C(user) is the over-quota user,
      or for an address its user in the IP-user mapping, else the first user the report shows
      on it; C(bytes) and C(quota) are those of the IP or the user.
  returned: always
  type: list
  elements: dict
  sample:
    - ip: 10.0.0.5
      reason: user over quota
      user: acme\bob
      bytes: 25000000
      quota: 20000000
      until: "2026/11/22 10:15:00"
      timeout: 900
      tags: [quota, quota.until.20261122101500]
release_ips:
  description:
    - IPs of ours to unregister (C(tags)); C(reason) is C(block ended) or C(exempt); C(ended_by) is C(cycle).
  returned: always
  type: list
  elements: dict
  sample:
    - ip: 10.0.0.9
      until: "2026/11/22 09:59:00"
      reason: block ended
      tags: [quota, quota.until.20261122095900]
      ended_by: cycle
block_groups:
  description: Groups to add to the deny rule, with C(bytes), C(quota) and C(until).
  returned: always
  type: list
  elements: dict
  sample:
    - group: cn=sales,dc=acme,dc=local
      reason: group over quota
      bytes: 250000000
      quota: 200000000
      until: "2026/11/22 10:15:00"
release_groups:
  description: Groups to remove from the deny rule; C(reason) is C(block ended) or C(exempt).
  returned: always
  type: list
  elements: dict
  sample: []
groups_after:
  description:
    - Every group the deny rule must hold after this cycle, with its release time (null for groups
      not managed here). Empty means the rule must not exist (an empty source-user matches everyone).
  returned: always
  type: dict
  sample: {"cn=sales,dc=acme,dc=local": "2026/11/22 10:15:00"}
rule_description:
  description:
    - The deny rule's description holding RV(groups_after)'s release times; null when
      RV(groups_after) is empty. The module fails if it would exceed the 1024 characters PAN-OS allows.
  returned: always
  type: str
  sample: 'Managed by tagwarden.panos quota: ... {"release":{"cn=sales,dc=acme,dc=local":"2026/11/22 10:15:00"}}'
usage:
  description:
    - The O(top) largest users of each scope (C(ip), C(user), C(group)), largest first, with C(bytes),
      C(quota) (null without one), C(percent) of the quota, C(over) and C(exempt) (never blocked).
  returned: always
  type: dict
  sample:
    user:
      - name: acme\bob
        bytes: 25000000
        quota: 20000000
        percent: 125.0
        over: true
currently_blocked:
  description:
    - Everything blocked after this cycle (C(kind) C(ip) or C(group)), with C(until) and
      C(seconds_left); C(ours) is false for blocks not managed here.
  returned: always
  type: list
  elements: dict
  sample:
    - kind: ip
      name: 10.0.0.5
      until: "2026/11/22 10:15:00"
      seconds_left: 900
      ours: true
now:
  description: The time the cycle was evaluated at (O(now)).
  returned: always
  type: str
  sample: "2026/11/22 10:00:00"
summary:
  description: Lines for people (usage, new blocks with their reason, releases and what stays blocked).
  returned: always
  type: list
  elements: str
  sample:
    - "Quota cycle at 2026/11/22 10:00:00"
    - "  usage user  acme\\bob: 25MB of 20MB (125.0%) OVER"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import merge
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._evaluate import evaluate
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._options import QUOTA_POLICY, options_to_inputs
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._release import encode_rule_description
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._summary import summary_lines


def main() -> None:
    module = AnsibleModule(
        argument_spec=merge(
            QUOTA_POLICY,
            rows=dict(type="list", elements="dict", default=[]),
            groups=dict(type="dict", default={}),
            ip_user_mapping=dict(type="list", elements="dict", default=[]),
            blocked=dict(type="dict", default={}),
            now=dict(type="str", required=True),
        ),
        supports_check_mode=True,
    )
    try:
        result = evaluate(**options_to_inputs(module.params))
        description = encode_rule_description(result.groups_after) if result.groups_after else None
    except ValueError as error:
        module.fail_json(msg="quota_evaluate: %s" % error)
    # The rows and the mapping can run to 100,000 entries: echoing them back as the invocation
    # would cost more than the evaluation, so the invocation names only their sizes.
    invocation = dict(module.params, rows="%d rows" % len(module.params["rows"]),
                      ip_user_mapping="%d mappings" % len(module.params["ip_user_mapping"]))
    module.exit_json(changed=False, rule_description=description, summary=summary_lines(result, module.params["top"]),
                     invocation={"module_args": invocation}, **result.as_dict())


if __name__ == "__main__":
    main()
