# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The quota policy of quota_evaluate and quota_cycle (argument spec: module_utils/_quota/_options.py
    QUOTA_POLICY; checked into a _quota._evaluate.QuotaPolicy)."""

    DOCUMENTATION = r"""
options:
  quotas:
    description:
      - Quota per scope, a dictionary with any of the keys C(ip) (each IP address), C(user) (each user,
        over all its IPs) and C(group) (each group, over all its members). A scope left out is not
        checked, except for the names in O(overrides).
      - Sizes are a number of bytes or a number with a unit B, kB, MB, GB, TB (powers of 1000)
        or KiB, MiB, GiB, TiB (powers of 1024), for example C(20MB) or C(1.5GiB). A lower-case
        C(b) (bits) is refused.
    type: dict
    default: {}
  overrides:
    description:
      - 'Per-name quotas that replace the scope''s quota, for example
        C({"user": {"acme\\bob": "50MB"}, "group": {"cn=eng,dc=acme,dc=local": "5GB"}}).'
      - Keys are C(ip), C(user) and C(group); values map names to sizes as in O(quotas).
    type: dict
    default: {}
  exempt:
    description:
      - Names that are never blocked, a dictionary with any of the keys C(ips) (addresses and
        networks such as C(10.0.0.0/8)), C(users) and C(groups), each a list. Blocks of ours on
        exempt names are released.
      - An IP that belongs to an exempt user (in the rows or the mapping) is exempt too. An exempt
        group is never blocked; its members are not exempt for that.
    type: dict
    default: {}
  block_duration:
    description:
      - How long a new block lasts, as seconds or with a unit C(s), C(m), C(h), C(d) (C(15m), C(1h30m)).
      - At most 30 days, the longest tag timeout PAN-OS accepts.
    type: raw
    default: 15m
  top:
    description: How many of the largest users of each scope the usage tables list, and how many entries each list of the summary shows.
    type: int
    default: 10
  tag:
    description:
      - The tag of the quota Dynamic Address Group. Companion tags are named
        C(<tag>.until.<YYYYMMDDHHMMSS>).
    type: str
    default: quota
"""
