# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The security rule model: every field we write, XML both ways, canonical comparison.

Every name is element text or an attribute, escaped by ElementTree; a hostile name stays one
literal member and never widens the rule. Plain Python, no Ansible imports.
"""

from __future__ import annotations


import xml.etree.ElementTree as ET
from dataclasses import dataclass, fields, replace
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import ConfigObject, ObjectType
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import MAX_DESCRIPTION, MAX_RULE_NAME
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import XPathQuoteError, element, members, sub, xpath_literal

RULE_ACTIONS = ("deny", "drop", "reset-client", "reset-server", "reset-both", "allow")
#: source-user values that PAN-OS reads as keywords; as a group name they would match every user
#: (any, known-user), every unidentified one (unknown) or pre-logon clients.
USER_KEYWORDS = ("any", "known-user", "unknown", "pre-logon")

#: field -> the member list element that holds it
_MEMBER_FIELDS = (
    ("from_zones", "from"), ("to_zones", "to"), ("sources", "source"), ("destinations", "destination"),
    ("source_users", "source-user"), ("categories", "category"), ("applications", "application"),
    ("services", "service"),
)

SECURITY_RULE = ObjectType("rule", "rulebase/security/rules", tuple(tag for _f, tag in _MEMBER_FIELDS) + (
    "action", "profile-setting", "log-setting", "log-end", "description", "tag", "disabled", "schedule"))


@dataclass(frozen=True)
class SecurityRule:
    """One security rule. Member lists are tuples; an empty list on the firewall means ``any``."""

    name: str
    from_zones: Tuple[str, ...] = ("any",)
    to_zones: Tuple[str, ...] = ("any",)
    sources: Tuple[str, ...] = ("any",)
    destinations: Tuple[str, ...] = ("any",)
    source_users: Tuple[str, ...] = ("any",)
    applications: Tuple[str, ...] = ("any",)
    services: Tuple[str, ...] = ("application-default",)
    categories: Tuple[str, ...] = ("any",)
    action: str = "allow"
    profile_group: Optional[str] = None
    log_setting: Optional[str] = None
    log_end: bool = True
    description: Optional[str] = None
    tags: Tuple[str, ...] = ()
    disabled: bool = False
    schedule: Optional[str] = None

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> "SecurityRule":
        """A rule from a dict with the field names as keys (lists become tuples, None: default)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError("unknown security rule fields: %s (known: %s)" % (", ".join(unknown), ", ".join(sorted(known))))
        given = {}  # type: Dict[str, Any]
        for key, value in values.items():
            if value is None:
                continue
            given[key] = tuple(value) if isinstance(value, (list, tuple)) else value
        return cls(**given)

    def to_element(self) -> ET.Element:
        """The rule's ``<entry>``. ``log-end`` is written only when off (PAN-OS logs at session
        end by default), so that a rule written before this model compares equal."""
        entry = element("entry", name=self.name)
        for attr, tag in _MEMBER_FIELDS:
            members(entry, tag, getattr(self, attr))
        sub(entry, "action", self.action)
        if self.profile_group:
            members(sub(entry, "profile-setting"), "group", [self.profile_group])
        if self.log_setting:
            sub(entry, "log-setting", self.log_setting)
        if not self.log_end:
            sub(entry, "log-end", "no")
        if self.description:
            sub(entry, "description", self.description)
        if self.tags:
            members(entry, "tag", self.tags)
        sub(entry, "disabled", "yes" if self.disabled else "no")
        if self.schedule:
            sub(entry, "schedule", self.schedule)
        return entry

    def as_object(self) -> ConfigObject:
        return ConfigObject(SECURITY_RULE, self.name, self.to_element())

    @classmethod
    def from_entry(cls, entry: ET.Element) -> "SecurityRule":
        """The rule an ``<entry>`` read from the firewall describes (empty lists read as ``any``)."""
        values = {}  # type: Dict[str, Any]
        for attr, tag in _MEMBER_FIELDS:
            found = tuple(m.text or "" for m in entry.findall(tag + "/member"))
            if found:
                values[attr] = found
        values["action"] = (entry.findtext("action") or "allow").strip()
        values["profile_group"] = entry.findtext("profile-setting/group/member")
        values["log_setting"] = entry.findtext("log-setting")
        values["log_end"] = (entry.findtext("log-end") or "yes").strip() != "no"
        values["description"] = entry.findtext("description")
        values["tags"] = tuple(m.text or "" for m in entry.findall("tag/member"))
        values["disabled"] = (entry.findtext("disabled") or "no").strip() == "yes"
        values["schedule"] = entry.findtext("schedule")
        return cls(name=entry.get("name") or "", **values)

    def canonical(self) -> "SecurityRule":
        """The same rule with member lists sorted and de-duplicated (PAN-OS keeps written order,
        which does not change what the rule matches)."""
        changes = {attr: tuple(sorted(set(getattr(self, attr)))) for attr, _tag in _MEMBER_FIELDS}  # type: Dict[str, Any]
        changes["tags"] = tuple(sorted(set(self.tags)))
        changes["description"] = self.description or None
        return replace(self, **changes)

    def same_as(self, other: "SecurityRule") -> bool:
        return self.canonical() == other.canonical()

    def problems(self, what: str = "rule") -> List[str]:
        """What PAN-OS would refuse, before anything is sent."""
        found = []
        try:
            if not self.name:
                raise XPathQuoteError("a name is required")
            xpath_literal(self.name)
        except XPathQuoteError as exc:
            found.append("%s: %s" % (what, exc))
        if len(self.name) > MAX_RULE_NAME:
            found.append("%s: the name %r has more than %d characters" % (what, self.name, MAX_RULE_NAME))
        if self.action not in RULE_ACTIONS:
            found.append("%s: action %r is not one of %s" % (what, self.action, ", ".join(RULE_ACTIONS)))
        if len(self.description or "") > MAX_DESCRIPTION:
            found.append("%s: the description has more than %d characters" % (what, MAX_DESCRIPTION))
        return found


def keyword_problems(names: Sequence[str], what: str = "group") -> List[str]:
    """One problem per empty name or PAN-OS user keyword (compared case-insensitively)."""
    problems = []
    for name in names:
        if not str(name).strip():
            problems.append("an empty %s name: remove it" % what)
        elif str(name).strip().lower() in USER_KEYWORDS:
            problems.append("%r is a PAN-OS keyword (%s), not a %s: as source-user it would match far more "
                            "users than one %s; use the group's real name" % (name, ", ".join(USER_KEYWORDS), what, what))
    return problems
