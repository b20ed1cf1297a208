"""quota_block logic without a firewall: rule XML, validation, diffs, planning."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet, commit_admin_for
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._quota import _blocks as qb
from ansible_collections.tagwarden.panos.plugins.module_utils._quota import _blockstate as bs
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import (
    existing_rule_problem,
    group_marker,
    GroupRule,
    group_tag,
    name_problems,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ownership import OWNER_TAG
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import (
    SECURITY_RULE,
    SecurityRule,
    keyword_problems,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._shape import RuleShape
from tests.unit.firewall import ConfigTree, FakeFirewall, connection

NOW = "2026/11/22 10:00:00"
HOSTILE = ["a'b", 'c"d', "<e>", "f&g", "x</member><member>any", "cn=sales,dc=acme,dc=local"]
T = datetime(2026, 11, 22, 10, 30)


def connect(rule: ET.Element | None = None) -> tuple[FirewallConnection, FakeFirewall]:
    """A firewall without registrations; ``rule`` in its candidate config only (not committed)."""
    tree = ConfigTree()
    if rule is not None:
        tree.add(SECURITY_RULE.parent_xpath("vsys1"), rule, running=False)
    firewall = FakeFirewall(tree=tree)
    return connection(firewall), firewall


def apply(conn: FirewallConnection, **options: Any) -> dict[str, Any]:
    """quota_block as the module runs it, from its options."""
    options.setdefault("now", NOW)
    changes = ChangeSet(conn, vsys=options.get("vsys", "vsys1"), check_mode=options.get("check_mode", False),
                        commit=options.get("commit", True), admin=options.get("commit_admin", "admin"),
                        description=qb.COMMIT_DESCRIPTION)
    return qb.apply(changes, qb.BlockRequest.from_options(options), GroupRule.from_options(options),
                    options.get("chunk_size", 1000))


# -- names and rules --------------------------------------------------------------------------------

@pytest.mark.parametrize("name, part", [("", "a name is required"), ("x" * 64, "64 characters"),
                                        ("Block/Quota", "'/'"), ("a'b\"c", "'\"'"), ("ok\n", "'\\n'")])
def test_names_pan_os_refuses_are_refused_by_option(name: str, part: str) -> None:
    problems = name_problems("rule_name", name)
    assert problems and all(p.startswith("rule_name: ") for p in problems) and part in " ".join(problems)
    assert name_problems("rule_name", "Block Quota-1_v2.0") == []


def test_apply_refuses_bad_names_before_any_request() -> None:
    for options in ({"rule_name": ""}, {"rule_name": "a'b\"c"}, {"dug_name": "x" * 64}, {"tag": "a'b\"c"}):
        conn, firewall = connect()
        with pytest.raises(ValidationError, match=list(options)[0] + ":"):
            apply(conn, **options)
        assert conn.api_calls == 0 and firewall.requests == []


def test_keywords_and_empty_names_are_refused_case_insensitively() -> None:
    problems = keyword_problems(["ANY", "Known-User", "unknown", "pre-logon", " ", "sales"])
    assert len(problems) == 5
    assert all("sales" not in p for p in problems)


def test_group_rule_names_the_dug_and_carries_owner_tag_and_log_settings() -> None:
    shape = RuleShape(log_setting="siem", log_end=False, tags=("quota-siem",))
    rule = SecurityRule.from_entry(GroupRule("BlockQuota", "quota-users", shape).model().to_element())
    assert rule.source_users == ("quota-users",) and rule.sources == ("any",) and rule.services == ("any",)
    assert rule.log_setting == "siem" and rule.log_end is False and set(rule.tags) == {OWNER_TAG, "quota-siem"}


def test_group_tags_are_short_and_stable_whatever_the_name() -> None:
    for name in HOSTILE + ["cn=" + "x" * 1005]:
        tag = group_tag("quota", name, T)
        assert tag.startswith("quota.g.") and tag.endswith(".until.20261122103000") and len(tag) == 39
        assert tag == group_tag("quota", name, T) and all(c.isalnum() or c == "." for c in tag)
    assert group_tag("quota", "cn=a", T) != group_tag("quota", "cn=b", T)


def test_which_existing_rule_may_be_used() -> None:
    ours = GroupRule("BlockQuota", "quota-users").model().to_element()
    assert existing_rule_problem(None, "BlockQuota", "quota-users") is None
    assert existing_rule_problem(ours, "BlockQuota", "quota-users") is None
    admin = SecurityRule("Allow-Outbound").to_element()
    assert "not managed by tagwarden.panos" in (existing_rule_problem(admin, "Allow-Outbound", "quota-users") or "")
    dag_rule = SecurityRule("BlockQuotaDAG", sources=("quota",), action="deny", tags=(OWNER_TAG,)).to_element()
    assert "for something else" in (existing_rule_problem(dag_rule, "BlockQuotaDAG", "quota-users") or "")
    unowned = SecurityRule("BlockQuota", source_users=("quota-users",), action="deny").to_element()
    assert "not managed by tagwarden.panos" in (existing_rule_problem(unowned, "BlockQuota", "quota-users") or "")


# -- planning ------------------------------------------------------------------------------------

def test_plan_ips_registers_the_tag_for_the_block_and_its_bookkeeping_for_an_hour_more() -> None:
    now = datetime(2026, 11, 22, 10, 0, 0)
    todo = qb.plan_ips({}, "quota", {"10.0.0.5": datetime(2026, 11, 22, 10, 15)}, [], now)
    register, unregister = todo.add, todo.remove
    assert register == {"10.0.0.5": {"quota": 900, "quota.until.20261122101500": 4500, "quota.until": 4500}}
    assert unregister == {}


def test_plan_ips_is_idempotent_and_renews_a_different_end() -> None:
    now = datetime(2026, 11, 22, 10, 0, 0)
    held = {"10.0.0.5": {"quota", "quota.until.20261122101500", "quota.until"},
            "10.0.0.6": {"quota", "quota.until.20261122100500", "quota.until"}}
    block = {"10.0.0.5": datetime(2026, 11, 22, 10, 15), "10.0.0.6": datetime(2026, 11, 22, 10, 20)}
    todo = qb.plan_ips(held, "quota", block, [], now)
    register, unregister = todo.add, todo.remove
    assert register == {"10.0.0.6": {"quota": 1200, "quota.until.20261122102000": 4800, "quota.until": 4800}}
    assert unregister == {"10.0.0.6": ["quota", "quota.until", "quota.until.20261122100500"]}


def test_plan_ips_release_removes_tag_and_companions_only() -> None:
    held = {"10.0.0.7": {"quota", "quota.until.20261122101500", "quota.until", "other"},
            "10.0.0.9": {"quota.until.20261122101500", "quota.until"}}  # the block tag ended on the firewall
    unregister = qb.plan_ips(held, "quota", {}, ["10.0.0.7", "10.0.0.8", "10.0.0.9"], datetime(2026, 11, 22)).remove
    assert unregister == {"10.0.0.7": ["quota", "quota.until", "quota.until.20261122101500"],
                          "10.0.0.9": ["quota.until", "quota.until.20261122101500"]}


def test_timeout_bounds() -> None:
    now = datetime(2026, 11, 22, 10, 0, 0)
    assert qb.timeout_for(datetime(2026, 11, 22, 9, 0), now) == 1
    assert qb.timeout_for(datetime(2027, 11, 22), now) == 2592000


def test_ip_blocks_without_companion_are_not_ours() -> None:
    state = bs.ip_blocks({"10.0.0.9": {"quota"}, "10.0.0.2": {"quota", "quota.until.20261122101500"}, "10.0.0.3": {"x"}}, "quota")
    assert state == {"10.0.0.2": datetime(2026, 11, 22, 10, 15), "10.0.0.9": None}
    assert list(state) == ["10.0.0.2", "10.0.0.9"]


def test_plan_users_tags_members_with_the_latest_end_and_one_tag_per_group() -> None:
    now = datetime(2026, 11, 22, 10, 0)
    early, late = datetime(2026, 11, 22, 10, 15), datetime(2026, 11, 22, 10, 30)
    todo = qb.plan_users({}, "quota", {"g1": early, "g2": late}, {"g1": ["bob"], "g2": ["bob", "carol"]}, now)
    # the block tag for the block, the bookkeeping (until-tag, group tags) for an hour more
    assert todo.add == {"bob": {group_tag("quota", "g1", early): 4500, group_tag("quota", "g2", late): 5400,
                                "quota": 1800, "quota.until.20261122103000": 5400},
                        "carol": {group_tag("quota", "g2", late): 5400, "quota": 1800, "quota.until.20261122103000": 5400}}
    held = {user: set(tags) for user, tags in todo.add.items()}
    assert not qb.plan_users(held, "quota", {"g1": early, "g2": late}, {"g1": ["bob"], "g2": ["bob", "carol"]}, now).changed
    assert bs.group_blocks(held, "quota", ["g1", "g2"]) == {"g1": early, "g2": late}
    assert list(bs.group_blocks(held, "quota", ["g2"])) == ["g2"]  # g1 unknown: left out (it will be released)


def test_plan_users_releases_ours_only() -> None:
    held = {"bob": {"quota", "quota.until.20261122103000", group_tag("quota", "g1", T), "other"}, "eve": {"quota"}}
    todo = qb.plan_users(held, "quota", {}, {}, datetime(2026, 11, 22, 10, 0))
    assert todo.add == {} and todo.remove == {"bob": sorted(held["bob"] - {"other"})}


# -- apply against the fake firewall --------------------------------------------------------------

def test_apply_creates_the_dug_and_rule_once_then_is_idempotent() -> None:
    conn, firewall = connect()
    result = apply(conn, block_ips=[{"ip": "10.0.0.5", "until": "2026/11/22 10:15:00", "reason": "x"}],
                   groups={"g1": "2026/11/22 10:30:00"}, members={"g1": ["bob"]})
    assert firewall.written() == ["user-id", "set", "set", "set", "move", "commit", "user-id"]
    assert result["rule_change"] == "created" and result["committed"] and result["enforced"]
    assert result["registered"] == ["10.0.0.5"] and result["users_tagged"] == ["bob"] and result["groups_blocked"] == ["g1"]
    again = apply(conn, block_ips=[{"ip": "10.0.0.5", "until": "2026/11/22 10:15:00", "reason": "x"}],
                  groups={"g1": "2026/11/22 10:30:00"}, members={"g1": ["bob"]})
    assert not again["changed"] and len(firewall.written()) == 7  # the firewall holds it all: nothing sent


def test_apply_without_groups_leaves_the_rule_alone() -> None:
    conn, firewall = connect()
    result = apply(conn, block_ips=[{"ip": "10.0.0.5", "until": "2026/11/22 10:15:00"}])
    assert firewall.written() == ["user-id"] and result["rule_change"] is None and not result["committed"]


def test_a_rule_in_the_candidate_only_is_committed_and_not_in_force_before() -> None:
    rule = GroupRule("BlockQuota", "quota-users").model().to_element()
    conn, firewall = connect(rule=rule)  # a DUG-less candidate: the DUG is created, then both are committed
    result = apply(conn, groups={"g1": "2026/11/22 10:30:00"}, members={"g1": ["bob"]})
    assert "commit" in firewall.written() and result["committed"] and result["enforced"]
    conn, firewall = connect(rule=rule)
    result = apply(conn, groups={"g1": "2026/11/22 10:30:00"}, members={"g1": ["bob"]}, commit=False)
    assert not result["enforced"] and any("not in the running config" in w for w in result["warnings"])


def test_a_foreign_rule_name_is_refused_before_any_write() -> None:
    conn, firewall = connect(rule=SecurityRule("BlockQuota").to_element())
    with pytest.raises(ValidationError, match="rule_name: rule 'BlockQuota' exists and is not managed"):
        apply(conn, groups={})
    assert firewall.writes() == []


def test_check_mode_sends_nothing() -> None:
    conn, firewall = connect()
    result = apply(conn, block_ips=[{"ip": "10.0.0.5", "until": "2026/11/22 10:15:00"}], groups={"g": "2026/11/22 10:30:00"},
                   members={"g": ["bob"]}, check_mode=True)
    assert firewall.writes() == [] and result["changed"] and result["rule_change"] == "created"
    assert result["diff"]["after"]["ips"] == {"10.0.0.5": "2026/11/22 10:15:00"}
    assert list(result["diff"]["after"]["users"]) == ["bob"]


def test_commit_needs_an_admin_when_only_a_key_is_known() -> None:
    conn, firewall = connect()
    with pytest.raises(ValidationError, match="commit_admin"):
        apply(conn, groups={"g": "2026/11/22 10:30:00"}, commit_admin=None)
    assert firewall.writes() == []
    assert commit_admin_for(None, {"username": "auto", "password": "x"}) == "auto"
    assert commit_admin_for(None, {"username": "auto", "api_key": "k"}) is None
    assert commit_admin_for("ops", {"api_key": "k"}) == "ops"


def test_lapsed_blocks_are_the_bookkeeping_left_without_the_block_tag() -> None:
    early, late = datetime(2026, 11, 22, 10, 15), datetime(2026, 11, 22, 10, 30)
    g1, g2, g3 = (group_tag("quota", name, until) for name, until in (("g1", early), ("g2", late), ("g3", early)))
    state = bs.BlockState(
        now=datetime(2026, 11, 22, 10, 20),
        registrations={"10.0.0.5": {"quota.until.20261122101500", "quota.until"},  # ended on the firewall
                       "10.0.0.6": {"quota", "quota.until.20261122103000", "quota.until"},  # in force
                       "10.0.0.7": {"quota"}},  # not ours
        users={"bob": {g1, "quota.until.20261122101500"},  # g1 ended for its only member
               "carol": {"quota", g2, g3, "quota.until.20261122103000"},  # g2 in force, g3 ended (cycle's release)
               "erin": {g3}},
        rule=None, dug=None, running={"rule", "dug"})
    assert bs.lapsed(state, "quota", ["g1", "g2", "g3"]) == {"ips": {"10.0.0.5": early}, "groups": {"g1": early}}
    assert bs.lapsed(state, "quota", [])["groups"] == {group_marker("quota", "g1"): early}  # unknown: its marker
    assert bs.lapsed(state._replace(running={"dug"}), "quota", ["g1"])["groups"] == {}  # group blocks not in force
