"""_quota_cycle's decisions that need no firewall: what User-ID must deliver, the outcome line."""

from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._quota._cycle import outcome_line, userid_needs
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._options import policy_inputs


def needs(membership: Any = None, **options: Any) -> list[str]:
    return userid_needs(policy_inputs(options), membership)


@pytest.mark.parametrize("options, expected", [
    ({"quotas": {"ip": "20MB"}}, []),
    ({"quotas": {"ip": "20MB", "group": None}}, []),
    ({"quotas": {"group": "1GB"}}, ["groups"]),
    ({"overrides": {"group": {"cn=eng": "1GB"}}}, ["groups"]),
    ({"quotas": {"user": "20MB"}}, ["ip_user_mapping"]),
    ({"quotas": {"ip": "20MB"}, "exempt": {"users": ["acme\\ceo"]}}, ["ip_user_mapping"]),
    ({"quotas": {"user": "20MB", "group": "1GB"}}, ["groups", "ip_user_mapping"]),
])
def test_user_id_is_read_only_where_quotas_need_it(options: dict[str, Any], expected: list[str]) -> None:
    assert needs(**options) == expected


def test_given_group_membership_replaces_the_group_read() -> None:
    assert needs({"cn=eng": ["acme\\bob"]}, quotas={"group": "1GB"}) == []


def test_outcome_line_says_what_changed_and_where_nothing_was_written() -> None:
    applied = {"changed": True, "registered": ["10.0.0.5"], "unregistered": [], "rule_name": "BlockQuota",
               "rule_change": "created", "rule": "present", "committed": True, "users_tagged": ["acme\\bob"],
               "users_untagged": []}
    assert outcome_line(applied, False) == ("firewall: IPs registered 1, unregistered 0, users tagged 1, untagged 0, "
                                            "rule BlockQuota created, committed")
    assert outcome_line(dict(applied, rule_change=None, committed=False), False) == (
        "firewall: IPs registered 1, unregistered 0, users tagged 1, untagged 0")
    assert outcome_line(dict(applied, committed=False), True).startswith("firewall (check mode, nothing written): ")
    assert outcome_line(dict(applied, changed=False), False) == "firewall: unchanged"
