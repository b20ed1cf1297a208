"""The traffic simulation: one session per source a minute, judged by the running rulebase."""

from __future__ import annotations

import pytest
from lxml import etree

from panos_emulator.builders import config, dag, make_state, report, rule
from panos_emulator.state import IPRegistration, Mapping
from panos_emulator.traffic import BUCKET, build_report

BOB = "acme\\bob"
SALES = "cn=sales,dc=acme,dc=local"
BPM = 1000  # bytes per minute of every source


def quota_config(*rules: etree._Element) -> etree._Element:
    """The use case: DAG 'quota' blocks its members; then the given rules; then allow-out."""
    return config(rules=(rule("BlockQuota", "deny", source=["quota"]), *rules, rule("allow-out")),
                  address_group=[dag("quota", "'quota'")], reports=(report(),))


def align(state) -> int:
    """Move to 30 s past the next 15-minute boundary; returns the boundary."""
    boundary = (int(state.clock.now()) // BUCKET + 1) * BUCKET
    state.advance(boundary + 30 - state.clock.now())
    return boundary


def usage(state) -> dict[tuple[str, str], int]:
    """(src, srcuser) -> bytes of the Quota report now."""
    found = build_report(state, state.vsys_root(state.running).find("reports/entry"), "vsys1")
    return {(e.findtext("src"), e.findtext("srcuser")): int(e.findtext("bytes")) for e in found.iterfind("entry")}


def sources(*ips: str, **extra: str) -> list[dict[str, object]]:
    return [{"src": ip, "dst": "1.1.1.1", "bytes_per_minute": BPM, **extra} for ip in ips]


def test_one_session_per_source_and_minute() -> None:
    state = make_state(quota_config(), users={"10.0.0.5": BOB})
    boundary = align(state)
    state.simulation.set_sources(sources("10.0.0.5", "10.0.0.6"))
    state.advance(BUCKET)
    assert [r.time for r in state.traffic.records[::2]] == [boundary + 60 * n for n in range(1, 16)]
    assert {(r.src, r.srcuser, r.rule, r.action, r.total_bytes, r.app, r.to_zone) for r in state.traffic.records} == {
        ("10.0.0.5", BOB, "allow-out", "allow", BPM, "ssl", "untrust"), ("10.0.0.6", "", "allow-out", "allow", BPM, "ssl", "untrust")}
    assert usage(state) == {("10.0.0.5", BOB): 14 * BPM, ("10.0.0.6", ""): 14 * BPM}  # the session at the boundary is in the next bucket


def test_dag_deny_rule_stops_counting() -> None:
    state = make_state(quota_config())
    boundary = align(state)
    state.simulation.set_sources(sources("10.0.0.5", "10.0.0.9"))
    state.advance(600)
    # Registered with a 5-minute timeout: blocked for the minutes that follow, then released.
    state.registered_ips["vsys1"] = {"10.0.0.9": IPRegistration(tags={"quota": state.clock.now() + 300})}
    state.advance(BUCKET)
    assert usage(state) == {("10.0.0.5", ""): 14 * BPM, ("10.0.0.9", ""): 10 * BPM}
    blocked = [r for r in state.traffic.records if r.src == "10.0.0.9" and r.action != "allow"]
    assert [(r.time - boundary, r.rule, r.action, r.total_bytes) for r in blocked] == [(60 * n, "BlockQuota", "deny", 0) for n in range(11, 16)]
    assert state.traffic.records[-1].action == "allow"


def test_group_rule_uses_the_current_user_and_its_groups() -> None:
    state = make_state(quota_config(rule("BlockGroup", "reset-both", source_user=[SALES])), groups={SALES: ["ACME\\Bob"]})
    state.simulation.set_sources(sources("10.0.0.5") + sources("10.0.0.6", user=BOB))
    state.advance(60)
    assert [(r.src, r.srcuser, r.rule, r.action) for r in state.traffic.records] == [
        ("10.0.0.5", "", "allow-out", "allow"), ("10.0.0.6", BOB, "BlockGroup", "reset-both")]
    state.mappings.update({"10.0.0.5": Mapping(BOB, None), "10.0.0.6": Mapping("acme\\carol", None)})
    state.advance(60)
    assert [(r.src, r.srcuser, r.rule, r.total_bytes) for r in state.traffic.records[2:]] == [
        ("10.0.0.5", BOB, "BlockGroup", 0), ("10.0.0.6", "acme\\carol", "allow-out", BPM)]


def test_default_rules_without_a_rulebase() -> None:
    state = make_state()
    state.simulation.set_sources(sources("10.0.0.5") + sources("10.0.0.6", to="trust"))
    state.advance(60)
    assert [(r.rule, r.action, r.total_bytes) for r in state.traffic.records] == [
        ("interzone-default", "deny", 0), ("intrazone-default", "allow", BPM)]


@pytest.mark.parametrize("source", [{"dst": "1.1.1.1", "bytes_per_minute": 1}, {"src": "10.0.0.300", "bytes_per_minute": 1},
                                    {"src": "10.0.0.1", "bytes_per_minute": -5}, {"src": "10.0.0.1"},
                                    {"src": "10.0.0.1", "bytes_per_minute": 1, "protocol": "icmp"}])
def test_invalid_sources(source: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        make_state().simulation.set_sources([source])


def test_quota_cycle_through_the_api(emu, xapi) -> None:
    """Simulated traffic, a DAG block registered with User-ID, the Quota report through pan-python."""
    emu.set_config(etree.tostring(quota_config(), encoding="unicode"))
    emu.add_mappings([{"ip": "10.0.0.5", "user": BOB}])
    now = emu.now()["epoch"]
    emu.advance((int(now) // BUCKET + 1) * BUCKET + 30 - now)
    emu.simulate(sources("10.0.0.5", "10.0.0.9"))
    emu.advance(600)
    xapi.user_id(cmd="<uid-message><type>update</type><payload><register><entry ip='10.0.0.9'><tag><member>quota</member></tag>"
                     "</entry></register></payload></uid-message>")
    emu.advance(600)
    xapi.report(reporttype="custom", reportname="Quota", interval=0.05, timeout=10)
    entries = xapi.element_root.iterfind("./result/report/entry")
    assert [(e.findtext("src"), e.findtext("srcuser"), int(e.findtext("bytes"))) for e in entries] == [
        ("10.0.0.5", BOB, 14 * BPM), ("10.0.0.9", "", 10 * BPM)]
    xapi.log(log_type="traffic", nlogs=1, filter="(addr.src in 10.0.0.9)", interval=0.05, timeout=10)
    entry = xapi.element_root.find("./result/log/logs/entry")
    assert (entry.findtext("rule"), entry.findtext("action"), entry.findtext("bytes")) == ("BlockQuota", "deny", "0")
