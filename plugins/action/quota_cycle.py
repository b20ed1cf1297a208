# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module tagwarden.panos.quota_cycle, run in the controller's worker process (a cycle runs every
minute on every firewall: plugin_utils._in_process says why)."""


from ansible_collections.tagwarden.panos.plugins.modules.quota_cycle import OPTIONS, run_cycle
from ansible_collections.tagwarden.panos.plugins.plugin_utils._in_process import module_action

ActionModule = module_action(OPTIONS, run_cycle)
