# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The argument specs of the feed sources' options, each next to its doc fragment
(tagwarden.panos.feed_lumu, feed_list, feed_taxii). Plain dicts: no Ansible import."""

from __future__ import annotations


from typing import Any, Dict

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import KINDS
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._lists import FORMATS
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._lumu import (
    ADVERSARY_TYPES,
    BASE_URL,
    PAGE_ITEMS,
    STATUSES,
    WINDOW_DAYS,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._taxii import PAGE_SIZE

Spec = Dict[str, Dict[str, Any]]

LUMU_OPTIONS = {
    "base_url": dict(type="str", default=BASE_URL),
    "company_key": dict(type="str", no_log=True, required=True),
    "hours": dict(type="int"),
    "from": dict(type="str"),
    "adversary_types": dict(type="list", elements="str", choices=list(ADVERSARY_TYPES)),
    "statuses": dict(type="list", elements="str", choices=list(STATUSES)),
    "page_items": dict(type="int", default=PAGE_ITEMS),
    "window_days": dict(type="int", default=WINDOW_DAYS),
}  # type: Spec

LIST_OPTIONS = {
    "url": dict(type="str"),
    "path": dict(type="path"),
    "format": dict(type="str", choices=list(FORMATS), default="lines"),
    "column": dict(type="str"),
    "field": dict(type="str", default="cidr"),
    "kinds": dict(type="list", elements="str", choices=list(KINDS)),
}  # type: Spec

TAXII_OPTIONS = {
    "collection_url": dict(type="str", required=True),
    "username": dict(type="str"),
    "password": dict(type="str", no_log=True),
    "page_size": dict(type="int", default=PAGE_SIZE),
    "kinds": dict(type="list", elements="str", choices=list(KINDS)),
}  # type: Spec

#: ``{"lumu": {...}, "list": {...}, "taxii": {...}}``: one dict option per source.
SOURCE_OPTIONS = {
    "lumu": dict(type="dict", options=LUMU_OPTIONS),
    "list": dict(type="dict", options=LIST_OPTIONS),
    "taxii": dict(type="dict", options=TAXII_OPTIONS),
}  # type: Spec

FEED_HTTP_OPTIONS = {
    "feed_validate_certs": dict(type="bool", default=True),
    "feed_ca_path": dict(type="path"),
    "feed_timeout": dict(type="int", default=30),
}  # type: Spec

#: tagwarden.panos.edl_url: how a feed's published External Dynamic Lists are read back (as the firewalls fetch them).
EDL_URL_OPTIONS = {
    "base_url": dict(type="str", required=True),
    "url_validate_certs": dict(type="bool", default=True),
    "url_ca_path": dict(type="path"),
    "url_username": dict(type="str"),
    "url_password": dict(type="str", no_log=True),
}  # type: Spec
