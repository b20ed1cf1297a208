#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: custom_url_category
short_description: Members of a custom URL category (URL List) on a PAN-OS firewall
version_added: 0.2.0
description:
  - Makes a custom URL category of type URL List hold O(members) (V(present)), not hold them
    (V(absent)), or hold exactly them (V(exact)); creates the category when it is missing.
  - Entries are normalised as PAN-OS stores them - scheme dropped, lower case, at most 255
    characters, a wildcard only as a whole token - so other spellings of the same entry change nothing.
  - On PAN-OS 10.2 and later an entry without an ending C(/) or C(*) gets an ending C(/), so
    C(example.com/) matches the domain and its paths and C(*.example.com/) its subdomains, so both are
    needed for a domain and its subdomains. See docs/feeds.md for the rule per version.
  - The category is owned by this collection (its description starts with C(Managed by tagwarden.panos));
    an existing category without that mark is refused unless O(take_ownership) is set.
  - Reads the category once, writes it only when it differs, then one partial commit of O(commit_admin)'s changes.
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
    description: Reads the category and reports what would change; writes and commits nothing.
  diff_mode:
    support: full
    description: Shows the category before and after.
options:
  name:
    description:
      - The category's name. Any characters, sent literally (an xpath literal, XML-escaped).
    type: str
    required: true
  members:
    description:
      - Entries such as C(evil.example/), C(*.evil.example/) or C(evil.example/path).
    type: list
    elements: str
    default: []
  state:
    description:
      - V(present) adds the missing O(members); V(absent) removes them; V(exact) makes them the only entries.
    type: str
    choices: [present, absent, exact]
    default: present
  description:
    description:
      - The category's description; C(Managed by tagwarden.panos) is put in front when it does not start with it.
    type: str
  take_ownership:
    description:
      - Adopt an existing category this collection did not create (its description gets the mark).
    type: bool
    default: false
  max_removals:
    description:
      - With O(state=exact), the most entries one run may remove, as a count (V(1000)), a percentage of
        the entries held (V(50%)), or a list of both. A run over the bound fails before writing anything,
        naming the counts; raise it for a run that really removes that much.
    type: raw
    default: 50%
"""

EXAMPLES = r"""
- name: Block two domains and their subdomains
  tagwarden.panos.custom_url_category:
    provider: "{{ panos_provider }}"
    name: threat-feed
    members: [evil.example/, "*.evil.example/", bad.example/login]

- name: The category holds exactly this list (at most 10% removed per run)
  tagwarden.panos.custom_url_category:
    name: blocklist
    members: "{{ lookup('file', 'blocklist.txt').splitlines() }}"
    state: exact
    max_removals: 10%
"""

RETURN = r"""
added:
  description: Entries added (normalised).
  returned: always
  type: list
  elements: str
removed:
  description: Entries removed.
  returned: always
  type: list
  elements: str
members:
  description: The category's entries after the run.
  returned: always
  type: list
  elements: str
created:
  description: Whether the category was created.
  returned: always
  type: bool
committed:
  description: Whether a commit ran.
  returned: always
  type: bool
api_calls:
  description: XML API requests sent.
  returned: always
  type: int
"""

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import firewall_module, run_changes
from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import COMMIT, VSYS, merge
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._category import COMMIT_DESCRIPTION, STATES, ensure


def main():
    module = firewall_module(merge(
        VSYS, COMMIT,
        name=dict(type="str", required=True),
        members=dict(type="list", elements="str", default=[]),
        state=dict(type="str", choices=list(STATES), default="present"),
        description=dict(type="str"),
        take_ownership=dict(type="bool", default=False),
        max_removals=dict(type="raw", default="50%"),
    ))
    p = module.params
    run_changes(module, COMMIT_DESCRIPTION, lambda changes: ensure(
        changes, p["name"], p["members"], p["state"], p["description"], p["take_ownership"], p["max_removals"]))


if __name__ == "__main__":
    main()
