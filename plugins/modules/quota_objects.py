#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: quota_objects
short_description: Create the firewall objects that quota enforcement uses
version_added: 0.1.0
description:
  - Makes sure the vsys holds the tag O(tag), the Dynamic Address Group O(dag_name) matching it,
    the custom report O(report_name) (traffic summary bytes per source address and source user)
    and the deny rules in O(rules) with the DAG as source address. Used by the role
    C(tagwarden.panos.quota_bootstrap) (the group rule is C(tagwarden.panos.quota_block)'s).
  - The DAG and the rules carry the owner tag C(tagwarden.panos) (created first). A rule name in
    O(rules) held by a rule without that tag is refused before any write. Rule names are letters,
    digits, space, hyphen, underscore and period, at most 63 characters.
  - Reads each object once from the candidate configuration and writes only what differs
    (C(set) for a new object, C(edit) for a changed one, keeping settings it does not manage,
    such as a rule's log forwarding), moves new rules into place, and commits this admin's
    changes (partial commit) when something changed. A second run changes nothing.
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.connection
  - tagwarden.panos.attributes
  - tagwarden.panos.commit
  - tagwarden.panos.tag_color
attributes:
  check_mode:
    support: full
    description: Reads the objects and reports what would change; sends no change and no commit.
  diff_mode:
    support: full
    description: Shows each object that would change, before and after.
options:
  tag:
    description:
      - The tag registered on blocked addresses.
    type: str
    default: quota
  dag_name:
    description:
      - The Dynamic Address Group whose filter is the quoted O(tag).
    type: str
    default: quota
  report_name:
    description:
      - The saved custom report that C(tagwarden.panos.quota_report_info) runs.
    type: str
    default: Quota
  report_period:
    description:
      - The report's time frame.
    type: str
    choices: [last-15-minutes, last-hour, last-6-hrs, last-12-hrs, last-24-hrs, last-calendar-day, last-7-days, last-30-days]
    default: last-15-minutes
  report_topn:
    description:
      - How many address/user rows the report returns at most, 1 to 10000.
    type: int
    default: 10000
  rules:
    description:
      - Security rules with the DAG as source address. New rules are placed at O(rules[].location);
        existing rules keep their place.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The rule's name.
        type: str
        required: true
      from:
        description: Source zones (alias C(source_zone), the name C(paloaltonetworks.panos) uses).
        type: list
        elements: str
        default: [any]
        aliases: [source_zone]
      to:
        description: Destination zones (alias C(destination_zone), the name C(paloaltonetworks.panos) uses).
        type: list
        elements: str
        default: [any]
        aliases: [destination_zone]
      destination:
        description: Destination addresses.
        type: list
        elements: str
        default: [any]
      action:
        description: The rule's action.
        type: str
        choices: [deny, drop, reset-client, reset-server, reset-both, allow]
        default: deny
      location:
        description:
          - Where a new rule goes - V(top), V(bottom), V(before) or V(after) O(rules[].existing_rule), or
            V(above) it (right before it when it exists, else at the bottom), as the C(location) option of the other modules.
        type: str
        choices: [top, bottom, before, after, above]
        default: top
      existing_rule:
        description: The rule that O(rules[].location=before), O(rules[].location=after) and O(rules[].location=above) refer to.
        type: str
      description:
        description: The rule's description.
        type: str
      disabled:
        description: Whether the rule is disabled.
        type: bool
        default: false
      log_setting:
        description: The rule's log forwarding profile (for example to send every quota block to a SIEM).
        type: str
      log_end:
        description: Log at session end.
        type: bool
        default: true
      tags:
        description: More tags on the rule (tag objects that exist), besides the C(tagwarden.panos) owner tag.
        type: list
        elements: str
        default: []
  vsys:
    description:
      - The virtual system that holds the objects.
    type: str
    default: vsys1
"""

EXAMPLES = r"""
- name: Objects for quota enforcement
  tagwarden.panos.quota_objects:
    provider: "{{ firewall }}"
    rules:
      - name: QuotaDeny
        from: [trust]
        to: [untrust]
        description: Addresses over their bandwidth quota
"""

RETURN = r"""
created:
  description: Objects created (in check mode, that would be), as C(kind name).
  returned: always
  type: list
  elements: str
  sample: ["tag tagwarden.panos", "tag quota", "address-group quota", "report Quota", "rule QuotaDeny"]
updated:
  description: Objects changed (in check mode, that would be).
  returned: always
  type: list
  elements: str
  sample: []
committed:
  description: Whether a commit job ran.
  returned: always
  type: bool
  sample: true
pending:
  description:
    - With O(commit=false), whether this admin's changes to these objects (written by this task, or left by an
      earlier one) wait for a commit; a later task commits them, for example M(tagwarden.panos.quota_block)
      with O(tagwarden.panos.quota_block#module:commit_pending=true), as the role C(tagwarden.panos.quota_bootstrap)
      does to commit a bootstrap once. Always false with O(commit=true).
  returned: always
  type: bool
  sample: false
api_calls:
  description: HTTP requests made to the firewall by this task.
  returned: always
  type: int
  sample: 10
"""

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import firewall_module, run_changes
from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import COMMIT, TAG_COLOR, VSYS, merge
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._bootstrap import COMMIT_DESCRIPTION, REPORT_PERIODS, ensure


def main():
    module = firewall_module(merge(
        VSYS, COMMIT, TAG_COLOR,
        tag=dict(type="str", default="quota"),
        dag_name=dict(type="str", default="quota"),
        report_name=dict(type="str", default="Quota"),
        report_period=dict(type="str", choices=list(REPORT_PERIODS), default="last-15-minutes"),
        report_topn=dict(type="int", default=10000),
        rules=dict(type="list", elements="dict", default=[], options={
            "name": dict(type="str", required=True),
            "from": dict(type="list", elements="str", default=["any"], aliases=["source_zone"]),
            "to": dict(type="list", elements="str", default=["any"], aliases=["destination_zone"]),
            "destination": dict(type="list", elements="str", default=["any"]),
            "action": dict(type="str", choices=["deny", "drop", "reset-client", "reset-server", "reset-both", "allow"],
                           default="deny"),
            "location": dict(type="str", choices=["top", "bottom", "before", "after", "above"], default="top"),
            "existing_rule": dict(type="str"),
            "description": dict(type="str"),
            "disabled": dict(type="bool", default=False),
            "log_setting": dict(type="str"),
            "log_end": dict(type="bool", default=True),
            "tags": dict(type="list", elements="str", default=[]),
        }),
    ))
    p = module.params
    run_changes(module, COMMIT_DESCRIPTION, lambda changes: ensure(
        changes, tag=p["tag"], dag_name=p["dag_name"], report_name=p["report_name"], report_period=p["report_period"],
        report_topn=p["report_topn"], rules=p["rules"], tag_color=p["tag_color"]))


if __name__ == "__main__":
    main()
