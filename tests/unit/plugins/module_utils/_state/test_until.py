"""Until-tags: the end of a registration kept on the firewall next to the tag it dates."""

from datetime import datetime

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._state._until import (
    lapsed_by_holder,
    parse_until_tag,
    until_by_holder,
    until_index_tag,
    until_tag,
)

T = datetime(2026, 11, 22, 10, 30, 0)


def test_until_tag_round_trip():
    assert until_tag("quota", T) == "quota.until.20261122103000"
    assert parse_until_tag("quota", "quota.until.20261122103000") == T


@pytest.mark.parametrize("name", ["quota", "other.until.20261122103000", "quota.until.2026112210300", "quota.until.20261322103000",
                                  "quota.until.2026112210300x", "quotas.until.20261122103000"])
def test_parse_until_tag_ignores_other_tags(name):
    assert parse_until_tag("quota", name) is None


def test_until_by_holder():
    state = until_by_holder({
        "10.0.0.1": ["quota", "quota.until.20261122103000"],
        "10.0.0.2": ["quota"],  # registered by someone else: not ours
        "10.0.0.3": ["quota.until.20261122103000"],  # companion only: not blocked
        "10.0.0.4": ["quota", "quota.until.20261122101500", "quota.until.20261122103000", "web"],
        "10.0.0.5": ["web"],
    }, "quota")
    assert state == {"10.0.0.1": T, "10.0.0.2": None, "10.0.0.4": T}


def test_lapsed_by_holder_finds_companions_left_without_their_tag():
    state = lapsed_by_holder({
        "10.0.0.1": ["quota", "quota.until.20261122103000"],  # in force
        "10.0.0.3": ["quota.until.20261122101500", "quota.until.20261122103000", "quota.until"],  # tag ended
        "10.0.0.5": ["web", "quota.until"],
    }, "quota")
    assert state == {"10.0.0.3": T}
    assert until_index_tag("quota") == "quota.until" and parse_until_tag("quota", until_index_tag("quota")) is None
