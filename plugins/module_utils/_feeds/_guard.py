# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bound on removals per run: a feed that comes back empty, or drops most of what it listed,
must not wipe a tag or a category. Checked before any write. Plain Python, no Ansible imports.
"""

from __future__ import annotations


import re
from typing import Any, NamedTuple, Optional, Sequence

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError

OPTION = "max_removals"
DEFAULT = "50%"
_BOUND = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$")


class RemovalBound(NamedTuple):
    """At most ``entries`` removals, and at most ``percent`` of what is held (None: no such bound)."""

    entries: Optional[int]
    percent: Optional[float]

    def allowed(self, held: int) -> int:
        bounds = [held] if self.entries is None else [self.entries]
        if self.percent is not None:
            bounds.append(int(held * self.percent / 100))
        return min(bounds)


class Removal(NamedTuple):
    """A target (``tag threat-feed``), how many entries it holds, and how many this run removes."""

    label: str
    held: int
    removing: int


def parse_bound(value: Any) -> RemovalBound:
    """``"50%"``, ``1000``, or a list of both (``["10%", 5000]``: both bounds hold)."""
    items = value if isinstance(value, (list, tuple)) else [value]
    count = None  # type: Optional[int]
    percent = None  # type: Optional[float]
    for item in items:
        match = _BOUND.match(str(item))
        if isinstance(item, bool) or not match or (match.group(2) and float(match.group(1)) > 100) or (
                not match.group(2) and "." in match.group(1)):
            raise ValidationError("%s=%r is not a bound: give a whole number of entries (1000), a percentage of "
                                  "what the firewall holds from 0%% to 100%% (50%%), or a list of both"
                                  % (OPTION, item))
        if match.group(2):
            percent = float(match.group(1))
        else:
            count = int(match.group(1))
    return RemovalBound(count, percent)


def check_removals(bound: RemovalBound, what: Sequence[Removal]) -> None:
    """One ValidationError naming every target over its bound (nothing is written then)."""
    over = []
    for label, held, removing in what:
        if removing > bound.allowed(held):
            over.append("%s would lose %d of its %d entries, more than %s allows (%d)"
                        % (label, removing, held, _bound_text(bound), bound.allowed(held)))
    if over:
        raise ValidationError("refusing to remove this much, nothing was written: %s. A feed that comes back empty "
                              "or short must not wipe the block list; if the feed really shrank, raise %s for "
                              "this run (e.g. %s: 100%%)" % ("; ".join(over), OPTION, OPTION))


def _bound_text(bound: RemovalBound) -> str:
    parts = []
    if bound.entries is not None:
        parts.append("%d entries" % bound.entries)
    if bound.percent is not None:
        parts.append("%g%%" % bound.percent)
    return "%s=%s" % (OPTION, " and ".join(parts))
