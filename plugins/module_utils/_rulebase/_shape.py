# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shape of a rule the collection owns, besides its name and sources: zones, destinations,
action, logging and extra tags (doc fragment tagwarden.panos.rule_shape). Plain Python, no Ansible imports."""

from __future__ import annotations


from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple


@dataclass(frozen=True)
class RuleShape:
    """Zones, destinations, action, log forwarding profile, log at session end, and tags besides the owner tag."""

    from_zones: Tuple[str, ...] = ("any",)
    to_zones: Tuple[str, ...] = ("any",)
    destinations: Tuple[str, ...] = ("any",)
    action: str = "deny"
    log_setting: Optional[str] = None
    log_end: bool = True
    tags: Tuple[str, ...] = ()

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> "RuleShape":
        """From the options of the rule_shape group (missing or None: the default)."""
        given = {name: options[option] for name, option in OPTION_OF.items() if options.get(option) is not None}
        shape = {name: tuple(value) if isinstance(value, (list, tuple)) else value
                 for name, value in given.items()}  # type: Dict[str, Any]
        return cls(**shape)


#: The field of :class:`RuleShape` behind each option of doc fragment tagwarden.panos.rule_shape.
OPTION_OF = {"from_zones": "from_zones", "to_zones": "to_zones", "destinations": "destination", "action": "action",
             "log_setting": "log_setting", "log_end": "log_end", "tags": "rule_tags"}
