"""Config pieces and hand-built states for the policy, report, log and simulation tests."""

from __future__ import annotations

from typing import Any

from lxml import etree

from .state import EmulatorState, IPRegistration, Mapping, default_config

VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"
RULE_FIELDS = ("from", "to", "source", "destination", "source-user", "category", "application", "service")


def members(tag: str, values: list[str]) -> etree._Element:
    elem = etree.Element(tag)
    for value in values:
        etree.SubElement(elem, "member").text = value
    return elem


def rule(name: str, action: str = "allow", extra: dict[str, Any] | None = None, **fields: list[str]) -> etree._Element:
    """A security rule from trust to untrust; ``source_user=[...]`` sets ``<source-user>``; ``extra``
    adds single-text elements such as ``{"disabled": "yes"}``."""
    given = {key.replace("_", "-"): value for key, value in fields.items()}
    entry = etree.Element("entry", name=name)
    defaults = {"from": ["trust"], "to": ["untrust"], "service": ["application-default"]}
    for tag in RULE_FIELDS:
        entry.append(members(tag, given.get(tag, defaults.get(tag, ["any"]))))
    etree.SubElement(entry, "action").text = action
    for tag, text in (extra or {}).items():
        etree.SubElement(entry, tag).text = text
    return entry


def dag(name: str, filter_text: str) -> etree._Element:
    entry = etree.Element("entry", name=name)
    etree.SubElement(etree.SubElement(entry, "dynamic"), "filter").text = filter_text
    return entry


def report(name: str = "Quota", period: str = "last-15-minutes", keys: tuple[str, ...] = ("src", "srcuser"),
           values: tuple[str, ...] = ("bytes",), sortby: str = "bytes", topn: int = 10000, query: str | None = None,
           database: str = "trsum") -> etree._Element:
    """A saved custom report, by default the Quota report of the use case."""
    entry = etree.Element("entry", name=name)
    spec = etree.SubElement(etree.SubElement(entry, "type"), database)
    etree.SubElement(spec, "sortby").text = sortby
    spec.append(members("aggregate-by", list(keys)))
    spec.append(members("values", list(values)))
    for tag, text in (("period", period), ("topn", str(topn)), ("topm", "10"), ("caption", name), ("query", query)):
        if text is not None:
            etree.SubElement(entry, tag).text = text
    return entry


def config(*, rules: tuple[etree._Element, ...] = (), reports: tuple[etree._Element, ...] = (), timezone: str | None = None,
           **sections: list[etree._Element]) -> etree._Element:
    """A full ``<config>``: the emulator's default plus rules, reports, the device's timezone (an IANA
    name, ``deviceconfig/system/timezone``) and other vsys sections (``address=[...]``, ``address_group=[...]``,
    ``service=[...]``)."""
    tree = default_config()
    if timezone is not None:
        etree.SubElement(tree.find("devices/entry/deviceconfig/system"), "timezone").text = timezone
    root = tree.xpath(VSYS)[0]
    root.find("rulebase/security/rules").extend(rules)
    root.find("reports").extend(reports)
    for section, entries in sections.items():
        tag = section.replace("_", "-")
        parent = root.find(tag)
        if parent is None:
            parent = etree.SubElement(root, tag)
        parent.extend(entries)
    return tree


def make_state(tree: etree._Element | None = None, tags: dict[str, set[str]] | None = None,
               users: dict[str, str] | None = None, groups: dict[str, list[str]] | None = None) -> EmulatorState:
    """An EmulatorState with this running config, registered tags, IP-user mappings and groups."""
    state = EmulatorState()
    if tree is not None:
        state.load_config(tree)
    state.registered_ips["vsys1"] = {ip: IPRegistration(tags=dict.fromkeys(ip_tags)) for ip, ip_tags in (tags or {}).items()}
    state.mappings.update({ip: Mapping(user, None) for ip, user in (users or {}).items()})
    state.groups.update(groups or {})
    return state
