# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""User-ID identity: group members and the IP-user mapping, read and parsed.

Group membership is read per group (``show user group list`` then ``show user group name``), so
the number of requests grows with the groups, not with the users. Parsers take a parsed reply
(ElementTree or lxml) or its text and return plain data. Plain Python, no Ansible imports.
"""

from __future__ import annotations


import re
from typing import Any, Callable, Dict, List, Optional, Sequence

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._address import strict_ip
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import check_success, cmd, shown, stripped

GATHER = ("groups", "ip_user_mapping")
_MEMBER_LINE = re.compile(r"^\[\s*\d+\s*\] (.*?)\s*$")
_NO_MEMBERS = "does not exist or does not have members"


def result_text(reply: Any) -> str:
    """The text inside ``<result>`` of an op reply (the user group commands answer in CDATA text)."""
    check_success(reply, "op")
    result = reply.find("result") if reply.tag == "response" else reply
    return "".join(result.itertext()) if result is not None else ""


def parse_group_list(text: str) -> List[str]:
    """Group names from ``show user group list`` text (the ``Total:`` line and the legend are dropped)."""
    groups = []
    for line in text.splitlines():
        name = line.strip()
        if name and not name.startswith("Total:") and not name.startswith("* :"):
            groups.append(name)
    return groups


def parse_group_members(text: str) -> List[str]:
    """Users from ``show user group name X`` text; ``[]`` for a group that does not exist or is empty."""
    if _NO_MEMBERS in text:
        return []
    return [match.group(1) for match in map(_MEMBER_LINE.match, text.splitlines()) if match]


def parse_ip_user_mapping(reply: Any) -> List[Dict[str, str]]:
    """``[{"ip", "user"}]`` from ``show user ip-user-mapping all``; entries without a user are skipped."""
    check_success(reply, "ip-user-mapping")
    mapping = []
    for entry in reply.iterfind("result/entry" if reply.tag == "response" else "entry"):
        ip = stripped(entry, "ip")
        if ip is None:
            raise ValueError("ip-user-mapping entry without an ip: %s" % shown(entry))
        user = entry.find("user")
        if user is not None and user.text and user.text.strip():
            mapping.append({"ip": strict_ip(ip), "user": user.text})
    return mapping


def _read(conn: Connection, parse: Callable[[Any], Any], reply: Any, what: str) -> Any:
    try:
        return parse(reply)
    except ValueError as exc:
        raise FirewallError("the reply to %s from %s cannot be read: %s" % (what, conn.where, exc), kind="malformed")


def group_members(conn: Connection, groups: Optional[Sequence[str]] = None,
                  vsys: Optional[str] = None) -> Dict[str, List[str]]:
    """``{group: [users]}`` for ``groups``, or for every group the firewall lists."""
    if groups is None:
        text = _read(conn, result_text, conn.op(cmd("show", "user", "group", "list"), vsys), "show user group list")
        groups = parse_group_list(text)
    found = {}  # type: Dict[str, List[str]]
    for group in dict.fromkeys(groups):
        reply = conn.op(cmd("show", "user", "group", "name", text=group), vsys)
        found[group] = parse_group_members(_read(conn, result_text, reply, "show user group name %s" % group))
    return found


def ip_user_mapping(conn: Connection, vsys: Optional[str] = None) -> Dict[str, Any]:
    """``{"mapping": [{ip, user}], "entries": int, "total": int}`` from one ``show user ip-user-mapping all``.

    The command has no documented paging; ``total`` is the reply's ``<count>`` (the entries the
    firewall has), which exceeds the entries in the reply when it was cut short.
    """
    reply = conn.op(cmd("show", "user", "ip-user-mapping", "all"), vsys)
    mapping = _read(conn, parse_ip_user_mapping, reply, "show user ip-user-mapping all")
    count = (reply.findtext("./result/count") or "").strip()
    entries = len(reply.findall("./result/entry"))
    return {"mapping": mapping, "entries": entries, "total": max(int(count), entries) if count.isdigit() else entries}


def userid_info(conn: Connection, gather: Sequence[str] = GATHER, groups: Optional[Sequence[str]] = None,
                vsys: Optional[str] = None) -> Dict[str, Any]:
    """The userid_info module: ``groups``, ``ip_user_mapping``, ``warnings`` and ``api_calls``."""
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
