# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A firewall's redistribution agent for Panorama: the firewall takes the IP tags (and user tags)
registered on its Panorama, so that one registration there reaches it (docs/fleet.md).

PAN-OS 10.0 and later, ``Device > Data Redistribution > Agents``: in the vsys,
``redistribution-agent/entry[@name]`` with ``<serial-number>panorama</serial-number>`` (``panorama2``:
the secondary Panorama) and ``<ip-tags>yes</ip-tags>`` / ``<user-tags>yes</user-tags>``. Plain Python,
no Ansible imports.
"""

from __future__ import annotations


from typing import Any, Dict, Iterable, List, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import ConfigObject, ObjectType
from ansible_collections.tagwarden.panos.plugins.module_utils._dag._group import apply_changes
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import element, sub

#: Our entry has this name unless the task names another; we touch no other entry.
DEFAULT_NAME = "tagwarden-panorama"
AGENTS = ("panorama", "panorama2")
DATA_TYPES = ("ip-tags", "user-tags")
COMMIT_DESCRIPTION = "tagwarden.panos.redistribution_agent"
#: Children an admin may add (IP-user mappings, HIP, ...) and ``disabled`` are left as they are.
REDISTRIBUTION_AGENT = ObjectType("redistribution-agent", "redistribution-agent", ("serial-number",) + DATA_TYPES)


def agent_object(name: str, agent: str, data: Iterable[str]) -> ConfigObject:
    entry = element("entry", name=name)
    sub(entry, "serial-number", agent)
    for data_type in DATA_TYPES:
        if data_type in data:
            sub(entry, data_type, "yes")
    return ConfigObject(REDISTRIBUTION_AGENT, name, entry)


def _takes(entry: Any, agent: str, data: Iterable[str]) -> bool:
    """An enabled entry for ``agent`` that redistributes every type in ``data``."""
    return (entry.findtext("serial-number") == agent and entry.findtext("disabled") != "yes"
            and all(entry.findtext(data_type) == "yes" for data_type in data))


def ensure_agent(changes: ChangeSet, name: str = DEFAULT_NAME, agent: str = "panorama",
                 data: Iterable[str] = ("ip-tags",), state: str = "present") -> Dict[str, Any]:
    """The redistribution_agent module: read the vsys's agents once; with ``present``, nothing to do when
    an enabled entry (ours or an admin's) already takes ``data`` from ``agent``, else our entry is created
    or completed; ``absent`` deletes our entry only. One partial commit. Returns ``changed``, ``changes``,
    ``diff``, ``taken_by`` (the entry that takes them, None for absent) and ``commit`` when one ran."""
    data = list(dict.fromkeys(data))
    listing = changes.conn.config("get", REDISTRIBUTION_AGENT.parent_xpath(changes.store.vsys))
    entries = {entry.get("name") or "": entry for entry in listing.findall("./result/redistribution-agent/entry")}
    changes.known(REDISTRIBUTION_AGENT, name, entries.get(name))
    taken_by = None  # type: Optional[str]
    warnings = []  # type: List[str]
    if state == "absent":
        changes.absent(REDISTRIBUTION_AGENT, name)
    else:
        taken_by = next((other for other, entry in entries.items() if _takes(entry, agent, data)), None)
        if taken_by is None:
            changes.present(agent_object(name, agent, data))
            taken_by = name
            if name in entries and entries[name].findtext("disabled") == "yes":  # an admin's switch: left as it is
                warnings.append("the redistribution agent %s is disabled (by an administrator): the firewall takes "
                                "nothing from %s until it is enabled" % (name, agent))
    return apply_changes(changes, taken_by=taken_by, warnings=warnings)
