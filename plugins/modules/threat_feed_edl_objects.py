#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: threat_feed_edl_objects
short_description: The External Dynamic List objects and block rules of a feed published as EDLs
version_added: 0.3.0
description:
  - Creates one External Dynamic List object per list that M(tagwarden.panos.threat_feed_edl) publishes -
    C(<name>-ip), C(<name>-domain), C(<name>-url) - fetching C(<base_url>/<name>-<type>.txt) every five minutes
    (the shortest PAN-OS interval), verified with O(certificate_profile), with optional basic auth; and two deny
    rules using them - O(rule_name) with the IP list as destination and O(rule_name)C(-url) with the URL list as
    URL category - placed as O(location) says, the second right after the first.
  - The domain list is for anti-spyware DNS policy; add C(<name>-domain) to the anti-spyware profile your rules use.
  - Idempotent, owner-marked (the EDL objects' descriptions start with C(Managed by tagwarden.panos), the rules
    carry the tag C(tagwarden.panos)); objects of the same name made by someone else are refused. One partial
    commit, only when something changed. After it, list changes reach the firewall without any commit.
  - PAN-OS keeps the password encrypted and never returns it, so it is written when an object is created, and
    every run with O(update_password=always).
  - At most 30 distinct EDL sources per firewall; counted before anything is written.
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.rule_zones
  - tagwarden.panos.vsys
  - tagwarden.panos.rule_placement
  - tagwarden.panos.connection
  - tagwarden.panos.commit
  - tagwarden.panos.attributes
attributes:
  check_mode:
    support: full
    description: Reads the objects and reports what would change; writes nothing.
  diff_mode:
    support: full
    description: Shows each changed object before and after, passwords masked.
options:
  name:
    description: The feed's name as given to M(tagwarden.panos.threat_feed_edl).
    type: str
    default: threat-feed
  lists:
    description: The published list types to make objects for.
    type: list
    elements: str
    choices: [ip, domain, url]
    default: [ip, domain, url]
  base_url:
    description: The HTTPS URL the lists are served at (as given to M(tagwarden.panos.threat_feed_edl)).
    type: str
    required: true
  certificate_profile:
    description: The certificate profile (holding the web server's CA) that verifies O(base_url). Required for HTTPS.
    type: str
  username:
    description: The web server's basic-auth user, if it asks for one.
    type: str
  password:
    description: Its password. Never shown in results, diffs or logs.
    type: str
  update_password:
    description: V(on_create) writes the password with a new object only; V(always) every run (a change every run).
    type: str
    choices: [on_create, always]
    default: on_create
  rule_name:
    description: The name of the IP list rule; the URL list rule is named O(rule_name)C(-url).
    type: str
    default: BlockThreatFeedEDL
"""

EXAMPLES = r"""
- name: EDL objects and rules for the feed published at edl.example.net
  tagwarden.panos.threat_feed_edl_objects:
    provider: "{{ provider }}"
    base_url: https://edl.example.net/feeds
    certificate_profile: edl-server
    username: edl-reader
    password: "{{ edl_password }}"
"""

RETURN = r"""
objects:
  description: The EDL objects' names.
  returned: always
  type: list
  elements: str
rules:
  description: The rules' names.
  returned: always
  type: list
  elements: str
created:
  description: Labels of the objects created.
  returned: always
  type: list
  elements: str
updated:
  description: Labels of the objects updated.
  returned: always
  type: list
  elements: str
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
from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import (
    COMMIT,
    RULE_PLACEMENT,
    RULE_ZONES,
    VSYS,
    merge,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_objects import (
    COMMIT_DESCRIPTION,
    EdlObjectSettings,
    ensure,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement


def main():
    module = firewall_module(merge(
        VSYS, COMMIT, RULE_PLACEMENT, RULE_ZONES,
        name=dict(type="str", default="threat-feed"),
        lists=dict(type="list", elements="str", choices=["ip", "domain", "url"], default=["ip", "domain", "url"]),
        base_url=dict(type="str", required=True),
        certificate_profile=dict(type="str"),
        username=dict(type="str"),
        password=dict(type="str", no_log=True),
        update_password=dict(type="str", choices=["on_create", "always"], default="on_create", no_log=False),
        rule_name=dict(type="str", default="BlockThreatFeedEDL"),
    ))
    p = module.params
    settings = EdlObjectSettings(p["name"], tuple(p["lists"]), p["base_url"], p["certificate_profile"], p["username"],
                                 p["password"], p["update_password"], p["rule_name"],
                                 Placement(p["location"], p["existing_rule"]), p["from_zones"], p["to_zones"], p["action"])
    run_changes(module, COMMIT_DESCRIPTION, lambda changes: ensure(changes, settings))


if __name__ == "__main__":
    main()
