# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The root of every error the collection raises, below every layer so that each can import it.

``except TagwardenError`` catches all of them; :class:`InputError` (bad input, found before a
request) stays a ValueError, as callers that check values expect. Plain Python, no Ansible imports.
"""

from __future__ import annotations


class TagwardenError(Exception):
    """An error of tagwarden.panos; the message names the cause and the fix, with secrets masked."""


class InputError(TagwardenError, ValueError):
    """A value that cannot be used; the message names the value (as the user typed it) and the fix."""
