"""User-ID messages: registrations, timeouts, user tags, mappings, partial failures."""

from __future__ import annotations

from collections.abc import Mapping

import pan.xapi
import pytest
from lxml import etree
from panos.firewall import Firewall

from panos_emulator.client import EmulatorControl


def uid(*sections: etree._Element) -> bytes:
    message = etree.Element("uid-message")
    etree.SubElement(message, "version").text = "1.0"
    etree.SubElement(message, "type").text = "update"
    etree.SubElement(message, "payload").extend(sections)
    return etree.tostring(message)


def section(name: str, *entries: dict, tags: Mapping[str, str | None] | None = None) -> etree._Element:
    """A payload section; ``tags`` maps tag -> timeout (None: no timeout attribute) for every entry."""
    elem = etree.Element(name)
    for attrs in entries:
        entry = etree.SubElement(elem, "entry", attrs)
        if tags is not None:
            tag = etree.SubElement(entry, "tag")
            for name_, timeout in tags.items():
                member = etree.SubElement(tag, "member")
                member.text = name_
                if timeout is not None:
                    member.set("timeout", timeout)
    return elem


def registered(xapi: pan.xapi.PanXapi, body: str = "<all/>") -> dict[str, list[str]]:
    xapi.op(f"<show><object><registered-ip>{body}</registered-ip></object></show>")
    return {e.get("ip"): [m.text for m in e.findall("tag/member")] for e in xapi.element_root.findall("result/entry")}


def test_success_reply_lists_every_section_empty(xapi: pan.xapi.PanXapi) -> None:
    xapi.user_id(cmd=uid(section("register", {"ip": "10.0.0.1"}, tags={"quota": "900"}),
                         section("login", {"name": "acme\\bob", "ip": "10.0.0.1", "timeout": "20"})))
    root = xapi.element_root
    assert root.get("status") == "success"
    assert root.findtext("result/uid-response/version") == "2.0"
    assert [s.tag for s in root.find("result/uid-response/payload")] == ["register", "login"]
    assert "<register></register>" in xapi.xml_document
    assert registered(xapi) == {"10.0.0.1": ["quota"]}


def test_partial_failure_lists_only_failed_entries(xapi: pan.xapi.PanXapi) -> None:
    xapi.user_id(cmd=uid(section("register", {"ip": "1.1.2.2"}, tags={"quota": "0"})))
    with pytest.raises(pan.xapi.PanXapiError) as failure:
        xapi.user_id(cmd=uid(section("register", {"ip": "1.1.2.2"}, {"ip": "1.1.2.3"}, tags={"quota": "0"}),
                             section("unregister", {"ip": "1.2.3.4"}, tags={"quota": None})))
    root = xapi.element_root
    assert root.get("status") == "error" and root.get("code") is None
    payload = root.find("msg/line/uid-response/payload")
    failed = [(s.tag, dict(e.attrib)) for s in payload for e in s]
    assert failed == [("register", {"ip": "1.1.2.2", "message": "tag quota already exists, ignore"}),
                      ("unregister", {"ip": "1.2.3.4", "message": "ip 1.2.3.4 does not exist, ignore unreg"})]
    assert list(failed[0][1])[-1] == "message"
    assert "tag quota already exists, ignore" in str(failure.value)
    # The good entry in the same message was applied.
    assert registered(xapi) == {"1.1.2.2": ["quota"], "1.1.2.3": ["quota"]}


@pytest.mark.parametrize("bad", ["10.0.0.5/24", "2001:db8::/64", "2001:db8::1-2001:db8::9", "10.0.0.9-10.0.0.1",
                                 "10.0.0.1-", "fw.example.com", "", "300.1.1.1"])
def test_only_addresses_and_ipv4_sets_register(xapi: pan.xapi.PanXapi, bad: str) -> None:
    with pytest.raises(pan.xapi.PanXapiError, match="Invalid IP address"):
        xapi.user_id(cmd=uid(section("register", {"ip": bad}, tags={"quota": None})))
    assert registered(xapi) == {}


def test_ipv6_is_registered_in_canonical_form(xapi: pan.xapi.PanXapi) -> None:
    xapi.user_id(cmd=uid(section("register", {"ip": "2001:DB8:0:0::1"}, tags={"quota": None})))
    assert registered(xapi) == {"2001:db8::1": ["quota"]}


def test_timeout_limits_and_tag_count(xapi: pan.xapi.PanXapi) -> None:
    with pytest.raises(pan.xapi.PanXapiError, match="Invalid timeout"):
        xapi.user_id(cmd=uid(section("register", {"ip": "10.0.0.1"}, tags={"quota": "2592001"})))
    xapi.user_id(cmd=uid(section("register", {"ip": "10.0.0.1"}, tags={"quota": "2592000"})))
    many = {f"t{i}": None for i in range(31)}
    xapi.user_id(cmd=uid(section("register", {"ip": "10.0.0.1"}, tags=many)))
    with pytest.raises(pan.xapi.PanXapiError, match="maximum of 32 tags"):
        xapi.user_id(cmd=uid(section("register", {"ip": "10.0.0.1"}, tags={"one-too-many": None})))
    assert len(registered(xapi)["10.0.0.1"]) == 32


def test_tags_expire_on_the_emulator_clock(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    xapi.user_id(cmd=uid(section("register", {"ip": "10.0.0.1", "persistent": "0"}, tags={"short": "60", "long": "600"}),
                         section("register", {"ip": "10.0.0.2"}, tags={"never": "0"})))
    emu.advance(59)
    assert registered(xapi) == {"10.0.0.1": ["short", "long"], "10.0.0.2": ["never"]}
    emu.advance(2)
    assert registered(xapi) == {"10.0.0.1": ["long"], "10.0.0.2": ["never"]}
    emu.advance(2592000)
    assert registered(xapi) == {"10.0.0.2": ["never"]}
    xapi.op("<show><object><registered-ip><all/></registered-ip></object></show>")
    assert xapi.element_root.find("result/entry").get("persistent") == "1"


def test_filters_keep_every_tag_and_paging_follows_start_point(xapi: pan.xapi.PanXapi) -> None:
    xapi.user_id(cmd=uid(section("register", *[{"ip": f"10.0.{i // 256}.{i % 256}"} for i in range(1, 8)],
                                 tags={"quota": None, "vip": None})))
    assert registered(xapi, "<tag><entry name='vip'/></tag>")["10.0.0.3"] == ["quota", "vip"]
    assert registered(xapi, "<ip>10.0.0.5</ip>") == {"10.0.0.5": ["quota", "vip"]}
    assert registered(xapi, "<tag><entry name='nope'/></tag>") == {}
    page = registered(xapi, "<limit>3</limit><start-point>4</start-point><tag><entry name='quota'/></tag>")
    assert list(page) == ["10.0.0.4", "10.0.0.5", "10.0.0.6"]
    assert xapi.element_root.findtext("result/count") == "3"


def test_pan_os_python_register_pages_and_audits(firewall: Firewall) -> None:
    ips = [f"10.1.{i // 200}.{i % 200 + 1}" for i in range(1203)]
    firewall.userid.batch_start()
    for ip in ips:
        firewall.userid.register(ip, "quota", timeout=900)
    firewall.userid.batch_end()
    # 1203 entries need three pages of 500; pan-os-python follows start-point.
    assert set(firewall.userid.get_registered_ip(tags="quota")) == set(ips)
    firewall.userid.register(ips[0], "quota")  # "already exists, ignore" is ignored by pan-os-python
    firewall.userid.unregister(ips[0], "quota")
    firewall.userid.unregister(ips[0], "quota")  # "does not exist, ignore unreg" too
    firewall.userid.audit_registered_ip({"10.9.9.9": ("quota", "vip"), ips[1]: ("quota",)})
    current = firewall.userid.get_registered_ip()
    assert {ip: set(tags) for ip, tags in current.items()} == {"10.9.9.9": {"quota", "vip"}, ips[1]: {"quota"}}
    assert set(firewall.userid.get_registered_ip(ip="10.9.9.9")["10.9.9.9"]) == {"quota", "vip"}


def test_user_tags_and_unregister_user_without_tags(firewall: Firewall, xapi: pan.xapi.PanXapi) -> None:
    firewall.userid.tag_user("acme\\bob", ["t1", "t2"], timeout=60)
    firewall.userid.tag_user("acme\\carol", ["t1"])
    assert firewall.userid.get_user_tags() == {"acme\\bob": ["t1", "t2"], "acme\\carol": ["t1"]}
    xapi.user_id(cmd=uid(section("unregister-user", {"user": "acme\\bob"})))
    assert firewall.userid.get_user_tags() == {"acme\\carol": ["t1"]}
    with pytest.raises(pan.xapi.PanXapiError, match="does not exist, ignore unreg"):
        xapi.user_id(cmd=uid(section("unregister-user", {"user": "acme\\bob"}, tags={"t1": None})))


def test_login_logout_and_mapping_timeout(emu: EmulatorControl, firewall: Firewall, xapi: pan.xapi.PanXapi) -> None:
    firewall.userid.login("acme\\bob", "10.0.0.5", timeout=20)
    firewall.userid.login("acme\\carol", "10.0.0.6")
    xapi.op("<show><user><ip-user-mapping><all/></ip-user-mapping></user></show>")
    entries = xapi.element_root.findall("result/entry")
    assert [(e.findtext("ip"), e.findtext("user"), e.findtext("type")) for e in entries] == [
        ("10.0.0.5", "acme\\bob", "XMLAPI"), ("10.0.0.6", "acme\\carol", "XMLAPI")]
    assert 1190 <= int(entries[0].findtext("timeout")) <= 1200
    assert xapi.element_root.findtext("result/count") == "2"
    emu.advance(20 * 60)
    with pytest.raises(pan.xapi.PanXapiError, match="Delete mapping failed"):
        xapi.user_id(cmd=uid(section("logout", {"name": "acme\\bob", "ip": "10.0.0.5"})))
    firewall.userid.logout("acme\\carol", "10.0.0.6")
    xapi.op("<show><user><ip-user-mapping><all/></ip-user-mapping></user></show>")
    assert "<result></result>" in xapi.xml_document


def test_groups_section_and_vsys_parameter(firewall: Firewall, xapi: pan.xapi.PanXapi) -> None:
    firewall.userid.set_group("cn=sales,dc=acme,dc=local", ["acme\\bob", "acme\\carol"])
    assert firewall.userid.get_group_members("cn=sales,dc=acme,dc=local") == ["acme\\bob", "acme\\carol"]
    with pytest.raises(pan.xapi.PanXapiError, match="Invalid vsys name: vsys2"):
        xapi.user_id(cmd=uid(section("register", {"ip": "10.0.0.1"}, tags={"v2": None})), vsys="vsys2")
    assert registered(xapi) == {}


@pytest.mark.parametrize("cmd, code", [("<uid-message><payload>", "18"), ("<nope/>", "18"),
                                       ("<uid-message><payload><bogus/></payload></uid-message>", "17")])
def test_malformed_messages(xapi: pan.xapi.PanXapi, cmd: str, code: str) -> None:
    with pytest.raises(pan.xapi.PanXapiError):
        xapi.user_id(cmd=cmd)
    assert xapi.status_code == code
    xapi.op("show clock", cmd_xml=True)
    assert xapi.status == "success"


def test_the_listing_order_of_addresses_networks_and_ranges() -> None:
    from panos_emulator.ops import _ip_key  # pylint: disable=import-outside-toplevel
    from panos_emulator.state import address_range  # pylint: disable=import-outside-toplevel
    keys = ["10.0.0.10", "10.0.0.9", "2001:db8::1", "10.0.0.0/24", "10.0.0.1-10.0.0.5", "::1", "9.255.255.255"]
    assert [_ip_key(key) for key in keys] == [address_range(key) for key in keys]
    assert sorted(keys, key=_ip_key)[:3] == ["9.255.255.255", "10.0.0.0/24", "10.0.0.1-10.0.0.5"]
