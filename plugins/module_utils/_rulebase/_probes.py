# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Policy-match probes of a rule about to be added (one question per source and destination pair),
and what an answer means: whether another rule holds the pair, or matches all of the rule's
traffic. Plain Python, no Ansible imports."""

from __future__ import annotations


import ipaddress
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._match import PROTOCOLS, PolicyQuery
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SecurityRule

# Policy-match stand-ins for "any": documentation addresses, which no specific rule is about.
_ANY_ADDRESS = {4: "192.0.2.1", 6: "2001:db8::1"}
Probe = Tuple[str, str, PolicyQuery]  # (source member, destination member, the question for that pair)


def matches_all_of(other: SecurityRule, rule: SecurityRule) -> bool:
    """Whether ``other`` matches every session of ``rule`` on what a probe leaves open: zones, users,
    URL categories, applications and services each ``any`` or holding all of ``rule``'s; enabled, no
    schedule. A rule restricted on one of them (a URL category, an application, a port) matches only
    that part of the traffic: a probe hitting it says nothing about the rest."""
    for attr in ("from_zones", "to_zones", "source_users", "categories", "applications", "services"):
        theirs, ours = set(getattr(other, attr)), set(getattr(rule, attr))
        if "any" not in theirs and not ours <= theirs:
            return False
    return not other.disabled and other.schedule is None


def worth_probing(rule: SecurityRule, probes: Sequence[Probe], above: Sequence[str],
                  theirs: Mapping[str, SecurityRule]) -> bool:
    """Whether the firewall's answer can change what happens to ``rule``: every pair of it lies in an
    allow rule of ``theirs`` (it may be allowed already), or a deny of ``theirs`` ``above`` its
    position matches all of its traffic (it may be shadowed). The rulebase read tells both."""
    allows = [other for other in theirs.values() if other.action == "allow"]
    if all(any(covers(other, rule, (source, destination)) for other in allows) for source, destination, _q in probes):
        return True
    return any(theirs[name].action != "allow" and matches_all_of(theirs[name], rule) for name in above if name in theirs)


def covers(other: SecurityRule, rule: SecurityRule, pair: Optional[Tuple[str, str]] = None) -> bool:
    """Whether ``other`` allows ``rule``'s traffic between one of its (source, destination) ``pair``s
    (default: all of them), as far as its member lists tell: :func:`matches_all_of`, and the source and
    destination inside one of its members (CIDRs compared as networks; an address object's name only
    by name)."""
    if not matches_all_of(other, rule):
        return False
    sources, destinations = ([pair[0]], [pair[1]]) if pair else (rule.sources, rule.destinations)
    return (all(_within(member, other.sources) for member in sources)
            and all(_within(member, other.destinations) for member in destinations))


def _within(member: str, theirs: Sequence[str]) -> bool:
    if "any" in theirs:
        return True
    network = _network(member)
    if network is None:
        return member in theirs
    return any(other is not None and other.version == network.version and network.subnet_of(other)
               for other in map(_network, theirs))


def _network(value: str) -> Optional[Any]:
    """The network a member stands for (None: ``any`` or an object's name)."""
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None


def probe_address(value: str, family: Optional[int] = None) -> str:
    """One address standing for a member: its first host, or a documentation address for ``any``."""
    if value == "any":
        return _ANY_ADDRESS[family or 4]
    network = _network(value)
    if network is None:
        return value  # an address object's name: the firewall resolves it, or answers an error
    return str(network.network_address if network.num_addresses <= 2 else network.network_address + 1)


def match_queries(rule: SecurityRule, services: Mapping[str, Any]) -> List[Probe]:
    """One probe per (source, destination) pair of ``rule`` (``services``: objects with ``protocol`` and ``port``
    by name) of the same address family (``any`` and
    objects go with either), with its first zones, application and service port."""
    base = {"from_zone": None if rule.from_zones[0] == "any" else rule.from_zones[0],
            "to_zone": None if rule.to_zones[0] == "any" else rule.to_zones[0],
            "application": None if rule.applications[0] == "any" else rule.applications[0]}  # type: Dict[str, Any]
    spec = services.get(rule.services[0])
    if spec is not None:
        base["protocol"] = PROTOCOLS.get(spec.protocol, 6)
        base["port"] = int(spec.port.split("-")[0])
    probes = []  # type: List[Probe]
    for source in rule.sources:
        for destination in rule.destinations:
            families = {n.version for n in (_network(source), _network(destination)) if n is not None}
            if len(families) > 1:
                continue  # an IPv4 source never reaches an IPv6 destination
            family = families.pop() if families else None
            probes.append((source, destination, PolicyQuery(probe_address(source, family),
                                                            probe_address(destination, family), **base)))
    return probes
