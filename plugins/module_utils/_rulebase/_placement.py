# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a rule goes in the rulebase: top, bottom, before or after a rule, or above a named
bottom rule (a catch-all deny that must stay last). Plain Python, no Ansible imports."""

from __future__ import annotations


from dataclasses import dataclass
from typing import List, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import CODE_NOT_POSSIBLE, FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SECURITY_RULE

RULE_LOCATIONS = ("top", "bottom", "before", "after")


@dataclass(frozen=True)
class Placement:
    """``where`` is top, bottom, before or after (``rule`` names the other rule), or ``above``:
    right before ``rule`` when it exists, else at the bottom."""

    where: str = "top"
    rule: Optional[str] = None

    def problems(self, name: str, what: str) -> List[str]:
        """Problems with placing rule ``name`` (before/after/above need another rule's name)."""
        if self.where not in RULE_LOCATIONS + ("above",):
            return ["%s: location %r is not one of %s" % (what, self.where, ", ".join(RULE_LOCATIONS))]
        if self.where in ("before", "after", "above") and not self.rule:
            return ["%s: location %s needs the name of an existing rule" % (what, self.where)]
        if self.where in ("before", "after", "above") and self.rule == name:
            return ["%s: a rule cannot be placed %s itself" % (what, self.where)]
        return []


def place(conn: Connection, name: str, placement: Placement, vsys: Optional[str] = "vsys1") -> None:
    """Move rule ``name``; PAN-OS answers code 14 when it is already there, which is fine."""
    where, other = placement.where, placement.rule
    if where == "above":
        exists = conn.config("get", SECURITY_RULE.xpath(other or "", vsys)).find("./result/entry") is not None
        where = "before" if exists else "bottom"
    xpath = SECURITY_RULE.xpath(name, vsys)
    try:
        if where in ("before", "after"):
            conn.config("move", xpath, where=where, dst=other or "")
        else:
            conn.config("move", xpath, where=where)
    except FirewallError as exc:
        if exc.code != CODE_NOT_POSSIBLE:
            raise
