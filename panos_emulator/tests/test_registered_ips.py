"""Registered IPs beyond the basics: IPv4 ranges and networks (PAN-OS 10.0+, tags inherited by what they
hold), and the model's registered-IP capacity, through pan-os-python and pan-python."""

from __future__ import annotations

import ssl
from typing import Iterator

import pan.xapi
import pytest
from lxml import etree
from panos.firewall import Firewall

from panos_emulator.builders import config, dag, rule
from panos_emulator.client import EmulatorControl
from panos_emulator.server import EmulatorServer

from .test_userid import registered, section, uid


def _client(server: EmulatorServer) -> pan.xapi.PanXapi:
    info = server.info
    return pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                            api_password=info["password"], ssl_context=ssl.create_default_context(cafile=info["ca_file"]))


def _register(api: pan.xapi.PanXapi, ips: list[str], tag: str = "t") -> None:
    api.user_id(cmd=uid(section("register", *({"ip": ip} for ip in ips), tags={tag: None})))


def test_ipv4_ranges_and_networks_register_as_one_entry_each(emu: EmulatorControl, firewall: Firewall, xapi: pan.xapi.PanXapi) -> None:
    firewall.userid.register("10.1.1.10-10.1.1.19", "tag01")
    firewall.userid.register("10.1.1.0/24", "tag02")
    firewall.userid.register("10.1.1.1/32", "tag03")  # a /32 is the address itself
    assert registered(xapi) == {"10.1.1.0/24": ["tag02"], "10.1.1.1": ["tag03"], "10.1.1.10-10.1.1.19": ["tag01"]}
    assert firewall.userid.get_registered_ip(tags=["tag02"]) == {"10.1.1.0/24": ["tag02"]}
    firewall.userid.unregister("10.1.1.10-10.1.1.19", "tag01")
    assert "10.1.1.10-10.1.1.19" not in registered(xapi)


def test_what_a_set_holds_inherits_its_tags_in_dags_and_policy(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    emu.set_config(etree.tostring(config(rules=(rule("BlockBad", action="deny", source=["Bad"]),),
                                         address_group=[dag("Bad", "'tag02'"), dag("Both", "'tag02' and 'tag03'")]),
                                  encoding="unicode"))
    _register(xapi, ["10.1.1.0/24"], "tag02")
    _register(xapi, ["10.1.1.1", "10.2.0.1"], "tag03")
    xapi.op("<show><object><dynamic-address-group><all/></dynamic-address-group></object></show>")
    members = {e.findtext("group-name"): [m.get("name") for m in e.iterfind("member-list/entry")]
               for e in xapi.element_root.iterfind("result/dyn-addr-grp/entry")}
    assert members == {"Bad": ["10.1.1.0/24", "10.1.1.1"], "Both": ["10.1.1.1"]}
    for source, expected in (("10.1.1.77", ["BlockBad"]), ("10.1.2.1", [])):
        xapi.op("<test><security-policy-match><from>trust</from><to>untrust</to><source>" + source +
                "</source></security-policy-match></test>")
        assert [e.get("name") for e in xapi.element_root.iterfind("result/rules/entry")] == expected


def test_before_10_0_only_single_addresses_register() -> None:
    with EmulatorServer(sw_version="9.1.16") as server:
        api = _client(server)
        for ip in ("10.1.1.0/24", "10.1.1.10-10.1.1.19"):
            with pytest.raises(pan.xapi.PanXapiError, match=f"Invalid IP address {ip}"):
                _register(api, [ip])
        _register(api, ["10.1.1.1"])
        assert registered(api) == {"10.1.1.1": ["t"]}


@pytest.fixture(scope="module")
def vm50() -> Iterator[EmulatorServer]:
    with EmulatorServer(model="VM-50") as server:
        yield server


def test_a_vm_50_refuses_the_1001st_registered_ip(vm50: EmulatorServer) -> None:
    vm50.reset()
    api = _client(vm50)
    _register(api, [f"10.0.{i // 250}.{i % 250 + 1}" for i in range(999)] + ["192.0.2.0/24"])  # a set counts once
    with pytest.raises(pan.xapi.PanXapiError) as refused:
        _register(api, ["10.9.9.9", "10.9.9.10"], "t")
    failed = [dict(e.attrib) for e in api.element_root.iterfind("msg/line/uid-response/payload/register/entry")]
    limit = "the maximum of 1000 registered IP addresses is reached"
    assert failed == [{"ip": "10.9.9.9", "message": f"ip 10.9.9.9 could not be registered: {limit}"},
                      {"ip": "10.9.9.10", "message": f"ip 10.9.9.10 could not be registered: {limit}"}]
    assert limit in str(refused.value)
    _register(api, ["10.0.0.1"], "second-tag")  # an IP already registered takes more tags at capacity
    api.user_id(cmd=uid(section("unregister", {"ip": "192.0.2.0/24"})))
    _register(api, ["10.9.9.9"])  # unregistering frees a place
    assert len(registered(api)) == 1000
