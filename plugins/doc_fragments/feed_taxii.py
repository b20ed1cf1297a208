# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The options of the TAXII 2.1 source (argument spec: module_utils/_feeds/_specs.py)."""

    DOCUMENTATION = r"""
options:
  taxii:
    description:
      - STIX 2.1 indicators of a TAXII 2.1 collection, used with O(source=taxii) (needs taxii2-client and stix2).
        Patterns on C(ipv4-addr), C(ipv6-addr), C(domain-name) and C(url) values are taken; C(valid_until)
        becomes the indicator's expiry. In append mode only objects added after the cursor kept on the
        firewall are fetched.
    type: dict
    suboptions:
      collection_url:
        description: The collection's URL, C(https://host/api-root/collections/ID/).
        type: str
        required: true
      username:
        description: User for HTTP basic authentication.
        type: str
      password:
        description: Password for HTTP basic authentication. Never shown in output or errors.
        type: str
      page_size:
        description: Objects per request.
        type: int
        default: 1000
      kinds:
        description: Only these kinds of indicator are taken; others are reported in RV(rejected).
        type: list
        elements: str
        choices: [ip, network, range, domain, url]
"""
