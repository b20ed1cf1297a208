# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The options of the plain-list source (argument spec: module_utils/_feeds/_specs.py)."""

    DOCUMENTATION = r"""
options:
  list:
    description:
      - A plain list, used with O(source=list), read whole on every run - one indicator per line with
        comments after C(;) or a hash sign (Spamhaus DROP), JSON lines (Spamhaus DROP JSON), or CSV with a named column
        (abuse.ch Feodo C(dst_ip)). Give exactly one of O(list.url) and O(list.path).
    type: dict
    suboptions:
      url:
        description: An C(https://) URL of the list.
        type: str
      path:
        description: A file on the host running the module.
        type: path
      format:
        description: V(lines), V(jsonl) or V(csv).
        type: str
        choices: [lines, jsonl, csv]
        default: lines
      column:
        description: The CSV column holding the indicator (required with O(list.format=csv)).
        type: str
      field:
        description: The JSON-lines field holding the indicator.
        type: str
        default: cidr
      kinds:
        description: Only these kinds of indicator are taken; others are reported in RV(rejected).
        type: list
        elements: str
        choices: [ip, network, range, domain, url]
"""
