# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Configuration object types: where each lives, what builds it, which children it manages.

A :class:`ObjectType` knows its container under the vsys root and the children this collection
writes; children outside ``managed`` (an admin's log setting, profile, comment) are never
touched. ``exclusive`` lists children that replace each other (a group is static or dynamic).
The security rule's type and builder live in ``_rulebase``. Plain Python, no Ansible imports.
"""

from __future__ import annotations


import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import element, entry_xpath, members, sub, vsys_xpath


@dataclass(frozen=True)
class ObjectType:
    """One kind of configuration entry (``<entry name=...>``) under a container of the vsys."""

    kind: str  # the word in labels and change lists: "tag", "address-group", "rule", ...
    container: str  # path below the vsys root, e.g. "tag" or "rulebase/security/rules"
    managed: Tuple[str, ...]  # the children this collection writes
    exclusive: Tuple[Tuple[str, ...], ...] = ()

    def parent_xpath(self, vsys: Optional[str] = "vsys1") -> str:
        return vsys_xpath(vsys) + "/" + self.container

    def xpath(self, name: str, vsys: Optional[str] = "vsys1") -> str:
        return entry_xpath(self.parent_xpath(vsys), name)

    def replaced_by(self, child: str) -> Tuple[str, ...]:
        """The children that ``child`` replaces (``static`` for ``dynamic``)."""
        for group in self.exclusive:
            if child in group:
                return tuple(other for other in group if other != child)
        return ()


@dataclass(frozen=True)
class ConfigObject:
    """A desired entry: its type, name and element (only the children we manage)."""

    type: ObjectType
    name: str
    element: ET.Element

    @property
    def label(self) -> str:
        return "%s %s" % (self.type.kind, self.name)


TAG = ObjectType("tag", "tag", ("color", "comments"))
ADDRESS_GROUP = ObjectType("address-group", "address-group", ("dynamic", "static", "description", "tag"),
                           exclusive=(("dynamic", "static"),))
URL_CATEGORY = ObjectType("custom-url-category", "profiles/custom-url-category", ("list", "type", "description"))
REPORT = ObjectType("report", "reports", ("type", "period", "topn", "topm", "caption"))


#: Tag colours by the name the PAN-OS GUI shows (and paloaltonetworks.panos takes) -> the XML
#: value; PAN-OS has no color18.
TAG_COLORS = {name: "color%d" % number for number, name in enumerate((
    "red", "green", "blue", "yellow", "copper", "orange", "purple", "gray", "light green", "cyan", "light gray",
    "blue gray", "lime", "black", "gold", "brown", "olive", "", "maroon", "red-orange", "yellow-orange",
    "forest green", "turquoise blue", "azure blue", "cerulean blue", "midnight blue", "medium blue", "cobalt blue",
    "violet blue", "blue violet", "medium violet", "medium rose", "lavender", "orchid", "thistle", "peach",
    "salmon", "magenta", "red violet", "mahogany", "burnt sienna", "chestnut"), start=1) if name}


#: The colour of a tag the collection creates, unless the user names another.
DEFAULT_TAG_COLOR = "red"


def tag_color_problem(option: str, color: str) -> Optional[str]:
    """Why ``color`` is no tag colour name (None: it is one); the XML form ``colorN`` is refused
    with the name it stands for."""
    if color in TAG_COLORS:
        return None
    named = {code: name for name, code in TAG_COLORS.items()}
    fix = ("give its name, %r" % named[color]) if color in named else "give one of %s" % ", ".join(TAG_COLORS)
    return "%s: %r is not a tag colour name as the PAN-OS GUI shows it; %s" % (option, color, fix)


def tag_object(name: str, color: Optional[str] = None, comments: Optional[str] = None) -> ConfigObject:
    entry = element("entry", name=name)
    if color:
        sub(entry, "color", color)
    if comments:
        sub(entry, "comments", comments)
    return ConfigObject(TAG, name, entry)


def dynamic_group_object(name: str, filter_text: str, description: Optional[str] = None,
                         tags: Iterable[str] = ()) -> ConfigObject:
    """``<entry><dynamic><filter>...</filter></dynamic>[<description>][<tag>]</entry>``."""
    entry = element("entry", name=name)
    sub(sub(entry, "dynamic"), "filter", filter_text)
    return ConfigObject(ADDRESS_GROUP, name, _described(entry, description, tags))


def _described(entry: ET.Element, description: Optional[str], tags: Iterable[str]) -> ET.Element:
    """``entry`` with ``<description>`` and ``<tag>`` appended when given."""
    if description:
        sub(entry, "description", description)
    tags = list(tags)
    if tags:
        members(entry, "tag", tags)
    return entry


def url_category_object(name: str, urls: Sequence[str], description: Optional[str] = None) -> ConfigObject:
    """A custom URL category of type URL List."""
    entry = element("entry", name=name)
    members(entry, "list", urls)
    sub(entry, "type", "URL List")
    if description:
        sub(entry, "description", description)
    return ConfigObject(URL_CATEGORY, name, entry)


def traffic_summary_report_object(name: str, period: str, topn: int, aggregate_by: Sequence[str] = ("src", "srcuser"),
                                  values: Sequence[str] = ("bytes",), sort_by: str = "bytes") -> ConfigObject:
    """A saved custom report on the traffic summary database."""
    entry = element("entry", name=name)
    trsum = sub(sub(entry, "type"), "trsum")
    sub(trsum, "sortby", sort_by)
    members(trsum, "aggregate-by", aggregate_by)
    members(trsum, "values", values)
    sub(entry, "period", period)
    sub(entry, "topn", str(topn))
    sub(entry, "topm", "10")
    sub(entry, "caption", name)
    return ConfigObject(REPORT, name, entry)


#: A dynamic user group (PAN-OS 9.1+): users are members while their User-ID tags match the filter.
DYNAMIC_USER_GROUP = ObjectType("dynamic-user-group", "dynamic-user-group", ("filter", "description", "tag"))


def dynamic_user_group_object(name: str, filter_text: str, description: Optional[str] = None,
                              tags: Iterable[str] = ()) -> ConfigObject:
    """``<entry><filter>...</filter>[<description>][<tag>]</entry>``."""
    entry = element("entry", name=name)
    sub(entry, "filter", filter_text)
    return ConfigObject(DYNAMIC_USER_GROUP, name, _described(entry, description, tags))
