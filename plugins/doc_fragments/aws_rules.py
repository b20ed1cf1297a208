# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):

    # Argument spec: module_utils/_cloud/_options.py; semantics: docs/cloud_rules.md.
    DOCUMENTATION = r"""
options:
  firewall_instance_ids:
    description:
      - Instance ids of the firewall. An interface is in scope when its subnet's route table
        (the explicit association, else the VPC's main table) sends V(0.0.0.0/0) or V(::/0) to
        one of these or to one of O(firewall_eni_ids).
      - At least one of O(firewall_instance_ids) and O(firewall_eni_ids) is needed.
    type: list
    elements: str
    default: []
  firewall_eni_ids:
    description:
      - Network interface ids of the firewall (see O(firewall_instance_ids)).
    type: list
    elements: str
    default: []
  from_zones:
    description:
      - Source zones of every rule.
    type: list
    elements: str
    default: [any]
  to_zones:
    description:
      - Destination zones of every rule.
    type: list
    elements: str
    default: [any]
  profile_group:
    description:
      - Security profile group set on every rule.
    type: str
  log_setting:
    description:
      - Log forwarding profile set on every rule.
    type: str
  log_end:
    description:
      - Log at session end.
    type: bool
    default: true
  owner_tag:
    description:
      - Tag that marks a rule as owned by this AWS source; only rules with it are ever changed or removed.
    type: str
    default: tagwarden-aws
  applications:
    description:
      - Map from AWS protocol and port to App-ID, replacing the default map. Keys are
        V(tcp/<port>), V(udp/<port>), V(icmp), V(icmp/<type>), V(icmpv6), V(icmpv6/<type>) or an IP
        protocol number such as V(50).
      - A mapped permission gets that application with service V(application-default); any other
        TCP or UDP port or range gets application V(any) and a service object such as
        V(tcp-8080-8090); an unmapped ICMP type or protocol is skipped and reported.
      - The default is the seed's map (V(tcp/22) ssh, V(tcp/25) smtp, V(tcp/53) and V(udp/53) dns,
        V(tcp/80) web-browsing, V(tcp/110) pop3, V(tcp/143) imap, V(tcp/389) and V(tcp/636) ldap,
        V(tcp/443) ssl, V(tcp/1521) oracle, V(tcp/3306) mysql, V(tcp/3389) rdp, V(tcp/5439)
        amazon-redshift) plus V(icmp) icmp, V(icmp/8) ping and V(icmpv6) ipv6-icmp.
    type: dict
"""
