"""security_rule_set's core against the PAN-OS emulator: new rules written in one ``set`` and placed
with the fewest moves (every rule that is not ours keeps its relative order); policy-match probes."""

from __future__ import annotations

from typing import Any, Dict, List, Sequence

import pytest
from lxml import etree
from panos_emulator import builders
from panos_emulator.client import EmulatorControl

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement
from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ruleset import COMMIT_DESCRIPTION, reconcile
from tests.integration import ansible_cli

OWNER = "tagwarden-aws"
HOSTILE_ANCHOR = "deny' or @name!='all"


class Recording(FirewallConnection):
    """The client, noting the action of every config request."""

    def __init__(self, provider: Dict[str, Any]) -> None:
        super().__init__(provider)
        self.actions: List[str] = []

    def config(self, action: str, xpath: str, element: Any = None, **extra: Any) -> Any:
        self.actions.append(action)
        return super().config(action, xpath, element, **extra)


def load(emu: EmulatorControl, names: Sequence[str], anchor: str = "deny-all", owned: Sequence[str] = ()) -> None:
    rules = [builders.rule(n, "deny" if n == anchor else "allow", **{"from": ["any"], "to": ["any"]}) for n in names]
    for rule in rules:
        if rule.get("name") in owned:
            rule.append(builders.members("tag", [OWNER]))
    tag = etree.Element("entry", name=OWNER)
    emu.set_config(etree.tostring(builders.config(rules=tuple(rules), tag=[tag])).decode())


def running(emu: EmulatorControl) -> List[str]:
    tree = etree.fromstring(emu.config()["running"].encode())
    return [e.get("name") for e in tree.iterfind(".//rulebase/security/rules/entry")]


def wanted(count: int, prefix: str = "i-1-") -> List[Dict[str, Any]]:
    return [{"name": "%s%03d" % (prefix, n), "sources": ["203.0.113.%d" % n], "destinations": ["10.0.1.5"]}
            for n in range(count)]


def run(provider: Dict[str, Any], rules: List[Dict[str, Any]], anchor: str = "deny-all",
        **options: Any) -> tuple[Dict[str, Any], Recording]:
    conn = Recording(provider)
    options.setdefault("match", False)
    changes = ChangeSet(conn, admin="admin", check_mode=options.pop("check_mode", False),
                        description=COMMIT_DESCRIPTION)
    result = reconcile(changes, rules, owner=OWNER, placement=Placement("above", anchor), **options)
    return result, conn


@pytest.mark.parametrize("count", [3, 30])
def test_new_rules_go_out_in_one_set_and_the_anchor_block_moves_to_the_bottom(
        emu: EmulatorControl, provider: Dict[str, Any], count: int) -> None:
    load(emu, ["admin-top", "deny-all", "after-1", "after-2"])
    result, conn = run(provider, wanted(count))
    names = [r["name"] for r in wanted(count)]
    assert running(emu) == ["admin-top"] + names + ["deny-all", "after-1", "after-2"]
    assert conn.actions.count("set") == 1  # every new rule (the owner tag is there already)
    assert conn.actions.count("move") == min(count, 3)  # per rule, or the anchor and the 2 rules after it
    assert len(result["created"]) == count and result["moved"] == [] and result["committed"]
    steady, conn = run(provider, wanted(count))
    assert not steady["changed"] and conn.actions == ["get", "get"]  # rulebase, services (the tag only for a write)


def test_per_rule_moves_when_they_are_fewer_and_the_order_of_other_rules_stays(
        emu: EmulatorControl, provider: Dict[str, Any]) -> None:
    after = ["after-%d" % n for n in range(5)]
    load(emu, ["admin-top", "i-1-000", "deny-all"] + after, owned=["i-1-000"])
    _result, conn = run(provider, wanted(3))
    assert running(emu) == ["admin-top", "i-1-000", "i-1-001", "i-1-002", "deny-all"] + after
    assert conn.actions.count("set") == 1 and conn.actions.count("move") == 2  # 2 < 1 + 5


def test_an_owned_rule_below_the_anchor_moves_up_and_the_rest_keep_their_order(
        emu: EmulatorControl, provider: Dict[str, Any]) -> None:
    load(emu, ["admin-top", "deny-all", "after-1", "i-2-old", "after-2"], owned=["i-2-old"])
    result, conn = run(provider, wanted(10) + [{"name": "i-2-old"}])
    names = [r["name"] for r in wanted(10)]
    assert running(emu) == ["admin-top"] + names + ["i-2-old", "deny-all", "after-1", "after-2"]
    assert result["moved"] == ["rule i-2-old"] and conn.actions.count("move") == 1 + 3  # i-2-old, then the block


def test_a_hostile_anchor_name_stays_literal(emu: EmulatorControl, provider: Dict[str, Any]) -> None:
    load(emu, ["admin-top", HOSTILE_ANCHOR, "after-1"], anchor=HOSTILE_ANCHOR)
    _result, conn = run(provider, wanted(6), anchor=HOSTILE_ANCHOR)
    assert running(emu) == ["admin-top"] + [r["name"] for r in wanted(6)] + [HOSTILE_ANCHOR, "after-1"]
    assert conn.actions.count("move") == 2
    both = "deny 'x' \"y\""  # no xpath literal holds both quotes: per-rule moves name it as dst only
    load(emu, ["admin-top", both, "after-1"], anchor=both)
    _result, conn = run(provider, wanted(4), anchor=both)
    assert running(emu) == ["admin-top"] + [r["name"] for r in wanted(4)] + [both, "after-1"]
    assert conn.actions.count("move") == 4


def test_check_mode_and_a_missing_anchor(emu: EmulatorControl, provider: Dict[str, Any]) -> None:
    load(emu, ["admin-top", "deny-all"])
    planned, conn = run(provider, wanted(5), check_mode=True)
    assert planned["changed"] and set(conn.actions) == {"get"}
    assert [label for label in planned["diff"]["after"] if label.startswith("rule i-")] == [
        "rule %s" % r["name"] for r in wanted(5)]
    assert running(emu) == ["admin-top", "deny-all"]
    _result, conn = run(provider, wanted(5), anchor="no-such-rule")  # bottom: where the set put them
    assert running(emu) == ["admin-top", "deny-all"] + [r["name"] for r in wanted(5)]
    assert conn.actions.count("move") == 0


def test_every_pair_is_probed_and_a_rule_allowed_by_admin_rules_is_not_added(
        emu: EmulatorControl, provider: Dict[str, Any]) -> None:
    rules = [builders.rule("admin-%d" % n, **{"from": ["any"], "to": ["any"], "source": [net]})
             for n, net in enumerate(("198.51.100.0/24", "203.0.113.0/24"))]
    rules.append(builders.rule("deny-all", "deny", **{"from": ["any"], "to": ["any"]}))
    emu.set_config(etree.tostring(builders.config(rules=tuple(rules))).decode())
    covered = {"name": "i-1-both", "sources": ["198.51.100.0/25", "203.0.113.7"], "destinations": ["10.0.1.5", "10.0.1.6"]}
    emu.reset_counters()
    result, conn = run(provider, [covered], match=True)
    assert emu.counters()["op"] == 4  # one probe per (source, destination) pair
    assert result["policy_matches"] == 4 and not result["changed"]
    assert result["not_added"] == [{"rule": "i-1-both", "reason": "the traffic is allowed already",
                                    "allowed_by": "admin-0, admin-1"}]
    uncovered = dict(covered, name="i-1-more", sources=covered["sources"] + ["192.0.2.0/24"])
    result, conn = run(provider, [uncovered], match=True)
    # 192.0.2.0/24 lies in no allow rule that is not ours: no probe could leave the rule out, none is sent
    assert result["created"][-1] == "rule i-1-more" and result["policy_matches"] == 0 and result["not_added"] == []
    assert running(emu) == ["admin-0", "admin-1", "i-1-more", "deny-all"]


def test_a_run_that_adds_one_rule_and_leaves_one_out_is_changed_not_skipped(
        emu: EmulatorControl, provider: Dict[str, Any]) -> None:
    """Ansible reads a non-empty ``skipped`` as "task skipped" (recap changed=0, no diff, no handlers)."""
    rules = (builders.rule("admin-web", **{"from": ["any"], "to": ["any"], "source": ["198.51.100.0/24"]}),
             builders.rule("deny-all", "deny", **{"from": ["any"], "to": ["any"]}))
    emu.set_config(etree.tostring(builders.config(rules=rules)).decode())
    args = {"owner_tag": OWNER, "location": "above", "existing_rule": "deny-all", "commit_admin": "admin",
            "rules": [{"name": "i-1-allowed", "sources": ["198.51.100.7"], "destinations": ["10.0.1.5"]},
                      {"name": "i-1-new", "sources": ["203.0.113.7"], "destinations": ["10.0.1.5"]}]}
    result, output = ansible_cli.adhoc("security_rule_set", args, "--diff", env=ansible_cli.panos_env(provider))
    assert "localhost | CHANGED" in output and result["changed"] and result["committed"], output
    assert [n["rule"] for n in result["not_added"]] == ["i-1-allowed"] and "skipped" not in result
    assert running(emu) == ["admin-web", "i-1-new", "deny-all"]
    # steady, through Ansible: key, show system info (the Panorama guard), rulebase, services, and one
    # probe for the one pair of the rule an administrator's rule allows (asked again: it may have changed)
    emu.reset_counters()
    steady, output = ansible_cli.adhoc("security_rule_set", args, env=ansible_cli.panos_env(provider))
    assert "localhost | SUCCESS" in output and not steady["changed"] and steady["policy_matches"] == 1, output
    assert steady["api_calls"] == 5 == emu.counters()["total"]


def test_a_deny_of_one_url_category_or_application_shadows_nothing_and_a_real_shadow_is_worded_by_mode(
        emu: EmulatorControl, provider: Dict[str, Any]) -> None:
    anywhere = {"from": ["any"], "to": ["any"], "service": ["any"]}
    feed = builders.rule("BlockThreatFeed-url", "deny", **anywhere, category=["threat-feed-urls"])
    ssh = builders.rule("block-ssh", "deny", **anywhere, application=["ssh"])
    emu.set_config(etree.tostring(builders.config(rules=(feed, ssh, builders.rule("deny-all", "deny", **anywhere)))).decode())
    new = {"name": "i-1-tcp-8443", "sources": ["203.0.113.7"], "destinations": ["10.0.1.5"]}
    result, _conn = run(provider, [new], match=True)
    assert result["created"][-1] == "rule i-1-tcp-8443" and result["shadowed"] == [] and result["warnings"] == []
    assert running(emu) == ["BlockThreatFeed-url", "block-ssh", "i-1-tcp-8443", "deny-all"]

    block = builders.rule("block-net", "deny", **dict(anywhere, destination=["10.0.1.0/24"]))
    emu.set_config(etree.tostring(builders.config(rules=(block, builders.rule("deny-all", "deny", **anywhere)))).decode())
    planned, _conn = run(provider, [new], match=True, check_mode=True)
    assert planned["shadowed"] == [{"rule": "i-1-tcp-8443", "denied_by": "block-net"}]
    assert planned["warnings"] == ["rule i-1-tcp-8443 would be shadowed by deny rule block-net above it, "
                                   "which matches all of its traffic"]
    done, _conn = run(provider, [new], match=True)
    assert done["warnings"] == ["rule i-1-tcp-8443 is shadowed by deny rule block-net above it, which matches all of its traffic"]
