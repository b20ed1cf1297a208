"""quota_block_facts's main() in-process."""

from __future__ import annotations

from tests.unit.fake_firewall import TagStore
from tests.unit.plugins.modules.firewall import PROVIDER, Firewall, load

quota_block_facts = load("quota_block_facts")


def test_reads_ip_blocks_with_their_end_and_leaves_foreign_ones_unowned(run_module) -> None:
    tags = TagStore({"10.0.0.5": {"quota", "quota.until.20261122101500"}, "10.0.0.6": {"quota"}})
    firewall = Firewall(tags)
    failed, result = run_module(quota_block_facts.main, {"provider": PROVIDER}, firewall)
    assert not failed and result["firewall_time"] == "2026/11/22 10:00:00"
    assert result["blocked"] == {"ips": {"10.0.0.5": "2026/11/22 10:15:00", "10.0.0.6": None}, "groups": {}}
    assert sorted(firewall.kinds()) == ["config get", "keygen", "op", "op"]
