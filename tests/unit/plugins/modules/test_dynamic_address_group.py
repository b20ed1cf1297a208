"""dynamic_address_group's main() in-process: ChangeSet, diff, commit, merge-edit."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.module_runner import load
from tests.unit.firewall import PROVIDER, FakeFirewall

dynamic_address_group = load("dynamic_address_group")

GROUP = ('<response status="success"><result><entry name="blocked"><dynamic><filter>\'old\'</filter></dynamic>'
         '<tag><member>added-by-admin</member></tag></entry></result></response>')


def test_creates_tag_and_group_with_diff_and_one_commit(run_module) -> None:
    firewall = FakeFirewall()
    failed, result = run_module(dynamic_address_group.main, {"provider": PROVIDER, "name": "blocked",
                                                             "filter": "'quota'", "tags": ["quota"]}, firewall, diff=True)
    assert not failed and result["changed"]
    assert result["changes"] == ["create tag quota", "create address-group blocked"]
    assert result["diff"]["after"]["address-group blocked"] == {"dynamic": {"filter": "'quota'"}}
    assert result["commit"]["result"] == "OK"
    assert firewall.kinds() == ["keygen", "config get", "config get", "config set", "config set", "commit", "op"]


def test_update_keeps_children_an_admin_added(run_module) -> None:
    firewall = FakeFirewall(config={"get": GROUP})
    failed, result = run_module(dynamic_address_group.main, {"provider": PROVIDER, "name": "blocked",
                                                             "filter": "'quota'", "commit": False}, firewall)
    assert not failed and result["changes"] == ["update address-group blocked"] and "commit" not in result
    [edit] = [r for r in firewall.requests if r.get("action") == "edit"]
    written = ET.fromstring(edit["element"])
    assert written.findtext("dynamic/filter") == "'quota'" and written.findtext("tag/member") == "added-by-admin"


def test_only_an_api_key_and_commit_asks_for_commit_admin_first(run_module) -> None:
    firewall = FakeFirewall()
    failed, result = run_module(dynamic_address_group.main, {"provider": {"ip_address": "fw", "api_key": "K"},
                                                             "name": "g", "filter": "'q'"}, firewall)
    assert failed and "commit_admin" in result["msg"] and firewall.requests == []


def test_present_needs_a_filter(run_module) -> None:
    failed, result = run_module(dynamic_address_group.main, {"provider": PROVIDER, "name": "g"})
    assert failed and "filter" in result["msg"]
