"""quota_evaluate's main() in-process (it needs no firewall)."""

from __future__ import annotations

from ansible.module_utils.common.parameters import PASS_VARS

from tests.module_runner import load

quota_evaluate = load("quota_evaluate")
# ansible-core 2.21 and newer return the invocation only when the controller asks for it
# (ANSIBLE_INJECT_INVOCATION, sent to the module as _ansible_inject_invocation); older ones always do.
ASK_FOR_INVOCATION = {"_ansible_inject_invocation": True} if "inject_invocation" in PASS_VARS else {}


def test_decides_blocks_from_the_rows(run_module) -> None:
    failed, result = run_module(quota_evaluate.main, {
        "rows": [{"ip": "10.0.0.5", "user": None, "bytes": 30000000}], "quotas": {"ip": "20MB"},
        "now": "2026/11/22 10:00:00", **ASK_FOR_INVOCATION})
    assert not failed and not result["changed"]
    assert [entry["ip"] for entry in result["block_ips"]] == ["10.0.0.5"]
    assert result["invocation"]["module_args"]["rows"] == "1 rows"


def test_bad_rows_name_the_row(run_module) -> None:
    failed, result = run_module(quota_evaluate.main, {"rows": [{"ip": "10.0.0.0/8", "bytes": 1}], "now": "2026/11/22 10:00:00"})
    assert failed and "rows[0]" in result["msg"]


def test_check_mode_decides_the_same(run_module) -> None:
    failed, result = run_module(quota_evaluate.main, {
        "now": "2026/11/22 10:00:00", "quotas": {"ip": "1kB"}, "rows": [{"ip": "10.0.0.5", "bytes": 1001}]}, check=True)
    assert not failed and [entry["ip"] for entry in result["block_ips"]] == ["10.0.0.5"]


def test_every_bad_option_in_one_message(run_module) -> None:
    failed, result = run_module(quota_evaluate.main, {
        "now": "2026/11/22 10:00:00", "quotas": {"ip": "20 MBs", "scope": 1}, "rows": [{"ip": "10.0.0.0/8", "bytes": 1}]})
    assert failed
    assert "quotas has unknown key 'scope'" in result["msg"] and "'20 MBs' is not a size" in result["msg"]
    assert "rows[0]" in result["msg"]
