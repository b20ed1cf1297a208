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

from tests.unit.firewall import ConfigTree, FakeFirewall, connection

ROOT = vsys_xpath("vsys1")


def test_one_read_per_object_type_with_a_union_xpath() -> None:
    tree = ConfigTree()
    tree.add(ROOT + "/tag", '<entry name="a"/>')
    tree.add(ROOT + "/address-group", '<entry name="a"><dynamic><filter>x</filter></dynamic></entry>')
    conn = connection(FakeFirewall(tree=tree))
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
    firewall = FakeFirewall()
    store = ConfigStore(connection(firewall))
    store.write(tag_object("t", "color1"), None)
    current = store.read_one(TAG, "t")
    assert current is not None and current.findtext("color") == "color1"
    store.write(tag_object("t", "color2"), current)
    assert firewall.tree.find(firewall.tree.candidate, TAG.xpath("t"))[0].findtext("color") == "color2"
    store.delete(TAG, "t")
    assert firewall.written() == ["set", "edit", "delete"] and firewall.tree.names(ROOT + "/tag") == []
    writes = firewall.writes()
    assert writes[0]["xpath"] == ROOT + "/tag" and writes[1]["xpath"] == ROOT + "/tag/entry[@name='t']"


def test_missing_in_running_is_decided_by_the_reply_not_its_text() -> None:
    tree = ConfigTree()
    tree.add(ROOT + "/tag", '<entry name="old"/>')
    store = ConfigStore(connection(FakeFirewall(tree=tree)))
    assert store.in_running(TAG, "old") and not store.in_running(TAG, "never")


def test_many_new_entries_go_out_in_sets_of_a_bounded_size_in_order() -> None:
    firewall = FakeFirewall()
    names = ["t%04d" % n for n in range(MAX_SET_ENTRIES * 2 + 1)]
    ConfigStore(connection(firewall)).create_all(TAG, [tag_object(name, "color1") for name in names])
    assert firewall.written() == ["set", "set", "set"]
    assert firewall.tree.names(ROOT + "/tag") == names
