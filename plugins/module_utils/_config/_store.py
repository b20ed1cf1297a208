# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read, compare and write configuration entries (the candidate configuration).

- one batched read per object type: a union xpath over the names, entries matched by name;
- canonical comparison: the dirty marks PAN-OS adds are ignored, ``<member>`` lists compared
  as sets, and only the children we manage count;
- merge-edit: an update edits a merge of the current entry and ours, so children an admin
  added stay; a new entry is a ``set`` under its container;
- "missing" is decided by the PAN-OS error code of the reply, not by its text.

Plain Python, no Ansible imports.
"""

from __future__ import annotations


import xml.etree.ElementTree as ET
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import ConfigObject, ObjectType
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import CODE_MISSING, FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import MAX_SET_ENTRIES
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection

#: Attributes PAN-OS adds to candidate entries changed since the last commit.
DIRTY_ATTRIBUTES = ("admin", "dirtyId", "time")

Ref = Tuple[ObjectType, str]


def canonical(node: ET.Element) -> Tuple[Any, ...]:
    """A comparable form: tag, attributes without the dirty marks, stripped text, children
    (``<member>`` lists compared as sets, since PAN-OS keeps them in the order written)."""
    attrib = tuple(sorted((k, v) for k, v in node.attrib.items() if k not in DIRTY_ATTRIBUTES))
    children = [canonical(child) for child in node]
    if children and all(child.tag == "member" for child in node):
        children.sort()
    return (node.tag, attrib, (node.text or "").strip(), tuple(children))


def differences(current: Optional[ET.Element], desired: ET.Element, kind: Optional[ObjectType] = None) -> List[str]:
    """Tags of the children of ``desired`` that ``current`` lacks or holds otherwise, and of the
    children of ``current`` that a child of ``desired`` replaces (``kind.exclusive``)."""
    if current is None:
        return [child.tag for child in desired]
    changed = []
    for child in desired:
        found = current.find(child.tag)
        if found is None or canonical(found) != canonical(child):
            changed.append(child.tag)
        if kind is not None:
            changed.extend(other for other in kind.replaced_by(child.tag) if current.find(other) is not None)
    return changed


def merged(current: Optional[ET.Element], desired: ET.Element, kind: Optional[ObjectType] = None) -> ET.Element:
    """``desired`` plus the children of ``current`` it neither manages nor replaces (kept as they are)."""
    result = ET.Element(desired.tag, dict(desired.attrib))
    written = {child.tag for child in desired}
    if kind is not None:
        written.update(other for child in desired for other in kind.replaced_by(child.tag))
    result.extend(desired)
    if current is not None:
        result.extend(child for child in current if child.tag not in written)
    return result


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


class ConfigStore:
    """The candidate configuration of one vsys, read in batches and written entry by entry."""

    def __init__(self, conn: Connection, vsys: Optional[str] = "vsys1") -> None:
        self.conn = conn
        self.vsys = vsys

    def read(self, refs: Iterable[Ref]) -> Dict[Ref, Optional[ET.Element]]:
        """``{(type, name): entry or None}``: one ``get`` per object type, with a union xpath."""
        by_type = {}  # type: Dict[ObjectType, List[str]]
        for kind, name in refs:
            names = by_type.setdefault(kind, [])
            if name not in names:
                names.append(name)
        found = {}  # type: Dict[Ref, Optional[ET.Element]]
        for kind, names in by_type.items():
            xpath = "|".join(kind.xpath(name, self.vsys) for name in names)
            entries = {entry.get("name"): entry for entry in self.conn.config("get", xpath).findall("./result/entry")}
            found.update(((kind, name), entries.get(name)) for name in names)
        return found

    def read_one(self, kind: ObjectType, name: str) -> Optional[ET.Element]:
        return self.read([(kind, name)])[(kind, name)]

    def in_running(self, kind: ObjectType, name: str) -> bool:
        """Whether the running configuration holds the entry (a deletion not yet committed)."""
        try:
            root = self.conn.config("show", kind.xpath(name, self.vsys))
        except FirewallError as exc:
            # PAN-OS answers a missing node with code 7, or (action=show) an error without a code
            if exc.code in (CODE_MISSING, None) and exc.kind == "panos":
                return False
            raise
        return root.get("code") != CODE_MISSING and root.find("./result/entry") is not None

    def write(self, obj: ConfigObject, current: Optional[ET.Element]) -> None:
        """``set`` under the container when new, ``edit`` of the merge when it exists."""
        if current is None:
            self.conn.config("set", obj.type.parent_xpath(self.vsys), obj.element)
        else:
            self.conn.config("edit", obj.type.xpath(obj.name, self.vsys), merged(current, obj.element, obj.type))

    def create_all(self, kind: ObjectType, objects: Sequence[ConfigObject]) -> None:
        """New entries of one type in a ``set`` on their container per MAX_SET_ENTRIES (they land at its
        end, in order)."""
        for start in range(0, len(objects), MAX_SET_ENTRIES):
            self.conn.config("set", kind.parent_xpath(self.vsys),
                             [obj.element for obj in objects[start:start + MAX_SET_ENTRIES]])

    def delete(self, kind: ObjectType, name: str) -> None:
        self.conn.config("delete", kind.xpath(name, self.vsys))
