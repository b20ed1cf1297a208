# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """How User-ID messages are cut (argument spec: module_utils/_ansible/_options.py USERID_BATCH)."""

    DOCUMENTATION = r"""
options:
  chunk_size:
    description:
      - The largest number of address or user entries in one User-ID message (register and unregister
        entries together). Messages are also kept under about 1 MB.
    type: int
    default: 1000
"""
