# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The release times of blocked groups, kept in the quota deny rule's description.

``{"release": {group: "YYYY/MM/DD HH:MM:SS"}}`` after a sentence for people, with the
``_state._record`` codec; times are firewall-local.
"""

from __future__ import annotations


from datetime import datetime
from typing import Dict, Mapping, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import format_firewall_time, parse_firewall_time
from ansible_collections.tagwarden.panos.plugins.module_utils._state._record import DescriptionRecord, RecordTooLong

DESCRIPTION_SENTENCE = "Managed by tagwarden.panos quota: blocked groups and their release times (firewall-local)."
RELEASES = DescriptionRecord("release", DESCRIPTION_SENTENCE)


def encode_rule_description(releases: Mapping[str, Optional[datetime]]) -> str:
    """The deny rule's description. Groups whose release time is None are not ours and are left
    out (decoding gives None for them again). ValueError when the text exceeds what PAN-OS stores."""
    times = {group: format_firewall_time(until) for group, until in sorted(releases.items()) if until is not None}
    try:
        return RELEASES.encode(times)
    except RecordTooLong as exc:
        raise ValueError(
            "the release times of %d blocked groups need %d characters in the rule description, more than the %d "
            "PAN-OS allows; block fewer groups at once (raise the group quota) or shorten the group names"
            % (len(times), exc.length, exc.limit))


def decode_rule_description(text: Optional[str]) -> Dict[str, datetime]:
    """``{group: release time}`` from a description written by :func:`encode_rule_description`.

    A description without the record gives ``{}``; a damaged one raises ValueError rather than
    silently forgetting blocks.
    """
    try:
        release = RELEASES.decode(text)
        if release is None:
            return {}
        return {str(group): parse_firewall_time(until) for group, until in release.items()}
    except (ValueError, TypeError, AttributeError):
        raise ValueError("the rule description %r does not end in valid release times %s; "
                         "restore it or delete the rule's description to forget the group blocks"
                         % (text, '{"release": {"<group>": "YYYY/MM/DD HH:MM:SS"}}'))
