# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dynamic Address Groups: the group and its tag objects (through a ChangeSet), and their
members as the firewall resolves them. Plain Python, no Ansible imports."""

from __future__ import annotations


import xml.etree.ElementTree as ET
from typing import Any, Dict, Iterable, List, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import (
    ADDRESS_GROUP,
    TAG,
    dynamic_group_object,
    tag_object,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ApplyFailed, FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import cmd

COMMIT_DESCRIPTION = "tagwarden.panos.dynamic_address_group"
_VERBS = {"created": "create", "updated": "update", "deleted": "delete"}


def ensure_group(changes: ChangeSet, name: str, filter_text: Optional[str], description: Optional[str] = None,
                 tags: Iterable[str] = (), state: str = "present") -> Dict[str, Any]:
    """The dynamic_address_group module: the tag objects, then the group (merge-edit: children an
    admin added stay), one partial commit. Returns ``changed``, ``changes``, ``diff`` and
    ``commit`` (when one ran); ApplyFailed once writing has begun."""
    tags = list(dict.fromkeys(tags))
    if state == "absent":
        changes.absent(ADDRESS_GROUP, name)
    else:
        changes.read([(ADDRESS_GROUP, name)] + [(TAG, tag) for tag in tags])
        for tag in tags:
            changes.present(tag_object(tag))
        changes.present(dynamic_group_object(name, filter_text or "", description))
    return apply_changes(changes)


def apply_changes(changes: ChangeSet, **extra: Any) -> Dict[str, Any]:
    """Apply a module's ChangeSet: ``changed``, ``changes`` (``create tag quota``), ``diff``, ``extra`` and
    ``commit`` when one ran; ApplyFailed carrying that result once writing has begun."""
    result = dict(extra, changed=changes.changed, diff=changes.diff(),
                  changes=["%s %s" % (_VERBS[c.action], c.label) for c in changes.changes])  # type: Dict[str, Any]
    try:
        commit = changes.apply()
    except FirewallError as exc:
        raise ApplyFailed(exc, result)
    if commit is not None:
        result["commit"] = commit
    return result


def dag_members(conn: Connection, name: Optional[str] = None, vsys: Optional[str] = "vsys1") -> List[Dict[str, Any]]:
    """``show object dynamic-address-group`` (all, or one by name) as
    ``[{name, vsys, filter, members: [ip...], member_types: {ip: type}}]``."""
    command = cmd("show", "object", "dynamic-address-group")
    if name is None:
        ET.SubElement(command[0][0], "all")
    else:
        ET.SubElement(command[0][0], "name").text = name
    root = conn.op(command, vsys)
    groups = []
    for entry in root.findall("./result/dyn-addr-grp/entry"):
        members = entry.findall("./member-list/entry")
        groups.append({
            "name": entry.findtext("group-name"),
            "vsys": entry.findtext("vsys"),
            "filter": entry.findtext("filter"),
            "members": [m.get("name") for m in members],
            "member_types": dict((m.get("name"), m.get("type")) for m in members),
        })
    return groups
