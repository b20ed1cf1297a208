"""security_rule_set's main() in-process."""

from __future__ import annotations

import yaml

from tests.module_runner import load
from tests.unit.firewall import PROVIDER, FakeFirewall

security_rule_set = load("security_rule_set")

RULEBASE = ('<response status="success"><result><rules>'
            '<entry name="admin-web"><action>allow</action><application><member>web-browsing</member></application></entry>'
            '<entry name="i-1-admin"><action>allow</action></entry>'
            '<entry name="deny-all"><action>deny</action></entry></rules></result></response>')
NO_MATCH = '<response status="success"><result><rules/></result></response>'
RULE = {"name": "i-1-tcp-8443", "sources": ["203.0.113.0/24"], "destinations": ["10.0.1.5"], "services": ["tcp-8443"]}
ARGS = {"provider": PROVIDER, "owner_tag": "tagwarden-aws", "scope": ["i-1-"], "location": "above",
        "existing_rule": "deny-all", "rules": [RULE], "services": [{"name": "tcp-8443", "protocol": "tcp", "port": "8443"}]}


def test_creates_the_rule_above_the_bottom_rule_with_one_rulebase_read_and_one_commit(run_module) -> None:
    firewall = FakeFirewall(config={"get": RULEBASE}, op={"test security-policy-match": NO_MATCH})
    failed, result = run_module(security_rule_set.main, ARGS, firewall, diff=True)
    assert not failed and result["committed"] and result["policy_matches"] == 0  # no rule of theirs could allow it
    assert result["created"] == ["tag tagwarden-aws", "service tcp-8443", "rule i-1-tcp-8443"]
    assert result["deleted"] == [] and result["diff"]["after"]["rule i-1-tcp-8443"]["tag"] == ["tagwarden-aws"]
    kinds = firewall.kinds()
    assert kinds.count("config get") == 3  # the rulebase, the services, the owner tag
    assert kinds.count("config set") == 3 and kinds.count("config move") == 1 and kinds.count("commit") == 1
    move = [r for r in firewall.requests if r.get("action") == "move"][0]
    assert move["where"] == "before" and move["dst"] == "deny-all"
    # what it returns is what RETURN documents, besides Ansible's own keys
    assert set(result) - {"changed", "diff", "invocation"} == set(yaml.safe_load(security_rule_set.RETURN))


def test_check_mode_plans_and_writes_nothing(run_module) -> None:
    firewall = FakeFirewall(config={"get": RULEBASE}, op={"test security-policy-match": NO_MATCH})
    failed, result = run_module(security_rule_set.main, ARGS, firewall, check=True)
    assert not failed and result["changed"] and result["created"][-1] == "rule i-1-tcp-8443"
    assert [k for k in firewall.kinds() if k not in ("keygen", "config get", "op")] == []


def test_a_desired_name_held_by_an_admin_rule_is_refused_before_any_write(run_module) -> None:
    firewall = FakeFirewall(config={"get": RULEBASE})
    failed, result = run_module(security_rule_set.main, dict(ARGS, rules=[dict(RULE, name="i-1-admin")]), firewall)
    assert failed and "i-1-admin" in result["msg"] and "without the owner tag" in result["msg"]
    assert [k for k in firewall.kinds() if k not in ("keygen", "config get")] == []


def test_bad_input_is_refused_before_any_request(run_module) -> None:
    firewall = FakeFirewall()
    failed, result = run_module(security_rule_set.main, dict(ARGS, rules=[dict(RULE, name="i-2-x")], match_limit=-1), firewall)
    assert failed and "match_limit" in result["msg"] and firewall.requests == []
    failed, result = run_module(security_rule_set.main, dict(ARGS, rules=[dict(RULE, name="i-2-x")]), firewall)
    assert failed and "outside scope" in result["msg"] and firewall.requests == []


def test_a_rule_worth_a_check_past_match_limit_is_named_in_check_mode_words(run_module, monkeypatch) -> None:
    from ansible.module_utils.basic import AnsibleModule
    warned = []
    monkeypatch.setattr(AnsibleModule, "warn", lambda self, text: warned.append(text))
    firewall = FakeFirewall(config={"get": RULEBASE}, op={"test security-policy-match": NO_MATCH})
    rule = {k: v for k, v in RULE.items() if k != "services"}  # application-default, as i-1-admin allows it
    failed, result = run_module(security_rule_set.main, dict(ARGS, rules=[rule], match_limit=0), firewall, check=True)
    assert not failed and result["policy_matches"] == 0 and "op" not in firewall.kinds()
    assert result["partial_checks"] == [{"rule": "i-1-tcp-8443", "probed": 0, "pairs": 1}]
    assert warned == ["rule i-1-tcp-8443: policy match probed 0 of its 1 (source, destination) pairs (at most 8 a rule, "
                      "match_limit 0 a run), so it would be added even if rules that are not ours allow it"]
