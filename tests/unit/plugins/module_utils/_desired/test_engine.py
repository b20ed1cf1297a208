"""The desired-set engine: present / absent / exact, replace with renewal, partial failures, diff."""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from ansible_collections.tagwarden.panos.plugins.module_utils._desired._engine import (
    ItemFailure,
    WriteReport,
    plan,
    run,
)

CURRENT = {"k1": {"a", "b"}, "k2": {"a"}, "k3": {"z"}}


class RecordingWriter:
    def __init__(self, reject_add: Sequence[str] = (), reject_remove: Sequence[str] = ()) -> None:
        self.calls: list[tuple[dict[str, Any], dict[str, Any]]] = []
        self.reject_add = reject_add
        self.reject_remove = reject_remove

    def write(self, add: Mapping[str, Mapping[str, Optional[int]]], remove: Mapping[str, Sequence[str]]) -> WriteReport:
        self.calls.append((dict(add), dict(remove)))
        failures = [ItemFailure(k, True, {"key": k}) for k in add if k in self.reject_add]
        failures += [ItemFailure(k, False, {"key": k}) for k in remove if k in self.reject_remove]
        return WriteReport(1, failures, 0)


def members(state: Mapping[str, set[str]]) -> dict[str, list[str]]:
    return {key: sorted(held) for key, held in sorted(state.items()) if held}


def test_present_adds_only_missing_members_with_their_timeouts() -> None:
    todo = plan(CURRENT, present={"k1": {"a": 60, "c": 60}, "k4": {"a": None}})
    assert todo.add == {"k1": {"c": 60}, "k4": {"a": None}} and todo.remove == {} and todo.unchanged == 0


def test_absent_removes_listed_or_in_scope_members() -> None:
    todo = plan(CURRENT, absent={"k1": ["a", "x"], "k3": None}, in_scope=lambda m: m != "z")
    assert todo.remove == {"k1": ["a"]} and todo.unchanged == 1


def test_exact_clears_keys_that_are_not_desired() -> None:
    todo = plan(CURRENT, present={"k2": {"a": None}}, exact=True, in_scope={"a", "b"}.__contains__)
    assert todo.remove == {"k1": ["a", "b"]} and todo.add == {} and todo.unchanged == 1


def test_replace_removes_stale_members_and_renews_the_wanted_ones() -> None:
    todo = plan({"ip": {"tag", "tag.old", "other"}}, present={"ip": {"tag": 30, "tag.new": 30}},
                in_scope=lambda m: m.startswith("tag"), replace=True)
    assert todo.remove == {"ip": ["tag", "tag.old"]}
    assert todo.add == {"ip": {"tag": 30, "tag.new": 30}}


def test_run_books_partial_failures_and_keeps_the_rest() -> None:
    todo = plan(CURRENT, present={"k3": {"a": None}, "k4": {"a": None}}, absent={"k1": ["a"], "k2": ["a"]})
    writer = RecordingWriter(reject_add=["k4"], reject_remove=["k2"])
    outcome = run(CURRENT, todo, writer, members)
    assert len(writer.calls) == 1  # one batched write for additions and removals
    assert outcome.added == ["k3"] and outcome.removed == ["k1"]
    assert outcome.failed == [{"key": "k4"}, {"key": "k2"}]
    assert outcome.before == {"k1": ["a", "b"], "k2": ["a"], "k3": ["z"]}
    assert outcome.after == {"k1": ["b"], "k2": ["a"], "k3": ["a", "z"]}


def test_run_without_writer_is_check_mode() -> None:
    todo = plan(CURRENT, present={"k9": {"a": None}})
    outcome = run(CURRENT, todo, None, members)
    assert outcome.changed and outcome.writes == 0 and outcome.after["k9"] == ["a"]


def test_nothing_to_do_writes_nothing() -> None:
    writer = RecordingWriter()
    outcome = run(CURRENT, plan(CURRENT, present={"k2": {"a": None}}), writer, members)
    assert not outcome.changed and writer.calls == [] and outcome.unchanged == 1


def test_a_steady_exact_run_orders_and_views_no_more_than_it_must() -> None:
    # work, not time: at 100,000 keys every sort key and every view of the whole state counts
    current = {"k%d" % n: {"a"} for n in range(1000)}
    ordered: list[str] = []

    def order(key: str) -> str:
        ordered.append(key)
        return key

    views: list[int] = []

    def view(state: Mapping[str, set[str]]) -> list[str]:
        views.append(len(state))
        return sorted(state)

    steady = plan(current, present={key: {"a": None} for key in current if key != "k7"}, exact=True, order=order)
    assert steady.remove == {"k7": ["a"]} and ordered == ["k7"]
    outcome = run(current, plan(current, present=dict.fromkeys(current, {"a": None}), exact=True), None, view)
    assert not outcome.changed and views == [1000] and outcome.after == outcome.before
