"""tagwarden.panos.quota_cycle in-process against the emulator (test_quota_cycle.py runs it through
Ansible, in its role): one cycle reads the firewall once and writes only the difference; the
emulator's counters check each request type."""

from __future__ import annotations

from typing import Any

import pan.xapi
import pytest
from lxml import etree

from panos_emulator.builders import config, dag, report, rule
from panos_emulator.client import EmulatorControl

SALES = "cn=sales,dc=acme,dc=local"
GUEST = "10.1.9.50"
BOB_IPS = ["10.1.2.21", "10.1.2.22"]
MB = 1_000_000


@pytest.fixture
def firewall(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> EmulatorControl:  # xapi: its key made before the counters reset
    """A bootstrapped firewall whose last complete 15-minute bucket holds: the guest at 42MB, bob
    at 2 x 15MB on two devices (one of them only in the IP-user mapping, silent), carol at 10MB."""
    rules = (rule("BlockQuotaDAG", action="deny", source=["quota"]), rule("Allow-Outbound", application=["any"], service=["any"]))
    emu.set_config(etree.tostring(config(rules=rules, reports=(report(),), address_group=[dag("quota", "'quota'")])).decode())
    emu.set_groups({SALES: ["acme\\bob", "acme\\carol"]})
    emu.add_mappings([{"ip": ip, "user": "acme\\bob"} for ip in BOB_IPS + ["10.1.2.29"]] + [{"ip": "10.1.2.31", "user": "acme\\carol"}])
    emu.advance(900 - emu.now()["epoch"] % 900)
    bucket = emu.now()["epoch"] - 450
    emu.add_traffic([{"time": bucket, "src": GUEST, "bytes": 42 * MB}, {"time": bucket, "src": BOB_IPS[0], "bytes": 15 * MB},
                     {"time": bucket, "src": BOB_IPS[1], "bytes": 15 * MB}, {"time": bucket, "src": "10.1.2.31", "bytes": 10 * MB}])
    emu.reset_counters()
    return emu


@pytest.fixture
def cycle(module_call: Any) -> Any:
    """``cycle(provider, *flags, **options)``: one quota_cycle run, in-process."""
    def run(provider: dict[str, Any], *flags: str, **args: Any) -> dict[str, Any]:
        return module_call("quota_cycle", {"provider": provider, **args}, *flags)
    return run


def registered(xapi: pan.xapi.PanXapi) -> list[str]:
    """The addresses holding the quota tag, read with pan-python (independently of our code)."""
    xapi.op(cmd="<show><object><registered-ip><tag><entry name='quota'/></tag></registered-ip></object></show>")
    return sorted(entry.get("ip") for entry in xapi.element_root.findall("./result/entry"))


def test_one_cycle_blocks_ip_and_every_ip_of_a_user_then_changes_nothing(
        firewall: EmulatorControl, provider: dict[str, Any], xapi: pan.xapi.PanXapi, cycle: Any) -> None:
    result = cycle(provider, quotas={"ip": "20MB", "user": "25MB"})
    assert result["changed"] and not result["failed"], result
    # One key; system info, clock, IP-user mapping, two registered-IP reads (the quota tag, the quota.until bookkeeping)
    # and one registered-user page; the report job; one User-ID message; the group rule and its DUG in the candidate,
    # both in one read of the running config.
    counts = firewall.counters()
    assert (counts["keygen"], counts["op"], counts["report"], counts["user-id"], counts["config"], counts["commit"]) == (1, 6, 3, 1, 3, 0), counts
    assert result["api_calls"] == counts["total"]
    # the guest by address; bob (30MB > 25MB) on both reporting devices and the silent third one
    assert sorted(result["registered"]) == sorted([GUEST, *BOB_IPS, "10.1.2.29"])
    assert registered(xapi) == sorted([GUEST, *BOB_IPS, "10.1.2.29"])
    reasons = {entry["ip"]: entry["reason"] for entry in result["block_ips"]}
    assert reasons[GUEST] == "address over quota" and reasons["10.1.2.29"] == "user over quota"
    assert any("BLOCK ip %s" % GUEST in line for line in result["summary"])

    firewall.reset_counters()
    again = cycle(provider, quotas={"ip": "20MB", "user": "25MB"})
    assert not again["changed"] and again["registered"] == [] and again["currently_blocked"] == 4, again
    assert firewall.counters()["user-id"] == 0 and firewall.counters()["commit"] == 0


def test_group_membership_given_means_no_user_id_group_reads(firewall: EmulatorControl, provider: dict[str, Any], cycle: Any) -> None:
    from_userid = cycle(provider, "--check", quotas={"group": "30MB"})
    ops_from_userid = firewall.counters()["op"]
    firewall.reset_counters()
    given = cycle(provider, "--check", quotas={"group": "30MB"}, group_membership={SALES: ["acme\\bob", "acme\\carol"]})
    # show user group list + show user group name <sales> are the two requests saved
    assert firewall.counters()["op"] == ops_from_userid - 2
    assert from_userid["groups_after"].keys() == given["groups_after"].keys() == {SALES}


def test_check_mode_writes_nothing_and_says_what_would_change(
        firewall: EmulatorControl, provider: dict[str, Any], xapi: pan.xapi.PanXapi, cycle: Any) -> None:
    result = cycle(provider, "--check", quotas={"ip": "20MB", "group": "30MB"})
    assert result["changed"] and result["registered"] == [GUEST] and result["rule_change"] == "created", result
    where = "%s:%s: " % (provider["ip_address"], provider["port"])  # no firewall_name: the provider's address
    assert result["summary"][-1].startswith(where + "firewall (check mode, nothing written): ")
    assert where + "would block ip %s for 15m 00s" % GUEST in result["summary"]
    assert not any(line.startswith(where + "blocked ") for line in result["summary"])
    counts = firewall.counters()
    assert counts["user-id"] == 0 and counts["commit"] == 0
    assert registered(xapi) == [] and "'BlockQuota'" not in firewall.config()["candidate"].replace('"', "'")


def test_a_group_over_quota_is_blocked_through_the_dynamic_user_group_then_steady(
        firewall: EmulatorControl, provider: dict[str, Any], xapi: pan.xapi.PanXapi, cycle: Any) -> None:
    result = cycle(provider, quotas={"group": "30MB"}, rule_log_setting="siem")
    assert result["groups_blocked"] == [SALES] and result["users_tagged"] == ["acme\\bob", "acme\\carol"], result
    assert result["committed"] and result["summary"][-1].endswith("rule BlockQuota created, committed")
    xapi.op(cmd="<show><object><registered-user><all/></registered-user></object></show>")
    assert sorted(e.get("user") for e in xapi.element_root.findall("./result/entry")) == ["acme\\bob", "acme\\carol"]
    firewall.reset_counters()
    again = cycle(provider, quotas={"group": "30MB"}, rule_log_setting="siem")
    assert again["changed"] is False and again["currently_blocked"] == 1, again
    counts = firewall.counters()
    # reads only, the same each steady minute: key, system info, clock, report job, group list and members, IP tags
    # (2 reads) and user tags, rule and DUG (candidate) and one running-config read of both
    assert counts["user-id"] == counts["commit"] == 0 and counts["total"] == again["api_calls"] == 15, counts
    assert cycle(provider, quotas={"group": "30MB"}, rule_log_setting="siem")["api_calls"] == 15


@pytest.mark.parametrize("name", ["BlockQuotaDAG", "Allow-Outbound"])
def test_a_rule_name_of_another_rule_deletes_nothing_and_commits_nothing(
        firewall: EmulatorControl, provider: dict[str, Any], name: str, cycle: Any) -> None:
    before = firewall.config()
    result = cycle(provider, quotas={"ip": "20MB", "group": "30MB"}, rule_name=name)
    assert result["failed"] and "rule_name: rule %r exists and is not managed by tagwarden.panos" % name in result["msg"]
    counts = firewall.counters()
    assert counts["user-id"] == counts["commit"] == 0 and firewall.config() == before


def test_bad_settings_are_refused_before_any_request(firewall: EmulatorControl, provider: dict[str, Any], cycle: Any) -> None:
    result = cycle(provider, quotas={"ip": "20Mb", "users": "5GB"}, block_duration="forever", rule_name="")
    assert result["failed"], result
    assert "20Mb" in result["msg"] and "users" in result["msg"] and "forever" in result["msg"]
    assert firewall.counters()["total"] == 0


def test_blocks_that_end_on_the_firewall_by_themselves_are_reported_as_released_once(
        firewall: EmulatorControl, provider: dict[str, Any], xapi: pan.xapi.PanXapi, cycle: Any) -> None:
    """An address block and a group block end by their native timeout, with no cycle running; the
    next cycle (check mode first) reports both releases, says the firewall ended them and removes
    the bookkeeping left for that; the one after is unchanged."""
    quotas = {"quotas": {"ip": "20MB", "group": "30MB"}, "firewall_name": "fw1"}
    blocking = cycle(provider, **quotas)
    assert blocking["registered"] == [GUEST] and blocking["groups_blocked"] == [SALES], blocking
    until = next(entry["until"] for entry in blocking["block_ips"])
    firewall.advance(960)  # both blocks end on the firewall; no cycle runs
    assert registered(xapi) == []
    xapi.op(cmd="<show><object><registered-user><all/></registered-user></object></show>")
    assert not any(m.text == "quota" for m in xapi.element_root.iter("member"))  # nobody in the DUG any more

    firewall.reset_counters()
    check = cycle(provider, "--check", **quotas)
    assert firewall.counters()["user-id"] == 0 and check["changed"], check
    assert "fw1: would release ip %s: block ended on the firewall by its timeout (was until %s)" % (GUEST, until) in check["summary"]
    assert "fw1: would release group %s: block ended on the firewall by its timeout (was until %s)" % (SALES, until) in check["summary"]

    released = cycle(provider, **quotas)
    assert "fw1: RELEASE ip %s: block ended on the firewall by its timeout (was until %s)" % (GUEST, until) in released["summary"]
    assert "fw1: RELEASE group %s: block ended on the firewall by its timeout (was until %s)" % (SALES, until) in released["summary"]
    assert [(e["action"], e["kind"], e["subject"], e["reason"], e["ended_by"], e["until"]) for e in released["events"]] == [
        ("release", "ip", GUEST, "block ended", "firewall", until), ("release", "group", SALES, "block ended", "firewall", until)]
    assert released["changed"] and released["unregistered"] == [GUEST], released
    assert sorted(released["users_untagged"]) == ["acme\\bob", "acme\\carol"] and not released["committed"]
    xapi.op(cmd="<show><object><registered-ip><all/></registered-ip></object></show>")
    assert xapi.element_root.findall("./result/entry") == []  # the bookkeeping is gone too

    again = cycle(provider, **quotas)
    assert not again["changed"] and again["events"] == [] and not any("RELEASE" in line for line in again["summary"]), again
