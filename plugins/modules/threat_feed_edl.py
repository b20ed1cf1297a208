#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: threat_feed_edl
short_description: Publish a threat-intelligence feed as External Dynamic Lists (IP, domain, URL)
version_added: 0.3.0
description:
  - Fetches indicators from O(source) and publishes them as the External Dynamic Lists the firewalls fetch
    (at most every five minutes) and apply B(without a commit) - C(<name>-ip.txt) (addresses, IPv4 and IPv6
    networks and ranges), C(<name>-domain.txt) (domains, for anti-spyware DNS policy) and C(<name>-url.txt)
    (URLs, and domains with O(url_list_domains), for security rules and URL filtering), those picked in O(lists).
  - B(The lists are the state.) Each IP list line carries its expiry in the comment PAN-OS ignores
    (C(198.51.100.7 expires=2026-12-15T00:00:00Z)); domain and URL lists take no comment, so their expiries
    and the feed's cursor are in C(<name>-state.json) next to them. Every run reads them back over O(base_url),
    the URL the firewalls use (TLS verified), and continues from there; nothing is kept on the controller.
  - Either writes the files into O(directory) on the host the task runs on (delegate the task to the web
    server's host), or puts them into the S3 bucket O(s3_bucket). Each file is replaced whole (a temporary
    file renamed over it; one S3 PutObject), so a firewall never fetches half a list. The lists go out
    first, the state last, so the cursor advances only when the lists are published.
  - Every line is checked against PAN-OS's formatting guidelines of its list type before anything is
    published (an invalid URL entry hung the management plane of older PAN-OS, CVE-2021-3048); a bad feed
    item is reported in RV(rejected) on its own. An empty list holds a placeholder the firewall accepts and no
    traffic matches (C(255.255.255.255), C(tagwarden-placeholder.invalid)).
  - O(mode=exact) is bounded by O(max_removals) (a feed that comes back empty is refused), each list by
    O(max_entries); over it the run is refused naming the counts unless O(over_capacity=keep_freshest).
  - Contacts no firewall. The EDL objects and the rules using them are made by M(tagwarden.panos.threat_feed_edl_objects).
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.feed_lumu
  - tagwarden.panos.feed_list
  - tagwarden.panos.feed_taxii
  - tagwarden.panos.aws
  - tagwarden.panos.edl_url
attributes:
  check_mode:
    support: full
    description: Fetches the feed, reads the published lists back and reports what would change; writes nothing.
  diff_mode:
    support: full
    description: Shows each changed list before and after (its line count when it is longer than 100 KB).
options:
  source:
    description: The feed. Its options are in O(lumu), O(list) or O(taxii).
    type: str
    choices: [lumu, list, taxii]
    required: true
  name:
    description: The published files' common name (C(<name>-ip.txt), ...); letters, digits, C(.), C(-), C(_).
    type: str
    default: threat-feed
  lists:
    description: The list types published. Kinds no list takes are left to the other outputs (RV(not_published)).
    type: list
    elements: str
    choices: [ip, domain, url]
    default: [ip, domain, url]
  directory:
    description: The directory the web server serves at O(base_url), on the host the task runs on. Not with O(s3_bucket).
    type: path
  s3_bucket:
    description: The S3 bucket served at O(base_url) (directly or through a CDN). Not with O(directory).
    type: str
  s3_prefix:
    description: The key prefix of the lists in O(s3_bucket), such as V(edl/).
    type: str
    default: ''
  mode:
    description:
      - V(append) adds what the feed lists (fetched from the published cursor) and drops each entry at its expiry.
      - V(exact) makes the lists hold exactly the feed, fetched whole every run.
    type: str
    choices: [append, exact]
    default: append
  include_subdomains:
    description: Block every subdomain of a domain too (C(*.evil.example) besides C(evil.example)).
    type: bool
    default: true
  url_list_domains:
    description: Also put domains into the URL list (C(evil.example/), C(*.evil.example/)), so rules can block them.
    type: bool
    default: true
  age:
    description: Seconds an entry stays listed when the feed gives no expiry.
    type: int
    default: 604800
  renew_before:
    description: An entry the feed still lists gets a new expiry when less than this many seconds are left.
    type: int
    default: 86400
  max_removals:
    description: Exact mode's bound per list - V(N), V(N%) or both in a list.
    type: raw
    default: 50%
  max_entries:
    description:
      - The capacity per list type (a dictionary of list type to entries, such as V(ip) to V(150000)). Defaults to 50,000 each, the documented floor; the
        firewall's web interface shows its model's figures (Objects > External Dynamic Lists > List Capacities).
    type: dict
    default: {}
  over_capacity:
    description: V(refuse) a list over O(max_entries), or V(keep_freshest) - publish the entries that expire last.
    type: str
    choices: [refuse, keep_freshest]
    default: refuse
  feed_validate_certs:
    description: Verify the feed server's TLS certificate.
    type: bool
    default: true
  feed_ca_path:
    description: CA bundle for the feed server.
    type: path
  feed_timeout:
    description: Seconds to wait for the feed server.
    type: int
    default: 30
notes:
  - Domain and URL lists have no comment syntax in PAN-OS's "Formatting Guidelines for an External Dynamic
    List", which is why their expiries are kept in the state file rather than on their lines.
"""

EXAMPLES = r"""
- name: Publish the Lumu feed as EDLs on the web server
  tagwarden.panos.threat_feed_edl:
    source: lumu
    lumu:
      company_key: "{{ lumu_company_key }}"
      adversary_types: [C2C, Malware, Phishing]
    base_url: https://edl.example.net/feeds
    directory: /var/www/edl/feeds
  delegate_to: edl.example.net
  run_once: true

- name: Domains and URLs as EDLs in S3; addresses stay on tag registrations (threat_feed_sync)
  tagwarden.panos.threat_feed_edl:
    source: list
    list:
      url: https://feeds.example.net/phishing.txt
    lists: [domain, url]
    mode: exact
    base_url: https://feeds-bucket.s3.eu-west-1.amazonaws.com/edl
    s3_bucket: feeds-bucket
    s3_prefix: edl/
    region: eu-west-1
"""

RETURN = r"""
published:
  description: The files written, lists first and the state last (empty when nothing changed, and in check mode).
  returned: always
  type: list
  elements: str
lists:
  description:
    - Per list type, C({url, changed, new, renewed, expired, removed, dropped, held}); V(dropped) counts the
      entries left out by O(over_capacity=keep_freshest).
  returned: always
  type: dict
not_published:
  description: Feed indicators of kinds no published list takes, by kind (left to registrations or the URL category).
  returned: always
  type: dict
cursor:
  description: The feed's cursor published in the state file.
  returned: always
  type: str
rejected:
  description: Feed items not published, each C({value, source, message}).
  returned: always
  type: list
  elements: dict
summary:
  description: Lines a person reads at a glance.
  returned: always
  type: list
  elements: str
feed_requests:
  description: HTTPS requests sent to the feed.
  returned: always
  type: int
list_requests:
  description: HTTPS requests that read the published lists back.
  returned: always
  type: int
"""

from datetime import datetime, timezone
from typing import Any, Dict

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import merge
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._aws import AwsClient, AwsError
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._options import aws_argument_spec, aws_settings
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl import EdlOptions
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_publish import (
    DirectoryTarget,
    PublishError,
    S3Target,
    basic_auth,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_run import run
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._select import feed_client, select_source
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._specs import (
    EDL_URL_OPTIONS,
    FEED_HTTP_OPTIONS,
    SOURCE_OPTIONS,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import HttpsClient, HttpsSettings

EDL_OPTIONS: Dict[str, Dict[str, Any]] = dict(
    source=dict(type="str", choices=sorted(SOURCE_OPTIONS), required=True),
    name=dict(type="str", default="threat-feed"),
    lists=dict(type="list", elements="str", choices=["ip", "domain", "url"], default=["ip", "domain", "url"]),
    directory=dict(type="path"),
    s3_bucket=dict(type="str"),
    s3_prefix=dict(type="str", default=""),
    mode=dict(type="str", choices=["append", "exact"], default="append"),
    include_subdomains=dict(type="bool", default=True),
    url_list_domains=dict(type="bool", default=True),
    age=dict(type="int", default=604800),
    renew_before=dict(type="int", default=86400),
    max_removals=dict(type="raw", default="50%"),
    max_entries=dict(type="dict", default={}),
    over_capacity=dict(type="str", choices=["refuse", "keep_freshest"], default="refuse"),
)


def target_of(params):
    if params["directory"]:
        target = DirectoryTarget(params["directory"])
        problem = target.check()
        if problem:
            raise ValueError(problem)
        return target
    return S3Target(AwsClient(aws_settings(params)).client("s3"), params["s3_bucket"], params["s3_prefix"])


def main():
    spec = merge(EDL_OPTIONS, EDL_URL_OPTIONS, SOURCE_OPTIONS, FEED_HTTP_OPTIONS, aws_argument_spec())
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           required_if=[("source", name, [name]) for name in sorted(SOURCE_OPTIONS)],
                           required_one_of=[("directory", "s3_bucket")], mutually_exclusive=[("directory", "s3_bucket")])
    p = module.params
    options = EdlOptions(p["name"], tuple(p["lists"]), p["mode"], p["age"], p["renew_before"], p["include_subdomains"],
                         p["url_list_domains"], p["max_removals"], dict(p["max_entries"]), p["over_capacity"])
    try:
        source = select_source(p["source"], p[p["source"]] or {})
        feed = feed_client(source, p["feed_validate_certs"], p["feed_ca_path"], timeout=p["feed_timeout"])
        reader = HttpsClient(HttpsSettings(validate_certs=p["url_validate_certs"], ca_path=p["url_ca_path"],
                                           ca_option="url_ca_path", peer="the web server at base_url",
                                           auth_option="url_username and url_password"),
                             secrets=[p["url_password"] or ""])
        result = run(source, feed, reader, target_of(p), p["base_url"], options, datetime.now(timezone.utc),
                     module.check_mode, basic_auth(p["url_username"], p["url_password"]))
    except (ValueError, AwsError, PublishError) as exc:
        module.fail_json(msg=str(exc))
    if not module._diff:
        result.pop("diff")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
