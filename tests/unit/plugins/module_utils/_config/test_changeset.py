"""The ChangeSet: the commit-admin rule, check mode, diff, pending changes, one partial commit."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import TAG, tag_object
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import vsys_xpath

from .fake_config import FakeConfig

ROOT = vsys_xpath("vsys1")


def test_commit_without_a_known_admin_is_refused_before_any_request() -> None:
    conn = FakeConfig()
    with pytest.raises(ValidationError, match="commit_admin"):
        ChangeSet(conn, commit=True, admin=None)
    assert conn.api_calls == 0
    ChangeSet(conn, commit=False, admin=None)  # nothing to commit: no admin needed


def test_plan_diff_apply_and_one_commit() -> None:
    conn = FakeConfig()
    conn.add(ROOT + "/tag", ET.fromstring('<entry name="b"><color>color1</color></entry>'))
    changes = ChangeSet(conn, admin="auto", description="why")
    changes.read([(TAG, "a"), (TAG, "b")])
    assert changes.present(tag_object("a", "color2")) == "created"
    assert changes.present(tag_object("b", "color3")) == "updated"
    assert changes.diff()["before"]["tag a"] is None and changes.diff()["after"]["tag b"] == {"color": "color3"}
    moved = []
    changes.changes.clear()
    changes.present(tag_object("a", "color2"), then=lambda: moved.append("a"))
    commit = changes.apply()
    assert conn.actions() == ["set"] and moved == ["a"]
    assert commit is not None and conn.commits == [("auto", "why")]
    assert conn.api_calls == 3  # one batched read, one write, one commit


def test_creations_planned_together_go_out_in_one_set_in_plan_order() -> None:
    conn = FakeConfig()
    conn.add(ROOT + "/tag", ET.fromstring('<entry name="b"><color>color1</color></entry>'))
    changes = ChangeSet(conn, admin="auto")
    changes.read([(TAG, n) for n in "abcd"])
    ran = []
    for name in "abc":
        changes.present(tag_object(name, "color5"), together=True)
    changes.step("placed", TAG, "a", lambda: ran.append(conn.actions()[:]))
    changes.present(tag_object("d", "color6"))  # not together: a set of its own
    assert changes.labels("created") == ["tag a", "tag c", "tag d"] and changes.labels("updated") == ["tag b"]
    changes.apply()
    assert conn.actions() == ["set", "edit", "set"] and ran == [["set", "edit"]]
    assert list(conn.candidate[ROOT + "/tag"]) == ["b", "a", "c", "d"]
    assert '<entry name="a">' in conn.sent[0][2] and '<entry name="c">' in conn.sent[0][2]


def test_check_mode_reads_and_plans_but_sends_nothing() -> None:
    conn = FakeConfig()
    changes = ChangeSet(conn, admin="auto", check_mode=True)
    assert changes.present(tag_object("a")) == "created" and changes.changed
    assert changes.apply() is None and conn.sent == [] and conn.commits == []


def test_unchanged_needs_no_commit_but_our_own_pending_change_does() -> None:
    conn = FakeConfig()
    conn.add(ROOT + "/tag", ET.fromstring('<entry name="a" admin="someone"/>'))
    changes = ChangeSet(conn, admin="auto")
    assert changes.present(tag_object("a")) is None and not changes.changed
    assert changes.apply() is None and conn.commits == []

    conn = FakeConfig()
    conn.add(ROOT + "/tag", ET.fromstring('<entry name="a" admin="auto" dirtyId="4"/>'))
    changes = ChangeSet(conn, admin="auto")
    assert changes.present(tag_object("a")) is None and changes.pending and changes.changed
    changes.apply()
    assert conn.sent == [] and conn.commits == [("auto", None)]


def test_a_deletion_waiting_for_its_commit_is_committed() -> None:
    conn = FakeConfig()
    conn.add(ROOT + "/tag", ET.fromstring('<entry name="gone"/>'))
    del conn.candidate[ROOT + "/tag"]["gone"]
    changes = ChangeSet(conn, admin="auto")
    assert changes.absent(TAG, "gone") is None and changes.needs_commit
    conn = FakeConfig()
    conn.add(ROOT + "/tag", ET.fromstring('<entry name="here"/>'))
    changes = ChangeSet(conn, admin="auto")
    assert changes.absent(TAG, "here") == "deleted"
    changes.apply()
    assert conn.actions() == ["delete"] and len(conn.commits) == 1


def test_a_step_runs_in_plan_order_counts_as_a_change_and_leaves_the_diff_unchanged() -> None:
    conn = FakeConfig()
    conn.add(ROOT + "/tag", ET.fromstring('<entry name="a"><color>color1</color></entry>'))
    changes = ChangeSet(conn, admin="auto")
    ran = []
    assert changes.present(tag_object("a", "color2")) == "updated"
    assert changes.step("moved", TAG, "a", lambda: ran.append(conn.actions())) == "moved"
    assert changes.labels("moved") == ["tag a"] and changes.changed
    assert changes.diff()["after"]["tag a"] == {"color": "color2"}  # the update's, not overwritten by the step
    changes.apply()
    assert ran == [["edit"]] and len(conn.commits) == 1
    check = ChangeSet(conn, admin="auto", check_mode=True)
    check.step("moved", TAG, "a", lambda: ran.append(["sent"]))
    assert check.apply() is None and ran == [["edit"]]
