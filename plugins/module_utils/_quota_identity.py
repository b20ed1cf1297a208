# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""User-ID facts for userid_facts: group members and the IP-user mapping.

Group membership is read per group (``show user group list`` then ``show user group name``), so
the number of requests grows with the groups, not with the users (the seed script asked once per
user). Parsing is ``_quota_report``'s. Plain Python, no Ansible imports.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

from typing import Any, Dict, List, Optional, Sequence

from ansible_collections.tagwarden.panos.plugins.module_utils._connection import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._quota_report import (
    parse_group_list,
    parse_group_members,
    parse_ip_user_mapping,
    result_text,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._xml import cmd

GATHER = ("groups", "ip_user_mapping")


def _read(conn: Any, parse: Any, reply: Any, what: str) -> Any:
    try:
        return parse(reply)
    except ValueError as exc:
        raise FirewallError("the reply to %s from %s cannot be read: %s" % (what, conn.where, exc), kind="malformed")


def group_members(conn: Any, groups: Optional[Sequence[str]] = None, vsys: Optional[str] = None) -> Dict[str, List[str]]:
    """``{group: [users]}`` for ``groups``, or for every group the firewall lists."""
    if groups is None:
        text = _read(conn, result_text, conn.op(cmd("show", "user", "group", "list"), vsys), "show user group list")
        groups = parse_group_list(text)
    found = {}  # type: Dict[str, List[str]]
    for group in dict.fromkeys(groups):
        reply = conn.op(cmd("show", "user", "group", "name", text=group), vsys)
        found[group] = parse_group_members(_read(conn, result_text, reply, "show user group name %s" % group))
    return found


def ip_user_mapping(conn: Any, vsys: Optional[str] = None) -> Dict[str, Any]:
    """``{"mapping": [{ip, user}], "entries": int, "total": int}`` from one ``show user ip-user-mapping all``.

    The command has no documented paging; ``total`` is the reply's ``<count>`` (the entries the
    firewall has), which exceeds the entries in the reply when it was cut short.
    """
    reply = conn.op(cmd("show", "user", "ip-user-mapping", "all"), vsys)
    mapping = _read(conn, parse_ip_user_mapping, reply, "show user ip-user-mapping all")
    count = (reply.findtext("./result/count") or "").strip()
    entries = len(reply.findall("./result/entry"))
    return {"mapping": mapping, "entries": entries, "total": max(int(count), entries) if count.isdigit() else entries}


def userid_facts(conn: Any, gather: Sequence[str] = GATHER, groups: Optional[Sequence[str]] = None,
                 vsys: Optional[str] = None) -> Dict[str, Any]:
    """The userid_facts module: ``groups``, ``ip_user_mapping``, ``warnings`` and ``api_calls``."""
    result = {"groups": {}, "ip_user_mapping": [], "warnings": []}  # type: Dict[str, Any]
    if "groups" in gather:
        result["groups"] = group_members(conn, groups, vsys)
    if "ip_user_mapping" in gather:
        read = ip_user_mapping(conn, vsys)
        result["ip_user_mapping"] = read["mapping"]
        if read["total"] > read["entries"]:
            result["warnings"].append("the firewall returned %d of %d IP-user mappings (the reply was cut short): "
                                      "the others are unknown to this cycle" % (read["entries"], read["total"]))
    result["api_calls"] = conn.api_calls
    return result
