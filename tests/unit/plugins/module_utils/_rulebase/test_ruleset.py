"""Managed rule set planning: ownership, scope, placement, services, policy-match skips and shadows."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, Optional, Sequence

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SecurityRule
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._match import PolicyQuery
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._probes import covers, match_queries
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ruleset import (
    RuleSetPlan,
    ServiceSpec,
    PROBES_PER_RULE,
    plan,
    validate,
)

OWNER = "tagwarden-aws"
ABOVE = Placement("above", "deny-all")


def entry(name: str, owned: bool = True, action: str = "allow", **fields: Any) -> ET.Element:
    values = dict(fields, name=name, action=action, tags=(OWNER,) if owned else ())
    return SecurityRule.from_dict(values).to_element()


def service_entry(name: str, protocol: str, port: str, owned: bool = True) -> ET.Element:
    spec = ServiceSpec(name, protocol, port).as_object(OWNER if owned else "admin-tag").element
    return spec


def desired(*names: str, **fields: Any) -> list[SecurityRule]:
    models, _specs = validate([dict(fields, name=n) for n in names], [], OWNER, None, ABOVE)
    return models


def run(rulebase: Sequence[ET.Element], rules: Sequence[SecurityRule], services: Sequence[ServiceSpec] = (),
        service_entries: Sequence[ET.Element] = (), scope: Optional[Sequence[str]] = None,
        matcher: Any = None, placement: Placement = ABOVE, limit: int = 50) -> RuleSetPlan:
    return plan(rulebase, service_entries, rules, services, owner=OWNER, scope=scope, placement=placement,
                matcher=matcher, match_limit=limit)


def names(result: RuleSetPlan) -> list[tuple[str, bool, Optional[Placement]]]:
    return [(rule.name, current is not None, move) for rule, current, move in result.rules]


def test_new_rules_go_above_the_bottom_rule_in_order() -> None:
    result = run([entry("admin-web", owned=False), entry("deny-all", owned=False, action="deny")],
                 desired("i-1-tcp-22", "i-1-tcp-80"))
    assert names(result) == [("i-1-tcp-22", False, Placement("before", "deny-all")),
                             ("i-1-tcp-80", False, Placement("after", "i-1-tcp-22"))]
    assert result.delete_rules == []


def test_without_the_bottom_rule_new_rules_go_to_the_bottom() -> None:
    result = run([entry("admin-web", owned=False)], desired("i-1-tcp-22"))
    assert names(result) == [("i-1-tcp-22", False, Placement("bottom"))]


def test_a_new_rule_before_an_existing_one_keeps_the_relative_order() -> None:
    result = run([entry("i-1-tcp-80"), entry("deny-all", owned=False, action="deny")],
                 desired("i-1-tcp-22", "i-1-tcp-80"))
    assert names(result) == [("i-1-tcp-22", False, Placement("before", "i-1-tcp-80")), ("i-1-tcp-80", True, None)]


def test_an_owned_rule_below_the_bottom_rule_or_out_of_order_is_moved() -> None:
    result = run([entry("i-1-b"), entry("deny-all", owned=False, action="deny"), entry("i-1-a")],
                 desired("i-1-a", "i-1-b"))
    assert names(result) == [("i-1-a", True, Placement("before", "deny-all")), ("i-1-b", True, Placement("after", "i-1-a"))]
    in_place = run([entry("i-1-a"), entry("i-1-b"), entry("deny-all", owned=False, action="deny")], desired("i-1-a", "i-1-b"))
    assert names(in_place) == [("i-1-a", True, None), ("i-1-b", True, None)]


def test_only_owned_rules_in_scope_are_deleted() -> None:
    rulebase = [entry("i-1-tcp-22"), entry("i-2-tcp-22"), entry("i-1-admin", owned=False),
                entry("deny-all", owned=False, action="deny")]
    assert run(rulebase, [], scope=["i-1-"]).delete_rules == ["i-1-tcp-22"]
    assert run(rulebase, []).delete_rules == ["i-1-tcp-22", "i-2-tcp-22"]
    assert run(rulebase, [], scope=[]).delete_rules == []


def test_a_desired_name_held_by_an_unowned_rule_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="i-1-tcp-22.*without the owner tag"):
        run([entry("i-1-tcp-22", owned=False)], desired("i-1-tcp-22"))


def test_names_outside_scope_repeated_names_and_bad_values_are_refused_together() -> None:
    with pytest.raises(ValidationError) as error:
        validate([{"name": "i-2-x"}, {"name": "i-1-x"}, {"name": "i-1-x"}, {"name": "q'\"", "action": "permit"}],
                 [{"name": "s", "protocol": "icmp", "port": "70000"}], OWNER, ["i-1-"], ABOVE)
    message = str(error.value)
    for part in ("'i-2-x' is outside scope", "repeated: i-1-x", "action 'permit'", "protocol 'icmp'", "port '70000'"):
        assert part in message
    with pytest.raises(ValidationError, match="unknown security rule fields: colour"):
        validate([{"name": "r", "colour": "red"}], [], OWNER, None, ABOVE)


def test_services_created_reused_or_reported_and_unused_owned_ones_deleted() -> None:
    services = [ServiceSpec("tcp-8443", "tcp", "8443"), ServiceSpec("udp-500-600", "udp", "500-600"),
                ServiceSpec("tcp-9000", "tcp", "9000")]
    admin = [service_entry("udp-500-600", "udp", "500-600", owned=False), service_entry("tcp-9000", "tcp", "9001", owned=False),
             service_entry("tcp-1", "tcp", "1"), service_entry("tcp-2", "tcp", "2")]
    rules = desired("i-1-a", services=["tcp-8443"]) + desired("i-1-b", services=["udp-500-600"]) + desired(
        "i-1-c", services=["tcp-9000"])
    result = run([entry("i-9-x", services=("tcp-2",))], rules, services, admin, scope=["i-1-"])
    assert [s.name for s in result.services] == ["tcp-8443"]
    assert result.reused_services == ["udp-500-600"]
    assert result.service_conflicts == [{"service": "tcp-9000", "wanted": "tcp/9000", "found": "tcp/9001"}]
    assert [s["rule"] for s in result.not_added] == ["i-1-c"]
    assert [n for n, _c, _m in names(result)] == ["i-1-a", "i-1-b"]
    assert result.delete_services == ["tcp-1"]  # tcp-2 is still used by another instance's rule


class Matcher:
    """Answers ``hit``, or ``hits[(source, destination)]`` for the probe's addresses."""

    def __init__(self, hit: Optional[str], hits: Optional[dict] = None) -> None:
        self.hit = hit
        self.hits = hits or {}
        self.asked: list[tuple[str, str]] = []

    def __call__(self, query: dict) -> Optional[str]:
        pair = (query.source, query.destination)
        self.asked.append(pair)
        return self.hits.get(pair, self.hit)


def test_traffic_allowed_by_an_admin_rule_is_not_added_and_the_rule_is_named() -> None:
    rulebase = [entry("admin-ssh", owned=False, sources=("any",)), entry("deny-all", owned=False, action="deny")]
    result = run(rulebase, desired("i-1-a", sources=["203.0.113.0/24"], destinations=["10.0.1.5"]), matcher=Matcher("admin-ssh"))
    assert result.rules == [] and result.policy_matches == 1
    assert result.not_added == [{"rule": "i-1-a", "reason": "the traffic is allowed already", "allowed_by": "admin-ssh"}]


def test_an_admin_rule_narrower_than_the_new_rule_does_not_skip_it() -> None:
    rulebase = [entry("admin-ssh", owned=False, from_zones=("untrust",)), entry("deny-all", owned=False, action="deny")]
    result = run(rulebase, desired("i-1-a", destinations=["10.0.1.5"]), matcher=Matcher("admin-ssh"))
    assert names(result)[0][0] == "i-1-a" and result.not_added == []
    half = [entry("admin-half", owned=False, sources=("203.0.113.0/25",)), entry("deny-all", owned=False, action="deny")]
    result = run(half, desired("i-1-b", sources=["203.0.113.0/24"], destinations=["10.0.1.5"]), matcher=Matcher("admin-half"))
    assert names(result)[0][0] == "i-1-b" and result.not_added == []  # the probe's address is inside, the /24 is not


def test_every_source_destination_pair_is_probed_and_all_must_be_allowed_by_others() -> None:
    rulebase = [entry("admin-a", owned=False, sources=("1.1.1.1",)), entry("admin-b", owned=False, sources=("2.2.2.0/24",)),
                entry("deny-all", owned=False, action="deny")]
    rule = desired("i-1-b", sources=["1.1.1.1", "2.2.2.0/24"], destinations=["10.0.1.5", "10.0.1.6", "2001:db8:1::5"])
    both = Matcher(None, {("1.1.1.1", d): "admin-a" for d in ("10.0.1.5", "10.0.1.6")})
    both.hits.update({("2.2.2.1", d): "admin-b" for d in ("10.0.1.5", "10.0.1.6")})
    result = run(rulebase, rule, matcher=both)
    assert sorted(both.asked) == [("1.1.1.1", "10.0.1.5"), ("1.1.1.1", "10.0.1.6"), ("2.2.2.1", "10.0.1.5"),
                                  ("2.2.2.1", "10.0.1.6")]  # IPv4 sources never reach the IPv6 destination
    assert result.rules == [] and result.policy_matches == 4
    assert result.not_added == [{"rule": "i-1-b", "reason": "the traffic is allowed already", "allowed_by": "admin-a, admin-b"}]
    one_left = Matcher(None, dict(list(both.hits.items())[:3]))  # the last pair hits no rule
    result = run(rulebase, rule, matcher=one_left)
    assert names(result)[0][0] == "i-1-b" and result.not_added == [] and result.policy_matches == 4


def test_above_the_probe_cap_the_check_is_partial_and_the_rule_is_added() -> None:
    sources = ["198.51.100.%d" % n for n in range(PROBES_PER_RULE + 1)]
    result = run([entry("admin-any", owned=False), entry("deny-all", owned=False, action="deny")],
                 desired("i-1-a", sources=sources, destinations=["10.0.1.5"]), matcher=Matcher("admin-any"))
    assert names(result)[0][0] == "i-1-a" and result.policy_matches == PROBES_PER_RULE
    assert result.partial_checks == [{"rule": "i-1-a", "probed": PROBES_PER_RULE, "pairs": PROBES_PER_RULE + 1}]


def test_a_deny_above_the_new_rule_is_reported_as_shadowing_it() -> None:
    rulebase = [entry("block-ssh", owned=False, action="deny"), entry("deny-all", owned=False, action="deny")]
    result = run(rulebase, desired("i-1-a", destinations=["10.0.1.5"]), matcher=Matcher("block-ssh"))
    assert names(result)[0][0] == "i-1-a" and result.shadowed == [{"rule": "i-1-a", "denied_by": "block-ssh"}]
    bottom = run(rulebase, desired("i-1-a", destinations=["10.0.1.5"]), matcher=Matcher("deny-all"))
    assert bottom.shadowed == [] and names(bottom)[0][0] == "i-1-a"


@pytest.mark.parametrize("restriction", [{"categories": ("threat-feed-urls",)}, {"applications": ("ssh",)},
                                         {"services": ("service-https",)}, {"from_zones": ("dmz",)},
                                         {"source_users": ("acme\\eve",)}, {"schedule": "nights"}])
def test_a_deny_that_matches_only_part_of_the_traffic_does_not_shadow_the_rule(restriction: Any) -> None:
    # the feed's URL rule: every probe hits it (a probe names no URL category), yet it denies only that category
    rulebase = [entry("BlockThreatFeed-url", owned=False, action="deny", **dict({"services": ("any",)}, **restriction)),
                entry("admin-any", owned=False, services=("any",)),  # it makes the rule worth probing
                entry("deny-all", owned=False, action="deny")]
    rule = desired("i-1-tcp-8443", sources=["203.0.113.0/24"], destinations=["10.0.1.5"], services=["tcp-8443"],
                   from_zones=["untrust", "dmz"])
    matcher = Matcher("BlockThreatFeed-url")
    result = run(rulebase, rule, matcher=matcher)
    assert matcher.asked and names(result)[0][0] == "i-1-tcp-8443" and result.shadowed == [] and result.not_added == []


def test_a_deny_of_any_service_shadows_a_rule_of_one_port() -> None:
    rulebase = [entry("block-net", owned=False, action="deny", services=("any",)), entry("deny-all", owned=False, action="deny")]
    rule = desired("i-1-tcp-8443", destinations=["10.0.1.5"], services=["tcp-8443"])
    result = run(rulebase, rule, matcher=Matcher("block-net"))
    assert result.shadowed == [{"rule": "i-1-tcp-8443", "denied_by": "block-net"}]


def test_policy_match_runs_only_for_new_rules_and_within_the_limit() -> None:
    matcher = Matcher(None)
    admin = entry("admin-any", owned=False)  # it could allow every new rule: each is worth probing
    result = run([admin, entry("i-1-a")], desired("i-1-a", "i-1-b", "i-1-c", "i-1-d"), matcher=matcher, limit=2)
    assert len(matcher.asked) == 2 and result.policy_matches == 2
    assert [n for n, _c, _m in names(result)] == ["i-1-a", "i-1-b", "i-1-c", "i-1-d"]
    # beyond match_limit a rule is added unchecked, and said so
    assert result.partial_checks == [{"rule": "i-1-d", "probed": 0, "pairs": 1}]
    cut = run([admin], desired("i-1-a", sources=["1.1.1.1", "2.2.2.2", "3.3.3.3"]), matcher=Matcher("x"), limit=2)
    assert cut.partial_checks == [{"rule": "i-1-a", "probed": 2, "pairs": 3}]


def test_no_probe_when_no_rule_that_is_not_ours_could_allow_or_shadow_the_new_one() -> None:
    matcher = Matcher("admin-web")
    rulebase = [entry("admin-web", owned=False, applications=("web-browsing",)),  # not all of the traffic
                entry("admin-half", owned=False, sources=("203.0.113.0/25",)),  # one pair of two only
                entry("block-url", owned=False, action="deny", categories=("threat-feed-urls",)),  # part of it
                entry("deny-all", owned=False, action="deny")]  # below the new rule
    rule = desired("i-1-a", sources=["203.0.113.7", "198.51.100.7"], destinations=["10.0.1.5"])
    result = run(rulebase, rule, matcher=matcher)
    assert matcher.asked == [] and result.policy_matches == 0 and names(result)[0][0] == "i-1-a"
    assert result.partial_checks == [] and result.shadowed == []


def test_hostile_values_stay_literal() -> None:
    hostile = "x' or @name!='"
    with pytest.raises(ValidationError, match="rules item 1"):
        validate([{"name": "a'b\"c"}], [], OWNER, None, ABOVE)
    models, _specs = validate([{"name": "i-1-<b>&", "description": hostile, "tags": [hostile],
                                "sources": ["any'] | //entry"]}], [], OWNER, None, ABOVE)
    element = models[0].to_element()
    assert element.get("name") == "i-1-<b>&" and element.findtext("description") == hostile
    assert [m.text for m in element.findall("tag/member")] == [hostile, OWNER]
    assert [m.text for m in element.findall("source/member")] == ["any'] | //entry"]
    assert SecurityRule.from_entry(ET.fromstring(ET.tostring(element))).same_as(models[0])


def test_the_policy_match_probes_stand_for_each_pair_and_the_first_service() -> None:
    rule = desired("i-1-a", sources=["203.0.113.0/24"], destinations=["10.0.1.5"], services=["udp-500-600"],
                   from_zones=["untrust"])[0]
    probes = match_queries(rule, {"udp-500-600": ServiceSpec("udp-500-600", "udp", "500-600")})
    assert probes == [("203.0.113.0/24", "10.0.1.5", PolicyQuery(
        source="203.0.113.1", destination="10.0.1.5", from_zone="untrust", to_zone=None,
        application=None, protocol=17, port=500))]
    six = match_queries(desired("i-1-b", destinations=["2001:db8:1::5"], applications=["ssh"])[0], {})
    assert six[0][2].source == "2001:db8::1" and six[0][2].application == "ssh" and six[0][2].port is None


def test_covers_needs_every_member_list_to_hold_ours() -> None:
    ours = desired("i-1-a", sources=["203.0.113.0/24"], destinations=["10.0.1.5"], applications=["ssh"])[0]
    assert covers(SecurityRule("admin"), ours)
    assert not covers(SecurityRule("admin", applications=("web-browsing",)), ours)
    assert not covers(SecurityRule("admin", disabled=True), ours)
    assert not covers(SecurityRule("admin", sources=("198.51.100.0/24",)), desired("i-1-b", destinations=["10.0.1.5"])[0])
    assert covers(SecurityRule("admin", sources=("203.0.0.0/16",)), ours, ("203.0.113.0/24", "10.0.1.5"))
    assert not covers(SecurityRule("admin", destinations=("10.0.2.0/24",)), ours, ("203.0.113.0/24", "10.0.1.5"))
