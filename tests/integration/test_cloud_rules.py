"""Scope and derivation of the AWS-owned security rules, against moto with real boto3."""

import ipaddress
import re
from typing import Any, Dict, List

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._aws import AwsClient, AwsSettings
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._rules import RULE_KEYS, DesiredRules, RuleSettings
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._source import aws_desired_rules
from aws_double.server import CREDENTIALS, REGION
from aws_double.world import AwsWorld, tcp


def derive(endpoint: str, world: AwsWorld, **settings: Any) -> DesiredRules:
    aws = AwsClient(AwsSettings(region=REGION, endpoint_url=endpoint, **CREDENTIALS))
    settings.setdefault("firewall_instance_ids", (world.firewall_id,))
    return aws_desired_rules(aws, RuleSettings(**settings))


def by_name(result: DesiredRules) -> Dict[str, Dict[str, Any]]:
    return {r["name"]: r for r in result.rules}


def reasons(result: DesiredRules) -> List[str]:
    return [n["reason"] for n in result.notes]


@pytest.fixture
def world(aws_endpoint: str) -> AwsWorld:
    return AwsWorld(aws_endpoint)


# --- scope ------------------------------------------------------------------------------------------

def test_explicit_association_routed_and_main_table_not(aws_endpoint: str, world: AwsWorld) -> None:
    routed, unrouted = world.subnet("10.0.1.0/24"), world.subnet("10.0.2.0/24")
    world.route_table([routed])
    group = world.group(permissions=[tcp(8443, "198.51.100.0/24")])
    inside, outside = world.instance(routed, [group]), world.instance(unrouted, [group])
    rules = by_name(derive(aws_endpoint, world))
    assert list(rules) == ["%s-tcp-8443" % inside]
    assert rules["%s-tcp-8443" % inside]["destinations"] == tuple(world.addresses(inside))
    assert not any(name.startswith(outside) for name in rules)


def test_main_table_routed_covers_subnets_without_explicit_association(aws_endpoint: str, world: AwsWorld) -> None:
    via_main, via_other = world.subnet("10.0.1.0/24"), world.subnet("10.0.2.0/24")
    world.default_route(world.main_table)
    world.route_table([via_other], via_firewall=False)  # explicit table without the firewall route
    group = world.group(permissions=[tcp(25, "192.0.2.0/24")])
    covered, uncovered = world.instance(via_main, [group]), world.instance(via_other, [group])
    rules = by_name(derive(aws_endpoint, world))
    assert set(rules) == {"%s-tcp-25" % covered}
    assert rules["%s-tcp-25" % covered]["applications"] == ("smtp",)
    assert uncovered not in " ".join(rules)


def test_route_to_firewall_eni_counts_when_eni_is_configured(aws_endpoint: str, world: AwsWorld) -> None:
    subnet = world.subnet("10.0.1.0/24")
    world.route_table([subnet], via_eni=True)
    instance = world.instance(subnet, [world.group(permissions=[tcp(22, "192.0.2.7/32")])])
    assert by_name(derive(aws_endpoint, world, firewall_instance_ids=(), firewall_eni_ids=(world.firewall_eni(),)))
    other = derive(aws_endpoint, world, firewall_instance_ids=(), firewall_eni_ids=("eni-0123456789abcdef0",))
    assert other.rules == [] and other.notes == [], "a VPC that does not route to the firewall is not read"
    scoped = aws_desired_rules(AwsClient(AwsSettings(region=REGION, endpoint_url=aws_endpoint, **CREDENTIALS)),
                               RuleSettings(firewall_eni_ids=("eni-0123456789abcdef0",)), instance_ids=[instance])
    assert scoped.rules == [] and scoped.scope == (instance,)


def test_ipv6_default_route_puts_subnet_in_scope(aws_endpoint: str) -> None:
    world = AwsWorld(aws_endpoint, ipv6=True)
    subnet = world.subnet("10.0.1.0/24", ipv6_index=1)
    world.route_table([subnet], ipv6=True)
    group = world.group(permissions=[tcp(443, "2001:db8::/32"), tcp(-1, "::/0", protocol="icmpv6")])
    instance = world.instance(subnet, [group], ipv6=True)
    rules = by_name(derive(aws_endpoint, world))
    v6 = [a for a in world.addresses(instance) if ":" in a]
    assert rules["%s-tcp-443" % instance]["sources"] == ("2001:db8::/32",)
    assert rules["%s-tcp-443" % instance]["destinations"] == tuple(v6) and v6
    icmpv6 = rules["%s-icmpv6" % instance]
    assert (icmpv6["sources"], icmpv6["destinations"], icmpv6["applications"]) == (("any",), tuple(v6), ("ipv6-icmp",))


def test_only_routed_enis_of_an_instance_count(aws_endpoint: str, world: AwsWorld) -> None:
    routed, unrouted = world.subnet("10.0.1.0/24"), world.subnet("10.0.2.0/24")
    world.route_table([routed])
    group = world.group(permissions=[tcp(80, "0.0.0.0/0")])
    instance = world.instance(unrouted, [group])
    world.attach_eni(instance, routed, [group])
    rule = by_name(derive(aws_endpoint, world))["%s-tcp-80" % instance]
    routed_net = ipaddress.ip_network("10.0.1.0/24")
    assert rule["destinations"] and all(ipaddress.ip_address(a) in routed_net for a in rule["destinations"])
    assert rule["sources"] == ("any",) and rule["applications"] == ("web-browsing",)


# --- what becomes a rule ------------------------------------------------------------------------------

@pytest.fixture
def routed_subnet(world: AwsWorld) -> str:
    subnet = world.subnet("10.0.1.0/24")
    world.route_table([subnet])
    return subnet


def rules_for(aws_endpoint: str, world: AwsWorld, subnet: str, permissions: List[Dict[str, Any]],
              **settings: Any) -> Dict[str, Dict[str, Any]]:
    instance = world.instance(subnet, [world.group(permissions=permissions)])
    result = derive(aws_endpoint, world, **settings)
    prefix = instance + "-"
    return {r["name"][len(prefix):]: r for r in result.rules if r["name"].startswith(prefix)}


def test_every_protocol_taken_as_it_is(aws_endpoint: str, world: AwsWorld, routed_subnet: str) -> None:
    rules = rules_for(aws_endpoint, world, routed_subnet, [
        tcp(8080, "192.0.2.0/24", to_port=8090),
        tcp(53, "192.0.2.0/24", protocol="udp"),
        tcp(5000, "192.0.2.0/24", protocol="udp"),
        tcp(-1, "192.0.2.0/24", protocol="icmp"),
        tcp(8, "192.0.2.0/24", to_port=-1, protocol="icmp"),
        tcp(-1, "192.0.2.0/24", protocol="-1"),
    ])
    fields = {label: (r["applications"], r["services"]) for label, r in rules.items()}
    assert fields == {
        "tcp-8080-8090": (("any",), ("tcp-8080-8090",)),
        "udp-53": (("dns",), ("application-default",)),
        "udp-5000": (("any",), ("udp-5000",)),
        "icmp": (("icmp",), ("application-default",)),
        "icmp-8": (("ping",), ("application-default",)),
        "all": (("any",), ("any",)),
    }


def test_service_objects_for_port_ranges_are_desired_once(aws_endpoint: str, world: AwsWorld,
                                                          routed_subnet: str) -> None:
    group = world.group(permissions=[tcp(8080, "192.0.2.0/24", to_port=8090), tcp(9000, "192.0.2.0/24", protocol="udp")])
    world.instance(routed_subnet, [group], count=3)
    result = derive(aws_endpoint, world)
    assert result.services == [{"name": "tcp-8080-8090", "protocol": "tcp", "port": "8080-8090"},
                               {"name": "udp-9000", "protocol": "udp", "port": "9000"}]
    assert len(result.rules) == 6


def test_udp_is_never_tcp_and_tcp_all_ports(aws_endpoint: str, world: AwsWorld, routed_subnet: str) -> None:
    permissions = [tcp(500, "192.0.2.1/32", to_port=600, protocol="udp"), tcp(0, "192.0.2.1/32", to_port=65535)]
    rules = rules_for(aws_endpoint, world, routed_subnet, permissions)
    assert rules["udp-500-600"]["services"] == ("udp-500-600",)
    assert rules["tcp-0-65535"]["services"] == ("tcp-0-65535",)
    assert rules["udp-500-600"]["sources"] == ("192.0.2.1",)


def test_application_map_is_configurable(aws_endpoint: str, world: AwsWorld, routed_subnet: str) -> None:
    rules = rules_for(aws_endpoint, world, routed_subnet, [tcp(22, "192.0.2.0/24"), tcp(8443, "192.0.2.0/24")],
                      applications={"tcp/8443": "ssl"})
    assert rules["tcp-8443"]["applications"] == ("ssl",)
    assert rules["tcp-22"]["services"] == ("tcp-22",), "ssh is not in the given map any more"


def test_unmapped_icmp_type_and_protocol_are_skipped_and_reported(aws_endpoint: str, world: AwsWorld,
                                                                  routed_subnet: str) -> None:
    group = world.group(permissions=[tcp(3, "192.0.2.0/24", to_port=-1, protocol="icmp"),
                                     tcp(-1, "192.0.2.0/24", protocol="50")])
    world.instance(routed_subnet, [group])
    result = derive(aws_endpoint, world)
    assert result.rules == []
    assert "skipped: icmp type 3 has no application in applications (add 'icmp/3')" in reasons(result)
    assert "skipped: IP protocol 50 has no application in applications (add '50')" in reasons(result)
    mapped = derive(aws_endpoint, world, applications={"50": "ipsec-esp"})
    assert [r["applications"] for r in mapped.rules] == [("ipsec-esp",)]


def test_vpc_internal_and_group_reference_sources_are_skipped_and_reported(
        aws_endpoint: str, world: AwsWorld, routed_subnet: str) -> None:
    peer = world.group()
    group = world.group(permissions=[
        tcp(22, "10.0.7.0/24", "10.0.0.5/32", "203.0.113.9/32"),
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": peer}]},
    ])
    instance = world.instance(routed_subnet, [group])
    result = derive(aws_endpoint, world)
    assert [(r["name"], r["sources"]) for r in result.rules] == [("%s-tcp-22" % instance, ("203.0.113.9",))]
    notes = reasons(result)
    assert "skipped: source 10.0.7.0/24 is inside VPC %s" % world.vpc_id in notes
    assert "skipped: source 10.0.0.5/32 is inside VPC %s" % world.vpc_id in notes
    assert "skipped: source is security group %s (traffic inside AWS)" % peer in notes


def test_zero_route_is_any_and_settings_reach_every_rule(aws_endpoint: str, world: AwsWorld,
                                                         routed_subnet: str) -> None:
    rules = rules_for(aws_endpoint, world, routed_subnet, [tcp(443, "0.0.0.0/0", "198.51.100.0/24")],
                      from_zones=("untrust",), to_zones=("trust",), profile_group="strict",
                      log_setting="to-panorama", owner_tag="aws-owned")
    rule = rules["tcp-443"]
    assert set(rule) == set(RULE_KEYS)
    assert rule["sources"] == ("any",)
    assert (rule["from_zones"], rule["to_zones"], rule["profile_group"], rule["log_setting"], rule["tags"]) == (
        ("untrust",), ("trust",), "strict", "to-panorama", ("aws-owned",))
    assert (rule["action"], rule["log_end"], rule["disabled"], rule["schedule"]) == ("allow", True, False, None)
    assert all(isinstance(rule[k], tuple) for k in ("sources", "destinations", "applications", "services",
                                                    "source_users", "categories", "tags"))


def test_duplicates_and_overlaps_give_a_minimal_exact_set(aws_endpoint: str, world: AwsWorld,
                                                          routed_subnet: str) -> None:
    first = world.group(permissions=[tcp(22, "203.0.113.0/24", "203.0.113.128/25", "198.51.100.0/25"),
                                     tcp(22, "198.51.100.128/25", protocol="tcp")])
    second = world.group(permissions=[tcp(22, "203.0.113.0/24")])  # the same permission again
    instance = world.instance(routed_subnet, [first, second])
    result = derive(aws_endpoint, world)
    assert [(r["name"], r["sources"]) for r in result.rules] == [
        ("%s-tcp-22" % instance, ("198.51.100.0/24", "203.0.113.0/24"))]


def test_different_destinations_never_widen(aws_endpoint: str, world: AwsWorld, routed_subnet: str) -> None:
    ssh_a = world.group(permissions=[tcp(2222, "192.0.2.0/24")])
    ssh_b = world.group(permissions=[tcp(2222, "198.51.100.0/24")])
    instance = world.instance(routed_subnet)
    primary = next(eni["NetworkInterfaceId"] for eni in world.ec2.describe_instances(InstanceIds=[instance])[
        "Reservations"][0]["Instances"][0]["NetworkInterfaces"] if eni["Attachment"]["DeviceIndex"] == 0)
    world.ec2.modify_network_interface_attribute(NetworkInterfaceId=primary, Groups=[ssh_a])
    eni = world.attach_eni(instance, routed_subnet, [ssh_b])
    result = derive(aws_endpoint, world)
    addresses = world.addresses(instance)
    pairs = {(s, d) for r in result.rules for s in r["sources"] for d in r["destinations"]}
    second = [a for a in addresses if a not in addresses[:1]]
    assert pairs == {("192.0.2.0/24", addresses[0])} | {("198.51.100.0/24", a) for a in second}
    names = [r["name"] for r in result.rules]
    assert len(set(names)) == 2 and all(re.match(r"^%s-tcp-2222-[0-9a-f]{6}$" % instance, n) for n in names)
    assert eni


def test_hundreds_of_permissions_over_the_groups_of_an_interface(aws_endpoint: str, world: AwsWorld,
                                                                 routed_subnet: str) -> None:
    # AWS (and moto) allow 60 inbound rules (one per source range) per group and 5 groups per interface
    permissions = [tcp(10000 + n, "192.0.2.%d/32" % n, "198.51.100.0/24") for n in range(120)]
    groups = [world.group(permissions=permissions[start:start + 30]) for start in range(0, 120, 30)]
    # the same permissions again, and a wider overlapping source, from a fifth group
    groups.append(world.group(permissions=permissions[:25] + [tcp(10020, "198.51.0.0/16")]))
    instance = world.instance(routed_subnet, groups)
    result = derive(aws_endpoint, world)
    assert len(result.rules) == 120 and len(result.services) == 120
    rules = by_name(result)
    assert rules["%s-tcp-10020" % instance]["sources"] == ("192.0.2.20", "198.51.0.0/16")
    assert rules["%s-tcp-10001" % instance]["sources"] == ("192.0.2.1", "198.51.100.0/24")
    assert rules["%s-tcp-10001" % instance]["description"].count("sg-") == 2


def test_hostile_name_tag_and_descriptions_stay_literal(aws_endpoint: str, world: AwsWorld,
                                                        routed_subnet: str) -> None:
    hostile = "x']/../entry[@name='*'] <b>&amp; \"any\""
    group = world.group(permissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                      "IpRanges": [{"CidrIp": "192.0.2.0/24", "Description": hostile}]}])
    instance = world.instance(routed_subnet, [group], name=hostile)
    (rule,) = derive(aws_endpoint, world).rules
    assert rule["name"] == "%s-tcp-22" % instance
    assert rule["description"].count(hostile) == 2
    assert rule["sources"] == ("192.0.2.0/24",) and rule["destinations"] == tuple(world.addresses(instance))


def test_stopped_instances_and_the_firewall_get_no_rules(aws_endpoint: str, world: AwsWorld,
                                                         routed_subnet: str) -> None:
    world.default_route(world.main_table)  # the firewall's own subnet routes through it too
    group = world.group(permissions=[tcp(22, "192.0.2.0/24")])
    running, stopped = world.instance(routed_subnet, [group], count=2)
    firewall_eni = world.firewall_eni()
    world.ec2.modify_network_interface_attribute(NetworkInterfaceId=firewall_eni,
                                                 Groups=[world.group(permissions=[tcp(443, "0.0.0.0/0")])])
    world.ec2.stop_instances(InstanceIds=[stopped])
    assert [r["name"] for r in derive(aws_endpoint, world).rules] == ["%s-tcp-22" % running]


# --- names, determinism, settings ----------------------------------------------------------------------


def test_vpcs_routed_elsewhere_are_not_read(aws_endpoint: str, world: AwsWorld) -> None:
    routed = world.subnet("10.0.1.0/24")
    world.route_table([routed])
    other = AwsWorld(aws_endpoint, cidr="10.0.0.0/16")  # another VPC whose default route goes to its own instance
    other_subnet = other.subnet("10.0.1.0/24")
    other.route_table([other_subnet])
    group = other.group(permissions=[tcp(22, "192.0.2.0/24")])
    other.instance(other_subnet, [group])
    aws = AwsClient(AwsSettings(region=REGION, endpoint_url=aws_endpoint, **CREDENTIALS))
    state = aws.read_state((world.firewall_id,))
    assert set(state.instances) == {world.firewall_id} and set(state.vpc_cidrs) == {world.vpc_id}


def test_prefix_list_sources_are_resolved(aws_endpoint: str, world: AwsWorld, routed_subnet: str) -> None:
    offices = world.ec2.create_managed_prefix_list(
        PrefixListName="offices", MaxEntries=5, AddressFamily="IPv4",
        Entries=[{"Cidr": "198.51.100.0/24"}, {"Cidr": "10.0.9.0/24"}])["PrefixList"]["PrefixListId"]
    group = world.group(permissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "PrefixListIds": [{"PrefixListId": offices}],
         "IpRanges": [{"CidrIp": "192.0.2.0/24"}]},
        {"IpProtocol": "tcp", "FromPort": 23, "ToPort": 23, "PrefixListIds": [{"PrefixListId": "pl-0bad"}]},
    ])
    instance = world.instance(routed_subnet, [group])
    aws = AwsClient(AwsSettings(region=REGION, endpoint_url=aws_endpoint, **CREDENTIALS))
    result = aws_desired_rules(aws, RuleSettings(firewall_instance_ids=(world.firewall_id,)))
    assert [(r["name"], r["sources"]) for r in result.rules] == [
        ("%s-tcp-22" % instance, ("192.0.2.0/24", "198.51.100.0/24"))]
    notes = reasons(result)
    assert "skipped: source 10.0.9.0/24 is inside VPC %s" % world.vpc_id in notes
    # AWS refuses an unknown list (InvalidPrefixListID.NotFound), moto returns it empty: skipped either way
    assert any(n.startswith("skipped: prefix list pl-0bad ") for n in notes)
    assert aws.calls_by_operation["GetManagedPrefixListEntries"] == 2
