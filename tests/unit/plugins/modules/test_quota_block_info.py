"""quota_block_info's main() in-process."""

from __future__ import annotations

from tests.module_runner import load
from tests.unit.firewall import PROVIDER, FakeFirewall, TagStore

quota_block_info = load("quota_block_info")


def test_reads_ip_blocks_with_their_end_and_leaves_foreign_ones_unowned(run_module) -> None:
    tags = TagStore({"10.0.0.5": {"quota", "quota.until.20261122101500"}, "10.0.0.6": {"quota"}})
    firewall = FakeFirewall(tags)
    failed, result = run_module(quota_block_info.main, {"provider": PROVIDER}, firewall)
    assert not failed and result["firewall_time"] == "2026/11/22 10:00:00"
    assert result["blocked"] == {"ips": {"10.0.0.5": "2026/11/22 10:15:00", "10.0.0.6": None}, "groups": {}}
    # the clock, the IP tags (quota and quota.until) and the user tags; the rule and the DUG, candidate and running
    assert sorted(firewall.kinds()) == ["config get", "config get", "config show", "keygen", "op", "op", "op", "op"]


def test_group_blocks_count_only_while_the_running_config_enforces_them(run_module) -> None:
    tags = TagStore(users={"acme\\bob": {"quota", "quota.until.20261122103000", "quota.g.1244959cf3.until.20261122103000"}})
    failed, result = run_module(quota_block_info.main, {"provider": PROVIDER}, FakeFirewall(tags))
    assert not failed and result["blocked"]["groups"] == {} and result["groups_enforced"] is False
