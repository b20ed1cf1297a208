# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dynamic Address Group configuration and membership (plain Python, no Ansible imports)."""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import xml.etree.ElementTree as ET
from typing import Any, Dict, Iterable, List, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._xml import cmd, entry_xpath, vsys_xpath


def group_xpath(name: str, vsys: Optional[str] = "vsys1") -> str:
    return entry_xpath(vsys_xpath(vsys) + "/address-group", name)


def tag_xpath(name: str, vsys: Optional[str] = "vsys1") -> str:
    return entry_xpath(vsys_xpath(vsys) + "/tag", name)


def group_element(name: str, filter_text: str, description: Optional[str] = None,
                  tags: Iterable[str] = ()) -> ET.Element:
    """``<entry name=...><dynamic><filter>...</filter></dynamic>[<description>][<tag>]</entry>``."""
    entry = ET.Element("entry", {"name": name})
    ET.SubElement(ET.SubElement(entry, "dynamic"), "filter").text = filter_text
    if description:
        ET.SubElement(entry, "description").text = description
    tags = list(tags)
    if tags:
        node = ET.SubElement(entry, "tag")
        for tag in tags:
            ET.SubElement(node, "member").text = tag
    return entry


def read_group(conn: Any, name: str, vsys: Optional[str] = "vsys1") -> Optional[Dict[str, Any]]:
    """The candidate config of a group: ``{filter, description, static}`` or None."""
    root = conn.config("get", group_xpath(name, vsys))
    entry = root.find("./result/entry")
    if entry is None:
        return None
    return {"filter": entry.findtext("dynamic/filter"), "description": entry.findtext("description"),
            "static": [m.text for m in entry.findall("static/member")]}


def tag_exists(conn: Any, name: str, vsys: Optional[str] = "vsys1") -> bool:
    return conn.config("get", tag_xpath(name, vsys)).find("./result/entry") is not None


def ensure_group(conn: Any, name: str, filter_text: Optional[str], description: Optional[str] = None,
                 tags: Iterable[str] = (), state: str = "present", vsys: Optional[str] = "vsys1",
                 check_mode: bool = False) -> Dict[str, Any]:
    """Make the candidate config hold the tag objects and the dynamic group; returns what changed."""
    changes = []  # type: List[str]
    tags = list(tags)
    current = read_group(conn, name, vsys)
    if state == "absent":
        if current is not None:
            changes.append("delete address-group %s" % name)
            if not check_mode:
                conn.config("delete", group_xpath(name, vsys))
        return {"changed": bool(changes), "changes": changes}
    for tag in tags:
        if not tag_exists(conn, tag, vsys):
            changes.append("create tag %s" % tag)
            if not check_mode:
                conn.config("set", vsys_xpath(vsys) + "/tag", ET.Element("entry", {"name": tag}))
    wanted = {"filter": filter_text, "description": description or None, "static": []}
    if current is not None:
        current = dict(current, description=current["description"] or None)
    if current != wanted:
        changes.append("%s address-group %s" % ("create" if current is None else "update", name))
        if not check_mode:
            conn.config("edit", group_xpath(name, vsys), group_element(name, filter_text or "", description))
    return {"changed": bool(changes), "changes": changes}


def dag_members(conn: Any, name: Optional[str] = None, vsys: Optional[str] = "vsys1") -> List[Dict[str, Any]]:
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
