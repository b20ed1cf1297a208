"""Operational commands: system info, clock, DAGs, groups, jobs, policy match and error replies."""

from __future__ import annotations

import datetime
import zoneinfo

import pan.xapi
import pytest
from lxml import etree
from panos.firewall import Firewall

from panos_emulator.builders import config
from panos_emulator.client import EmulatorControl

VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"


def test_system_info_through_pan_os_python(firewall: Firewall) -> None:
    version, platform, serial = firewall.refresh_system_info()
    assert (version, platform, serial) == ("10.2.9", "PA-VM", "007951000123456")
    assert firewall.multi_vsys is False and firewall.content_version
    info = firewall.show_system_info()["system"]
    assert info["hostname"] == "PA-EMU" and info["operational-mode"] == "normal"


def test_clock_follows_the_emulator_clock(emu: EmulatorControl, firewall: Firewall) -> None:
    before = firewall.clock()
    emu.advance(3600)
    after = firewall.clock()
    assert 3599 <= (after - before).total_seconds() <= 3605
    local = datetime.datetime.strptime(emu.now()["local"], "%Y/%m/%d %H:%M:%S")
    assert abs((local - after).total_seconds()) < 5


def test_clock_and_local_times_follow_the_running_configs_timezone(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    def clock() -> str:
        xapi.op("<show><clock/></show>")
        return (xapi.element_root.findtext("result") or "").strip()

    assert clock().split()[4] == "UTC"
    system = "/config/devices/entry[@name='localhost.localdomain']/deviceconfig/system"
    xapi.set(xpath=system, element="<timezone>America/Los_Angeles</timezone>")
    assert clock().split()[4] == "UTC"  # the candidate is not in force until committed
    emu.set_config(etree.tostring(config(timezone="America/Los_Angeles")).decode())
    utc = datetime.datetime.fromtimestamp(emu.now()["epoch"], datetime.timezone.utc)
    zone = zoneinfo.ZoneInfo("America/Los_Angeles")
    text = clock()
    # what date prints on a firewall in that zone: local wall time and the zone's abbreviation
    assert text.split()[4] == utc.astimezone(zone).tzname() and text.split()[4] in ("PST", "PDT")
    shown = datetime.datetime.strptime(" ".join(text.split()[:4] + text.split()[5:]), "%a %b %d %H:%M:%S %Y")
    assert abs((shown.replace(tzinfo=zone) - utc).total_seconds()) < 5
    local = datetime.datetime.strptime(emu.now()["local"], "%Y/%m/%d %H:%M:%S").replace(tzinfo=zone)
    assert abs((local - utc).total_seconds()) < 5


def test_dynamic_address_group_members_from_running_config(xapi: pan.xapi.PanXapi) -> None:
    xapi.set(xpath=f"{VSYS}/address-group", element="<entry name='quota'><dynamic><filter>'quota' or 'vip'</filter></dynamic></entry>")
    xapi.set(xpath=f"{VSYS}/address", element="<entry name='srv'><ip-netmask>10.9.0.1</ip-netmask><tag><member>quota</member></tag></entry>")
    xapi.user_id(cmd="<uid-message><type>update</type><payload><register>"
                     "<entry ip='10.0.0.9'><tag><member>quota</member></tag></entry>"
                     "<entry ip='10.0.0.8'><tag><member>other</member></tag></entry>"
                     "</register></payload></uid-message>")
    xapi.op("<show><object><dynamic-address-group><all/></dynamic-address-group></object></show>")
    assert xapi.element_root.find("result/dyn-addr-grp/entry") is None  # not committed yet
    xapi.commit(cmd="<commit></commit>", sync=True, interval=0.05)
    xapi.op("<show><object><dynamic-address-group><name>quota</name></dynamic-address-group></object></show>")
    entry = xapi.element_root.find("result/dyn-addr-grp/entry")
    assert (entry.findtext("vsys"), entry.findtext("group-name"), entry.findtext("filter")) == ("vsys1", "quota", "'quota' or 'vip'")
    assert [(m.get("name"), m.get("type")) for m in entry.findall("member-list/entry")] == [
        ("10.0.0.9", "registered-ip"), ("srv", "address-object")]


def test_groups_and_user_ids_text_replies(emu: EmulatorControl, firewall: Firewall, xapi: pan.xapi.PanXapi) -> None:
    emu.set_groups({"cn=sales,dc=acme,dc=local": ["acme\\bob", "acme\\carol"], "cn=eng,dc=acme,dc=local": ["acme\\bob"]})
    xapi.op("<show><user><group><list/></group></user></show>")
    assert xapi.element_root.findtext("result") == (
        "\ncn=sales,dc=acme,dc=local \ncn=eng,dc=acme,dc=local \n\nTotal: 2\n* : Custom Group\n\n")
    assert "<![CDATA[" in xapi.xml_document
    assert firewall.userid.get_groups() == ["cn=sales,dc=acme,dc=local", "cn=eng,dc=acme,dc=local"]
    xapi.op("<show><user><group><name>cn=sales,dc=acme,dc=local</name></group></user></show>")
    assert xapi.element_root.findtext("result") == (
        "\n\nsource type: ldap\nGroup type: Normal\n\n[1     ] acme\\bob\n[2     ] acme\\carol\n\n")
    assert firewall.userid.get_group_members("cn=nope") == []
    xapi.op("<show><user><group><name>cn=nope</name></group></user></show>")
    assert "does not exist or does not have members" in xapi.element_root.findtext("result")
    xapi.op("<show><user><user-ids><match-user>BOB</match-user></user-ids></user></show>")
    text = xapi.element_root.findtext("result")
    assert "acme\\bob" in text and "cn=eng,dc=acme,dc=local" in text and "carol" not in text and "Total: 1" in text


def test_jobs_all_and_unknown_job(xapi: pan.xapi.PanXapi) -> None:
    xapi.set(xpath=f"{VSYS}/tag", element="<entry name='x'/>")
    xapi.commit(cmd="<commit></commit>")
    xapi.op("<show><jobs><all/></jobs></show>")
    job = xapi.element_root.find("result/job")
    assert job.findtext("type") == "Commit" and job.findtext("user") == "admin" and job.findtext("tenq")
    with pytest.raises(pan.xapi.PanXapiError, match="job 999 not found"):
        xapi.op("<show><jobs><id>999</id></jobs></show>")


def test_security_policy_match_is_forwarded(xapi: pan.xapi.PanXapi) -> None:
    xapi.set(xpath=f"{VSYS}/rulebase/security/rules/entry[@name='DenyAll']",
             element="<from><member>any</member></from><to><member>any</member></to><source><member>any</member></source>"
                     "<destination><member>any</member></destination><source-user><member>any</member></source-user>"
                     "<application><member>any</member></application><service><member>any</member></service><action>deny</action>")
    xapi.commit(cmd="<commit></commit>", sync=True, interval=0.05)
    xapi.op("<test><security-policy-match><from>trust</from><to>untrust</to><source>10.0.0.5</source>"
            "<destination>1.1.1.1</destination><protocol>6</protocol><destination-port>443</destination-port>"
            "</security-policy-match></test>")
    assert xapi.element_root.get("cmd") == "status"
    assert [e.get("name") for e in xapi.element_root.findall("result/rules/entry")] == ["DenyAll"]


@pytest.mark.parametrize("cmd, code, text", [
    ("<show><bogus/></show>", "17", "show -> bogus is unexpected"),
    ("<show><clock/><bogus/></show>", "17", "show -> clock is unexpected"),
    ("<bogus/>", "1", "bogus is unexpected"),
    ("<show><object/></show>", "17", "object is incomplete"),
    ("<show><clock>", "18", "Malformed Request"),
])
def test_bad_commands_get_error_codes_and_the_server_keeps_serving(xapi: pan.xapi.PanXapi, cmd: str, code: str,
                                                                   text: str) -> None:
    with pytest.raises(pan.xapi.PanXapiError) as failure:
        xapi.op(cmd)
    assert xapi.status_code == code
    assert text in str(failure.value) or text.replace("show -> clock", "show -> bogus") in str(failure.value)
    xapi.op("<show><clock/></show>")
    assert xapi.status == "success"


def test_missing_cmd_is_a_bad_request(xapi: pan.xapi.PanXapi) -> None:
    with pytest.raises(pan.xapi.PanXapiError, match="400"):
        xapi.op()


def test_op_reply_elements_are_well_formed(xapi: pan.xapi.PanXapi) -> None:
    xapi.op("<show><object><registered-user><all><limit>500</limit><start-point>1</start-point></all></registered-user></object></show>")
    assert etree.fromstring(xapi.xml_document.encode()).get("status") == "success"
