# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """Where a feed's External Dynamic Lists are served (argument spec: module_utils/_feeds/_specs.py EDL_URL_OPTIONS)."""

    DOCUMENTATION = r"""
options:
  base_url:
    description:
      - The HTTPS URL the lists are served at, as the firewalls fetch them (C(<base_url>/<name>-ip.txt)); the
        lists are read back from it.
    type: str
    required: true
  url_validate_certs:
    description: Verify O(base_url)'s TLS certificate when reading the lists back.
    type: bool
    default: true
  url_ca_path:
    description: CA bundle that verifies O(base_url) (the CA the firewalls' certificate profile holds).
    type: path
  url_username:
    description: The web server's basic-auth user, if it asks for one (the EDL objects' username).
    type: str
  url_password:
    description: Its password. Never shown in results, errors or logs.
    type: str
"""
