# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The PAN-OS client under its old import path, for tests/emulator/test_config_lock.py only.

The client lives in ``_panos`` now; delete this file once the emulator's tests import
``_panos._client`` (they move with the emulator to ``panos_emulator/``).
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError

__all__ = ["FirewallConnection", "FirewallError"]
