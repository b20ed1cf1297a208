"""quota_block's main() in-process: writes, commit, and a failure after writing began."""

from __future__ import annotations

from tests.unit.fake_firewall import TagStore
from tests.unit.plugins.modules.firewall import PROVIDER, Firewall, load

quota_block = load("quota_block")
ARGS = {"provider": PROVIDER, "now": "2026/11/22 10:00:00", "block_ips": [{"ip": "10.0.0.5", "until": "2026/11/22 10:15:00"}],
        "groups": {"cn=sales": "2026/11/22 10:30:00"}}


def test_blocks_an_ip_and_a_group_with_one_commit(run_module) -> None:
    tags = TagStore()
    firewall = Firewall(tags)
    failed, result = run_module(quota_block.main, ARGS, firewall)
    assert not failed and result["changed"] and result["registered"] == ["10.0.0.5"]
    assert result["rule_change"] == "created" and result["committed"]
    assert tags.timeouts[("10.0.0.5", "quota")] == "900"
    assert [k for k in firewall.kinds() if k.startswith("config") or k == "commit"] == [
        "config get", "config set", "config move", "commit"]


def test_check_mode_writes_nothing(run_module) -> None:
    firewall = Firewall()
    failed, result = run_module(quota_block.main, ARGS, firewall, check=True)
    assert not failed and result["changed"] and not result["committed"]
    assert all(k not in ("user-id", "commit", "config set") for k in firewall.kinds())


def test_a_refused_rule_fails_with_what_was_done_before(run_module) -> None:
    refused = '<response status="error" code="12"><msg><line>rule -> source-user is invalid</line></msg></response>'
    firewall = Firewall(config={"set": refused})
    failed, result = run_module(quota_block.main, ARGS, firewall)
    assert failed and "code 12, invalid object" in result["msg"] and result["registered"] == ["10.0.0.5"]
    assert result["committed"] is False and result["api_calls"] == len(firewall.requests)


def test_a_keyword_group_is_refused_before_any_request(run_module) -> None:
    firewall = Firewall()
    failed, result = run_module(quota_block.main, dict(ARGS, groups={"any": "2026/11/22 10:30:00"}), firewall)
    assert failed and "PAN-OS keyword" in result["msg"] and firewall.requests == []
