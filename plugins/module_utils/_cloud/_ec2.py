# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS's EC2 state as plain frozen data, parsed from the EC2 API's replies (as boto3 returns them):
instances with their interfaces, security group permissions, route tables and VPC CIDRs.
Plain Python, no Ansible imports."""

from __future__ import annotations


import dataclasses
from typing import Any, Dict, List, Mapping, Optional, Set, Tuple


@dataclasses.dataclass(frozen=True)
class Interface:
    eni_id: str
    subnet_id: str
    vpc_id: str
    addresses: Tuple[str, ...]  # private IPv4 and IPv6 addresses
    group_ids: Tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Instance:
    instance_id: str
    state: str
    name: str  # the Name tag, literal
    interfaces: Tuple[Interface, ...]


@dataclasses.dataclass(frozen=True)
class Permission:
    """One ingress permission of a security group (IpPermissions entry)."""

    protocol: str  # tcp, udp, icmp, icmpv6, -1 or a protocol number
    from_port: Optional[int]
    to_port: Optional[int]
    cidrs: Tuple[str, ...]  # IPv4 and IPv6 source ranges
    descriptions: Tuple[str, ...]  # the ranges' descriptions, literal
    group_refs: Tuple[str, ...]
    prefix_lists: Tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class SecurityGroup:
    group_id: str
    vpc_id: str
    name: str
    permissions: Tuple[Permission, ...]


@dataclasses.dataclass(frozen=True)
class RouteTable:
    table_id: str
    vpc_id: str
    main: bool
    subnet_ids: Tuple[str, ...]  # explicit associations
    default_targets: Tuple[str, ...]  # instance and ENI ids that 0.0.0.0/0 or ::/0 are sent to


@dataclasses.dataclass
class AwsState:
    """What :meth:`AwsClient.read_state` found.

    ``named_instances`` is None for a full read; for a scoped read it holds every instance id the
    caller asked about or that uses a named group, found or not.
    """

    route_tables: List[RouteTable]
    vpc_cidrs: Dict[str, Tuple[str, ...]]
    instances: Dict[str, Instance]
    groups: Dict[str, SecurityGroup]
    named_instances: Optional[Tuple[str, ...]] = None
    prefix_lists: Dict[str, Tuple[str, ...]] = dataclasses.field(default_factory=dict)  # id -> CIDRs
    unreadable: Dict[str, str] = dataclasses.field(default_factory=dict)  # prefix list id -> why


def _port(value: Any) -> Optional[int]:
    return None if value is None else int(value)


def parse_permission(raw: Mapping[str, Any]) -> Permission:
    ranges = [(r["CidrIp"], r.get("Description", "")) for r in raw.get("IpRanges", ())]
    ranges += [(r["CidrIpv6"], r.get("Description", "")) for r in raw.get("Ipv6Ranges", ())]
    return Permission(
        protocol=str(raw.get("IpProtocol", "-1")).lower(),
        from_port=_port(raw.get("FromPort")),
        to_port=_port(raw.get("ToPort")),
        cidrs=tuple(r[0] for r in ranges),
        descriptions=tuple(r[1] for r in ranges if r[1]),
        group_refs=tuple(p["GroupId"] for p in raw.get("UserIdGroupPairs", ()) if p.get("GroupId")),
        prefix_lists=tuple(p["PrefixListId"] for p in raw.get("PrefixListIds", ()) if p.get("PrefixListId")),
    )


def parse_instance(raw: Mapping[str, Any]) -> Instance:
    interfaces = []
    for eni in raw.get("NetworkInterfaces", ()):
        addresses = [a["PrivateIpAddress"] for a in eni.get("PrivateIpAddresses", ()) if a.get("PrivateIpAddress")]
        addresses += [a["Ipv6Address"] for a in eni.get("Ipv6Addresses", ()) if a.get("Ipv6Address")]
        interfaces.append(Interface(
            eni_id=eni["NetworkInterfaceId"],
            subnet_id=eni.get("SubnetId", ""),
            vpc_id=eni.get("VpcId", raw.get("VpcId", "")),
            addresses=tuple(addresses),
            group_ids=tuple(g["GroupId"] for g in eni.get("Groups", ())),
        ))
    name = next((t.get("Value", "") for t in raw.get("Tags", ()) if t.get("Key") == "Name"), "")
    return Instance(
        instance_id=raw["InstanceId"],
        state=raw.get("State", {}).get("Name", ""),
        name=name,
        interfaces=tuple(interfaces),
    )


def parse_route_table(raw: Mapping[str, Any]) -> RouteTable:
    targets = set()  # type: Set[str]
    for route in raw.get("Routes", ()):
        if route.get("DestinationCidrBlock") == "0.0.0.0/0" or route.get("DestinationIpv6CidrBlock") == "::/0":
            targets.update(route[key] for key in ("InstanceId", "NetworkInterfaceId") if route.get(key))
    associations = raw.get("Associations", ())
    return RouteTable(
        table_id=raw["RouteTableId"],
        vpc_id=raw.get("VpcId", ""),
        main=any(a.get("Main") for a in associations),
        subnet_ids=tuple(sorted(a["SubnetId"] for a in associations if a.get("SubnetId"))),
        default_targets=tuple(sorted(targets)),
    )


def parse_vpc_cidrs(raw: Mapping[str, Any]) -> Tuple[str, ...]:
    cidrs = {a["CidrBlock"] for a in raw.get("CidrBlockAssociationSet", ())
             if a.get("CidrBlockState", {}).get("State", "associated") == "associated"}
    if raw.get("CidrBlock"):
        cidrs.add(raw["CidrBlock"])
    cidrs.update(a["Ipv6CidrBlock"] for a in raw.get("Ipv6CidrBlockAssociationSet", ())
                 if a.get("Ipv6CidrBlockState", {}).get("State", "associated") == "associated")
    return tuple(sorted(cidrs))
