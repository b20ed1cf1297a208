#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: threat_feed_edl_status
short_description: The firewall's view of a feed's External Dynamic Lists, and an optional refresh
version_added: 0.3.0
description:
  - For each list of a feed published by M(tagwarden.panos.threat_feed_edl) and enforced through the objects of
    M(tagwarden.panos.threat_feed_edl_objects) - optionally asks the firewall to fetch it now
    (C(request system external-list refresh), O(refresh)) - reads how many entries the firewall holds
    (C(request system external-list show)) and compares that with the entries published at O(base_url).
  - B(Fails loudly) when the firewall holds no entry of a list while entries are published - PAN-OS stops
    enforcing a list whose authentication fails, and a list that never fetched enforces nothing.
    A list that merely lags (fetched at the next five-minute interval) is reported as C(behind).
  - Sends no configuration change and no commit.
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.connection
  - tagwarden.panos.vsys
  - tagwarden.panos.edl_url
  - tagwarden.panos.attributes
attributes:
  check_mode:
    support: full
    description: Reads only; a refresh is not sent in check mode.
  diff_mode:
    support: none
    description: Nothing changes.
options:
  name:
    description: The feed's name as given to M(tagwarden.panos.threat_feed_edl).
    type: str
    default: threat-feed
  lists:
    description: The list types to check.
    type: list
    elements: str
    choices: [ip, domain, url]
    default: [ip, domain, url]
  refresh:
    description: Make the firewall fetch each list now instead of at its next interval (after a publish).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Publish, then have the firewalls fetch now and check they enforce the lists
  tagwarden.panos.threat_feed_edl_status:
    provider: "{{ provider }}"
    base_url: https://edl.example.net/feeds
    refresh: "{{ published is changed }}"
"""

RETURN = r"""
lists:
  description:
    - Per list type, C({object, firewall_entries, published_entries, last_fetch, fetch_status, message, state});
      V(state) is C(in sync), C(behind), C(not enforced) or C(unknown) (the published list could not be read).
  returned: always
  type: dict
not_enforced:
  description: The EDL objects the firewall holds nothing of while entries are published (the task fails).
  returned: always
  type: list
  elements: str
refreshed:
  description: The list types a refresh was sent for.
  returned: always
  type: list
  elements: str
api_calls:
  description: XML API requests sent.
  returned: always
  type: int
"""

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import firewall_module, run_task
from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import VSYS, merge
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_publish import basic_auth
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_status import status
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._specs import EDL_URL_OPTIONS
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import HttpsClient, HttpsSettings


def main():
    module = firewall_module(merge(
        VSYS, EDL_URL_OPTIONS,
        name=dict(type="str", default="threat-feed"),
        lists=dict(type="list", elements="str", choices=["ip", "domain", "url"], default=["ip", "domain", "url"]),
        refresh=dict(type="bool", default=False),
    ))
    p = module.params
    reader = HttpsClient(HttpsSettings(validate_certs=p["url_validate_certs"], ca_path=p["url_ca_path"],
                                       ca_option="url_ca_path", peer="the web server at base_url", retries=1,
                                       auth_option="url_username and url_password"),
                         secrets=[p["url_password"] or ""])
    run_task(module, lambda conn: status(conn, reader, p["name"], p["lists"], p["base_url"],
                                         p["refresh"] and not module.check_mode, p["vsys"],
                                         basic_auth(p["url_username"], p["url_password"])))


if __name__ == "__main__":
    main()
