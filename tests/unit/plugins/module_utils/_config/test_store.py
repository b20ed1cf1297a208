"""The config store: batched reads, canonical comparison, merge-edit that keeps an admin's children."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import (
    ADDRESS_GROUP,
    TAG,
    dynamic_group_object,
    tag_object,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._config._store import ConfigStore, differences, merged
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import MAX_SET_ENTRIES
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import vsys_xpath

from .fake_config import FakeConfig

ROOT = vsys_xpath("vsys1")


def test_one_read_per_object_type_with_a_union_xpath() -> None:
    conn = FakeConfig()
    conn.add(ROOT + "/tag", ET.fromstring('<entry name="a"/>'))
    conn.add(ROOT + "/address-group", ET.fromstring('<entry name="a"><dynamic><filter>x</filter></dynamic></entry>'))
    found = ConfigStore(conn).read([(TAG, "a"), (TAG, "b'c"), (ADDRESS_GROUP, "a"), (TAG, "a")])
    assert conn.api_calls == 2
    tag_a, group_a = found[(TAG, "a")], found[(ADDRESS_GROUP, "a")]
    assert tag_a is not None and tag_a.find("dynamic") is None
    assert group_a is not None and group_a.findtext("dynamic/filter") == "x"
    assert found[(TAG, "b'c")] is None


def test_merge_edit_keeps_children_an_admin_added() -> None:
    current = ET.fromstring('<entry name="g" admin="other" dirtyId="2"><dynamic><filter>\'old\'</filter></dynamic>'
                            '<tag><member>admin-tag</member></tag><description>by hand</description></entry>')
    desired = dynamic_group_object("g", "'new'")
    assert differences(current, desired.element, ADDRESS_GROUP) == ["dynamic"]
    result = merged(current, desired.element, ADDRESS_GROUP)
    assert result.findtext("dynamic/filter") == "'new'"
    assert [m.text for m in result.findall("tag/member")] == ["admin-tag"]
    assert result.findtext("description") == "by hand"


def test_exclusive_children_replace_each_other() -> None:
    current = ET.fromstring('<entry name="g"><static><member>h1</member></static></entry>')
    desired = dynamic_group_object("g", "'q'")
    assert differences(current, desired.element, ADDRESS_GROUP) == ["dynamic", "static"]
    assert merged(current, desired.element, ADDRESS_GROUP).find("static") is None


def test_write_sets_new_entries_and_edits_existing_ones() -> None:
    conn = FakeConfig()
    store = ConfigStore(conn)
    store.write(tag_object("t", "color1"), None)
    current = store.read_one(TAG, "t")
    store.write(tag_object("t", "color2"), current)
    store.delete(TAG, "t")
    assert conn.actions() == ["set", "edit", "delete"]
    assert conn.sent[0][1] == ROOT + "/tag" and conn.sent[1][1] == ROOT + "/tag/entry[@name='t']"


def test_missing_in_running_is_decided_by_the_reply_not_its_text() -> None:
    conn = FakeConfig()
    conn.add(ROOT + "/tag", ET.fromstring('<entry name="old"/>'))
    store = ConfigStore(conn)
    assert store.in_running(TAG, "old") and not store.in_running(TAG, "never")


def test_many_new_entries_go_out_in_sets_of_a_bounded_size_in_order() -> None:
    conn = FakeConfig()
    names = ["t%04d" % n for n in range(MAX_SET_ENTRIES * 2 + 1)]
    ConfigStore(conn).create_all(TAG, [tag_object(name, "color1") for name in names])
    assert conn.actions() == ["set", "set", "set"]
    assert list(conn.candidate[ROOT + "/tag"]) == names
