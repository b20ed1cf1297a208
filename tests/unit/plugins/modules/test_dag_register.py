"""dag_register's main() in-process: argument spec, result, error mapping."""

from __future__ import annotations

from tests.module_runner import load
from tests.unit.firewall import PROVIDER, FakeFirewall, TagStore

dag_register = load("dag_register")


def test_registers_then_reports_unchanged(run_module) -> None:
    firewall = FakeFirewall(TagStore())
    failed, result = run_module(dag_register.main, {"provider": PROVIDER, "ips": ["10.0.0.1"], "tags": ["quota"],
                                                    "timeout": 60}, firewall, diff=True)
    assert not failed and result["changed"] and result["registered"] == ["10.0.0.1"]
    assert result["api_calls"] == 3 and result["diff"]["after"] == {"quota": ["10.0.0.1"]}
    failed, again = run_module(dag_register.main, {"provider": PROVIDER, "ips": ["10.0.0.1"], "tags": ["quota"],
                                                   "timeout": 60}, firewall)
    assert not failed and not again["changed"] and "diff" not in again
    assert PROVIDER["password"] not in str(result)


def test_bad_input_fails_before_any_request(run_module) -> None:
    firewall = FakeFirewall()
    failed, result = run_module(dag_register.main, {"provider": PROVIDER, "ips": ["10.0.0.0/8"], "tags": ["q"]}, firewall)
    assert failed and "CIDR network" in result["msg"] and result["api_calls"] == 0 and firewall.requests == []


def test_a_rejected_entry_fails_the_task_and_names_it(run_module) -> None:
    firewall = FakeFirewall(TagStore(reject={"10.0.0.2": "Invalid ip"}))
    failed, result = run_module(dag_register.main, {"provider": PROVIDER, "ips": ["10.0.0.1", "10.0.0.2"],
                                                    "tags": ["q"]}, firewall)
    assert failed and "10.0.0.2 (register): Invalid ip" in result["msg"] and result["registered"] == ["10.0.0.1"]


def test_argument_spec_refuses_unknown_state(run_module) -> None:
    failed, result = run_module(dag_register.main, {"provider": PROVIDER, "ips": [], "tags": ["q"], "state": "gone"})
    assert failed and "state" in result["msg"]


def test_exact_with_an_empty_list_needs_allow_empty(run_module) -> None:
    tags = TagStore({"10.0.0.9": {"feed"}})
    firewall = FakeFirewall(tags)
    args = {"provider": PROVIDER, "ips": [], "tags": ["feed"], "state": "exact"}
    failed, result = run_module(dag_register.main, args, firewall)
    assert failed and "allow_empty: true" in result["msg"] and firewall.requests == []
    failed, result = run_module(dag_register.main, dict(args, allow_empty=True), firewall)
    assert not failed and result["changed"] and result["unregistered"] == ["10.0.0.9"]
    assert tags.tags["10.0.0.9"] == set()
