"""The quota modules (quota_objects, quota_report_info, userid_info, quota_block_info, quota_block)
in-process against the emulator (the roles run them through Ansible); the emulator's counters check the requests."""

from __future__ import annotations

import ssl
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Any, Iterator

import pan.xapi
import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._quota import _blocks, _bootstrap
from panos_emulator.client import EmulatorControl
from tests.integration.ansible_cli import adhoc
from panos_emulator.process import provider_for, start_emulator, stop_emulator

HOSTILE = "cn=a'b\"<c>&</member><member>any"
RULES = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/rulebase/security/rules"
FMT = "%Y/%m/%d %H:%M:%S"


def xapi_for(info: dict[str, Any], user: str | None = None, password: str | None = None) -> pan.xapi.PanXapi:
    api = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=user or info["username"],
                           api_password=password or info["password"], ssl_context=ssl.create_default_context(cafile=info["ca_file"]))
    api.keygen()
    return api


def later(emu: EmulatorControl, seconds: int) -> str:
    return (datetime.strptime(emu.now()["local"], FMT) + timedelta(seconds=seconds)).strftime(FMT)


def writes(emu: EmulatorControl) -> dict[str, int]:
    counts = emu.counters()
    return {k: counts[k] for k in ("user-id", "commit") if counts[k]}


def running_rules(emu: EmulatorControl) -> list[ET.Element]:
    running = ET.fromstring(emu.config()["running"])
    return running.findall(".//rulebase/security/rules/entry")


def policy_match(xapi: pan.xapi.PanXapi, source: str) -> list[str]:
    xapi.op(cmd="<test><security-policy-match><from>trust</from><to>untrust</to><source>%s</source>"
                "<destination>203.0.113.10</destination><protocol>6</protocol><destination-port>443</destination-port>"
                "</security-policy-match></test>" % source)
    return [e.get("name") for e in xapi.element_root.findall("./result/rules/entry")]


@pytest.fixture
def run(provider: dict[str, Any], module_call: Any) -> Any:
    def call(module: str, *flags: str, **args: Any) -> dict[str, Any]:
        args.setdefault("provider", provider)
        return module_call(module, args, *flags)
    return call


# -- quota_objects + quota_report_info -----------------------------------------------------------

def test_objects_then_report_rows_after_the_bucket(run: Any, emu: EmulatorControl) -> None:
    emu.reset_counters()
    made = run("quota_objects", rules=[{"name": "QuotaDeny", "from": ["trust"], "to": ["untrust"]}])
    assert made["changed"] and made["committed"], made
    assert made["created"] == ["tag tagwarden.panos", "tag quota", "address-group quota", "report Quota", "rule QuotaDeny"]
    assert emu.counters()["commit"] == 1
    again = run("quota_objects", "--check", rules=[{"name": "QuotaDeny", "from": ["trust"], "to": ["untrust"]}])
    assert again["changed"] is False and again["created"] == again["updated"] == []

    emu.add_mappings([{"ip": "10.0.0.5", "user": "acme\\bob"}])
    emu.add_traffic([{"src": "10.0.0.5", "bytes": 3000}, {"src": "10.0.0.5", "bytes": 2000}, {"src": "10.0.0.6", "bytes": 700}])
    emu.advance(900)  # the 15-minute bucket that holds the traffic completes
    facts = run("quota_report_info")
    assert not facts.get("failed"), facts
    assert facts["rows"] == [{"ip": "10.0.0.5", "user": "acme\\bob", "bytes": 5000}, {"ip": "10.0.0.6", "user": None, "bytes": 700}]
    assert facts["window"]["start"] < facts["window"]["end"] <= facts["firewall_time"]
    assert facts["changed"] is False


def test_the_tag_colour_is_an_option_changed_with_a_diff_and_idempotent(provider: dict[str, Any], emu: EmulatorControl) -> None:
    def objects(*flags: str, **args: Any) -> dict[str, Any]:
        changes = ChangeSet(FirewallConnection(provider), check_mode=args.pop("check_mode", False),
                            admin=provider["username"], description=_bootstrap.COMMIT_DESCRIPTION)
        return _bootstrap.ensure(changes, **args)

    def colour() -> str | None:
        return ET.fromstring(emu.config()["running"]).findtext(".//vsys/entry/tag/entry[@name='quota']/color")

    assert objects()["committed"] and colour() == "color1"  # red by default
    emu.reset_counters()
    checked = objects(tag_color="cobalt blue", check_mode=True)
    assert checked["changed"] and checked["updated"] == ["tag quota"] and emu.counters()["commit"] == 0
    assert checked["diff"]["before"]["tag quota"]["color"] == "color1"
    assert checked["diff"]["after"]["tag quota"]["color"] == "color28"
    changed = objects(tag_color="cobalt blue")
    assert changed["updated"] == ["tag quota"] and changed["committed"] and colour() == "color28"
    assert objects(tag_color="cobalt blue")["changed"] is False and emu.counters()["commit"] == 1
    emu.reset_counters()
    with pytest.raises(ValidationError, match="tag_color: 'color3' is not a tag colour name .* give its name, 'blue'"):
        objects(tag_color="color3")
    assert emu.counters()["total"] == 0  # refused before any request (the connection makes none until asked)


def test_the_bootstrap_steps_commit_once_and_a_change_of_the_objects_alone_is_committed_too(
        provider: dict[str, Any], emu: EmulatorControl) -> None:
    """What the role quota_bootstrap does: quota_objects without a commit, then quota_block's bootstrap
    commits both tasks' changes once (commit_pending)."""
    def bootstrap(**objects_args: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        objects = _bootstrap.ensure(ChangeSet(FirewallConnection(provider), commit=False), **objects_args)
        changes = ChangeSet(FirewallConnection(provider), admin=provider["username"],
                            description=_blocks.COMMIT_DESCRIPTION)
        changes.pending = objects["pending"]  # commit_pending
        block = _blocks.apply(changes, _blocks.BlockRequest(bootstrap=True))
        return objects, block

    emu.reset_counters()
    objects, block = bootstrap()
    assert objects["pending"] and not objects["committed"] and block["committed"] and emu.counters()["commit"] == 1
    config = emu.config()
    assert "BlockQuota" in config["running"] and "address-group" in config["running"]
    objects, block = bootstrap()
    assert not objects["changed"] and not objects["pending"] and not block["changed"] and emu.counters()["commit"] == 1
    objects, block = bootstrap(tag_color="blue")  # only quota_objects changes: quota_block commits it
    assert objects["updated"] == ["tag quota"] and block["changed"] and block["committed"] and emu.counters()["commit"] == 2
    assert ET.fromstring(emu.config()["running"]).findtext(".//vsys/entry/tag/entry[@name='quota']/color") == "color3"


def test_missing_report_says_to_run_the_bootstrap(run: Any, emu: EmulatorControl) -> None:
    result = run("quota_report_info")
    assert result.get("failed") and "quota_bootstrap" in result["msg"] and "Quota" in result["msg"], result


def test_traffic_log_source_pages_past_5000(run: Any, emu: EmulatorControl) -> None:
    emu.add_traffic([{"src": "10.0.1.%d" % (i % 3 + 1), "user": "", "bytes": 10} for i in range(6001)])
    emu.advance(60)
    emu.reset_counters()
    result = run("quota_report_info", source="traffic_log", minutes=5)
    assert not result.get("failed"), result
    assert sorted(r["bytes"] for r in result["rows"]) == [20000, 20000, 20010]
    assert emu.counters()["log"] >= 4  # two pages: start + poll each


# -- userid_info ------------------------------------------------------------------------------------

def test_userid_facts_calls_grow_with_groups(run: Any, emu: EmulatorControl) -> None:
    groups = {"cn=g%d,dc=acme,dc=local" % i: ["acme\\u%d" % j for j in range(50)] for i in range(3)}
    emu.set_groups(groups)
    emu.add_mappings([{"ip": "10.0.2.%d" % i, "user": "acme\\u%d" % i} for i in range(1, 40)])
    emu.reset_counters()
    result = run("userid_info")
    assert result["groups"] == groups and len(result["ip_user_mapping"]) == 39
    assert emu.counters()["op"] == 1 + 1 + 3 + 1  # system info, list, one per group, mapping
    emu.reset_counters()
    only = run("userid_info", groups=["cn=g1,dc=acme,dc=local"], gather=["groups"])
    assert list(only["groups"]) == ["cn=g1,dc=acme,dc=local"] and only["ip_user_mapping"] == []
    assert emu.counters()["op"] == 2  # system info, the one group


# -- quota_block / quota_block_info ---------------------------------------------------------------

def test_ip_block_expires_on_the_firewall_clock(run: Any, emu: EmulatorControl, xapi: Any) -> None:
    run("quota_objects")
    now, until = emu.now()["local"], later(emu, 120)
    emu.reset_counters()
    result = run("quota_block", now=now, block_ips=[{"ip": "10.0.0.5", "until": until}])
    assert result["registered"] == ["10.0.0.5"] and result["committed"] is False and result["rule"] == "absent", result
    assert writes(emu) == {"user-id": 1}
    facts = run("quota_block_info")
    assert facts["blocked"] == {"ips": {"10.0.0.5": until}, "groups": {}}

    def members() -> list[str]:
        xapi.op(cmd="<show><object><dynamic-address-group><name>quota</name></dynamic-address-group></object></show>")
        return [e.get("name") for e in xapi.element_root.findall(".//member-list/entry")]

    assert members() == ["10.0.0.5"]
    assert run("quota_block", now=now, block_ips=[{"ip": "10.0.0.5", "until": until}])["changed"] is False
    emu.advance(60)
    assert members() == ["10.0.0.5"]
    emu.advance(61)
    assert members() == []
    assert run("quota_block_info")["blocked"]["ips"] == {}


def test_group_block_hostile_name_rule_at_top_then_released(run: Any, emu: EmulatorControl, xapi: Any) -> None:
    run("quota_objects", rules=[{"name": "QuotaDeny"}])  # an existing rule, to be above of
    emu.set_groups({HOSTILE: ["acme\\bob"], "cn=other": ["acme\\carol"]})
    emu.add_mappings([{"ip": "10.0.0.5", "user": "acme\\bob"}, {"ip": "10.0.0.6", "user": "acme\\carol"}])
    now, until = emu.now()["local"], later(emu, 1800)
    result = run("quota_block", "--diff", now=now, groups={HOSTILE: until}, rule_from=["trust"], rule_to=["untrust"])
    assert result["rule_change"] == "created" and result["committed"] and result["groups_blocked"] == [HOSTILE], result

    rules = running_rules(emu)
    assert [r.get("name") for r in rules] == ["BlockQuota", "QuotaDeny"]
    assert [m.text for m in rules[0].findall("source-user/member")] == ["quota-users"]  # the name never reaches a rule
    assert policy_match(xapi, "10.0.0.5") == ["BlockQuota"]
    assert policy_match(xapi, "10.0.0.6") != ["BlockQuota"]
    assert run("quota_block_info")["blocked"]["groups"] == {HOSTILE: until}

    emu.reset_counters()
    again = run("quota_block", now=now, groups={HOSTILE: until}, rule_from=["trust"], rule_to=["untrust"])
    assert again["changed"] is False and writes(emu) == {}

    released = run("quota_block", now=now, groups={}, rule_from=["trust"], rule_to=["untrust"])
    assert released["rule_change"] is None and released["groups_released"] == [HOSTILE] and not released["committed"]
    assert policy_match(xapi, "10.0.0.5") != ["BlockQuota"]
    assert [r.get("name") for r in running_rules(emu)] == ["BlockQuota", "QuotaDeny"]  # permanent; its DUG is empty
    assert run("quota_block", now=now, groups={}, rule_from=["trust"], rule_to=["untrust"])["changed"] is False


def test_keyword_group_is_refused_on_its_own(run: Any, emu: EmulatorControl) -> None:
    emu.set_groups({"cn=sales": ["acme\\bob"]})
    until = later(emu, 60)
    result = run("quota_block", now=emu.now()["local"], groups={"Known-User": until, "cn=sales": until})
    assert not result.get("failed") and [r["group"] for r in result["groups_refused"]] == ["Known-User"], result
    assert result["groups_blocked"] == ["cn=sales"]


def test_check_mode_sends_no_write(run: Any, emu: EmulatorControl) -> None:
    emu.set_groups({"cn=sales": ["acme\\bob"]})
    now = emu.now()["local"]
    emu.reset_counters()
    result = run("quota_block", "--check", "--diff", now=now, block_ips=[{"ip": "10.0.0.7", "until": later(emu, 300)}],
                 groups={"cn=sales": later(emu, 900)})
    assert result["changed"] and result["registered"] == ["10.0.0.7"] and result["rule_change"] == "created", result
    assert result["users_tagged"] == ["acme\\bob"]
    assert writes(emu) == {} and running_rules(emu) == []
    assert ET.fromstring(emu.config()["candidate"]).find(".//rules/entry") is None


def test_failed_commit_converges_on_the_next_run(run: Any, emu: EmulatorControl) -> None:
    emu.set_groups({"cn=sales": ["acme\\bob"]})
    now, until = emu.now()["local"], later(emu, 900)
    emu.inject_fault("commit", "http500", count=4)  # every attempt of the connection's bounded retries
    emu.reset_counters()
    failed = run("quota_block", now=now, groups={"cn=sales": until})
    assert emu.counters()["commit"] == 4
    assert failed["failed"] and "HTTP 500" in failed["msg"] and failed["rule_change"] == "created", failed
    assert failed["users_tagged"] == [] and emu.counters()["user-id"] == 0  # no group block before the rule is in force
    assert running_rules(emu) == []
    emu.reset_counters()
    fixed = run("quota_block", now=now, groups={"cn=sales": until})
    assert fixed["committed"] and fixed["rule_change"] is None and fixed["users_tagged"] == ["acme\\bob"], fixed
    assert [r.get("name") for r in running_rules(emu)] == ["BlockQuota"]
    assert run("quota_block", now=now, groups={"cn=sales": until})["changed"] is False


# -- partial commit with a second administrator ---------------------------------------------------

@pytest.fixture(scope="module")
def two_admins() -> Iterator[dict[str, Any]]:
    process, info = start_emulator("--admin", "other:Other-pass1")
    try:
        yield info
    finally:
        stop_emulator(process)


def test_partial_commit_leaves_another_admins_change_pending(two_admins: dict[str, Any], module_call: Any) -> None:
    emu = EmulatorControl(two_admins)
    emu.reset()
    other = xapi_for(two_admins, "other", "Other-pass1")
    address = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/address"
    other.set(xpath=address, element="<entry name='pending-by-other'><ip-netmask>192.0.2.1</ip-netmask></entry>")
    result = module_call("quota_block", {"provider": provider_for(two_admins), "now": emu.now()["local"],
                                         "groups": {"cn=sales": later(emu, 900)},
                                         "group_members": {"cn=sales": ["acme\\bob"]}})
    assert result["committed"], result
    config = emu.config()
    assert "pending-by-other" in config["candidate"] and "pending-by-other" not in config["running"]
    assert "BlockQuota" in config["running"]


def test_dynamic_address_group_with_only_a_key_asks_whose_changes_to_commit(
        emu: EmulatorControl, xapi: Any, provider: dict[str, Any], module_call: Any) -> None:
    by_key = {key: value for key, value in provider.items() if key not in ("username", "password")}
    by_key["api_key"] = xapi.api_key
    args = {"provider": by_key, "name": "blocked", "filter": "'blocked'"}
    emu.reset_counters()
    refused = module_call("dynamic_address_group", args)
    assert refused["failed"] and "commit_admin" in refused["msg"], refused
    assert emu.counters()["total"] == 0
    done = module_call("dynamic_address_group", dict(args, commit_admin=provider["username"]))
    assert done["changed"] and done["commit"]["changed"], done


# -- the old _facts names ------------------------------------------------------------------------------

def test_the_old_facts_name_still_runs_the_info_module_with_a_deprecation(provider: dict[str, Any], emu: EmulatorControl) -> None:
    old, output = adhoc("quota_block_facts", {"provider": provider})
    new, _output = adhoc("quota_block_info", {"provider": provider})
    assert not old["failed"] and old["blocked"] == new["blocked"] and "groups_enforced" in old
    assert "quota_block_facts has been deprecated" in " ".join(output.split()), output
