#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: aws_security_rules_info
short_description: Compute the security rules that AWS's current state calls for
version_added: 0.2.0
description:
  - Reads EC2 (instances, network interfaces, subnets, route tables, security groups, prefix lists)
    and returns the allow rules and service objects for the instances whose subnets send the default
    route to the firewall, ready for M(tagwarden.panos.security_rule_set). Runs on the controller and
    touches no firewall. Read-only on AWS (EC2 describe calls, and S3 get for CloudTrail log files).
  - Without O(event), O(instance_ids) and O(group_ids) - a full reconcile (RV(scope) null). With them,
    only the instances named and those using the groups named (RV(scope)); an event only says where to
    look, the rules come from AWS's state as it is now, so lost, repeated or reordered events do no harm.
  - See docs/cloud_rules.md for the derivation, the rule names and the skips reported in RV(notes).
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.aws
  - tagwarden.panos.aws_rules
attributes:
  check_mode:
    support: full
    description: Reads AWS only, so it runs the same in check mode.
  diff_mode:
    support: none
    description: The module changes nothing.
options:
  event:
    description:
      - An AWS event naming what changed - a CloudTrail record, a list of them, a CloudTrail log file
        (C(Records)), an S3 log-file notification (the log files are read), or an EventBridge event
        (C(AWS API Call via CloudTrail), C(EC2 Instance State-change Notification)).
      - Records carrying C(errorCode) are skipped.
    type: raw
  instance_ids:
    description:
      - Instances to reconcile (besides those of O(event)).
    type: list
    elements: str
  group_ids:
    description:
      - Security groups whose instances to reconcile (besides those of O(event)).
    type: list
    elements: str
"""

EXAMPLES = r"""
- name: Desired rules for the whole account and region
  tagwarden.panos.aws_security_rules_info:
    region: eu-west-1
    firewall_instance_ids: [i-0f1e2d3c4b5a69788]
    from_zones: [untrust]
    to_zones: [trust]
  register: aws_rules

- name: Desired rules for what one CloudTrail event names
  tagwarden.panos.aws_security_rules_info:
    region: eu-west-1
    firewall_instance_ids: [i-0f1e2d3c4b5a69788]
    event: "{{ aws_event }}"
  register: aws_rules
"""

RETURN = r"""
rules:
  description: The desired rules (dicts with the keys of O(tagwarden.panos.security_rule_set#module:rules)), by name.
  returned: success
  type: list
  elements: dict
  sample: [{"name": "i-0abc1234def567890-tcp-8443", "sources": ["203.0.113.0/24"], "destinations": ["10.0.1.10"],
            "services": ["tcp-8443"], "applications": ["any"], "tags": ["tagwarden-aws"]}]
services:
  description: The service objects the rules use, as C(name), C(protocol), C(port).
  returned: success
  type: list
  elements: dict
  sample: [{"name": "tcp-8443", "protocol": "tcp", "port": "8443"}]
notes:
  description: What was skipped and why (VPC-internal sources, group references, unknown instances, ...).
  returned: success
  type: list
  elements: dict
  sample: [{"subject": "sg-0123456789abcdef0", "reason": "skipped: source 10.0.0.0/16 is inside VPC vpc-0a1b2c3d",
            "permission": "sg-0123456789abcdef0 tcp 22-22"}]
scope:
  description: The instance ids whose rules this result covers; null for a full reconcile.
  returned: success
  type: list
  elements: str
  sample: ["i-0abc1234def567890"]
name_prefixes:
  description: The rule-name prefixes of RV(scope) (C(<instance id>-)), for O(tagwarden.panos.security_rule_set#module:scope).
  returned: success
  type: list
  elements: str
  sample: ["i-0abc1234def567890-"]
owner_tag:
  description: The owner tag the rules carry.
  returned: success
  type: str
  sample: tagwarden-aws
aws_calls:
  description: HTTP requests made to AWS (retries included).
  returned: success
  type: int
  sample: 6
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._aws import AwsError
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._facts import rules_facts
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._options import aws_argument_spec, rule_argument_spec


def main():
    argument_spec = aws_argument_spec()
    argument_spec.update(rule_argument_spec())
    argument_spec.update(
        event=dict(type="raw"),
        instance_ids=dict(type="list", elements="str"),
        group_ids=dict(type="list", elements="str"),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        result = rules_facts(module.params)
    except (AwsError, ValueError) as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
