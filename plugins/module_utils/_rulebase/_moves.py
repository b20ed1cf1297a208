# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The order of a rulebase as a rule set plan changes it, and the fewest moves that reach it.
Plain Python, no Ansible imports."""

from __future__ import annotations


import xml.etree.ElementTree as ET
from typing import List, Optional, Sequence, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import XPathQuoteError, xpath_literal
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SecurityRule

#: A desired rule, its current entry (None: new) and its move (None: it stays where it is).
Planned = Tuple[SecurityRule, Optional[ET.Element], Optional[Placement]]


class Order:
    """The rulebase order as the plan changes it, to place rules and say what lies above them."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)

    def index(self, name: Optional[str]) -> Optional[int]:
        return self.names.index(name) if name in self.names else None

    def put(self, name: str, placement: Placement) -> None:
        if name in self.names:
            self.names.remove(name)
        other = self.index(placement.rule)
        if placement.where == "top":
            self.names.insert(0, name)
        elif placement.where in ("before", "above") and other is not None:
            self.names.insert(other, name)
        elif placement.where == "after" and other is not None:
            self.names.insert(other + 1, name)
        else:
            self.names.append(name)


def resolve(placement: Placement, order: Order) -> Placement:
    """``above`` as before the bottom rule, or bottom when it does not exist (known from the read)."""
    if placement.where == "above":
        return Placement("before", placement.rule) if order.index(placement.rule) is not None else Placement("bottom")
    return placement


Move = Tuple[str, Placement]


def moves(rulebase: Sequence[str], planned: Sequence[Planned], deleted: Sequence[str], placement: Placement) -> List[Move]:
    """The moves that put the ``planned`` rules (each with its current entry, None when new, and its
    move, None when it stays) in place, ``deleted`` gone. The moves that put the plan's rules in place once the new ones are written together (they land
    at the end of the rulebase, in plan order): one per rule out of place, or, when that is fewer,
    the moves of our existing rules and then the bottom rule of ``above`` and every other rule after
    it to the bottom, in their order (the new rules end up right above it). Either way only the positions
    of the new rules and ours change relative to the others; the result is checked against the
    rule-by-rule one before it is chosen."""
    new = [rule.name for rule, entry, _move in planned if entry is None]
    start = [name for name in rulebase if name not in deleted] + new
    each = _needed(start, [(rule.name, move) for rule, _entry, move in planned if move is not None])
    if _moved(start, each) == start:
        return []  # e.g. new rules at the bottom: where the set put them
    anchor = placement.rule if placement.where == "above" else None
    if not new or anchor is None or anchor not in start:
        return each
    existing = _needed(start, [(rule.name, move) for rule, entry, move in planned
                               if move is not None and entry is not None])
    middle = _moved(start, existing)
    desired = {rule.name for rule, _entry, _move in planned}
    block = [(name, Placement("bottom")) for name in middle[middle.index(anchor):] if name not in desired]
    chosen = existing + block
    if len(chosen) >= len(each) or _moved(start, chosen) != _moved(start, each) or not _quotable(block):
        return each
    return chosen


def _needed(names: Sequence[str], wanted: Sequence[Move]) -> List[Move]:
    """``wanted`` without the moves that would leave the order as it is."""
    order = Order(names)
    needed = []
    for name, move in wanted:
        before = list(order.names)
        order.put(name, move)
        if order.names != before:
            needed.append((name, move))
    return needed


def _moved(names: Sequence[str], steps: Sequence[Move]) -> List[str]:
    order = Order(names)
    for name, move in steps:
        order.put(name, move)
    return order.names


def _quotable(steps: Sequence[Move]) -> bool:
    """Whether every name can be written in an xpath (a rule of an administrator may not be)."""
    try:
        for name, _move in steps:
            xpath_literal(name)
    except XPathQuoteError:
        return False
    return True
