"""The ownership marker: only rules carrying our tag are ours."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ownership import (
    OWNER_TAG,
    is_owned,
    mark,
    owned,
    owner_tag_object,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SecurityRule


def test_mark_once_and_recognise_on_the_model_and_on_the_firewall_entry() -> None:
    rule = mark(mark(SecurityRule(name="r", tags=("ops",))))
    assert rule.tags == ("ops", OWNER_TAG) and is_owned(rule)
    assert is_owned(rule.to_element()) and not is_owned(SecurityRule(name="x").to_element())


def test_owned_filters_the_rulebase() -> None:
    entries = [mark(SecurityRule(name="ours")).to_element(), SecurityRule(name="theirs", tags=("ops",)).to_element(),
               ET.fromstring('<entry name="bare"/>')]
    assert [e.get("name") for e in owned(entries)] == ["ours"]


def test_the_tag_object_exists_for_the_marker() -> None:
    obj = owner_tag_object()
    assert obj.label == "tag " + OWNER_TAG and obj.element.findtext("comments")
