# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""PAN-OS limits, each written once (PAN-OS 10.x/11.x).

Sources: the PAN-OS administrator's guide and XML API guide (docs.paloaltonetworks.com: "Register
IP Addresses and Tags Dynamically", "Use Dynamic Address Groups in Policy", "Custom URL Categories"),
the web interface's own field limits, and what pan-os-python sends (the registered-ip page size).
"""

from __future__ import annotations


#: The longest native timeout of a registered tag, in seconds (30 days); 0 means "never".
MAX_TAG_TIMEOUT = 2592000
#: Characters in a tag name.
MAX_TAG_LENGTH = 127
#: Tags registered on one IP address.
MAX_TAGS_PER_IP = 32
#: Characters in an object or rule description.
MAX_DESCRIPTION = 1024
#: Characters in a security rule name.
MAX_RULE_NAME = 63
#: Characters in a custom URL category name (the web interface's limit).
MAX_URL_CATEGORY_NAME = 31
#: Entries we put in one uid-message at most (our bound, far below the body size limit).
MAX_UID_ENTRIES = 50000
#: Entries we put in one config ``set`` at most (our bound: 500 rules are a few hundred kB, well below
#: the request size the management server takes).
MAX_SET_ENTRIES = 500
#: The largest "Top N" the web interface offers for custom reports.
MAX_REPORT_TOPN = 10000
#: Logs returned for one log query (nlogs).
MAX_LOGS_PER_QUERY = 5000
#: The page size of ``show object registered-ip`` that pan-os-python uses; no larger one is documented.
REGISTERED_IP_PAGE = 500
