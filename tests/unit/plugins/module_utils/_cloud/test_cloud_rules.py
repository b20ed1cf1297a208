"""Derivation of the AWS-owned security rules from a given state, and their settings (against moto: tests/integration)."""

import re
from typing import Any, Dict

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._ec2 import (
    AwsState,
    Instance,
    Interface,
    Permission,
    RouteTable,
    SecurityGroup,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._rules import (
    RuleSettings,
    SettingsError,
    derive_rules,
)


def test_a_group_with_a_thousand_permissions_gives_one_rule_per_service() -> None:
    permissions = tuple(Permission("tcp", 20000 + n % 400, 20000 + n % 400,
                                   ("192.0.2.%d/32" % (n % 250), "192.0.2.0/25"), (), (), ()) for n in range(1000))
    state = AwsState(
        route_tables=[RouteTable("rtb-1", "vpc-1", True, (), ("i-0fffffffffffffff0",))],
        vpc_cidrs={"vpc-1": ("10.0.0.0/16",)},
        instances={"i-01": Instance("i-01", "running", "", (Interface("eni-1", "s-1", "vpc-1", ("10.0.1.1",),
                                                                      ("sg-1",)),))},
        groups={"sg-1": SecurityGroup("sg-1", "vpc-1", "big", permissions)})
    result = derive_rules(state, RuleSettings(firewall_instance_ids=("i-0fffffffffffffff0",)))
    assert len(result.rules) == 400
    sources = {r["name"]: r["sources"] for r in result.rules}
    # n = 7, 407, 807 share port 20007: sources .7, .157 (407 % 250), .57 (807 % 250), all inside .0/25 but .157
    assert sources["i-01-tcp-20007"] == ("192.0.2.0/25", "192.0.2.157")


def _state(order: int) -> AwsState:
    """A state built directly: the same facts in two different orders."""
    permissions = [Permission("tcp", 22, 22, ("192.0.2.0/24",), (), (), ()),
                   Permission("udp", 500, 600, ("0.0.0.0/0", "2001:db8::/32"), (), (), ()),
                   Permission("tcp", 22, 22, ("198.51.100.0/24",), (), (), ())]
    groups = [SecurityGroup("sg-1", "vpc-1", "a", tuple(permissions)),
              SecurityGroup("sg-2", "vpc-1", "b", tuple(reversed(permissions)))]
    instances = [Instance("i-%017x" % n, "running", "", (Interface(
        "eni-%d" % n, "subnet-1", "vpc-1", ("10.0.1.%d" % n, "2001:db8:0:1::%x" % n), ("sg-1", "sg-2")),))
        for n in range(1, 6)]
    if order:
        groups.reverse()
        instances.reverse()
    return AwsState(
        route_tables=[RouteTable("rtb-1", "vpc-1", True, (), ("i-0fffffffffffffff0",))],
        vpc_cidrs={"vpc-1": ("10.0.0.0/16",)}, instances={i.instance_id: i for i in instances},
        groups={g.group_id: g for g in groups})


def test_same_state_any_order_same_rules() -> None:
    settings = RuleSettings(firewall_instance_ids=("i-0fffffffffffffff0",))
    first, second = derive_rules(_state(0), settings), derive_rules(_state(1), settings)
    assert first == second
    assert all(len(r["name"]) <= 63 and re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", r["name"]) for r in first.rules)
    mine = [(r["name"], r["sources"], r["destinations"]) for r in first.rules if r["name"].startswith("i-00000000000000001-")]
    # IPv4 any -> the IPv4 address, the IPv6 range -> the IPv6 address: two exact rules, suffixed by destination
    assert sorted((re.sub("-[0-9a-f]{6}$", "-#", n), s, d) for n, s, d in mine) == [
        ("i-00000000000000001-tcp-22", ("192.0.2.0/24", "198.51.100.0/24"), ("10.0.1.1",)),
        ("i-00000000000000001-udp-500-600-#", ("2001:db8::/32",), ("2001:db8:0:1::1",)),
        ("i-00000000000000001-udp-500-600-#", ("any",), ("10.0.1.1",)),
    ]


@pytest.mark.parametrize("settings, message", [
    ({}, "set firewall_instance_ids or firewall_eni_ids"),
    ({"firewall_instance_ids": ("i-x']",)}, "is not an AWS id"),
    ({"firewall_instance_ids": ("i-1",), "applications": {"tcp/22/x": "ssh"}}, "applications key 'tcp/22/x'"),
    ({"firewall_instance_ids": ("i-1",), "applications": {"tcp/22": "<ssh>"}}, "is not an App-ID name"),
    ({"firewall_instance_ids": ("i-1",), "from_zones": ()}, "from_zones must list"),
])
def test_bad_settings_are_refused_with_the_value(settings: Dict[str, Any], message: str) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        derive_rules(_state(0), RuleSettings(**settings))
