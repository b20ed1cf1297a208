#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: dag_register
short_description: Register or unregister tags on IP addresses (Dynamic Address Group members)
version_added: 0.1.0
description:
  - Registers tags on IP addresses, or removes them, through the User-ID XML API of a PAN-OS
    firewall. Dynamic Address Groups whose filter matches a tag then hold those addresses at
    once, without a commit.
  - Reads the current registrations of the given tags once (C(show object registered-ip), one
    paged request per tag), then sends only the difference, batched into as few User-ID
    messages as O(chunk_size) allows. Registering 10,000 addresses takes about a dozen requests.
  - All input is checked before anything is sent; every invalid value is named in one error.
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.vsys
  - tagwarden.panos.userid_batch
  - tagwarden.panos.connection
  - tagwarden.panos.register_on
  - tagwarden.panos.attributes
attributes:
  check_mode:
    support: full
    description: Reads the registrations and reports what would change; sends no User-ID message.
  diff_mode:
    support: full
    description: Shows, per tag, the registered addresses before and after.
options:
  ips:
    description:
      - Single IPv4 or IPv6 addresses. Networks (CIDR), ranges and host names are refused.
      - Duplicates and different spellings of the same IPv6 address count once.
    type: list
    elements: str
    default: []
  tags:
    description:
      - The tags to register on or remove from O(ips). At most 32, each 1 to 127 characters.
      - Any characters are allowed; they are sent XML-escaped.
    type: list
    elements: str
    required: true
  state:
    description:
      - V(present) registers every tag on every address in O(ips) that does not have it yet.
      - V(absent) removes the tags from the addresses in O(ips) that have them.
      - V(exact) makes the set of addresses holding each tag exactly O(ips), registering the missing
        ones and unregistering the tags from every other address that holds them.
      - V(exact) with an empty O(ips) empties the tags (unregisters them from every address) only
        with O(allow_empty=true); without it the task fails before any request.
    type: str
    choices: [present, absent, exact]
    default: present
  allow_empty:
    description:
      - With O(state=exact), allow an empty O(ips) - unregister the tags from every address that holds
        them.
      - Off by default, so that an empty variable or a feed that returned nothing never silently
        empties a Dynamic Address Group.
    type: bool
    default: false
  timeout:
    description:
      - Seconds after which the firewall removes the tags registered by this task, from V(0) (never)
        to V(2592000) (30 days). Omitted means never.
      - Applies to tags registered now; tags an address already holds keep their own timeout.
      - Needs PAN-OS 9.0 or later.
    type: int
  persistent:
    description:
      - Whether the registrations registered now survive a reboot of the firewall.
    type: bool
    default: true
seealso:
  - name: Automating IP Blocking (PAN-OS XML API quickstart)
    description: Dynamic Address Groups, tags and the User-ID XML API.
    link: https://pan.dev/panos/docs/panos_dag_qs/
"""

EXAMPLES = r"""
- name: Block these addresses for an hour
  tagwarden.panos.dag_register:
    provider: "{{ firewall }}"
    ips:
      - 10.1.1.10
      - 10.1.1.11
      - 2001:db8::10
    tags: [quarantine]
    timeout: 3600

- name: Make the threat-feed group hold exactly this list
  tagwarden.panos.dag_register:
    ips: "{{ feed_addresses }}"
    tags: [threat-feed]
    state: exact
    chunk_size: 2000

- name: Empty the threat-feed group on purpose (state=exact with no address)
  tagwarden.panos.dag_register:
    ips: []
    tags: [threat-feed]
    state: exact
    allow_empty: true

- name: Quarantine on every firewall behind Panorama that takes its IP tags (one registration)
  tagwarden.panos.dag_register:
    provider:
      ip_address: panorama.example.net   # no serial_number: Panorama's own User-ID table
    register_on: panorama
    ips: [10.1.1.13]
    tags: [quarantine]
    timeout: 3600
  run_once: true

- name: Release an address
  tagwarden.panos.dag_register:
    ips: [10.1.1.10]
    tags: [quarantine]
    state: absent

- name: Set the connection once for a block (or a whole play) with module_defaults
  module_defaults:
    group/tagwarden.panos.firewall:
      provider:
        ip_address: fw.example.com
        username: automation
        password: "{{ vault_fw_password }}"
        ca_path: /etc/pki/fw-ca.pem
  block:
    - name: Quarantine
      tagwarden.panos.dag_register:
        ips: [10.1.1.12]
        tags: [quarantine]
"""

RETURN = r"""
registered:
  description: Addresses that received at least one tag (in check mode, that would receive one).
  returned: always
  type: list
  elements: str
  sample: [10.1.1.10, 10.1.1.11]
unregistered:
  description: Addresses that lost at least one tag (in check mode, that would lose one).
  returned: always
  type: list
  elements: str
  sample: [10.1.1.99]
unchanged:
  description: How many addresses in O(ips) already were as wanted.
  returned: always
  type: int
  sample: 3
failed_entries:
  description:
    - Entries the firewall rejected, one per address and section. The task fails when there are any;
      the other changes are applied.
    - Notices that an entry already exists or does not exist are not failures.
    - Named C(failed_entries), not C(failed), because Ansible reserves C(failed) for the task status.
  returned: always
  type: list
  elements: dict
  contains:
    ip:
      description: The address.
      type: str
      returned: always
    section:
      description: V(register) or V(unregister).
      type: str
      returned: always
    message:
      description: The firewall's message.
      type: str
      returned: always
  sample: [{ip: 10.1.1.12, section: register, message: "Maximum number of tags exceeded"}]
ignored:
  description: How many entries the firewall answered with "already exists" or "does not exist" (races with other writers).
  returned: always
  type: int
  sample: 0
uid_messages:
  description: How many User-ID messages were sent.
  returned: always
  type: int
  sample: 1
api_calls:
  description: HTTP requests made to the firewall by this task, key generation and retries included.
  returned: always
  type: int
  sample: 3
"""

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import USERID_BATCH, VSYS, merge
from ansible_collections.tagwarden.panos.plugins.module_utils._dag._register import Registration, run
from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import firewall_module, run_task
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._panorama import (
    REGISTER_ON_OPTIONS,
    on_panorama,
    registration_point,
)


def main():
    module = firewall_module(merge(
        VSYS, USERID_BATCH, REGISTER_ON_OPTIONS,
        ips=dict(type="list", elements="str", default=[]),
        tags=dict(type="list", elements="str", required=True),
        state=dict(type="str", choices=["present", "absent", "exact"], default="present"),
        timeout=dict(type="int"),
        persistent=dict(type="bool", default=True),
        allow_empty=dict(type="bool", default=False),
    ))
    p = module.params
    panorama = on_panorama(p["register_on"])
    wanted = Registration(p["ips"], p["tags"], p["state"], p["timeout"], p["persistent"], p["allow_empty"])
    run_task(module, lambda conn: run(registration_point(conn, p["register_on"]), wanted,
                                      vsys=None if panorama else p["vsys"], chunk_size=p["chunk_size"],
                                      check_mode=module.check_mode),
             require_firewall=not panorama)


if __name__ == "__main__":
    main()
