#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: threat_feed_sync
short_description: One threat-intelligence feed run on a PAN-OS firewall (DAG tag and custom URL category)
version_added: 0.2.0
description:
  - Fetches indicators from O(source) and writes the difference to the firewall - IP addresses, IPv4
    networks and ranges as registrations of O(tag) (the tag of a Dynamic Address Group), domains and URLs
    as entries of the custom URL category O(url_category).
  - Every address gets a native tag timeout - its expiry in the feed, else O(age) - and an until-tag
    C(<tag>.until.YYYYMMDDHHMMSS) with the same timeout, so the firewall ends the block by itself when
    no run renews it. A run renews a block the feed still lists when less than O(renew_before) is left.
  - In append mode every domain or URL gets an expiry too (the feed's, else O(age)), kept on the firewall in
    an expiry ledger - owned custom URL categories C(<url_category>.exp-YYYYMMDD), one per expiry day, that
    no rule references - and renewed like an address. The first run after its day leaves the ledger removes
    the entry from O(url_category) and deletes the bucket. URL categories have no native timeout, so unlike
    an address an entry ends only when a run removes it.
  - Feed times are UTC; the firewall's local clock is converted with its configured timezone
    (C(deviceconfig/system/timezone)); a zone the controller's zone database lacks fails the run, naming it.
  - The feed's state (its cursor) is kept on the firewall, in the comments of the tag object O(tag);
    a run from a fresh container or another host continues from it. The cursor advances only after
    the writes it follows succeeded (committed together). A run that changes nothing writes nothing.
  - Networks and ranges are registered as one entry on PAN-OS 10.0 and later (IPv4 only); elsewhere
    they are reported in RV(rejected). A bad feed item is reported on its own and never stops the rest.
  - Before writing, the registered entries are compared with the platform's capacity (from
    C(show system info), or O(max_registered_ips)); in exact mode the removals are bounded by O(max_removals).
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.vsys
  - tagwarden.panos.userid_batch
  - tagwarden.panos.connection
  - tagwarden.panos.commit
  - tagwarden.panos.register_on
  - tagwarden.panos.feed_lumu
  - tagwarden.panos.feed_list
  - tagwarden.panos.feed_taxii
  - tagwarden.panos.attributes
attributes:
  check_mode:
    support: full
    description: Fetches the feed, reads the firewall and reports what would change; writes nothing.
  diff_mode:
    support: full
    description: Shows the tag's addresses and the category before and after.
options:
  source:
    description: The feed. Its options are in O(lumu), O(list) or O(taxii).
    type: str
    choices: [lumu, list, taxii]
    required: true
  mode:
    description:
      - V(append) adds what the feed lists and lets every block end at its expiry (incremental feeds
        such as Lumu, fetched from the cursor).
      - V(exact) makes the tag and the category hold exactly the feed, which is fetched whole every run.
    type: str
    choices: [append, exact]
    default: append
  tag:
    description:
      - The tag registered on the feed's addresses; its tag object holds the feed's state. At most 106 characters
        (the until-tag adds 21).
    type: str
    default: threat-feed
  url_category:
    description:
      - The custom URL category (URL List) receiving domains and URLs. Omitted, those are rejected.
      - Not with O(register_on=panorama) - a URL category is each firewall's configuration (publish the names
        as an External Dynamic List with M(tagwarden.panos.threat_feed_edl), or run a second feed task per
        firewall for them).
      - With O(mode=append) at most 18 characters, so that its ledger's names (C(.exp-YYYYMMDD) added) stay
        within the 31 characters of a PAN-OS custom URL category name.
    type: str
  include_subdomains:
    description: Block every subdomain of a domain too (C(*.example.com/) besides C(example.com/)).
    type: bool
    default: true
  age:
    description: Seconds a block lasts when the feed gives no expiry (60 to 2592000, 30 days).
    type: int
    default: 604800
  renew_before:
    description: Renew a block the feed still lists when less than this many seconds are left.
    type: int
    default: 86400
  max_removals:
    description:
      - With O(mode=exact), the most entries one run may remove from the tag and from the category, as a count
        (V(1000)), a percentage of what is held (V(50%)), or a list of both. A run over the bound fails before
        writing anything, naming the counts.
    type: raw
    default: 50%
  max_registered_ips:
    description:
      - The registered-IP capacity to check against, instead of the model's figure (needed for a model the
        table does not know).
    type: int
  feed_validate_certs:
    description: Verify the feed server's TLS certificate.
    type: bool
    default: true
  feed_ca_path:
    description: A CA bundle for the feed server's certificate.
    type: path
  feed_timeout:
    description: Seconds to wait for the feed server.
    type: int
    default: 30
"""

EXAMPLES = r"""
- name: Lumu incidents into the DAG tag and the URL category
  tagwarden.panos.threat_feed_sync:
    provider: "{{ panos_provider }}"
    source: lumu
    lumu:
      company_key: "{{ lumu_company_key }}"
      adversary_types: [C2C, Malware, Phishing]
    tag: threat-feed
    url_category: threat-feed

- name: Spamhaus DROP, exactly (at most 20% removed per run)
  tagwarden.panos.threat_feed_sync:
    source: list
    list:
      url: https://www.spamhaus.org/drop/drop.txt
    tag: spamhaus-drop
    mode: exact
    max_removals: 20%
"""

RETURN = r"""
counts:
  description: Per target (C(addresses), C(urls)) the entries C(new), C(renewed), C(expired), C(removed) and C(held) after the run.
  returned: always
  type: dict
top:
  description: The first new entries per target.
  returned: always
  type: dict
summary:
  description: Lines a person reads at a glance.
  returned: always
  type: list
  elements: str
cursor:
  description: The feed's cursor kept on the firewall after the run.
  returned: always
  type: str
rejected:
  description: Feed items not written, each C({value, source, message}).
  returned: always
  type: list
  elements: dict
capacity:
  description: C({registered, limit, model}) of the check made before writing.
  returned: always
  type: dict
committed:
  description: Whether a commit ran.
  returned: always
  type: bool
feed_requests:
  description: HTTPS requests sent to the feed.
  returned: always
  type: int
uid_messages:
  description: User-ID messages sent.
  returned: always
  type: int
api_calls:
  description: XML API requests sent.
  returned: always
  type: int
"""

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import change_set, firewall_module, run_task
from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import COMMIT, USERID_BATCH, VSYS, merge
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._select import feed_client
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._specs import FEED_HTTP_OPTIONS, SOURCE_OPTIONS
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._sync import (
    COMMIT_DESCRIPTION,
    DEFAULT_AGE,
    DEFAULT_RENEW_BEFORE,
    MODES,
    Options,
    sync,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._panorama import (
    REGISTER_ON_OPTIONS,
    on_panorama,
    registration_point,
)


def main():
    module = firewall_module(merge(
        VSYS, COMMIT, USERID_BATCH, REGISTER_ON_OPTIONS, SOURCE_OPTIONS, FEED_HTTP_OPTIONS,
        source=dict(type="str", choices=sorted(SOURCE_OPTIONS), required=True),
        mode=dict(type="str", choices=list(MODES), default="append"),
        tag=dict(type="str", default="threat-feed"),
        url_category=dict(type="str"),
        include_subdomains=dict(type="bool", default=True),
        age=dict(type="int", default=DEFAULT_AGE),
        renew_before=dict(type="int", default=DEFAULT_RENEW_BEFORE),
        max_removals=dict(type="raw", default="50%"),
        max_registered_ips=dict(type="int"),
    ), required_if=[("source", name, [name]) for name in sorted(SOURCE_OPTIONS)])
    p = module.params
    panorama = on_panorama(p["register_on"])
    if panorama and p["url_category"]:
        module.fail_json(msg="url_category: %r with register_on=panorama: a custom URL category is each firewall's "
                             "configuration, Panorama redistributes only registrations; remove url_category (run a "
                             "feed task per firewall for domains and URLs), or set register_on=firewall"
                             % p["url_category"])
    options = Options(p["tag"], p["url_category"], p["mode"], p["age"], p["renew_before"], p["include_subdomains"],
                      p["max_removals"], p["max_registered_ips"])

    def task(conn):
        changes = change_set(module, registration_point(conn, p["register_on"]), COMMIT_DESCRIPTION, panorama)
        return sync(changes, p["source"], p[p["source"]] or {}, options, chunk_size=p["chunk_size"],
                    client_factory=lambda feed: feed_client(feed, p["feed_validate_certs"], p["feed_ca_path"],
                                                            timeout=p["feed_timeout"]))

    run_task(module, task, require_firewall=not panorama)


if __name__ == "__main__":
    main()
