#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
module: userid_info
short_description: Read User-ID group members and the IP-user mapping from a PAN-OS firewall
version_added: 0.1.0
description:
  - Group members come from C(show user group list), then one C(show user group name) per
    group, so the number of requests grows with the groups, not with the users.
  - The IP-user mapping comes from one C(show user ip-user-mapping all). That command has no
    documented paging; when the reply's count says it was cut short, the module warns.
  - Only reads; never changes the firewall.
author:
  - tagwarden developers (@tagwarden)
extends_documentation_fragment:
  - tagwarden.panos.vsys
  - tagwarden.panos.connection
  - tagwarden.panos.attributes
  - tagwarden.panos.attributes.info_module
options:
  groups:
    description:
      - Read only these groups (as the firewall names them, for example C(cn=sales,dc=acme,dc=local)),
        without listing the groups first. Omitted means every group.
    type: list
    elements: str
  gather:
    description:
      - What to read.
    type: list
    elements: str
    choices: [groups, ip_user_mapping]
    default: [groups, ip_user_mapping]
"""

EXAMPLES = r"""
- name: Groups and mappings for the quota cycle
  tagwarden.panos.userid_info:
    provider: "{{ firewall }}"
  register: identity

- name: Members of two groups only
  tagwarden.panos.userid_info:
    groups:
      - cn=sales,dc=acme,dc=local
      - cn=eng,dc=acme,dc=local
    gather: [groups]
"""

RETURN = r"""
groups:
  description: Members of each group read (a group without members maps to an empty list).
  returned: success
  type: dict
  sample: {"cn=sales,dc=acme,dc=local": ["acme\\bob", "acme\\carol"]}
ip_user_mapping:
  description: The firewall's IP-user mappings.
  returned: success
  type: list
  elements: dict
  contains:
    ip:
      description: The address.
      type: str
      returned: always
    user:
      description: The user logged in on it.
      type: str
      returned: always
  sample: [{ip: 10.0.0.5, user: "acme\\bob"}]
api_calls:
  description: HTTP requests made to the firewall by this task.
  returned: always
  type: int
  sample: 4
"""

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import firewall_module, run_task
from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._options import VSYS, merge
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._identity import GATHER, userid_info


def main():
    module = firewall_module(merge(
        VSYS,
        groups=dict(type="list", elements="str"),
        gather=dict(type="list", elements="str", choices=list(GATHER), default=list(GATHER)),
    ))
    p = module.params
    run_task(module, lambda conn: userid_info(conn, gather=p["gather"], groups=p["groups"], vsys=p["vsys"]))


if __name__ == "__main__":
    main()
