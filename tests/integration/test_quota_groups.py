"""Group blocks as user tags on the members, matched by a dynamic user group in the permanent
deny rule, against the emulator, in-process (quota_block's apply() over a real connection):
blocked users' traffic is denied, and after the timeout it flows again with no cycle running."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Any

import pan.xapi
import pytest
from lxml import etree

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ApplyFailed, ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._quota import _blocks as qb
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._blockstate import block_info
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import GroupRule
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ownership import OWNER_TAG
from panos_emulator.builders import config, dag, members, report, rule
from panos_emulator.client import EmulatorControl

FMT = "%Y/%m/%d %H:%M:%S"
SALES = "cn=sales,dc=acme,dc=local"
ENG = "cn=eng,dc=acme,dc=local"
BOB, CAROL, DAVE = "10.1.2.21", "10.1.2.22", "10.1.3.31"
USERS = {BOB: "acme\\bob", CAROL: "acme\\carol", DAVE: "acme\\dave"}


def later(emu: EmulatorControl, seconds: int) -> str:
    return (datetime.strptime(emu.now()["local"], FMT) + timedelta(seconds=seconds)).strftime(FMT)


def policy_match(xapi: pan.xapi.PanXapi, source: str, user: str | None = None) -> list[str]:
    query = etree.Element("security-policy-match")
    for tag, text in (("from", "trust"), ("to", "untrust"), ("source", source), ("source-user", user),
                      ("destination", "203.0.113.10"), ("protocol", "6"), ("destination-port", "443")):
        if text is not None:
            etree.SubElement(query, tag).text = text
    xapi.op(cmd="<test>%s</test>" % etree.tostring(query).decode())
    return [e.get("name") for e in xapi.element_root.findall("./result/rules/entry")]


def running_rules(emu: EmulatorControl) -> dict[str, ET.Element]:
    running = ET.fromstring(emu.config()["running"])
    return {e.get("name") or "": e for e in running.findall(".//rulebase/security/rules/entry")}


def user_tags(xapi: pan.xapi.PanXapi) -> dict[str, set[str]]:
    """The tags of every user holding the quota tag (the members of the DUG), read with pan-python
    (independently of our code); a block's bookkeeping outlives it on users without the tag."""
    xapi.op(cmd="<show><object><registered-user><all/></registered-user></object></show>")
    found = {e.get("user"): {m.text for m in e.findall("./tag/member")} for e in xapi.element_root.findall("./result/entry")}
    return {user: tags for user, tags in found.items() if "quota" in tags}


def writes(emu: EmulatorControl) -> dict[str, int]:
    counts = emu.counters()
    return {k: counts[k] for k in ("user-id", "commit") if counts[k]}


@pytest.fixture
def firewall(emu: EmulatorControl) -> EmulatorControl:
    """A firewall as 0.1.0's bootstrap left it (address deny rule, allow rule), users and groups."""
    rules = (rule("BlockQuotaDAG", action="deny", source=["quota"]), rule("Allow-Outbound", application=["any"], service=["any"]))
    emu.set_config(etree.tostring(config(rules=rules, reports=(report(),), address_group=[dag("quota", "'quota'")])).decode())
    emu.set_groups({SALES: ["acme\\bob", "acme\\carol"], ENG: ["acme\\dave"]})
    emu.add_mappings([{"ip": ip, "user": user} for ip, user in USERS.items()])
    return emu


def connect(provider: dict[str, Any]) -> FirewallConnection:
    return FirewallConnection(provider)


def apply(provider: dict[str, Any], emu: EmulatorControl, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("now", emu.now()["local"])
    kwargs.setdefault("commit_admin", provider["username"])
    changes = ChangeSet(connect(provider), commit=kwargs.get("commit", True), admin=kwargs["commit_admin"],
                        description=qb.COMMIT_DESCRIPTION)
    return qb.apply(changes, qb.BlockRequest.from_options(kwargs), GroupRule.from_options(kwargs))


def denied_sessions(emu: EmulatorControl, xapi: pan.xapi.PanXapi, source: str) -> tuple[int, int]:
    """(denied, allowed) sessions of ``source`` logged so far, after two more simulated minutes."""
    emu.simulate([{"src": source, "dst": "203.0.113.10", "bytes_per_minute": 1000}])
    emu.advance(120)
    emu.simulate([])
    xapi.log(log_type="traffic", nlogs=100, filter="(addr.src in %s)" % source)
    actions = [e.findtext("action") for e in xapi.element_root.iter("entry") if e.findtext("action")]
    return actions.count("deny"), actions.count("allow")


# -- 1.1 group blocks end on the firewall by themselves ---------------------------------------------

def test_group_block_denies_members_then_ends_without_any_cycle(
        firewall: EmulatorControl, provider: dict[str, Any], xapi: pan.xapi.PanXapi) -> None:
    until = later(firewall, 900)
    firewall.reset_counters()
    result = apply(provider, firewall, groups={SALES: until})
    assert result["groups_blocked"] == [SALES] and result["users_tagged"] == ["acme\\bob", "acme\\carol"], result
    assert result["rule_change"] == "created" and result["committed"] and result["enforced"]
    assert writes(firewall) == {"user-id": 1, "commit": 1}  # one batched message; the DUG and rule, committed once
    rule_entry = running_rules(firewall)["BlockQuota"]
    assert [m.text for m in rule_entry.findall("source-user/member")] == ["quota-users"]
    assert [m.text for m in rule_entry.findall("tag/member")] == [OWNER_TAG]
    assert policy_match(xapi, BOB, "acme\\bob") == ["BlockQuota"]
    assert policy_match(xapi, DAVE, "acme\\dave") == ["Allow-Outbound"]
    assert denied_sessions(firewall, xapi, BOB) == (2, 0)  # the traffic simulation, from the IP-user mapping

    # steady: nothing written, and no more calls than the reads
    firewall.reset_counters()
    again = apply(provider, firewall, groups={SALES: until})
    assert again["changed"] is False and writes(firewall) == {} and again["api_calls"] == firewall.counters()["total"]
    assert again["api_calls"] == 8  # key, group members, rule + DUG (candidate), running, IP tags (2 reads), user tags
    assert block_info(connect(provider))["blocked"]["groups"] == {SALES: until}

    firewall.advance(900 - 120)  # the controller is gone: no cycle runs any more
    assert user_tags(xapi) == {}
    assert policy_match(xapi, BOB, "acme\\bob") == ["Allow-Outbound"]
    assert denied_sessions(firewall, xapi, BOB) == (2, 2)  # the two new sessions allowed
    assert block_info(connect(provider))["blocked"]["groups"] == {}


def test_an_empty_dynamic_user_group_matches_no_one(
        firewall: EmulatorControl, provider: dict[str, Any], xapi: pan.xapi.PanXapi) -> None:
    apply(provider, firewall, groups={SALES: later(firewall, 60)})
    firewall.advance(61)
    assert user_tags(xapi) == {} and "BlockQuota" in running_rules(firewall)
    for source, user in ((BOB, "acme\\bob"), (DAVE, "acme\\dave"), ("10.9.9.9", None), ("10.9.9.9", "acme\\nobody")):
        assert policy_match(xapi, source, user) == ["Allow-Outbound"], (source, user)


def test_early_release_unregisters_and_needs_no_commit(
        firewall: EmulatorControl, provider: dict[str, Any], xapi: pan.xapi.PanXapi) -> None:
    until = later(firewall, 900)
    apply(provider, firewall, groups={SALES: until, ENG: until})
    firewall.reset_counters()
    released = apply(provider, firewall, groups={ENG: until})
    assert released["groups_released"] == [SALES] and released["users_untagged"] == ["acme\\bob", "acme\\carol"]
    assert writes(firewall) == {"user-id": 1} and not released["committed"]
    assert set(user_tags(xapi)) == {"acme\\dave"}
    assert policy_match(xapi, BOB, "acme\\bob") == ["Allow-Outbound"]
    assert policy_match(xapi, DAVE, "acme\\dave") == ["BlockQuota"]
    everything = apply(provider, firewall, groups={})
    assert everything["groups_released"] == [ENG] and user_tags(xapi) == {}
    assert "BlockQuota" in running_rules(firewall)  # permanent: an empty DUG matches no one


def test_a_user_in_two_blocked_groups_stays_blocked_until_the_later_end(
        firewall: EmulatorControl, provider: dict[str, Any], xapi: pan.xapi.PanXapi) -> None:
    firewall.set_groups({SALES: ["acme\\bob"], ENG: ["acme\\bob", "acme\\dave"]})
    apply(provider, firewall, groups={SALES: later(firewall, 300), ENG: later(firewall, 600)})
    firewall.advance(301)
    assert policy_match(xapi, BOB, "acme\\bob") == ["BlockQuota"]
    assert set(block_info(connect(provider))["blocked"]["groups"]) == {ENG}
    firewall.advance(300)
    assert policy_match(xapi, BOB, "acme\\bob") == ["Allow-Outbound"]


# -- 1.3 one group that cannot be blocked never stops the others ----------------------------------

def test_fourteen_groups_at_once_and_unblockable_groups_reported_on_their_own(
        firewall: EmulatorControl, provider: dict[str, Any], xapi: pan.xapi.PanXapi) -> None:
    long_dn = "cn=" + "x" * 1005  # 1,008 characters: only its hash reaches the firewall
    groups = {"cn=team%02d,ou=groups,dc=acme,dc=local" % n: ["acme\\user%02d" % n] for n in range(14)}
    groups[long_dn] = ["acme\\long"]
    groups["cn=empty,dc=acme,dc=local"] = []
    firewall.set_groups(groups)
    until = later(firewall, 900)
    wanted = dict.fromkeys(groups, until)
    wanted.update({"any": until, "Known-User": until})
    firewall.reset_counters()
    result = apply(provider, firewall, groups=wanted, block_ips=[{"ip": "10.0.0.5", "until": until}])
    assert sorted(r["group"] for r in result["groups_refused"]) == ["Known-User", "any", "cn=empty,dc=acme,dc=local"]
    assert any("Known-User" in w and "keyword" in w for w in result["warnings"])
    assert len(result["groups_blocked"]) == 15 and long_dn in result["groups_blocked"]
    assert result["registered"] == ["10.0.0.5"] and len(result["users_tagged"]) == 15
    assert writes(firewall) == {"user-id": 2, "commit": 1}  # one message for the addresses, one for the users
    assert policy_match(xapi, "10.2.0.1", "acme\\user13") == ["BlockQuota"]
    assert policy_match(xapi, "10.2.0.1", "acme\\long") == ["BlockQuota"]
    assert "any" not in [m.text for m in running_rules(firewall)["BlockQuota"].findall("source-user/member")]


# -- 1.2 a rule name held by a rule that is not ours ---------------------------------------------------

@pytest.mark.parametrize("name", ["BlockQuotaDAG", "Allow-Outbound"])
def test_a_rule_name_held_by_another_rule_is_refused_before_any_write(
        firewall: EmulatorControl, provider: dict[str, Any], name: str) -> None:
    before = firewall.config()
    firewall.reset_counters()
    with pytest.raises(ValidationError, match="rule_name: rule %r exists and is not managed" % name):
        apply(provider, firewall, rule_name=name, groups={SALES: later(firewall, 900)})
    with pytest.raises(ValidationError, match="rule_name"):
        apply(provider, firewall, rule_name=name, groups={})  # no group over quota: still refused, nothing deleted
    assert writes(firewall) == {} and firewall.config() == before


def test_a_rule_of_ours_for_something_else_is_refused(firewall: EmulatorControl, provider: dict[str, Any]) -> None:
    dag_rule = rule("QuotaDAG", action="deny", source=["quota"])
    dag_rule.append(members("tag", [OWNER_TAG]))
    firewall.set_config(etree.tostring(config(rules=(dag_rule,), tag=[etree.fromstring(
        '<entry name="%s"/>' % OWNER_TAG)])).decode())
    with pytest.raises(ValidationError, match="for something else"):
        apply(provider, firewall, rule_name="QuotaDAG", groups={SALES: later(firewall, 900)})


# -- 1.5 what is in force is the running config --------------------------------------------------------

def test_an_uncommitted_rule_blocks_no_one_until_a_later_run_commits_it(
        firewall: EmulatorControl, provider: dict[str, Any], xapi: pan.xapi.PanXapi) -> None:
    until = later(firewall, 900)
    firewall.inject_fault("commit", "http500", count=4)  # every attempt of the connection's bounded retries
    with pytest.raises(ApplyFailed):
        apply(provider, firewall, groups={SALES: until})
    assert "BlockQuota" not in running_rules(firewall)
    facts = block_info(connect(provider))
    assert facts["groups_enforced"] is False and facts["blocked"]["groups"] == {}  # never "blocked" when not in force
    uncommitted = apply(provider, firewall, groups={SALES: until}, commit=False)
    assert not uncommitted["enforced"] and any("not in the running config" in w for w in uncommitted["warnings"])
    fixed = apply(provider, firewall, groups={SALES: until})
    assert fixed["committed"] and fixed["enforced"] and fixed["rule_change"] is None, fixed
    assert policy_match(xapi, BOB, "acme\\bob") == ["BlockQuota"]
    assert apply(provider, firewall, groups={SALES: until})["changed"] is False


# -- a rule without the owner tag, even one shaped like ours, is never taken over -------------------

def test_an_unowned_rule_under_rule_name_is_refused_even_by_the_bootstrap(
        firewall: EmulatorControl, provider: dict[str, Any], xapi: pan.xapi.PanXapi) -> None:
    firewall.set_config(etree.tostring(config(rules=(rule("BlockQuota", action="deny", source_user=[SALES]),
                                                     rule("Allow-Outbound", application=["any"], service=["any"])))).decode())
    firewall.reset_counters()
    for bootstrap in (False, True):
        with pytest.raises(ValidationError, match="'BlockQuota' exists and is not managed by tagwarden.panos"):
            apply(provider, firewall, groups={}, bootstrap=bootstrap)
    assert writes(firewall) == {}
    assert policy_match(xapi, BOB, "acme\\bob") == ["BlockQuota"]


# -- 3.8 log settings kept across blocks and releases --------------------------------------------------

def test_log_settings_and_tags_stay_on_the_rule(firewall: EmulatorControl, provider: dict[str, Any]) -> None:
    settings = {"log_setting": "siem", "log_end": False, "rule_tags": ["quota-siem"]}
    until = later(firewall, 900)
    for groups in ({SALES: until}, {}, {ENG: until}):
        apply(provider, firewall, groups=groups, **settings)
        entry = running_rules(firewall)["BlockQuota"]
        assert entry.findtext("log-setting") == "siem" and entry.findtext("log-end") == "no"
        assert sorted(m.text or "" for m in entry.findall("tag/member")) == sorted(["quota-siem", OWNER_TAG])
    assert apply(provider, firewall, groups={ENG: until}, **settings)["changed"] is False
