"""quota_block logic without a firewall: rule XML, validation, diffs, planning."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import commit_admin_for
from ansible_collections.tagwarden.panos.plugins.module_utils._config._store import differences, merged
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import to_string
from ansible_collections.tagwarden.panos.plugins.module_utils._quota import _blocks as qb
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._release import encode_rule_description
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import deny_rule
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SECURITY_RULE, keyword_problems

NOW = "2026/11/22 10:00:00"
HOSTILE = ["a'b", 'c"d', "<e>", "f&g", "x</member><member>any", "cn=sales,dc=acme,dc=local"]


class FakeConn:
    """Records requests; ``rule`` is the candidate entry returned by config get, ``registered`` the tags."""

    def __init__(self, registered: dict[str, set[str]] | None = None, rule: ET.Element | None = None,
                 running_rule: ET.Element | None = None) -> None:
        self.registered = registered or {}
        self.rule = rule
        self.running_rule = running_rule
        self.sent: list[tuple[str, Any]] = []
        self.api_calls = 0
        self.where = "fake:443"

    def op(self, cmd: ET.Element, vsys: str | None = None) -> ET.Element:
        self.api_calls += 1
        root = ET.fromstring('<response status="success"><result/></response>')
        for ip, tags in self.registered.items():
            entry = ET.SubElement(root[0], "entry", ip=ip)
            node = ET.SubElement(entry, "tag")
            for tag in tags:
                ET.SubElement(node, "member").text = tag
        return root

    def config(self, action: str, xpath: str, element: Any = None, **extra: str) -> ET.Element:
        self.api_calls += 1
        root = ET.fromstring('<response status="success"><result/></response>')
        if action in ("get", "show"):
            rule = self.rule if action == "get" else self.running_rule
            if rule is not None:
                root[0].append(rule)
            return root
        self.sent.append((action, xpath, to_string(element) if element is not None else None, extra))
        return root

    def user_id(self, message: ET.Element, vsys: str | None = None) -> ET.Element:
        self.api_calls += 1
        self.sent.append(("user-id", to_string(message)))
        return ET.fromstring('<response status="success"><result/></response>')

    def commit_partial(self, admin: str, description: str | None = None) -> dict[str, Any]:
        self.api_calls += 1
        self.sent.append(("commit", admin))
        return {"changed": True}


def apply(conn: FakeConn, **kwargs: Any) -> dict[str, Any]:
    kwargs.setdefault("now", NOW)
    kwargs.setdefault("commit_admin", "admin")
    return qb.apply(conn, **kwargs)


# -- rule element --------------------------------------------------------------------------------

def test_hostile_group_names_stay_literal_members() -> None:
    rule = deny_rule("BlockQuota", HOSTILE, "d").to_element()
    text = to_string(rule)
    assert "<member>any</member>" not in text.split("<source-user>")[1].split("</source-user>")[0]
    parsed = ET.fromstring(text)
    assert [m.text for m in parsed.findall("source-user/member")] == HOSTILE
    assert "&lt;/member&gt;" in text and "f&amp;g" in text


def test_keywords_and_empty_names_are_refused_case_insensitively() -> None:
    problems = keyword_problems(["ANY", "Known-User", "unknown", "pre-logon", " ", "sales"])
    assert len(problems) == 5
    assert all("sales" not in p for p in problems)


@pytest.mark.parametrize("name", ["any", "Unknown", "", "PRE-LOGON"])
def test_apply_refuses_keyword_groups_before_any_request(name: str) -> None:
    conn = FakeConn()
    with pytest.raises(ValidationError, match="nothing was sent"):
        apply(conn, groups={name: "2026/11/22 10:30:00"})
    assert conn.api_calls == 0


def test_description_overflow_is_refused_before_any_request() -> None:
    conn = FakeConn()
    groups = {"cn=group-%03d,ou=very-long-organisational-unit,dc=acme,dc=local" % i: "2026/11/22 10:30:00" for i in range(20)}
    with pytest.raises(ValidationError, match="1024"):
        apply(conn, groups=groups)
    assert conn.api_calls == 0


def test_all_problems_in_one_message() -> None:
    with pytest.raises(ValidationError) as info:
        apply(FakeConn(), now="tomorrow", block_ips=[{"ip": "10.0.0.0/24", "until": NOW}, {"ip": "10.0.0.1"}],
              release_ips=["bogus"], rule_location="before", rule_action="allow")
    message = str(info.value)
    for part in ("now:", "block_ips item 1", "block_ips item 2", "release_ips item 1", "rule_location", "rule_action"):
        assert part in message


# -- planning ------------------------------------------------------------------------------------

def test_plan_ips_registers_both_tags_with_the_seconds_left() -> None:
    now = datetime(2026, 11, 22, 10, 0, 0)
    todo = qb.plan_ips({}, "quota", {"10.0.0.5": datetime(2026, 11, 22, 10, 15)}, [], now)
    register, unregister = todo.add, todo.remove
    assert register == {"10.0.0.5": {"quota": 900, "quota.until.20261122101500": 900}}
    assert unregister == {}


def test_plan_ips_is_idempotent_and_renews_a_different_end() -> None:
    now = datetime(2026, 11, 22, 10, 0, 0)
    held = {"10.0.0.5": {"quota", "quota.until.20261122101500"}, "10.0.0.6": {"quota", "quota.until.20261122100500"}}
    block = {"10.0.0.5": datetime(2026, 11, 22, 10, 15), "10.0.0.6": datetime(2026, 11, 22, 10, 20)}
    todo = qb.plan_ips(held, "quota", block, [], now)
    register, unregister = todo.add, todo.remove
    assert register == {"10.0.0.6": {"quota": 1200, "quota.until.20261122102000": 1200}}
    assert unregister == {"10.0.0.6": ["quota", "quota.until.20261122100500"]}


def test_plan_ips_release_removes_tag_and_companions_only() -> None:
    held = {"10.0.0.7": {"quota", "quota.until.20261122101500", "other"}}
    unregister = qb.plan_ips(held, "quota", {}, ["10.0.0.7", "10.0.0.8"], datetime(2026, 11, 22)).remove
    assert unregister == {"10.0.0.7": ["quota", "quota.until.20261122101500"]}


def test_timeout_bounds() -> None:
    now = datetime(2026, 11, 22, 10, 0, 0)
    assert qb.timeout_for(datetime(2026, 11, 22, 9, 0), now) == 1
    assert qb.timeout_for(datetime(2027, 11, 22), now) == 2592000


def test_ip_blocks_without_companion_are_not_ours() -> None:
    state = qb.ip_blocks({"10.0.0.9": {"quota"}, "10.0.0.2": {"quota", "quota.until.20261122101500"}, "10.0.0.3": {"x"}}, "quota")
    assert state == {"10.0.0.2": datetime(2026, 11, 22, 10, 15), "10.0.0.9": None}
    assert list(state) == ["10.0.0.2", "10.0.0.9"]


# -- diffing -------------------------------------------------------------------------------------

def _rule(groups: list[str]) -> ET.Element:
    releases = {g: datetime(2026, 11, 22, 10, 30) for g in groups}
    return deny_rule("BlockQuota", groups, encode_rule_description(releases)).to_element()


def test_differences_ignore_dirty_marks_and_member_order_but_not_members() -> None:
    current = ET.fromstring(to_string(_rule(["b", "a"])))
    current.set("admin", "admin")
    current.set("dirtyId", "3")
    desired = _rule(["b", "a"])
    reordered = _rule(["a", "b"])
    reordered.find("description").text = desired.find("description").text
    assert differences(current, reordered, SECURITY_RULE) == []
    assert differences(current, _rule(["a"]), SECURITY_RULE) == ["source-user", "description"]
    assert differences(None, desired) == [child.tag for child in desired]


def test_merged_keeps_unmanaged_children() -> None:
    current = _rule(["a"])
    ET.SubElement(current, "log-setting").text = "default"
    result = merged(current, _rule(["a", "b"]), SECURITY_RULE)
    assert result.findtext("log-setting") == "default"
    assert [m.text for m in result.findall("source-user/member")] == ["a", "b"]


def test_rule_groups_reads_times_and_skips_keywords() -> None:
    rule = _rule(["a", "b"])
    rule.find("source-user").append(ET.fromstring("<member>any</member>"))
    rule.find("source-user").append(ET.fromstring("<member>someone-else</member>"))
    assert qb.rule_groups(rule) == {"a": datetime(2026, 11, 22, 10, 30), "b": datetime(2026, 11, 22, 10, 30),
                                    "someone-else": None}
    rule.find("description").text = 'x {"release": {broken'
    with pytest.raises(ValueError):
        qb.rule_groups(rule)
    assert qb.rule_groups(rule, strict=False) == {"a": None, "b": None, "someone-else": None}


# -- apply against a recording fake --------------------------------------------------------------

def test_apply_creates_moves_commits_then_is_idempotent() -> None:
    conn = FakeConn()
    result = apply(conn, block_ips=[{"ip": "10.0.0.5", "until": "2026/11/22 10:15:00", "reason": "x"}],
                   groups={"g1": "2026/11/22 10:30:00"})
    actions = [s[0] for s in conn.sent]
    assert actions == ["user-id", "set", "move", "commit"]
    assert conn.sent[2][3] == {"where": "top"}
    assert result["rule_change"] == "created" and result["committed"] and result["registered"] == ["10.0.0.5"]
    assert result["groups_blocked"] == ["g1"]

    created = ET.fromstring(conn.sent[1][2])
    again = FakeConn({"10.0.0.5": {"quota", "quota.until.20261122101500"}}, rule=created)
    result = apply(again, block_ips=[{"ip": "10.0.0.5", "until": "2026/11/22 10:15:00"}], groups={"g1": "2026/11/22 10:30:00"})
    assert again.sent == [] and result["changed"] is False


def test_apply_edits_changed_rule_and_deletes_empty_one() -> None:
    conn = FakeConn(rule=_rule(["g1"]))
    result = apply(conn, groups={"g1": "2026/11/22 10:30:00", "g2": "2026/11/22 10:40:00"})
    assert [s[0] for s in conn.sent] == ["edit", "commit"]
    assert result["groups_blocked"] == ["g2"] and result["rule_change"] == "updated"

    conn = FakeConn(rule=_rule(["g1"]))
    result = apply(conn, groups={})
    assert [s[0] for s in conn.sent] == ["delete", "commit"]
    assert result["rule"] == "absent" and result["groups_released"] == ["g1"]


def test_pending_changes_of_ours_are_committed() -> None:
    rule = _rule(["g1"])
    rule.set("admin", "admin")
    conn = FakeConn(rule=rule)
    result = apply(conn, groups={"g1": "2026/11/22 10:30:00"})
    assert [s[0] for s in conn.sent] == ["commit"] and result["changed"]
    # a deletion that was not committed: the candidate has no rule, the running config has it
    conn = FakeConn(rule=None, running_rule=_rule(["g1"]))
    assert apply(conn)["committed"] and [s[0] for s in conn.sent] == ["commit"]


def test_check_mode_sends_nothing() -> None:
    conn = FakeConn()
    result = apply(conn, block_ips=[{"ip": "10.0.0.5", "until": "2026/11/22 10:15:00"}], groups={"g": None},
                   check_mode=True)
    assert conn.sent == [] and result["changed"] and result["rule_change"] == "created"
    assert result["diff"]["after"]["ips"] == {"10.0.0.5": "2026/11/22 10:15:00"}


def test_commit_needs_an_admin_when_only_a_key_is_known() -> None:
    conn = FakeConn()
    with pytest.raises(ValidationError, match="commit_admin"):
        apply(conn, groups={"g": None}, commit_admin=None)
    assert conn.sent == []
    assert commit_admin_for(None, {"username": "auto", "password": "x"}) == "auto"
    assert commit_admin_for(None, {"username": "auto", "api_key": "k"}) is None
    assert commit_admin_for("ops", {"api_key": "k"}) == "ops"
