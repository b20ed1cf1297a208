# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The firewall's view of a feed's External Dynamic Lists (threat_feed_edl_status), and the refresh.

For each list: optionally ``request system external-list refresh`` (the firewall fetches now, not at
its next interval), then ``request system external-list show ... num-records 100`` (the entries it
holds: ``total-valid``, the first 100 of them; where the reply says so, the last fetch and the fetch
status), compared with the entries published at ``base_url`` (read back as the firewall fetches them). A list the firewall
holds nothing of while entries are published is NOT ENFORCED: PAN-OS stops enforcing a list whose
authentication fails, and a list that never fetched enforces nothing either. That is reported as a
failure, never as a warning. Read-only otherwise: no configuration write, no commit. Plain Python.
"""

from __future__ import annotations


import xml.etree.ElementTree as ET
from typing import Any, Dict, List, Optional, Sequence, Set

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl import file_name
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_format import listed
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_objects import object_name
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_publish import url_of
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import HttpsClient, HttpsError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import texts

SAMPLE = 100  # the members read back and checked against the published list (the command's default page)


def list_command(action: str, edl_type: str, name: str, **more: str) -> ET.Element:
    """``<request><system><external-list><ACTION><type><T><name>N</name>...</T></type>...``."""
    root = ET.Element("request")
    node = ET.SubElement(ET.SubElement(ET.SubElement(root, "system"), "external-list"), action)
    kind = ET.SubElement(ET.SubElement(node, "type"), edl_type)
    ET.SubElement(kind, "name").text = name
    for tag, text in more.items():
        ET.SubElement(kind, tag.replace("_", "-")).text = text
    return root


def published_entries(reader: HttpsClient, base_url: str, name: str, edl_type: str,
                      headers: Optional[Dict[str, str]] = None) -> Optional[Set[str]]:
    try:
        reply = reader.request("GET", url_of(base_url, file_name(name, edl_type)), headers=headers)
        return listed(edl_type, reply.body.decode("utf-8", errors="replace"))
    except HttpsError:
        return None


def verdict(held: int, sample: List[str], published: Optional[Set[str]], status: Optional[str]) -> str:
    """``sample``: the first page of the firewall's members, checked against what is published."""
    if status == "auth-failed" or (held == 0 and published):
        return "not enforced"
    if published is None:
        return "unknown"
    return "in sync" if held == len(published) and published.issuperset(sample) else "behind"


def status(conn: Connection, reader: HttpsClient, name: str, lists: Sequence[str], base_url: str,
           refresh: bool = False, vsys: Optional[str] = None, headers: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """The threat_feed_edl_status module: ``lists`` per type, ``not_enforced``, ``refreshed``, ``failed``, ``msg``."""
    found = {}  # type: Dict[str, Dict[str, Any]]
    for edl_type in lists:
        edl = object_name(name, edl_type)
        if refresh:
            conn.op(list_command("refresh", edl_type, edl), vsys)
        reply = conn.op(list_command("show", edl_type, edl, num_records=str(SAMPLE)), vsys).find("./result/external-list")
        held = int((reply.findtext("total-valid") if reply is not None else None) or 0)
        sample = texts(reply, "valid-members/member")
        fetch_status = reply.findtext("status") if reply is not None else None
        published = published_entries(reader, base_url, name, edl_type, headers)
        found[edl_type] = {"object": edl, "firewall_entries": held,
                           "published_entries": None if published is None else len(published),
                           "last_fetch": reply.findtext("last-fetch") if reply is not None else None,
                           "fetch_status": fetch_status,
                           "message": reply.findtext("message") if reply is not None else None,
                           "state": verdict(held, sample, published, fetch_status)}
    lost = [item["object"] for item in found.values() if item["state"] == "not enforced"]  # type: List[str]
    result = {"changed": False, "lists": found, "not_enforced": lost, "refreshed": list(lists) if refresh else []}
    if lost:
        result["failed"] = True
        result["msg"] = ("NOT ENFORCED: the firewall holds no entry of %s while entries are published: an authentication "
                         "failure makes PAN-OS stop enforcing a list (check the web server's username/password in the "
                         "EDL object and its certificate profile), or the list never fetched (check that the firewall "
                         "reaches base_url)" % ", ".join(lost))
    return result
