#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: redistribution_agent
short_description: Make a firewall take the IP tags registered on its Panorama (data redistribution)
version_added: 0.2.0
description:
  - Adds the firewall's Panorama as a data redistribution agent for IP tags (and optionally user
    tags), as C(Device > Data Redistribution > Agents) does with O(agent) as the serial number. The
    firewall then enforces the tags registered once on Panorama
    (M(tagwarden.panos.dag_register) or M(tagwarden.panos.threat_feed_sync) with
    O(tagwarden.panos.dag_register#module:register_on=panorama)), with their timeouts and
    unregistrations, besides its own.
  - Reads the vsys's redistribution agents once. When an enabled entry (yours or this module's) already
    takes the data types from that Panorama, nothing changes. Otherwise the entry O(name) is created, or
    completed with the missing data types; data types, C(disabled) and other settings an administrator
    set on it stay. No other entry is touched.
  - One partial commit of O(commit_admin)'s changes when something changed.
  - Needs PAN-OS 10.0 or later on the firewall. Panorama must answer redistribution queries on its
    management interface (C(Panorama > Setup > Interfaces > Management), User-ID service).
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.vsys
  - tagwarden.panos.connection
  - tagwarden.panos.commit
  - tagwarden.panos.attributes
attributes:
  check_mode:
    support: full
    description: Reads the agents and reports what would change; writes and commits nothing.
  diff_mode:
    support: full
    description: Shows the entry before and after.
options:
  name:
    description:
      - The entry this module owns (the name marks it as the collection's).
    type: str
    default: tagwarden-panorama
  agent:
    description:
      - The Panorama to take the data from, as PAN-OS names it on a managed firewall - V(panorama), or
        V(panorama2) for the secondary Panorama of an HA pair.
    type: str
    choices: [panorama, panorama2]
    default: panorama
  data:
    description:
      - The data types to take. V(ip-tags) fill Dynamic Address Groups, V(user-tags) dynamic user groups.
    type: list
    elements: str
    choices: [ip-tags, user-tags]
    default: [ip-tags]
  state:
    description:
      - V(present) makes sure the firewall takes O(data) from O(agent); V(absent) deletes the entry O(name).
    type: str
    choices: [present, absent]
    default: present
seealso:
  - name: Redistribute Data to Managed Firewalls (Panorama administrator's guide)
    description: What to set on Panorama and on the firewalls.
    link: https://docs.paloaltonetworks.com/panorama/10-2/panorama-admin/manage-firewalls/redistribute-user-id-information-to-managed-firewalls
"""

EXAMPLES = r"""
- name: Take Panorama's IP tags on every firewall (hosts from the tagwarden.panos.panorama inventory)
  tagwarden.panos.redistribution_agent:
    provider: "{{ panos_provider }}"

- name: Stop taking them
  tagwarden.panos.redistribution_agent:
    state: absent
"""

RETURN = r"""
changes:
  description: What was (or in check mode would be) done.
  returned: always
  type: list
  elements: str
  sample: [create redistribution-agent tagwarden-panorama]
taken_by:
  description: The entry that takes the data from O(agent) after the run (None with O(state=absent)).
  returned: always
  type: str
  sample: tagwarden-panorama
commit:
  description: The commit job's result, when a commit ran.
  returned: when a commit ran
  type: dict
api_calls:
  description: HTTP requests made by this task.
  returned: always
  type: int
  sample: 5
"""

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import firewall_module, run_changes
from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import COMMIT, VSYS, merge
from ansible_collections.tagwarden.panos.plugins.module_utils._dag._redistribution import (
    AGENTS,
    COMMIT_DESCRIPTION,
    DATA_TYPES,
    DEFAULT_NAME,
    ensure_agent,
)


def main():
    module = firewall_module(merge(
        VSYS, COMMIT,
        name=dict(type="str", default=DEFAULT_NAME),
        agent=dict(type="str", choices=list(AGENTS), default="panorama"),
        data=dict(type="list", elements="str", choices=list(DATA_TYPES), default=["ip-tags"]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ))
    p = module.params
    run_changes(module, COMMIT_DESCRIPTION, lambda changes: ensure_agent(
        changes, p["name"], p["agent"], p["data"], p["state"]))


if __name__ == "__main__":
    main()
