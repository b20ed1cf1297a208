"""The expiry ledger of a custom URL category: buckets per day, renewal when due, expiry, names."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._ledger import Ledger, bucket_name, name_problem, plan

NOW = datetime(2026, 11, 22, 10, 0, 0)
TODAY = NOW.date()
DAY = 86400


def test_a_new_entry_gets_the_bucket_of_its_expiry_day() -> None:
    todo = plan([], Ledger({}, set()), {"a.example/": NOW + timedelta(days=7)}, NOW, DAY)
    assert todo.new == ["a.example/"] and todo.members == ["a.example/"]
    assert todo.buckets == {date(2026, 11, 29): ["a.example/"]}


def test_a_held_entry_moves_only_when_its_bucket_is_due() -> None:
    ledger = Ledger({date(2026, 11, 25): ["soon.example/"], date(2026, 11, 22): ["due.example/"]}, set())
    seen = {"soon.example/": NOW + timedelta(days=7), "due.example/": NOW + timedelta(days=7)}
    todo = plan(["soon.example/", "due.example/"], ledger, seen, NOW, DAY)
    assert todo.renewed == ["due.example/"] and todo.new == [] and todo.expired == []
    assert todo.buckets == {date(2026, 11, 25): ["soon.example/"], date(2026, 11, 29): ["due.example/"]}


def test_an_ended_bucket_takes_its_entries_out_unless_a_later_bucket_or_the_feed_holds_them() -> None:
    ledger = Ledger({date(2026, 11, 21): ["gone.example/", "twice.example/", "seen.example/"],
                     date(2026, 11, 24): ["twice.example/"]}, set())
    held = ["admin.example/", "gone.example/", "twice.example/", "seen.example/"]
    todo = plan(held, ledger, {"seen.example/": NOW + timedelta(days=2)}, NOW, DAY)
    assert todo.expired == ["gone.example/"] and todo.renewed == ["seen.example/"]
    assert todo.members == ["admin.example/", "twice.example/", "seen.example/"]  # an entry in no bucket stays
    assert todo.buckets == {date(2026, 11, 24): ["twice.example/", "seen.example/"]}


def test_an_expiry_already_past_is_not_written() -> None:
    assert plan([], Ledger({}, set()), {"x.example/": NOW - timedelta(seconds=1)}, NOW, DAY).buckets == {}


def test_bucket_names_fit_pan_os() -> None:
    assert bucket_name("threat-feed", TODAY) == "threat-feed.exp-20261122"
    assert name_problem("threat-feed") is None
    assert "at most 31 characters: shorten it to 18" in (name_problem("a-much-longer-category") or "")
