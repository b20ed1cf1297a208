"""The security rule model: XML both ways, canonical comparison, checks, hostile names."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import to_string
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SECURITY_RULE, SecurityRule

FULL = SecurityRule(name="aws-web", from_zones=("trust",), to_zones=("untrust",), sources=("10.0.0.0/8",),
                    destinations=("web-servers",), source_users=("cn=ops,dc=acme",), applications=("ssl", "web-browsing"),
                    services=("application-default",), categories=("any",), action="allow", profile_group="strict",
                    log_setting="to-syslog", log_end=False, description="from AWS", tags=("tagwarden.panos",),
                    disabled=True, schedule="office-hours")


def test_xml_round_trip_of_every_field() -> None:
    entry = ET.fromstring(to_string(FULL.to_element()))
    assert entry.findtext("profile-setting/group/member") == "strict" and entry.findtext("log-end") == "no"
    assert SecurityRule.from_entry(entry) == FULL


def test_defaults_round_trip_and_empty_lists_read_as_any() -> None:
    rule = SecurityRule(name="r")
    assert SecurityRule.from_entry(rule.to_element()) == rule
    assert rule.to_element().find("log-end") is None  # PAN-OS logs at session end by default
    bare = SecurityRule.from_entry(ET.fromstring('<entry name="r"><action>deny</action></entry>'))
    assert bare.sources == ("any",) and bare.action == "deny" and bare.log_end and not bare.disabled


def test_from_dict_takes_exactly_the_field_names() -> None:
    rule = SecurityRule.from_dict({"name": "r", "from_zones": ["a"], "profile_group": None, "tags": ["x"]})
    assert rule.from_zones == ("a",) and rule.profile_group is None and rule.tags == ("x",)
    with pytest.raises(ValueError, match="unknown security rule fields: zones"):
        SecurityRule.from_dict({"name": "r", "zones": ["a"]})


def test_canonical_comparison_ignores_member_order_only() -> None:
    one = SecurityRule(name="r", sources=("b", "a"), tags=("y", "x"))
    two = SecurityRule(name="r", sources=("a", "b"), tags=("x", "y"))
    assert one != two and one.same_as(two)
    assert not one.same_as(SecurityRule(name="r", sources=("a",)))


def test_hostile_names_stay_literal() -> None:
    hostile = "x</member><member>any"
    text = to_string(SecurityRule(name="a'b", source_users=(hostile,)).to_element())
    assert [m.text for m in ET.fromstring(text).findall("source-user/member")] == [hostile]
    assert SECURITY_RULE.xpath("a'b").endswith('entry[@name="a\'b"]')


def test_problems_name_the_field_and_the_limit() -> None:
    assert SecurityRule(name="r").problems() == []
    problems = SecurityRule(name="x" * 64, action="permit", description="d" * 1025).problems("rules item 1")
    assert len(problems) == 3 and all(p.startswith("rules item 1: ") for p in problems)
    assert "63 characters" in problems[0] and "'permit'" in problems[1] and "1024" in problems[2]
    assert SecurityRule(name="a'\"b").problems()
