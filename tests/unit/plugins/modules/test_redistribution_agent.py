"""redistribution_agent's main() in-process: read the agents once, touch only our entry, one partial commit."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ansible.module_utils import basic

from tests.module_runner import load
from tests.unit.firewall import PROVIDER, FakeFirewall as Firewall

redistribution_agent = load("redistribution_agent")


def agents(*entries: str) -> str:
    return ('<response status="success" code="19"><result total-count="1" count="1"><redistribution-agent>%s'
            '</redistribution-agent></result></response>' % "".join(entries))


ADMINS = "<entry name='from-panorama'><serial-number>panorama</serial-number><ip-tags>yes</ip-tags></entry>"
OURS_DISABLED_BY_ADMIN = ("<entry name='tagwarden-panorama'><serial-number>panorama</serial-number>"
                          "<ip-user-mappings>yes</ip-user-mappings><disabled>yes</disabled></entry>")


def test_creates_its_entry_and_commits_once(run_module) -> None:
    firewall = Firewall()
    failed, result = run_module(redistribution_agent.main, {"provider": PROVIDER}, firewall, diff=True)
    assert not failed and result["changes"] == ["create redistribution-agent tagwarden-panorama"]
    assert result["taken_by"] == "tagwarden-panorama" and result["commit"]["result"] == "OK"
    [written] = [r for r in firewall.requests if r.get("action") == "set"]
    assert written["xpath"].endswith("/vsys/entry[@name='vsys1']/redistribution-agent")
    entry = ET.fromstring(written["element"])
    assert (entry.get("name"), entry.findtext("serial-number"), entry.findtext("ip-tags")) == (
        "tagwarden-panorama", "panorama", "yes")
    assert firewall.kinds().count("config get") == 1 and firewall.kinds().count("commit") == 1


def test_an_enabled_entry_of_an_admin_already_taking_them_is_left_alone(run_module) -> None:
    firewall = Firewall(config={"get": agents(ADMINS)})
    failed, result = run_module(redistribution_agent.main, {"provider": PROVIDER}, firewall)
    assert not failed and not result["changed"] and result["taken_by"] == "from-panorama"
    assert [k for k in firewall.kinds() if k not in ("keygen", "op")] == ["config get"]


def test_its_own_entry_is_completed_and_what_an_admin_set_stays(run_module, monkeypatch) -> None:
    warned: list[str] = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda module, warning, **kw: warned.append(warning))
    firewall = Firewall(config={"get": agents(OURS_DISABLED_BY_ADMIN)})
    failed, result = run_module(redistribution_agent.main, {"provider": PROVIDER, "data": ["ip-tags", "user-tags"],
                                                            "commit": False}, firewall)
    assert not failed and result["changes"] == ["update redistribution-agent tagwarden-panorama"]
    assert len(warned) == 1 and "is disabled (by an administrator)" in warned[0]
    [edit] = [r for r in firewall.requests if r.get("action") == "edit"]
    entry = ET.fromstring(edit["element"])
    assert [(child.tag, child.text) for child in entry] == [
        ("serial-number", "panorama"), ("ip-tags", "yes"), ("user-tags", "yes"),
        ("ip-user-mappings", "yes"), ("disabled", "yes")]


def test_absent_deletes_only_its_own_entry(run_module) -> None:
    firewall = Firewall(config={"get": agents(ADMINS, OURS_DISABLED_BY_ADMIN)})
    failed, result = run_module(redistribution_agent.main, {"provider": PROVIDER, "state": "absent", "commit": False},
                                firewall)
    assert not failed and result["changes"] == ["delete redistribution-agent tagwarden-panorama"]
    [delete] = [r for r in firewall.requests if r.get("action") == "delete"]
    assert delete["xpath"].endswith("/redistribution-agent/entry[@name='tagwarden-panorama']")
