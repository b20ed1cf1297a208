"""The block and release events of a cycle: one per decision, every key in each, JSON-ready."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from ansible_collections.tagwarden.panos.plugins.module_utils._quota._evaluate import QuotaPolicy, evaluate
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._events import EVENT_FIELDS, events

NOW = datetime(2026, 11, 22, 10, 7, 0)
MB = 1_000_000
SALES = "cn=sales,dc=acme,dc=local"


def row(ip: str, user: str | None, megabytes: float) -> dict[str, object]:
    return {"ip": ip, "user": user, "bytes": int(megabytes * MB)}


def cycle() -> list[dict[str, object]]:
    rows = [row("10.0.0.5", None, 25), row("10.1.1.12", "acme\\alice", 12), row("10.1.1.11", "acme\\alice", 12),
            row("10.1.2.21", "acme\\bob", 19)]
    blocked = {"ips": {"10.0.9.9": NOW - timedelta(seconds=5), "10.0.9.8": NOW + timedelta(minutes=3)},
               "groups": {"cn=old": NOW - timedelta(minutes=1)}}
    policy = QuotaPolicy({"ip": 20 * MB, "user": 20 * MB, "group": 30 * MB}, exempt={"ips": ["10.0.9.8"]})
    result = evaluate(rows, NOW, policy, groups={SALES: ["acme\\bob", "acme\\alice"]}, blocked=blocked)
    return events(result, "fw-branch-01")


def test_each_block_and_release_is_one_event_with_every_field() -> None:
    found = cycle()
    assert [(event["action"], event["kind"], event["subject"], event["addresses"]) for event in found] == [
        ("block", "ip", "10.0.0.5", ["10.0.0.5"]),
        ("block", "user", "acme\\alice", ["10.1.1.11", "10.1.1.12"]),
        ("block", "group", SALES, []),
        ("release", "ip", "10.0.9.9", ["10.0.9.9"]),
        ("release", "ip", "10.0.9.8", ["10.0.9.8"]),
        ("release", "group", "cn=old", []),
    ]
    assert all(tuple(event) == EVENT_FIELDS for event in found)
    assert found[1] == {"time": "2026/11/22 10:07:00", "time_iso": "2026-11-22T10:07:00", "firewall": "fw-branch-01",
                        "action": "block", "kind": "user", "subject": "acme\\alice", "addresses": ["10.1.1.11", "10.1.1.12"],
                        "user": "acme\\alice", "until": "2026/11/22 10:22:00", "until_iso": "2026-11-22T10:22:00",
                        "bytes": 24 * MB, "quota": 20 * MB, "reason": "user over quota", "ended_by": None}
    assert found[2]["bytes"] == 43 * MB and found[2]["quota"] == 30 * MB and found[2]["user"] is None
    assert [event["reason"] for event in found[3:]] == ["block ended", "exempt", "block ended"]
    assert found[3]["until"] == "2026/11/22 10:06:55" and found[3]["bytes"] is None and found[3]["quota"] is None
    assert [event["ended_by"] for event in found] == [None, None, None, "cycle", "cycle", "cycle"]


def test_a_block_the_firewall_ended_is_a_release_event_saying_so() -> None:
    until = NOW - timedelta(minutes=1)
    result = evaluate([], NOW, QuotaPolicy({"ip": 20 * MB}), ended={"ips": {"10.0.9.7": until}, "groups": {SALES: until}})
    assert [(event["action"], event["kind"], event["subject"], event["reason"], event["ended_by"], event["until"])
            for event in events(result, "fw")] == [
        ("release", "ip", "10.0.9.7", "block ended", "firewall", "2026/11/22 10:06:00"),
        ("release", "group", SALES, "block ended", "firewall", "2026/11/22 10:06:00")]


def test_events_are_json_lines_that_keep_hostile_names_literal() -> None:
    name = "acme\\o'brien\"<x>\n"
    result = evaluate([row("10.0.0.1", name, 30)], NOW, QuotaPolicy({"user": 20 * MB}))
    (event,) = events(result, "fw")
    line = json.dumps(event)
    assert "\n" not in line and json.loads(line)["subject"] == name


def test_a_quiet_cycle_has_no_events() -> None:
    assert events(evaluate([row("10.0.0.1", None, 1)], NOW, QuotaPolicy({"ip": 20 * MB})), "fw") == []
