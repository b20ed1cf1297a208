"""The ChangeSet: the commit-admin rule, check mode, diff, pending changes, one partial commit."""

from __future__ import annotations

from typing import Tuple

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import TAG, tag_object
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import vsys_xpath
from tests.unit.firewall import ConfigTree, FakeFirewall, connection

ROOT = vsys_xpath("vsys1")


def holding(*tags: str) -> Tuple[FirewallConnection, FakeFirewall]:
    """A firewall whose candidate and running config hold these tag entries."""
    tree = ConfigTree()
    for entry in tags:
        tree.add(ROOT + "/tag", entry)
    firewall = FakeFirewall(tree=tree)
    return connection(firewall), firewall


def test_commit_without_a_known_admin_is_refused_before_any_request() -> None:
    conn, firewall = holding()
    with pytest.raises(ValidationError, match="commit_admin"):
        ChangeSet(conn, commit=True, admin=None)
    assert conn.api_calls == 0 and firewall.requests == []
    ChangeSet(conn, commit=False, admin=None)  # nothing to commit: no admin needed


def test_plan_diff_apply_and_one_commit() -> None:
    conn, firewall = holding('<entry name="b"><color>color1</color></entry>')
    changes = ChangeSet(conn, admin="auto", description="why")
    changes.read([(TAG, "a"), (TAG, "b")])
    assert changes.present(tag_object("a", "color2")) == "created"
    assert changes.present(tag_object("b", "color3")) == "updated"
    assert changes.diff()["before"]["tag a"] is None and changes.diff()["after"]["tag b"] == {"color": "color3"}
    moved = []
    changes.changes.clear()
    changes.present(tag_object("a", "color2"), then=lambda: moved.append("a"))
    commit = changes.apply()
    assert firewall.written() == ["set", "commit"] and moved == ["a"]
    assert commit is not None and commit["changed"] and firewall.commits() == [("auto", "why")]
    # one batched read, one write, one commit and one poll of its job (show jobs id)
    assert firewall.kinds() == ["config get", "config set", "commit", "op"] and conn.api_calls == 4


def test_creations_planned_together_go_out_in_one_set_in_plan_order() -> None:
    conn, firewall = holding('<entry name="b"><color>color1</color></entry>')
    changes = ChangeSet(conn, admin="auto")
    changes.read([(TAG, n) for n in "abcd"])
    ran = []
    for name in "abc":
        changes.present(tag_object(name, "color5"), together=True)
    changes.step("placed", TAG, "a", lambda: ran.append(firewall.written()))
    changes.present(tag_object("d", "color6"))  # not together: a set of its own
    assert changes.labels("created") == ["tag a", "tag c", "tag d"] and changes.labels("updated") == ["tag b"]
    changes.apply()
    assert firewall.written() == ["set", "edit", "set", "commit"] and ran == [["set", "edit"]]
    assert firewall.tree.names(ROOT + "/tag") == ["b", "a", "c", "d"]
    first = firewall.writes()[0]["element"]
    assert '<entry name="a">' in first and '<entry name="c">' in first


def test_check_mode_reads_and_plans_but_sends_nothing() -> None:
    conn, firewall = holding()
    changes = ChangeSet(conn, admin="auto", check_mode=True)
    assert changes.present(tag_object("a")) == "created" and changes.changed
    assert changes.apply() is None and firewall.writes() == [] and firewall.commits() == []


def test_unchanged_needs_no_commit_but_our_own_pending_change_does() -> None:
    conn, firewall = holding('<entry name="a" admin="someone" dirtyId="3"/>')
    changes = ChangeSet(conn, admin="auto")
    assert changes.present(tag_object("a")) is None and not changes.changed
    assert changes.apply() is None and firewall.writes() == []

    conn, firewall = holding('<entry name="a" admin="auto" dirtyId="4"/>')
    changes = ChangeSet(conn, admin="auto")
    assert changes.present(tag_object("a")) is None and changes.pending and changes.changed
    changes.apply()
    assert firewall.written() == ["commit"] and firewall.commits() == [("auto", None)]


def test_a_deletion_waiting_for_its_commit_is_committed() -> None:
    conn, firewall = holding('<entry name="gone"/>')
    firewall.tree({"action": "delete", "xpath": TAG.xpath("gone")})  # deleted, not committed yet
    changes = ChangeSet(conn, admin="auto")
    assert changes.absent(TAG, "gone") is None and changes.needs_commit
    conn, firewall = holding('<entry name="here"/>')
    changes = ChangeSet(conn, admin="auto")
    assert changes.absent(TAG, "here") == "deleted"
    changes.apply()
    assert firewall.written() == ["delete", "commit"] and len(firewall.commits()) == 1
    assert firewall.tree.find(firewall.tree.running, TAG.xpath("here")) == []  # the commit put it in force


def test_a_step_runs_in_plan_order_counts_as_a_change_and_leaves_the_diff_unchanged() -> None:
    conn, firewall = holding('<entry name="a"><color>color1</color></entry>')
    changes = ChangeSet(conn, admin="auto")
    ran = []
    assert changes.present(tag_object("a", "color2")) == "updated"
    assert changes.step("moved", TAG, "a", lambda: ran.append(firewall.written())) == "moved"
    assert changes.labels("moved") == ["tag a"] and changes.changed
    assert changes.diff()["after"]["tag a"] == {"color": "color2"}  # the update's, not overwritten by the step
    changes.apply()
    assert ran == [["edit"]] and len(firewall.commits()) == 1
    check = ChangeSet(conn, admin="auto", check_mode=True)
    check.step("moved", TAG, "a", lambda: ran.append(["sent"]))
    assert check.apply() is None and ran == [["edit"]]
