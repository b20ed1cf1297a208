# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The virtual system (argument spec: module_utils/_ansible/_options.py VSYS)."""

    DOCUMENTATION = r"""
options:
  vsys:
    description:
      - The virtual system whose configuration, User-ID registrations and reports the module reads and writes.
    type: str
    default: vsys1
"""
