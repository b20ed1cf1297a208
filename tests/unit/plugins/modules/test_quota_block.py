"""quota_block's main() in-process: writes, commit, and a failure after writing began."""

from __future__ import annotations

from tests.module_runner import load
from tests.unit.firewall import PROVIDER, FakeFirewall, TagStore

quota_block = load("quota_block")
ARGS = {"provider": PROVIDER, "now": "2026/11/22 10:00:00", "block_ips": [{"ip": "10.0.0.5", "until": "2026/11/22 10:15:00"}],
        "groups": {"cn=sales": "2026/11/22 10:30:00"}, "group_members": {"cn=sales": ["acme\\bob"]}}


def test_blocks_an_ip_and_a_group_with_one_commit(run_module) -> None:
    tags = TagStore()
    firewall = FakeFirewall(tags)
    failed, result = run_module(quota_block.main, ARGS, firewall)
    assert not failed and result["changed"] and result["registered"] == ["10.0.0.5"]
    assert result["rule_change"] == "created" and result["committed"]
    assert tags.timeouts[("10.0.0.5", "quota")] == "900"
    assert tags.users == {"acme\\bob": {"quota", "quota.until.20261122103000", "quota.g.1244959cf3.until.20261122103000"}}
    assert tags.timeouts[("acme\\bob", "quota")] == "1800"
    # the rule and the DUG (candidate, then running), the owner tag; the three written; the rule moved; one commit
    assert [k for k in firewall.kinds() if k.startswith("config") or k == "commit"] == [
        "config get", "config get", "config show", "config get", "config set", "config set", "config set",
        "config move", "commit"]


def test_check_mode_writes_nothing(run_module) -> None:
    firewall = FakeFirewall()
    failed, result = run_module(quota_block.main, ARGS, firewall, check=True)
    assert not failed and result["changed"] and not result["committed"]
    assert all(k not in ("user-id", "commit", "config set") for k in firewall.kinds())


def test_a_refused_rule_fails_after_the_address_blocks_and_before_any_group_block(run_module) -> None:
    refused = '<response status="error" code="12"><msg><line>rule -> source-user is invalid</line></msg></response>'
    tags = TagStore()
    firewall = FakeFirewall(tags, config={"set": refused})
    failed, result = run_module(quota_block.main, ARGS, firewall)
    assert failed and "code 12, invalid object" in result["msg"] and result["registered"] == ["10.0.0.5"]
    assert tags.users == {} and result["users_tagged"] == []
    assert result["committed"] is False and result["api_calls"] == len(firewall.requests)


def test_a_keyword_group_is_refused_on_its_own(run_module) -> None:
    tags = TagStore()
    firewall = FakeFirewall(tags)
    args = dict(ARGS, groups={"Known-User": "2026/11/22 10:30:00", "cn=sales": "2026/11/22 10:30:00"})
    failed, result = run_module(quota_block.main, args, firewall)
    assert not failed and [r["group"] for r in result["groups_refused"]] == ["Known-User"]
    assert result["groups_blocked"] == ["cn=sales"] and "keyword" in result["groups_refused"][0]["reason"]
    assert result["registered"] == ["10.0.0.5"] and result["users_tagged"] == ["acme\\bob"]


def test_bad_names_are_refused_by_option_before_any_request(run_module) -> None:
    for option, value in (("rule_name", ""), ("rule_name", "x" * 64), ("rule_name", "Block/Quota"),
                          ("rule_name", "a'b\"c"), ("dug_name", "quota users!")):
        firewall = FakeFirewall()
        failed, result = run_module(quota_block.main, dict(ARGS, **{option: value}), firewall)
        assert failed and result["msg"].count(option + ":") >= 1 and firewall.requests == [], (option, value, result)


def test_the_rule_zones_take_the_names_of_paloaltonetworks_panos(run_module) -> None:
    firewall = FakeFirewall(TagStore())
    failed, result = run_module(quota_block.main, dict(ARGS, source_zone=["trust"], destination_zone=["untrust"]),
                                firewall, diff=True)
    assert not failed, result
    rule = result["diff"]["after"]["config"]["rule BlockQuota"]
    assert rule["from"] == ["trust"] and rule["to"] == ["untrust"]
