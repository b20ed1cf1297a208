"""type=config with pan-python and pan-os-python: shapes, xpath subset, validation, change marks."""

from __future__ import annotations

import pan.xapi
import pytest
from panos import objects, policies
from panos.firewall import Firewall

VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"
RULES = f"{VSYS}/rulebase/security/rules"


def rule_names(xapi: pan.xapi.PanXapi, action: str = "get") -> list[str]:
    getattr(xapi, action)(xpath=RULES)
    return [e.get("name") for e in xapi.element_root.findall("result/rules/entry")]


def add_rule(xapi: pan.xapi.PanXapi, name: str) -> None:
    xapi.set(xpath=f"{RULES}/entry[@name='{name}']",
             element="<from><member>trust</member></from><to><member>untrust</member></to>"
                     "<source><member>any</member></source><destination><member>any</member></destination>"
                     "<action>allow</action>")


def test_set_get_and_change_marks(xapi: pan.xapi.PanXapi) -> None:
    xapi.set(xpath=f"{VSYS}/tag", element="<entry name='quota'><color>color1</color></entry>")
    assert (xapi.status_code, xapi.status_detail) == ("20", "command succeeded")
    xapi.get(xpath=f"{VSYS}/tag/entry[@name='quota']")
    result = xapi.element_root.find("result")
    assert xapi.status_code == "19" and (result.get("total-count"), result.get("count")) == ("1", "1")
    entry = result.find("entry")
    assert entry.get("admin") == "admin" and entry.get("dirtyId") and entry.get("time")
    assert entry.findtext("color") == "color1"
    # Not committed: the running config does not have it.
    with pytest.raises(pan.xapi.PanXapiError, match="No such node"):
        xapi.show(xpath=f"{VSYS}/tag/entry[@name='quota']")


def test_set_merges_members_and_replaces_leaves(xapi: pan.xapi.PanXapi) -> None:
    add_rule(xapi, "r1")
    xapi.set(xpath=f"{RULES}/entry[@name='r1']/source-user", element="<member>acme\\bob</member>")
    xapi.set(xpath=f"{RULES}/entry[@name='r1']", element="<source-user><member>acme\\carol</member></source-user><action>deny</action>")
    xapi.get(xpath=f"{RULES}/entry[@name='r1']")
    entry = xapi.element_root.find("result/entry")
    assert [m.text for m in entry.findall("source-user/member")] == ["acme\\bob", "acme\\carol"]
    assert entry.findtext("action") == "deny"


def test_get_missing_is_success_code_7(xapi: pan.xapi.PanXapi) -> None:
    xapi.get(xpath=f"{VSYS}/tag/entry[@name='nope']")
    assert (xapi.status, xapi.status_code) == ("success", "7")
    assert len(xapi.element_root.find("result")) == 0


@pytest.mark.parametrize("xpath", ["config/devices", "/config/devices/entry[1]", "//entry",
                                   "/config/devices/entry[@name='x' or @name='y']", "/config/devices/entry[contains(@name,'x')]",
                                   "/config/shared/../devices", "/devices/entry"])
def test_only_the_client_xpath_subset_is_accepted(xapi: pan.xapi.PanXapi, xpath: str) -> None:
    with pytest.raises(pan.xapi.PanXapiError):
        xapi.get(xpath=xpath)
    assert xapi.status_code == "6"


def test_xpath_quoting_and_unions(xapi: pan.xapi.PanXapi) -> None:
    xapi.set(xpath=f"{VSYS}/tag", element="<entry name=\"it's\"><comments>a &amp; b</comments></entry>")
    xapi.get(xpath=f"{VSYS}/tag/entry[@name=\"it's\"]/comments|{VSYS}/zone")
    result = xapi.element_root.find("result")
    assert [e.tag for e in result] == ["zone", "comments"] and result.findtext("comments") == "a & b"


def test_edit_replaces_and_must_match(xapi: pan.xapi.PanXapi) -> None:
    xapi.set(xpath=f"{VSYS}/tag", element="<entry name='quota'><color>color1</color><comments>x</comments></entry>")
    xapi.edit(xpath=f"{VSYS}/tag/entry[@name='quota']", element="<entry name='quota'><color>color3</color></entry>")
    xapi.get(xpath=f"{VSYS}/tag/entry[@name='quota']")
    entry = xapi.element_root.find("result/entry")
    assert entry.findtext("color") == "color3" and entry.find("comments") is None
    with pytest.raises(pan.xapi.PanXapiError, match="edit breaks config validity"):
        xapi.edit(xpath=f"{VSYS}/tag/entry[@name='quota']", element="<entry name='other'/>")
    assert xapi.status_code == "12"


def test_delete_rename_move(xapi: pan.xapi.PanXapi) -> None:
    for name in ("a", "b", "c"):
        add_rule(xapi, name)
    xapi.move(xpath=f"{RULES}/entry[@name='c']", where="top")
    assert rule_names(xapi) == ["c", "a", "b"]
    xapi.move(xpath=f"{RULES}/entry[@name='c']", where="after", dst="a")
    assert rule_names(xapi) == ["a", "c", "b"]
    xapi.move(xpath=f"{RULES}/entry[@name='b']", where="before", dst="a")
    xapi.move(xpath=f"{RULES}/entry[@name='a']", where="bottom")
    assert rule_names(xapi) == ["b", "c", "a"]
    with pytest.raises(pan.xapi.PanXapiError, match="no target specified in move"):
        xapi.move(xpath=f"{RULES}/entry[@name='a']", where="before")
    assert xapi.status_code == "7"
    with pytest.raises(pan.xapi.PanXapiError):
        xapi.move(xpath=f"{RULES}/entry[@name='a']", where="after", dst="a")
    assert xapi.status_code == "14"
    xapi.rename(xpath=f"{RULES}/entry[@name='a']", newname="z")
    with pytest.raises(pan.xapi.PanXapiError, match="already in use"):
        xapi.rename(xpath=f"{RULES}/entry[@name='z']", newname="b")
    xapi.delete(xpath=f"{RULES}/entry[@name='c']")
    assert rule_names(xapi) == ["b", "z"]
    with pytest.raises(pan.xapi.PanXapiError, match="No such node"):
        xapi.rename(xpath=f"{RULES}/entry[@name='nope']", newname="x")
    assert xapi.status_code == "7"


def test_invalid_rule_members_are_refused_and_change_nothing(xapi: pan.xapi.PanXapi) -> None:
    add_rule(xapi, "BlockQuota")
    with pytest.raises(pan.xapi.PanXapiError, match="BlockQuota -> source-user '' is invalid"):
        xapi.set(xpath=f"{RULES}/entry[@name='BlockQuota']/source-user", element="<member></member>")
    assert xapi.status_code == "12" and "CDATA" in xapi.xml_document
    with pytest.raises(pan.xapi.PanXapiError, match="action 'maybe' is invalid"):
        xapi.edit(xpath=f"{RULES}/entry[@name='BlockQuota']/action", element="<action>maybe</action>")
    xapi.get(xpath=f"{RULES}/entry[@name='BlockQuota']")
    entry = xapi.element_root.find("result/entry")
    assert entry.find("source-user") is None and entry.findtext("action") == "allow"


def test_a_refused_set_of_several_rules_changes_none_of_them(xapi: pan.xapi.PanXapi) -> None:
    add_rule(xapi, "first")
    add_rule(xapi, "second")
    with pytest.raises(pan.xapi.PanXapiError, match="bad -> action 'maybe' is invalid"):
        xapi.set(xpath=RULES, element="<entry name='first'><description>d</description></entry>"
                                      "<entry name='new'><action>allow</action></entry>"
                                      "<entry name='bad'><action>maybe</action></entry>")
    assert rule_names(xapi) == ["first", "second"]
    xapi.get(xpath=f"{RULES}/entry[@name='first']")
    assert xapi.element_root.find("result/entry/description") is None
    xapi.set(xpath=RULES, element="<entry name='n1'><action>allow</action></entry>"
                                  "<entry name='n2'><action>deny</action></entry>")
    assert rule_names(xapi) == ["first", "second", "n1", "n2"]  # new entries land at the end, in order


def test_malformed_element_is_code_18(xapi: pan.xapi.PanXapi) -> None:
    with pytest.raises(pan.xapi.PanXapiError):
        xapi.set(xpath=f"{VSYS}/tag", element="<entry name='x'>")
    assert xapi.status_code == "18"


def test_pan_os_python_objects_and_rules(firewall: Firewall) -> None:
    firewall.add(objects.Tag("quota", color="red", comments="over quota")).create()
    firewall.add(objects.AddressGroup("quota", dynamic_value="'quota'")).create()
    rulebase = firewall.add(policies.Rulebase())
    allow = rulebase.add(policies.SecurityRule("allow-out", fromzone=["trust"], tozone=["untrust"], action="allow"))
    block = rulebase.add(policies.SecurityRule("BlockQuota", fromzone=["trust"], tozone=["untrust"], source=["quota"],
                                               action="deny"))
    allow.create()
    block.create()
    block.move("before", "allow-out")

    fresh = Firewall(firewall.hostname, api_key=firewall.api_key, port=firewall.port)
    fresh.xapi.ssl_context = firewall.xapi.ssl_context
    group = objects.AddressGroup("quota")
    fresh.add(group).refresh()
    assert group.dynamic_value == "'quota'"
    tag = fresh.add(objects.Tag("quota"))
    tag.refresh()
    assert (tag.color, tag.comments) == ("red", "over quota")
    rules = policies.SecurityRule.refreshall(fresh.add(policies.Rulebase()))
    assert [r.name for r in rules] == ["BlockQuota", "allow-out"]
    assert rules[0].source == ["quota"] and rules[0].action == "deny"
    block.delete()
    assert [r.name for r in policies.SecurityRule.refreshall(fresh.find("", policies.Rulebase) or
                                                             fresh.add(policies.Rulebase()))] == ["allow-out"]


def test_invalid_dag_filter_is_refused(xapi: pan.xapi.PanXapi) -> None:
    with pytest.raises(pan.xapi.PanXapiError, match="filter 'quota and' is invalid"):
        xapi.set(xpath=f"{VSYS}/address-group/entry[@name='g']/dynamic", element="<filter>quota and</filter>")
    assert xapi.status_code == "12"


def test_a_write_costs_the_nodes_it_touches_not_the_whole_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process: a move copies nothing and a set copies only what it merges (no copy of the candidate)."""
    from lxml import etree

    from panos_emulator import builders, config
    from panos_emulator.state import EmulatorState

    state = EmulatorState()
    state.load_config(builders.config(rules=tuple(builders.rule("r%d" % n) for n in range(300))))
    copied: list[int] = []
    original = config.copy.deepcopy

    def counting(node: object, *args: object) -> object:
        copied.append(len(list(node.iter())) if isinstance(node, etree._Element) else 1)
        return original(node, *args)
    monkeypatch.setattr(config.copy, "deepcopy", counting)
    config.handle_config(state, {"action": "move", "xpath": f"{RULES}/entry[@name='r0']", "where": "bottom"}, "admin")
    assert copied == []
    config.handle_config(state, {"action": "set", "xpath": RULES,
                                 "element": "<entry name='r1'><description>d</description></entry>"}, "admin")
    assert max(copied) < 40  # the entry merged into (kept for a rollback) and the new element, not 300 rules
