# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The firewall objects that enforce a feed published as External Dynamic Lists (threat_feed_edl_objects).

One EDL object per published list, ``<name>-ip``, ``<name>-domain``, ``<name>-url`` (PAN-OS 8.0+
layout ``type/<ip|domain|url>/``): its source ``<base_url>/<name>-<type>.txt``, the certificate
profile that verifies the web server, optional basic auth, and the five-minute interval (the
shortest PAN-OS offers). Two owner-marked rules use them: one denying the IP list as destination,
one denying the URL list as URL category. The domain list is for anti-spyware DNS policy: add it to
the anti-spyware profile your rules use (not written here: that profile is yours).

The password: PAN-OS stores it encrypted and never gives the clear text back, so it cannot be
compared; it is written when the object is created, or every run with ``update_password=always``
(which then reports a change every run). One ChangeSet, one partial commit; after that, list
changes reach the firewall without any configuration write. At most 30 distinct sources per
firewall ("Objects > External Dynamic Lists"): counted before anything is written.
Plain Python, no Ansible imports.
"""

from __future__ import annotations


import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Set

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import ConfigObject, ObjectType
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._category import OWNER_MARK, check_name
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl import file_name
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_format import EDL_TYPES, IP_LIST, URL_LIST
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_publish import url_of
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError, invalid_input
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import element, sub
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ownership import is_owned, mark, owner_tag_object
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement, place
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SECURITY_RULE, SecurityRule

EXTERNAL_LIST = ObjectType("external-list", "external-list", ("type",))
MAX_SOURCES = 30
MAX_NAME = 63
INTERVAL = "five-minute"
COMMIT_DESCRIPTION = "tagwarden.panos threat_feed_edl_objects"
URL_RULE_SUFFIX = "-url"
SHARED_XPATH = "/config/shared/external-list"


class EdlObjectSettings(NamedTuple):
    name: str
    lists: Sequence[str]
    base_url: str
    certificate_profile: Optional[str] = None
    username: Optional[str] = None
    password: Optional[str] = None
    update_password: str = "on_create"
    rule_name: str = "BlockThreatFeedEDL"
    placement: Placement = Placement("top")
    from_zones: Sequence[str] = ("any",)
    to_zones: Sequence[str] = ("any",)
    action: str = "deny"


def object_name(name: str, edl_type: str) -> str:
    return "%s-%s" % (name, edl_type)


def problems(settings: EdlObjectSettings) -> List[str]:
    found = check_name(settings.name, "name") + check_name(settings.rule_name, "rule_name")
    found += settings.placement.problems(settings.rule_name, "rule")
    if len(object_name(settings.name, "domain")) > MAX_NAME:
        found.append("name: %r makes EDL object names longer than %d characters: shorten it" % (settings.name, MAX_NAME))
    if not settings.lists or any(edl_type not in EDL_TYPES for edl_type in settings.lists):
        found.append("lists: give one or more of %s" % ", ".join(EDL_TYPES))
    if not settings.base_url.lower().startswith("https://"):
        found.append("base_url: %s is not an https:// URL: the firewalls fetch the lists over HTTPS" % settings.base_url)
    if settings.base_url.lower().startswith("https://") and not settings.certificate_profile:
        found.append("certificate_profile: give the certificate profile holding the CA of the web server at base_url: "
                     "without one PAN-OS does not verify the server it fetches the lists from")
    if bool(settings.username) != bool(settings.password):
        found.append("username and password go together (basic auth of the web server): give both or neither")
    if settings.update_password not in ("on_create", "always"):
        found.append("update_password: %r is not on_create or always" % (settings.update_password,))
    return found


def edl_object(settings: EdlObjectSettings, edl_type: str, current: Optional[ET.Element]) -> ConfigObject:
    """The EDL object; an existing object's stored (encrypted) password is kept unless ``update_password=always``."""
    name = object_name(settings.name, edl_type)
    entry = element("entry", name=name)
    kind = sub(sub(entry, "type"), edl_type)
    sub(kind, "url", url_of(settings.base_url, file_name(settings.name, edl_type)))
    sub(kind, "description", "%s (threat_feed_edl_objects): the %s list of feed %s" % (OWNER_MARK, edl_type,
                                                                                       settings.name))
    if settings.certificate_profile:
        sub(kind, "certificate-profile", settings.certificate_profile)
    if settings.username:
        auth = sub(kind, "auth")
        sub(auth, "username", settings.username)
        stored = current.find("type/%s/auth/password" % edl_type) if current is not None else None
        keep = stored is not None and settings.update_password == "on_create"
        sub(auth, "password", (stored.text or "") if keep and stored is not None else settings.password)
    sub(sub(kind, "recurring"), INTERVAL)
    return ConfigObject(EXTERNAL_LIST, name, entry)


def block_rules(settings: EdlObjectSettings) -> List[SecurityRule]:
    """The rule denying the IP list as destination and the one denying the URL list as category."""
    base = SecurityRule(name=settings.rule_name, from_zones=tuple(settings.from_zones),
                        to_zones=tuple(settings.to_zones), services=("any",), action=settings.action)
    rules = []
    if IP_LIST in settings.lists:
        rules.append(mark(replace(base, destinations=(object_name(settings.name, IP_LIST),),
                                  description="%s: deny the IP list of feed %s" % (OWNER_MARK, settings.name))))
    if URL_LIST in settings.lists:
        rules.append(mark(replace(base, name=settings.rule_name + URL_RULE_SUFFIX,
                                  categories=(object_name(settings.name, URL_LIST),),
                                  description="%s: deny the URL list of feed %s" % (OWNER_MARK, settings.name))))
    return rules


def sources(changes: ChangeSet) -> Dict[str, str]:
    """EDL object name -> source URL of every list on the firewall (the vsys and shared; 2 requests). The
    vsys's entries become known to ``changes``, so that our own objects are not read a second time."""
    found = {}  # type: Dict[str, str]
    vsys_lists = EXTERNAL_LIST.parent_xpath(changes.store.vsys)
    for xpath in (SHARED_XPATH, vsys_lists):
        for entry in changes.conn.config("get", xpath).iterfind("./result/external-list/entry"):
            if xpath == vsys_lists:
                changes.known(EXTERNAL_LIST, entry.get("name", ""), entry)
            url = entry.findtext("type/*/url")
            if url:
                found[entry.get("name", "")] = url
    return found


def check_sources(existing: Dict[str, str], ours: Dict[str, str]) -> None:
    distinct = set(url for name, url in existing.items() if name not in ours) | set(ours.values())  # type: Set[str]
    if len(distinct) > MAX_SOURCES:
        raise ValidationError("the firewall would fetch %d distinct EDL sources, PAN-OS takes at most %d per firewall "
                              "(%d there now, %d of this feed): publish fewer lists, or remove unused EDL objects"
                              % (len(distinct), MAX_SOURCES, len(set(existing.values())), len(ours)))


def ensure(changes: ChangeSet, settings: EdlObjectSettings) -> Dict[str, Any]:
    """The threat_feed_edl_objects module, on the run's ``changes``: ``created``, ``updated``, ``objects``, ``rules``, ``committed``, ``diff``."""
    rules = block_rules(settings)
    found = problems(settings)
    for rule in rules:
        found.extend(rule.problems("rule_name"))
    if found:
        raise invalid_input(found)
    conn, vsys = changes.conn, changes.vsys
    names = [object_name(settings.name, edl_type) for edl_type in settings.lists]
    for name in names:
        changes.known(EXTERNAL_LIST, name, None)  # missing unless the vsys's listing below holds it
    existing = sources(changes)
    check_sources(existing, {object_name(settings.name, t): url_of(settings.base_url, file_name(
        settings.name, t)) for t in settings.lists})
    current = changes.read([(EXTERNAL_LIST, name) for name in names] + [(SECURITY_RULE, r.name) for r in rules])
    for name in names:
        entry = current[(EXTERNAL_LIST, name)]
        if entry is not None and not (entry.findtext("type/*/description") or "").startswith(OWNER_MARK):
            raise ValidationError("EDL object %r exists and is not managed by tagwarden.panos (its description does not "
                                  "start with %r): choose another name" % (name, OWNER_MARK))
    for rule in rules:
        entry = current[(SECURITY_RULE, rule.name)]
        if entry is not None and not is_owned(entry):
            raise ValidationError("rule %r exists and was not created by tagwarden.panos: choose another rule_name"
                                  % rule.name)
    changes.present(owner_tag_object())
    for edl_type in settings.lists:
        name = object_name(settings.name, edl_type)
        changes.present(edl_object(settings, edl_type, current[(EXTERNAL_LIST, name)]))
    placements = [settings.placement, Placement("after", settings.rule_name)]
    for rule, where in zip(rules, placements):
        changes.present(rule.as_object(), then=_mover(conn, rule.name, where, vsys))
    result = {"changed": changes.changed, "created": changes.labels("created"), "updated": changes.labels("updated"),
              "objects": names, "rules": [rule.name for rule in rules], "committed": False,
              "diff": _hide_passwords(changes.diff())}  # type: Dict[str, Any]
    return changes.apply_into(result)


def _mover(conn: Connection, name: str, placement: Placement, vsys: Optional[str]) -> Any:
    return lambda: place(conn, name, placement, vsys)


def _hide_passwords(diff: Any) -> Any:
    """The diff without any password (clear or encrypted)."""
    if isinstance(diff, dict):
        return {key: ("********" if key == "password" else _hide_passwords(value)) for key, value in diff.items()}
    if isinstance(diff, list):
        return [_hide_passwords(value) for value in diff]
    return diff
