"""The feed run's planning: timeouts and until-tags, renewal, expiry, exact mode, version rules, state record."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import Indicator
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._sync import (
    STATE_RECORD,
    Options,
    address_problem,
    check_options,
    plan_addresses,
    summary_lines,
)

NOW = datetime(2026, 11, 22, 10, 0, 0)
TAG = "feed"
AGE = 3600


def until(seconds: int) -> str:
    return "feed.until." + (NOW + timedelta(seconds=seconds)).strftime("%Y%m%d%H%M%S")


def ip(value: str, expires: datetime | None = None) -> Indicator:
    return Indicator("ip" if "/" not in value and "-" not in value else "network", value, expires)


def test_a_new_address_gets_the_tag_and_its_until_tag_with_the_native_timeout() -> None:
    plan = plan_addresses({}, [ip("203.0.113.5")], TAG, "append", NOW, AGE, 600)
    assert plan.todo.add == {"203.0.113.5": {TAG: AGE, until(AGE): AGE}} and plan.new == ["203.0.113.5"]


def test_the_feeds_expiry_wins_over_age_and_is_capped_at_30_days() -> None:
    soon = (NOW + timedelta(seconds=120)).replace(tzinfo=timezone.utc)
    late = (NOW + timedelta(days=90)).replace(tzinfo=timezone.utc)
    plan = plan_addresses({}, [ip("203.0.113.5", soon), ip("203.0.113.6", late)], TAG, "append", NOW, AGE, 60)
    assert plan.todo.add["203.0.113.5"][TAG] == 120 and plan.todo.add["203.0.113.6"][TAG] == 2592000


def test_an_already_expired_indicator_is_not_written() -> None:
    past = (NOW - timedelta(seconds=1)).replace(tzinfo=timezone.utc)
    assert not plan_addresses({}, [ip("203.0.113.5", past)], TAG, "append", NOW, AGE, 600).todo.changed


def test_held_and_not_due_is_unchanged_due_is_renewed() -> None:
    current = {"203.0.113.5": {TAG, until(3000)}, "203.0.113.6": {TAG, until(300)}}
    plan = plan_addresses(current, [ip("203.0.113.5"), ip("203.0.113.6")], TAG, "append", NOW, AGE, 600)
    assert plan.renewed == ["203.0.113.6"] and plan.new == []
    assert plan.todo.remove == {"203.0.113.6": sorted([TAG, until(300)])}
    assert plan.todo.add == {"203.0.113.6": {TAG: AGE, until(AGE): AGE}}


def test_append_leaves_unlisted_blocks_to_expire_exact_removes_them() -> None:
    current = {"203.0.113.5": {TAG, until(3000)}, "203.0.113.7": {TAG, until(3000), "other"}}
    append = plan_addresses(current, [ip("203.0.113.5")], TAG, "append", NOW, AGE, 600)
    assert not append.todo.changed and append.removed == []
    exact = plan_addresses(current, [ip("203.0.113.5")], TAG, "exact", NOW, AGE, 600)
    assert exact.removed == ["203.0.113.7"] and exact.todo.remove == {"203.0.113.7": sorted([TAG, until(3000)])}


def test_a_block_past_its_end_that_the_firewall_still_lists_is_removed_as_expired() -> None:
    plan = plan_addresses({"203.0.113.5": {TAG, until(-5)}}, [], TAG, "append", NOW, AGE, 600)
    assert plan.expired == ["203.0.113.5"] and plan.todo.remove == {"203.0.113.5": sorted([TAG, until(-5)])}


def test_someone_elses_registration_of_the_tag_is_left_alone_in_append_mode() -> None:
    plan = plan_addresses({"203.0.113.5": {TAG}}, [ip("203.0.113.5")], TAG, "append", NOW, AGE, 600)
    assert not plan.todo.changed


@pytest.mark.parametrize("value, version, problem", [
    ("10.0.0.0/24", (10, 0), None), ("10.0.0.0/24", (9, 1), "PAN-OS 9.1 registers single addresses only"),
    ("2001:db8::/64", (11, 1), "IPv6 network"), ("10.0.0.1-10.0.0.9", (9, 0), "is a range")])
def test_networks_and_ranges_by_version(value: str, version: tuple[int, int], problem: str | None) -> None:
    found = address_problem(Indicator("range" if "-" in value else "network", value), version)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_options_are_checked_together() -> None:
    problems = check_options(Options("t" * 120, "a'b\"c", "mirror", 30, 40, True, "lots", 0))
    text = " | ".join(problems)
    for expected in ("tag:", "url_category:", "mode:", "age:", "renew_before:", "max_registered_ips", "max_removals"):
        assert expected in text


def test_the_state_record_round_trips_within_the_description_limit() -> None:
    text = STATE_RECORD.encode({"source": "lumu", "cursor": "2026-11-22T10:00:00.000Z", "written": "2026/11/22 10:00:00"})
    assert text.startswith("Managed by tagwarden.panos") and len(text) < 200
    assert STATE_RECORD.decode(text)["cursor"] == "2026-11-22T10:00:00.000Z"


def test_the_summary_reads_at_a_glance() -> None:
    counts = {"addresses": {"new": 2, "renewed": 1, "expired": 0, "removed": 3, "held": 9}}
    lines = summary_lines("lumu", counts, {"addresses": ["203.0.113.5", "203.0.113.6"]}, "2026-11-22T10:00:00.000Z", 1)
    assert lines == ["feed lumu: addresses new 2, renewed 1, expired 0, removed 3 (holding 9)",
                     "new addresses: 203.0.113.5, 203.0.113.6", "cursor: 2026-11-22T10:00:00.000Z; rejected items: 1"]
