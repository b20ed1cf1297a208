# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Masking of secrets (passwords, API keys) in every message a client produces."""

from __future__ import annotations


from typing import Iterable, List
from urllib.parse import quote, quote_plus

MASK = "********"


class Scrubber:
    """Replaces each secret, as it is and URL-encoded (it may sit in a query string), with MASK."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._forms = []  # type: List[str]
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        if not secret:
            return
        forms = set(self._forms)
        forms.update(form for form in (secret, quote(secret, safe=""), quote_plus(secret), quote(secret)) if form)
        # Longest first, so that a secret containing another is masked whole.
        self._forms = sorted(forms, key=len, reverse=True)

    def scrub(self, message: object) -> str:
        out = str(message)
        for form in self._forms:
            out = out.replace(form, MASK)
        return out
