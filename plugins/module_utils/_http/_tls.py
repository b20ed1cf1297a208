# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The TLS context of every HTTPS client in the collection (PAN-OS, threat feeds, TAXII).

Certificates are verified by default, against a CA bundle the user names or the system's CAs.
"""

from __future__ import annotations


import os
import ssl
from typing import Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._errors import InputError


class TlsSettingsError(InputError):
    """The CA bundle cannot be used; the message names the option and the fix."""


def make_ssl_context(validate_certs: bool = True, ca_path: Optional[str] = None,
                     option: str = "ca_path", peer: str = "the server") -> ssl.SSLContext:
    """A client SSL context: verified against ``ca_path`` (a PEM file or a directory) or the system CAs.

    ``option`` names the setting in messages (``ca_path``), ``peer`` what the CA signed.
    """
    if not validate_certs:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if not ca_path:
        return ssl.create_default_context()
    if not os.path.exists(ca_path):
        raise TlsSettingsError(
            "the CA bundle %s=%s does not exist: give the path of the PEM file with the CA "
            "certificate that signed %s's certificate" % (option, ca_path, peer))
    if os.path.isfile(ca_path) and os.path.getsize(ca_path) == 0:
        raise TlsSettingsError(
            "the CA bundle %s=%s is empty (a credential with a blank CA field writes such a file): "
            "paste the PEM text of the CA that signed %s's certificate, or leave %s unset to use "
            "the system's CAs" % (option, ca_path, peer, option))
    try:
        if os.path.isdir(ca_path):
            return ssl.create_default_context(capath=ca_path)
        return ssl.create_default_context(cafile=ca_path)
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise TlsSettingsError(
            "cannot load the CA bundle %s=%s (%s): it must be a PEM file of CA certificates"
            % (option, ca_path, exc))
