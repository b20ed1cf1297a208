#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: security_rule_set
short_description: Reconcile a managed set of security rules and their service objects
version_added: 0.2.0
description:
  - Makes the security rules that carry the owner tag O(owner_tag) and lie in O(scope) exactly
    O(rules) - created, updated, moved into place, deleted - and makes sure the service objects in
    O(services) exist. Generic - the rules can come from any source, such as
    M(tagwarden.panos.aws_security_rules_info).
  - A rule without the owner tag is never touched, even when its name starts with a scope prefix; a
    desired rule whose name an administrator's rule holds is refused before anything is written, named.
    An administrator's service object with the same name but another protocol or port is reported in
    RV(service_conflicts), not overwritten, and the rules that use it are not added (RV(not_added)).
  - Reads the whole rulebase in one request and the service objects in another, writes only what
    differs, and commits this admin's changes (partial commit) once, only when something changed.
  - New rules go out in one request and are then placed with the fewest moves - one per rule, or,
    when fewer, O(existing_rule) of O(location=above) and every rule after it moved to the bottom in
    their order, which leaves the order of every rule that is not ours as it was.
  - Before adding a rule that an allow rule not ours could allow already (every pair of it lies in one)
    or a deny not ours above its position could shadow, as the rulebase read tells, asks the firewall
    (C(test security-policy-match)) which rule each (source, destination) pair of the rule hits today -
    one address for each CIDR, with its first service; at most 8 probes per rule and O(match_limit)
    per run. Other new rules are added with no probe. When every pair hits an allow rule
    that is not ours and holds that pair, the rule is not added (RV(not_added) names those rules); a
    rule with more pairs than were probed is added and RV(partial_checks) says so; a deny above the
    new rule's position that a probe hits is reported as shadowing it (RV(shadowed), a warning) when it
    matches all of the rule's traffic - not when it is restricted to a URL category, an application or
    a port the rule is not limited to.
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.vsys
  - tagwarden.panos.rule_placement
  - tagwarden.panos.connection
  - tagwarden.panos.attributes
  - tagwarden.panos.commit
attributes:
  check_mode:
    support: full
    description: Reads the rulebase, runs the policy-match checks and reports what would change; writes nothing.
  diff_mode:
    support: full
    description: Shows each rule and object that would change, before and after.
options:
  rules:
    description:
      - The desired rules, in the order they should keep. Keys are the fields of a security rule -
        C(name) (required), C(from_zones), C(to_zones), C(sources), C(destinations), C(source_users),
        C(applications), C(services), C(categories) (lists, default V([any]), services
        V([application-default])), C(action) (default V(allow)), C(profile_group), C(log_setting),
        C(log_end), C(description), C(tags), C(disabled), C(schedule).
      - Each rule gets the owner tag; each name must start with a prefix of O(scope) when it is given.
    type: list
    elements: dict
    default: []
  services:
    description:
      - Service objects the rules use (created, or reused when an administrator's object of that name
        has the same protocol and port). Owned service objects that no rule uses any more are deleted.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The service object's name.
        type: str
        required: true
      protocol:
        description: The protocol.
        type: str
        choices: [tcp, udp, sctp]
        required: true
      port:
        description: Destination port or range, such as V(22) or V(500-600).
        type: str
        required: true
  owner_tag:
    description:
      - The tag that marks the rules and service objects of this set (created when missing).
    type: str
    default: tagwarden.panos
  scope:
    description:
      - Name prefixes of the owned rules this run replaces (owned rules in scope that O(rules) does not
        list are deleted). Omitted - every rule that carries O(owner_tag). An empty list touches no
        existing rule.
    type: list
    elements: str
  location:
    description:
      - Where new rules go. V(above) - right before O(existing_rule) (a clean-up rule that must stay last)
        when it exists, else at the bottom. An existing rule is moved only when it is out of the desired
        order or below O(existing_rule).
    type: str
    choices: [top, bottom, before, after, above]
    default: bottom
  existing_rule:
    description:
      - The rule that O(location=before), O(location=after) and O(location=above) refer to.
    type: str
  policy_match:
    description:
      - Whether to run the C(test security-policy-match) check before adding a rule.
    type: bool
    default: true
  match_limit:
    description:
      - At most this many policy-match probes per run; new rules worth a check beyond it are added
        unchecked and listed in RV(partial_checks) with C(probed=0), with a warning.
    type: int
    default: 50
"""

EXAMPLES = r"""
- name: The AWS rules of one instance, above the clean-up rule
  tagwarden.panos.security_rule_set:
    provider: "{{ firewall }}"
    owner_tag: tagwarden-aws
    scope: [i-0abc1234def567890-]
    location: above
    existing_rule: deny-all
    rules:
      - name: i-0abc1234def567890-tcp-8443
        sources: [203.0.113.0/24]
        destinations: [10.0.1.10]
        services: [tcp-8443]
    services:
      - {name: tcp-8443, protocol: tcp, port: "8443"}
"""

RETURN = r"""
created:
  description: Rules and objects created (in check mode, that would be), as C(kind name).
  returned: always
  type: list
  elements: str
  sample: ["tag tagwarden-aws", "service tcp-8443", "rule i-0abc1234def567890-tcp-8443"]
updated:
  description: Rules and objects changed.
  returned: always
  type: list
  elements: str
  sample: []
moved:
  description: Existing rules moved back into the desired order or above O(existing_rule).
  returned: always
  type: list
  elements: str
  sample: []
deleted:
  description: Owned rules in scope that are no longer desired, and owned service objects no rule uses.
  returned: always
  type: list
  elements: str
  sample: ["rule i-0abc1234def567890-tcp-22"]
not_added:
  description:
    - Desired rules not added (or, when they exist, left as they are), with the reason - the traffic
      is allowed already (C(allowed_by) names the rules, comma-separated), or a service conflict.
    - Earlier releases called it C(skipped), a key Ansible reads as "the task was skipped".
  returned: always
  type: list
  elements: dict
  sample: [{"rule": "i-0abc1234def567890-tcp-443", "reason": "the traffic is allowed already", "allowed_by": "allow-web"}]
shadowed:
  description: New rules that a deny rule above their position shadows (matches all of their traffic).
  returned: always
  type: list
  elements: dict
  sample: [{"rule": "i-0abc1234def567890-tcp-22", "denied_by": "block-ssh"}]
partial_checks:
  description:
    - New rules worth a policy-match check that covered only some (or none) of their (source, destination) pairs
      (the per-rule cap or O(match_limit)); they are added.
  returned: always
  type: list
  elements: dict
  sample: [{"rule": "i-0abc1234def567890-tcp-22", "probed": 8, "pairs": 12}]
reused_services:
  description: Administrators' service objects used as they are (same protocol and port).
  returned: always
  type: list
  elements: str
  sample: []
service_conflicts:
  description: Administrators' service objects with a desired name but another protocol or port.
  returned: always
  type: list
  elements: dict
  sample: [{"service": "tcp-8443", "wanted": "tcp/8443", "found": "tcp/443"}]
policy_matches:
  description: C(test security-policy-match) requests made.
  returned: always
  type: int
  sample: 1
committed:
  description: Whether a commit job ran.
  returned: always
  type: bool
  sample: true
api_calls:
  description: HTTP requests made to the firewall by this task.
  returned: always
  type: int
  sample: 9
"""

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import firewall_module, run_changes
from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import (
    COMMIT,
    RULE_PLACEMENT,
    VSYS,
    merge,
    with_default,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ownership import OWNER_TAG
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ruleset import (
    COMMIT_DESCRIPTION,
    SERVICE_PROTOCOLS,
    reconcile,
)


def main():
    module = firewall_module(merge(
        VSYS, COMMIT, with_default(RULE_PLACEMENT, location="bottom"),
        rules=dict(type="list", elements="dict", default=[]),
        services=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            protocol=dict(type="str", choices=list(SERVICE_PROTOCOLS), required=True),
            port=dict(type="str", required=True),
        )),
        owner_tag=dict(type="str", default=OWNER_TAG),
        scope=dict(type="list", elements="str"),
        policy_match=dict(type="bool", default=True),
        match_limit=dict(type="int", default=50),
    ))
    p = module.params
    run_changes(module, COMMIT_DESCRIPTION, lambda changes: reconcile(
        changes, p["rules"], p["services"], owner=p["owner_tag"], scope=p["scope"],
        placement=Placement(p["location"], p["existing_rule"]), match=p["policy_match"], match_limit=p["match_limit"]))


if __name__ == "__main__":
    main()
