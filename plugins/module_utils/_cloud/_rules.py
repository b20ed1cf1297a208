# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The security rules AWS's state calls for: scope, derivation, names. Deterministic, no I/O.

Plain Python (no Ansible imports). An interface is in scope when the route table of its subnet (the
explicit association, else the VPC's main table) sends 0.0.0.0/0 or ::/0 to a firewall instance or
ENI. Each ingress permission of an in-scope interface's groups whose sources lie outside the VPC
becomes allowed traffic from those sources to the interface's addresses; the traffic is grouped per
instance and service into the fewest exact rules (no rule allows a source/destination pair that AWS
does not). Rules are dicts with the keys of the rulebase layer's ``SecurityRule``.
"""

from __future__ import annotations


import dataclasses
import hashlib
import ipaddress
import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

from ansible_collections.tagwarden.panos.plugins.module_utils._errors import InputError
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._aws import ACTIVE_STATES, AWS_ID
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._ec2 import AwsState, Instance, Permission

Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

# The seed's port -> App-ID map, plus ICMP. Keys: "<protocol>/<port>" for tcp/udp, "<protocol>/<type>"
# or "<protocol>" (every type) for icmp/icmpv6, "<protocol number>" for other IP protocols.
DEFAULT_APPLICATIONS = {
    "tcp/22": "ssh", "tcp/25": "smtp", "tcp/53": "dns", "tcp/80": "web-browsing", "tcp/110": "pop3",
    "tcp/143": "imap", "tcp/389": "ldap", "tcp/443": "ssl", "tcp/636": "ldap", "tcp/1521": "oracle",
    "tcp/3306": "mysql", "tcp/3389": "rdp", "tcp/5439": "amazon-redshift", "udp/53": "dns",
    "icmp": "icmp", "icmp/8": "ping", "icmpv6": "ipv6-icmp",
}
DEFAULT_OWNER_TAG = "tagwarden-aws"
DESCRIPTION_MAX = 1023
_PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
_APPLICATION_KEY = re.compile(r"^(?:(?:tcp|udp)/\d{1,5}|(?:icmp|icmpv6)(?:/\d{1,3})?|\d{1,3})$")
_PANOS_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$")
RULE_KEYS = ("name", "from_zones", "to_zones", "sources", "destinations", "source_users", "applications",
             "services", "categories", "action", "profile_group", "log_setting", "log_end", "description",
             "tags", "disabled", "schedule")


class SettingsError(InputError):
    """A bad rule setting; the message names the value and the fix."""


@dataclasses.dataclass(frozen=True)
class RuleSettings:
    firewall_instance_ids: Tuple[str, ...] = ()
    firewall_eni_ids: Tuple[str, ...] = ()
    from_zones: Tuple[str, ...] = ("any",)
    to_zones: Tuple[str, ...] = ("any",)
    profile_group: Optional[str] = None
    log_setting: Optional[str] = None
    log_end: bool = True
    owner_tag: str = DEFAULT_OWNER_TAG
    applications: Mapping[str, str] = dataclasses.field(default_factory=lambda: dict(DEFAULT_APPLICATIONS))

    def check(self) -> None:
        if not self.firewall_instance_ids and not self.firewall_eni_ids:
            raise SettingsError("set firewall_instance_ids or firewall_eni_ids: the default route target that "
                                "puts an instance in scope")
        for value in self.firewall_instance_ids + self.firewall_eni_ids:
            if not AWS_ID.match(value):
                raise SettingsError("firewall id %r is not an AWS id (i-... or eni-...)" % (value,))
        for option, zones in (("from_zones", self.from_zones), ("to_zones", self.to_zones)):
            if not zones or any(not z for z in zones):
                raise SettingsError("%s must list at least one zone name (or 'any')" % option)
        if not self.owner_tag or len(self.owner_tag) > 127:
            raise SettingsError("owner_tag must be 1 to 127 characters, got %r" % (self.owner_tag,))
        for key, application in self.applications.items():
            if not _APPLICATION_KEY.match(key):
                raise SettingsError("applications key %r is not '<tcp|udp>/<port>', 'icmp[/<type>]', "
                                    "'icmpv6[/<type>]' or an IP protocol number" % (key,))
            if not application or not _PANOS_NAME.match(application):
                raise SettingsError("applications[%r] = %r is not an App-ID name" % (key, application))


@dataclasses.dataclass(frozen=True)
class Service:
    """How one AWS protocol/port range is written in a rule."""

    label: str  # readable and name-safe: tcp-22, udp-500-600, icmp-8, all, proto-50
    applications: Tuple[str, ...]
    services: Tuple[str, ...]
    service_object: Optional[Tuple[str, str, str]] = None  # (name, protocol, port)


@dataclasses.dataclass
class DesiredRules:
    """Output. ``scope`` None: the rules are every rule we own; else only those of these instances
    (names starting with ``<instance id>-``) are covered, and owned rules of them not listed go."""

    rules: List[Dict[str, Any]]
    services: List[Dict[str, str]]
    notes: List[Dict[str, str]]
    scope: Optional[Tuple[str, ...]]

    def as_dict(self) -> Dict[str, Any]:
        return dataclasses.asdict(self)


def service_for(permission: Permission, applications: Mapping[str, str]) -> Union[Service, str]:
    """The rule fields for a permission's protocol and ports, or the reason it cannot be expressed."""
    protocol = _PROTOCOL_NAMES.get(permission.protocol, permission.protocol)
    low, high = permission.from_port, permission.to_port
    if protocol == "-1":
        return Service("all", ("any",), ("any",))
    if protocol in ("tcp", "udp"):
        low = 0 if low is None or low < 0 else low
        high = 65535 if high is None or high < 0 else high
        if low == high and "%s/%d" % (protocol, low) in applications:
            return Service("%s-%d" % (protocol, low), (applications["%s/%d" % (protocol, low)],),
                           ("application-default",))
        port = str(low) if low == high else "%d-%d" % (low, high)
        name = "%s-%s" % (protocol, port)
        return Service(name, ("any",), (name,), (name, protocol, port))
    if protocol in ("icmp", "icmpv6"):
        key = protocol if low is None or low < 0 else "%s/%d" % (protocol, low)
        if key in applications:
            return Service(key.replace("/", "-"), (applications[key],), ("application-default",))
        return "%s type %s has no application in applications (add '%s')" % (protocol, low, key)
    if protocol in applications:
        return Service("proto-%s" % protocol, (applications[protocol],), ("application-default",))
    return "IP protocol %s has no application in applications (add '%s')" % (protocol, protocol)


def _permission_text(group_id: str, permission: Permission) -> str:
    ports = "" if permission.from_port is None else " %s-%s" % (permission.from_port, permission.to_port)
    return "%s %s%s" % (group_id, permission.protocol, ports)


def _inside(network: Network, vpc: Sequence[Network]) -> bool:
    return any(network.version == v.version and network.subnet_of(v) for v in vpc)  # type: ignore[arg-type]


def _sort_key(network: Network) -> Tuple[int, int, int]:
    return (network.version, int(network.network_address), network.prefixlen)


def _collapse(networks: Iterable[Network]) -> List[Network]:
    collapsed = []  # type: List[Network]
    for version in (4, 6):
        collapsed += ipaddress.collapse_addresses([n for n in networks if n.version == version])  # type: ignore
    return sorted(collapsed, key=_sort_key)


def _source_key(sources: Iterable[Network]) -> Tuple[str, ...]:
    """Sources as a rule writes them; a /0 is "any" (destinations are of its family only, so the
    other family cannot match anyway)."""
    collapsed = _collapse(sources)
    if any(s.prefixlen == 0 for s in collapsed):
        return ("any",)
    return tuple(_address_text(s) for s in collapsed)


def _address_text(network: Network) -> str:
    full = 32 if network.version == 4 else 128
    return str(network.network_address) if network.prefixlen == full else str(network)


class _Derivation:
    def __init__(self, state: AwsState, settings: RuleSettings) -> None:
        self.state = state
        self.settings = settings
        self.notes = set()  # type: Set[Tuple[str, str, str]]
        self.services = {}  # type: Dict[str, Dict[str, str]]
        self.vpc_networks = {vpc: [ipaddress.ip_network(c, strict=False) for c in cidrs]
                             for vpc, cidrs in state.vpc_cidrs.items()}
        targets = set(settings.firewall_instance_ids) | set(settings.firewall_eni_ids)
        self.routed_tables = {t.table_id for t in state.route_tables if targets.intersection(t.default_targets)}
        self.explicit = {s: t.table_id for t in state.route_tables for s in t.subnet_ids}
        self.main = {t.vpc_id: t.table_id for t in state.route_tables if t.main}

    def note(self, subject: str, reason: str, detail: str = "") -> None:
        self.notes.add((subject, reason, detail))

    def routed(self, subnet_id: str, vpc_id: str) -> bool:
        return self.explicit.get(subnet_id, self.main.get(vpc_id)) in self.routed_tables

    def is_firewall(self, instance: Instance) -> bool:
        return (instance.instance_id in self.settings.firewall_instance_ids
                or any(i.eni_id in self.settings.firewall_eni_ids for i in instance.interfaces))

    def instance_rules(self, instance: Instance) -> List[Dict[str, Any]]:
        # service -> source network -> destination addresses (same family only: an IPv4 source
        # never reaches an IPv6 address)
        traffic = {}  # type: Dict[Service, Dict[Network, Set[Network]]]
        groups_used = {}  # type: Dict[Service, Set[str]]
        descriptions = {}  # type: Dict[Service, Set[str]]
        routed = [i for i in instance.interfaces if self.routed(i.subnet_id, i.vpc_id)]
        if not routed:
            self.note(instance.instance_id, "no interface routes through the firewall")
        for interface in routed:
            addresses = [ipaddress.ip_network(a) for a in interface.addresses]
            vpc = self.vpc_networks.get(interface.vpc_id, [])
            for group_id in interface.group_ids:
                group = self.state.groups.get(group_id)
                if group is None:
                    self.note(group_id, "security group not found", interface.eni_id)
                    continue
                for permission in group.permissions:
                    text = _permission_text(group_id, permission)
                    for ref in permission.group_refs:
                        self.note(group_id, "skipped: source is security group %s (traffic inside AWS)" % ref, text)
                    cidrs = list(permission.cidrs)
                    for prefix_list in permission.prefix_lists:
                        if self.state.prefix_lists.get(prefix_list):
                            cidrs += self.state.prefix_lists[prefix_list]
                        elif prefix_list in self.state.prefix_lists:
                            self.note(group_id, "skipped: prefix list %s is empty" % prefix_list, text)
                        else:
                            self.note(group_id, "skipped: prefix list %s cannot be read: %s" % (
                                prefix_list, self.state.unreadable.get(prefix_list, "not found")), text)
                    if not cidrs:
                        continue
                    service = service_for(permission, self.settings.applications)
                    if isinstance(service, str):
                        self.note(group_id, "skipped: " + service, text)
                        continue
                    for cidr in cidrs:
                        source = ipaddress.ip_network(cidr, strict=False)
                        if _inside(source, vpc):
                            self.note(group_id, "skipped: source %s is inside VPC %s" % (cidr, interface.vpc_id), text)
                            continue
                        destinations = {a for a in addresses if a.version == source.version}
                        if not destinations:
                            self.note(interface.eni_id, "skipped: no IPv%d address for source %s" % (source.version, cidr),
                                      text)
                            continue
                        traffic.setdefault(service, {}).setdefault(source, set()).update(destinations)
                        groups_used.setdefault(service, set()).add(group_id)
                        descriptions.setdefault(service, set()).update(permission.descriptions)
        rules = []
        for service in sorted(traffic, key=lambda s: s.label):
            if service.service_object:
                name, protocol, port = service.service_object
                self.services[name] = {"name": name, "protocol": protocol, "port": port}
            blocks = self.blocks(traffic[service])
            for rule_sources, rule_destinations in blocks:
                # One rule per service is the rule; several are told apart by their destinations,
                # which stay the same while the permissions change.
                suffix = "" if len(blocks) == 1 else "-" + hashlib.sha256(
                    " ".join(rule_destinations).encode()).hexdigest()[:6]
                rules.append(self.rule("%s-%s%s" % (instance.instance_id, service.label, suffix), instance, service,
                                       rule_sources, rule_destinations, groups_used[service], descriptions[service]))
        return rules

    @staticmethod
    def blocks(traffic: Mapping[Network, Set[Network]]) -> List[Tuple[Tuple[str, ...], Tuple[str, ...]]]:
        """Fewest exact (sources, destinations) blocks: merge blocks with the same destinations (union
        of sources) or the same sources (union of destinations) until nothing merges."""
        blocks = [({source}, set(destinations)) for source, destinations in traffic.items()]
        merged = True
        while merged:
            merged = False
            for key in (lambda b: _source_key(b[0]), lambda b: frozenset(b[1])):
                groups = {}  # type: Dict[Any, Tuple[Set[Network], Set[Network]]]
                for sources, destinations in blocks:
                    group = groups.setdefault(key((sources, destinations)), (set(), set()))
                    group[0].update(sources)
                    group[1].update(destinations)
                merged = merged or len(groups) < len(blocks)
                blocks = list(groups.values())
        return sorted((_source_key(sources), tuple(_address_text(d) for d in sorted(destinations, key=_sort_key)))
                      for sources, destinations in blocks)

    def rule(self, name: str, instance: Instance, service: Service, sources: Tuple[str, ...],
             destinations: Tuple[str, ...], groups: Set[str], descriptions: Set[str]) -> Dict[str, Any]:
        text = "AWS %s%s: %s from %s" % (
            instance.instance_id, " (%s)" % instance.name if instance.name else "", service.label,
            ", ".join(sorted(groups)))
        if descriptions:
            text += "; " + "; ".join(sorted(descriptions))
        s = self.settings
        return {
            "name": name, "from_zones": tuple(s.from_zones), "to_zones": tuple(s.to_zones), "sources": sources,
            "destinations": destinations, "source_users": ("any",), "applications": service.applications,
            "services": service.services, "categories": ("any",), "action": "allow",
            "profile_group": s.profile_group, "log_setting": s.log_setting, "log_end": s.log_end,
            "description": text[:DESCRIPTION_MAX], "tags": (s.owner_tag,), "disabled": False, "schedule": None,
        }

    def run(self) -> DesiredRules:
        named = self.state.named_instances
        rules = []  # type: List[Dict[str, Any]]
        for instance_id in sorted(self.state.instances):
            instance = self.state.instances[instance_id]
            if instance.state not in ACTIVE_STATES:
                self.note(instance_id, "instance is %s: no rules" % instance.state)
                continue
            if self.is_firewall(instance):
                continue
            if not AWS_ID.match(instance_id):
                self.note(instance_id, "skipped: not an instance id, so no rule name can be made from it")
                continue
            rules += self.instance_rules(instance)
        for instance_id in named or ():
            if instance_id not in self.state.instances:
                self.note(instance_id, "unknown instance: ignored (its rules, if any, are removed)")
        notes = [{"subject": s, "reason": r, "permission": p} for s, r, p in sorted(self.notes)]
        return DesiredRules(rules=sorted(rules, key=lambda r: r["name"]),
                            services=[self.services[n] for n in sorted(self.services)],
                            notes=notes, scope=named)


def derive_rules(state: AwsState, settings: RuleSettings) -> DesiredRules:
    """The desired rules, service objects and skip notes for an AWS state. Same state, same output."""
    settings.check()
    return _Derivation(state, settings).run()
