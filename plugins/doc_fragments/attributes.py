# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """Attributes shared by the modules that talk to a firewall."""

    # Every module in the firewall action group.
    DOCUMENTATION = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/tagwarden.panos.firewall) in C(module_defaults) to set O(provider) once.
    support: full
    membership:
      - tagwarden.panos.firewall
"""

    # Modules that only read.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying the firewall.
    support: full
    details: The module only reads, so it runs the same in check mode.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check mode), when in diff mode.
    support: none
    details: Nothing changes, so there is nothing to show.
"""
