# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small JSON record kept at the end of an object's description on the firewall.

The description reads ``<sentence for people> {"<key>": <record>}`` and stays within the
PAN-OS description limit. One codec per record kind (``DescriptionRecord("release", ...)`` for
the quota rule's release times; a feed cursor would be another).
"""

from __future__ import annotations


import json
from typing import Any, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._errors import InputError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import MAX_DESCRIPTION


class RecordTooLong(InputError):
    """The description with the record would exceed what PAN-OS stores; ``length`` says how long."""

    def __init__(self, length: int, limit: int) -> None:
        super(RecordTooLong, self).__init__("the description needs %d characters, more than the %d PAN-OS allows"
                                            % (length, limit))
        self.length = length
        self.limit = limit


class DescriptionRecord:
    """Encode and decode ``{"<key>": record}`` after a sentence, within ``limit`` characters."""

    def __init__(self, key: str, sentence: str, limit: int = MAX_DESCRIPTION) -> None:
        self.key = key
        self.sentence = sentence
        self.limit = limit
        self._start = json.dumps({key: None})[:len(key) + 3]  # '{"key"'

    def encode(self, record: Any) -> str:
        """The description; RecordTooLong when it does not fit."""
        # ensure_ascii=False: a non-ASCII name costs one character instead of six toward the limit
        text = self.sentence + " " + json.dumps({self.key: record}, ensure_ascii=False, separators=(",", ":"))
        if len(text) > self.limit:
            raise RecordTooLong(len(text), self.limit)
        return text

    def decode(self, text: Optional[str]) -> Optional[Any]:
        """The record, or None when the description holds none; ValueError when it is damaged."""
        start = (text or "").find(self._start)
        if start < 0:
            return None
        try:
            return json.loads((text or "")[start:])[self.key]
        except (ValueError, TypeError, KeyError):
            raise ValueError("the description %r does not end in a valid %r record" % (text, self.key))
