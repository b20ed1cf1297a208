"""Through Panorama: ``target`` on every request but keygen, Panorama refused without a serial,
and what Panorama says about its firewalls."""

import xml.etree.ElementTree as ET

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import (
    SYSTEM_INFO,
    FirewallConnection,
    is_panorama_model,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._panorama import managed_firewalls, registration_point
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import cmd
from tests.unit.firewall import KEY, OK, FakeFirewall

SERIAL = "007951000100002"
PROVIDER = {"ip_address": "panorama.example", "username": "admin", "password": "pw"}
COMMIT_QUEUED = '<response status="success"><result><job>5</job></result></response>'
COMMIT_DONE = ('<response status="success"><result><job><id>5</id><type>Commit</type><status>FIN</status>'
               '<result>OK</result><details/></job></result></response>')


def system_info(model):
    return ('<response status="success"><result><system><hostname>h</hostname><model>%s</model>'
            '</system></result></response>' % model)


def connect(*script, provider=None, **kwargs):
    transport = FakeFirewall.scripted(*script)
    conn = FirewallConnection(provider or PROVIDER, transport=transport, sleep=lambda s: None, **kwargs)
    return conn, transport


def test_every_request_but_keygen_targets_the_serial():
    conn, transport = connect(KEY, OK, OK, OK, OK, COMMIT_QUEUED, COMMIT_DONE,
                              provider=dict(PROVIDER, serial_number=SERIAL), require_firewall=True)
    conn.op(cmd("show", "clock"))
    conn.user_id(ET.Element("uid-message"))
    conn.config("get", "/config/devices")
    conn.request({"type": "report", "reporttype": "custom", "reportname": "q"})
    assert conn.commit_partial("automation")["changed"]
    assert "target" not in transport.requests[0] and transport.requests[0]["type"] == "keygen"
    assert [r["target"] for r in transport.requests[1:]] == [SERIAL] * 6
    assert transport.types()[1:] == ["op", "user-id", "config", "report", "commit", "op"]
    assert conn.api_calls == 7  # no Panorama check: the serial says it already
    assert conn.where == "firewall %s through Panorama panorama.example:443" % SERIAL


@pytest.mark.parametrize("model", ["Panorama", "M-200", "M-700"])
def test_panorama_without_serial_fails_before_the_first_request(model):
    conn, transport = connect(KEY, system_info(model), require_firewall=True)
    with pytest.raises(FirewallError) as info:
        conn.config("set", "/config/devices", ET.Element("x"))
    assert info.value.kind == "settings"
    assert "is Panorama (model %s)" % model in str(info.value) and "provider.serial_number" in str(info.value)
    assert transport.types() == ["keygen", "op"] and transport.requests[1]["cmd"] == SYSTEM_INFO


def test_a_firewall_costs_one_show_system_info_per_run_and_it_piggybacks_on_one_asked_for():
    conn, transport = connect(KEY, system_info("PA-VM"), OK, OK, require_firewall=True)
    conn.op(cmd("show", "clock"))
    conn.op(cmd("show", "clock"))
    assert transport.types() == ["keygen", "op", "op", "op"] and conn.api_calls == 4
    conn, transport = connect(KEY, system_info("PA-440"), OK, require_firewall=True)
    assert conn.op(cmd("show", "system", "info")).findtext("./result/system/model") == "PA-440"
    conn.op(cmd("show", "clock"))
    assert conn.api_calls == 3  # keygen, the system info asked for, show clock


def test_without_require_firewall_nothing_is_checked():
    conn, transport = connect(KEY, OK)
    conn.op(cmd("show", "clock"))
    assert transport.types() == ["keygen", "op"]


def test_an_error_reply_to_the_check_lets_the_task_go_on():
    denied = '<response status="error"><msg><line>Unauthorized request</line></msg></response>'
    conn, transport = connect(KEY, denied, OK, require_firewall=True)
    conn.op(cmd("show", "clock"))
    assert conn.api_calls == 3


def test_unknown_or_disconnected_serial_names_the_serial_and_the_fix():
    refused = ('<response status="error"><msg><line>Device %s is not a connected managed device</line></msg>'
               '</response>' % SERIAL)
    conn, _transport = connect(KEY, refused, provider=dict(PROVIDER, serial_number=SERIAL))
    with pytest.raises(FirewallError) as info:
        conn.clock()
    assert info.value.kind == "target"
    assert "cannot pass the op show clock request to firewall %s" % SERIAL in str(info.value)
    assert "show devices connected" in str(info.value)


def test_is_panorama_model():
    assert is_panorama_model("Panorama") and is_panorama_model("M-600")
    assert not is_panorama_model("PA-VM") and not is_panorama_model("PA-5450") and not is_panorama_model("")


DEVICES = ('<response status="success"><result><devices>'
           '<entry name="0002"><serial>0002</serial><connected>yes</connected><hostname>fw-b</hostname>'
           '<ip-address>10.0.0.2</ip-address><model>PA-440</model><sw-version>11.1.2</sw-version>'
           '<ha><state>active</state></ha></entry>'
           '<entry name="0001"><serial>0001</serial><connected>no</connected><hostname>fw-a</hostname>'
           '<model>PA-VM</model><sw-version>10.2.9</sw-version></entry>'
           '</devices></result></response>')
DEVICE_GROUPS = ('<response status="success"><result><devicegroups><entry name="branches"><devices>'
                 '<entry name="0002"/></devices></entry></devicegroups></result></response>')
STACKS = ('<response status="success" code="19"><result><template-stack><entry name="stack-a"><devices>'
          '<entry name="0001"/></devices></entry></template-stack></result></response>')


def test_managed_firewalls_in_three_requests():
    conn, transport = connect(DEVICES, DEVICE_GROUPS, STACKS, provider=dict(PROVIDER, api_key="K"))
    firewalls = managed_firewalls(conn, connected_only=False)
    assert [f["serial_number"] for f in firewalls] == ["0001", "0002"]
    assert firewalls[1] == {"serial_number": "0002", "hostname": "fw-b", "ip_address": "10.0.0.2", "model": "PA-440",
                            "sw_version": "11.1.2", "ha_state": "active", "connected": True,
                            "device_group": "branches", "template_stack": ""}
    assert firewalls[0]["template_stack"] == "stack-a" and firewalls[0]["connected"] is False
    assert firewalls[0]["device_group"] == "" and firewalls[0]["ha_state"] == ""
    assert "<all />" in transport.requests[0]["cmd"] and transport.requests[1]["cmd"] == "<show><devicegroups /></show>"
    assert transport.requests[2]["xpath"].endswith("/template-stack") and conn.api_calls == 3


def test_register_on_panorama_drops_the_serial_and_checks_it_is_panorama():
    conn, transport = connect(KEY, system_info("Panorama"), OK, provider=dict(PROVIDER, serial_number=SERIAL))
    assert registration_point(conn, "panorama") is conn
    conn.op(cmd("show", "clock"))
    assert [("target" in r, r["type"]) for r in transport.requests] == [(False, "keygen"), (False, "op"), (False, "op")]
    assert conn.where == "panorama.example:443"


def test_register_on_panorama_refuses_a_firewall_before_writing():
    conn, transport = connect(KEY, system_info("PA-VM"))
    with pytest.raises(FirewallError, match=r"is not Panorama \(model PA-VM\).*register_on=firewall") as caught:
        registration_point(conn, "panorama")
    assert caught.value.kind == "settings" and transport.types() == ["keygen", "op"]


def test_register_on_firewall_leaves_the_connection_as_it_is():
    conn, transport = connect(provider=dict(PROVIDER, serial_number=SERIAL))
    assert registration_point(conn, "firewall") is conn and conn.serial == SERIAL and transport.requests == []
