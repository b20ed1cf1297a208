# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Candidate-config objects for quota enforcement: read once, compare, write the difference.

Shared by quota_block (the group deny rule) and quota_objects (tag, DAG, report, deny rules).
An object is compared on the children we manage only; an update keeps every other child an
administrator added (log settings, profiles) by editing a merge of the current entry and ours.
Plain Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import xml.etree.ElementTree as ET
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._connection import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._xml import element, entry_xpath, members, sub, vsys_xpath

#: Attributes PAN-OS adds to candidate entries changed since the last commit.
DIRTY_ATTRIBUTES = ("admin", "dirtyId", "time")
RULE_LOCATIONS = ("top", "bottom", "before", "after")
RULE_ACTIONS = ("deny", "drop", "reset-client", "reset-server", "reset-both", "allow")
#: source-user values that PAN-OS reads as keywords; as a group name they would match every user
#: (any, known-user), every unidentified one (unknown) or pre-logon clients.
USER_KEYWORDS = ("any", "known-user", "unknown", "pre-logon")


# The argument spec of doc fragment tagwarden.panos.quota_rule (quota_block, quota_cycle).
RULE_OPTIONS = dict(
    rule_name=dict(type="str", default="BlockQuota"),
    rule_location=dict(type="str", choices=["top", "bottom", "before", "after"], default="top"),
    rule_existing=dict(type="str"),
    rule_from=dict(type="list", elements="str", default=["any"]),
    rule_to=dict(type="list", elements="str", default=["any"]),
    rule_destination=dict(type="list", elements="str", default=["any"]),
    rule_action=dict(type="str", choices=["deny", "drop", "reset-client", "reset-server", "reset-both"], default="deny"),
    chunk_size=dict(type="int", default=1000),
)  # type: Dict[str, Dict[str, Any]]


def rules_xpath(vsys: Optional[str] = "vsys1") -> str:
    return vsys_xpath(vsys) + "/rulebase/security/rules"


def rule_xpath(name: str, vsys: Optional[str] = "vsys1") -> str:
    return entry_xpath(rules_xpath(vsys), name)


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


def security_rule(name: str, from_zones: Sequence[str], to_zones: Sequence[str], sources: Sequence[str],
                  destinations: Sequence[str], source_users: Sequence[str], action: str,
                  description: Optional[str] = None, disabled: bool = False) -> ET.Element:
    """A security rule entry; every name is element text or an attribute, escaped by ElementTree."""
    entry = element("entry", name=name)
    members(entry, "from", from_zones)
    members(entry, "to", to_zones)
    members(entry, "source", sources)
    members(entry, "destination", destinations)
    members(entry, "source-user", source_users)
    members(entry, "category", ["any"])
    members(entry, "application", ["any"])
    members(entry, "service", ["any"])
    sub(entry, "action", action)
    if description:
        sub(entry, "description", description)
    sub(entry, "disabled", "yes" if disabled else "no")
    return entry


def _canonical(node: ET.Element) -> Tuple[Any, ...]:
    """A comparable form: tag, attributes without the dirty marks, stripped text, children
    (``<member>`` lists compared as sets, since PAN-OS keeps them in the order written)."""
    attrib = tuple(sorted((k, v) for k, v in node.attrib.items() if k not in DIRTY_ATTRIBUTES))
    children = [_canonical(child) for child in node]
    if children and all(child.tag == "member" for child in node):
        children.sort()
    return (node.tag, attrib, (node.text or "").strip(), tuple(children))


def differences(current: Optional[ET.Element], desired: ET.Element) -> List[str]:
    """Tags of the managed children of ``desired`` that ``current`` lacks or holds otherwise."""
    if current is None:
        return [child.tag for child in desired]
    changed = []
    for child in desired:
        found = current.find(child.tag)
        if found is None or _canonical(found) != _canonical(child):
            changed.append(child.tag)
    return changed


def merged(current: Optional[ET.Element], desired: ET.Element) -> ET.Element:
    """``desired`` plus the children of ``current`` it does not manage (kept as they are)."""
    result = ET.Element(desired.tag, dict(desired.attrib))
    managed = {child.tag for child in desired}
    result.extend(desired)
    if current is not None:
        for child in current:
            if child.tag not in managed:
                result.append(child)
    return result


def read_entry(conn: Any, xpath: str, running: bool = False) -> Optional[ET.Element]:
    """The entry at ``xpath`` in the candidate (``get``) or running (``show``) config, or None."""
    if not running:
        return conn.config("get", xpath).find("./result/entry")
    try:
        return conn.config("show", xpath).find("./result/entry")
    except FirewallError as exc:
        if "No such node" in str(exc):
            return None
        raise


def pending_for(entry: Optional[ET.Element], admin: Optional[str]) -> bool:
    """Whether ``admin`` changed this candidate entry since the last commit (PAN-OS marks it)."""
    return entry is not None and admin is not None and entry.get("admin") == admin


def entry_as_dict(entry: Optional[ET.Element]) -> Optional[Dict[str, Any]]:
    """A readable form of an entry for diffs: member lists as lists, leaves as text."""
    if entry is None:
        return None
    out = {}  # type: Dict[str, Any]
    for child in entry:
        if len(child) and all(grand.tag == "member" for grand in child):
            out[child.tag] = [grand.text or "" for grand in child]
        elif len(child):
            out[child.tag] = entry_as_dict(child)
        else:
            out[child.tag] = (child.text or "").strip()
    return out


def apply_entry(conn: Any, parent_xpath: str, xpath: str, current: Optional[ET.Element], desired: ET.Element,
                check_mode: bool) -> Optional[str]:
    """Write ``desired`` if it differs: ``set`` under the parent when new, ``edit`` of the merge
    when changed. Returns ``created``, ``updated`` or None."""
    if not differences(current, desired):
        return None
    if not check_mode:
        if current is None:
            conn.config("set", parent_xpath, desired)
        else:
            conn.config("edit", xpath, merged(current, desired))
    return "created" if current is None else "updated"


def move_rule(conn: Any, xpath: str, location: str, existing_rule: Optional[str]) -> None:
    """Move a rule; PAN-OS answers code 14 when the rule is already there, which is fine."""
    extra = {"where": location}
    if location in ("before", "after"):
        extra["dst"] = existing_rule or ""
    try:
        conn.config("move", xpath, **extra)
    except FirewallError as exc:
        if exc.code != "14":
            raise


def location_problems(location: str, existing_rule: Optional[str], name: str, what: str) -> List[str]:
    """Problems with a rule placement (before/after need another rule's name)."""
    if location not in RULE_LOCATIONS:
        return ["%s: location %r is not one of %s" % (what, location, ", ".join(RULE_LOCATIONS))]
    if location in ("before", "after") and not existing_rule:
        return ["%s: location %s needs the name of an existing rule" % (what, location)]
    if location in ("before", "after") and existing_rule == name:
        return ["%s: a rule cannot be placed %s itself" % (what, location)]
    return []
