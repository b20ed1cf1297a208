"""A request's ``vsys`` is a name, compared literally: a vsys the firewall does not have gets an error
reply (never "Internal error") and selects nothing, whatever quotes or xpath it contains."""

from __future__ import annotations

import pan.xapi
import pytest
from lxml import etree
from panos.firewall import Firewall

from panos_emulator.builders import config, dag, rule
from panos_emulator.client import EmulatorControl

from .test_userid import registered, section, uid

HOSTILE = ["a'b", "x' or '1'='1", 'vsys1"]|//*|["', "vsys1' or @name='vsys1", "vsys2", "VSYS1", " vsys1"]
MATCH = "<test><security-policy-match><from>trust</from><to>untrust</to><source>10.0.0.1</source></security-policy-match></test>"


@pytest.fixture
def loaded(emu: EmulatorControl) -> EmulatorControl:
    emu.set_config(etree.tostring(config(rules=(rule("DenyAll", action="deny"),),
                                         address_group=[dag("Bad", "'bad'")]), encoding="unicode"))
    return emu


@pytest.mark.parametrize("vsys", HOSTILE)
def test_op_commands_with_a_hostile_vsys_get_the_error_reply_and_select_nothing(
        loaded: EmulatorControl, xapi: pan.xapi.PanXapi, vsys: str) -> None:
    for cmd in (MATCH, "<show><object><dynamic-address-group><all/></dynamic-address-group></object></show>",
                "<show><object><registered-ip><all/></registered-ip></object></show>"):
        with pytest.raises(pan.xapi.PanXapiError) as raised:
            xapi.op(cmd, vsys=vsys)
        assert xapi.status == "error"
        assert str(raised.value) == f"Invalid vsys name: {vsys}"
        assert xapi.element_root.find("result") is None  # no rule, group or entry came back
    xapi.op(MATCH, vsys="vsys1")  # the real vsys still answers
    assert [e.get("name") for e in xapi.element_root.iterfind("result/rules/entry")] == ["DenyAll"]


@pytest.mark.parametrize("vsys", HOSTILE)
def test_user_id_with_a_hostile_vsys_registers_nowhere(emu: EmulatorControl, xapi: pan.xapi.PanXapi, vsys: str) -> None:
    with pytest.raises(pan.xapi.PanXapiError, match="Invalid vsys name"):
        xapi.user_id(cmd=uid(section("register", {"ip": "10.0.0.1"}, tags={"bad": None})), vsys=vsys)
    assert registered(xapi) == {}


def test_pan_os_python_firewall_with_a_hostile_vsys_is_refused(emu: EmulatorControl, firewall: Firewall) -> None:
    firewall.vsys = "x' or '1'='1"
    with pytest.raises(Exception, match="Invalid vsys name"):
        firewall.userid.register("10.0.0.1", "bad")
    firewall.vsys = "vsys1"
    firewall.userid.register("10.0.0.1", "good")
    assert firewall.userid.get_registered_ip() == {"10.0.0.1": ["good"]}


def test_reports_and_logs_with_a_hostile_vsys_get_the_error_reply(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    with pytest.raises(pan.xapi.PanXapiError, match="Invalid vsys name: a'b"):
        xapi.report(reporttype="custom", reportname="Quota", vsys="a'b")
    with pytest.raises(pan.xapi.PanXapiError, match="Invalid vsys name"):
        xapi.log(log_type="traffic", nlogs=1, extra_qs={"vsys": "x' or '1'='1"})
