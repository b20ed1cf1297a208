# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r"""
options:
  provider:
    description:
      - How to reach and log in to the firewall's XML API.
      - The same keys as the C(provider) of the C(paloaltonetworks.panos) collection, so one
        provider variable serves both collections, plus O(provider.validate_certs),
        O(provider.ca_path) and O(provider.timeout).
      - Every key can also come from an environment variable on the controller, named in its
        description; a value given in the task wins.
      - Set it once per play with C(module_defaults) for C(group/tagwarden.panos.firewall).
      - When only a password is given, the module generates an API key once per task (one
        C(type=keygen) request) and uses it for the rest of the task.
      - The password and the API key are never shown in results, errors, warnings or logs.
    type: dict
    suboptions:
      ip_address:
        description:
          - Address or host name of the firewall's management interface.
          - Environment variable E(PANOS_IP_ADDRESS).
        type: str
        required: true
      username:
        description:
          - Administrator whose API key is generated from O(provider.password).
          - Environment variable E(PANOS_USERNAME).
        type: str
        default: admin
      password:
        description:
          - Password of O(provider.username). Needed unless O(provider.api_key) is given.
          - Environment variable E(PANOS_PASSWORD).
        type: str
      api_key:
        description:
          - API key of the administrator. Used instead of O(provider.username) and
            O(provider.password) when given (no key generation).
          - Environment variable E(PANOS_API_KEY).
        type: str
      port:
        description:
          - HTTPS port of the management interface.
          - Environment variable E(PANOS_PORT).
        type: int
        default: 443
      serial_number:
        description:
          - Accepted and ignored (this collection talks to firewalls directly, not through
            Panorama), so that a C(paloaltonetworks.panos) provider can be reused as it is.
        type: str
      validate_certs:
        description:
          - Verify the firewall's TLS certificate (and that it names O(provider.ip_address)).
          - Firewalls ship a self-signed certificate; give its CA in O(provider.ca_path)
            rather than turning this off. Set V(false) only knowingly, on a trusted network.
          - Environment variable E(PANOS_VALIDATE_CERTS).
        type: bool
        default: true
      ca_path:
        description:
          - PEM file (or directory of hashed certificates) with the CA certificate(s) that signed
            the firewall's management certificate. Without it the system's CA store is used.
          - Environment variable E(PANOS_CA_PATH).
        type: path
      timeout:
        description:
          - Seconds to wait for each reply from the firewall.
          - Transient failures (HTTP 5xx, connection reset, PAN-OS session timeout) are retried
            a few times with exponential backoff; a reply that does not come within this time is
            not retried.
          - Environment variable E(PANOS_TIMEOUT).
        type: int
        default: 30
requirements:
  - pan-python >= 0.17 (on the host that runs the module, usually the controller)
notes:
  - "Runs on the host that executes the module, usually the controller (C(connection: local)
    or C(delegate_to: localhost)); the firewall is reached over HTTPS."
"""
