"""Data redistribution in Panorama mode, seen with pan-os-python: IP tags registered on Panorama reach the
managed firewalls that take Panorama as a redistribution agent (registered IPs, DAG membership, policy match),
with their timeouts and unregistrations, and only those firewalls."""

from __future__ import annotations

import ssl
from typing import Iterator

import pan.xapi
import pytest
from panos.firewall import Firewall
from panos.objects import AddressGroup
from panos.panorama import Panorama
from panos.policies import Rulebase, SecurityRule

from panos_emulator.client import EmulatorControl
from panos_emulator.server import EmulatorServer

VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"
AGENT = VSYS + "/redistribution-agent/entry[@name='panorama']"


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(panorama_mode=True, firewalls=3) as emulator:
        yield emulator


@pytest.fixture
def panorama(server: EmulatorServer) -> Panorama:
    server.reset()
    info = server.info
    context = ssl.create_default_context(cafile=info["ca_file"])
    key = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                           api_password=info["password"], ssl_context=context).keygen()
    device = Panorama(info["host"], api_key=key, port=info["port"])
    device.xapi.ssl_context = context
    for serial in info["firewalls"]:
        firewall = Firewall(serial=serial)
        device.add(firewall)
        firewall.xapi.ssl_context = context
    return device


def _firewalls(panorama: Panorama) -> list[Firewall]:
    return list(panorama.children)


def _take_from_panorama(firewall: Firewall, element: str = "<serial-number>panorama</serial-number><ip-tags>yes</ip-tags>") -> None:
    """Device > Data Redistribution > Agents: Panorama by serial number, IP tags; then a commit."""
    firewall.xapi.set(AGENT, element)
    firewall.commit(sync=True)


def _dag_members(firewall: Firewall, name: str) -> list[str]:
    root = firewall.op(f"<show><object><dynamic-address-group><name>{name}</name></dynamic-address-group></object></show>",
                       cmd_xml=False)
    return [e.get("name") for e in root.iterfind("result/dyn-addr-grp/entry/member-list/entry")]


def _matched_rule(firewall: Firewall, source: str) -> str | None:
    root = firewall.op("<test><security-policy-match><from>trust</from><to>untrust</to><source>" + source
                       + "</source><destination>203.0.113.10</destination><protocol>6</protocol>"
                       "<destination-port>443</destination-port></security-policy-match></test>", cmd_xml=False)
    entry = root.find("result/rules/entry")
    return None if entry is None else entry.get("name")


def _block_rule(firewall: Firewall) -> None:
    firewall.add(AddressGroup("quarantine", dynamic_value="'quarantine'")).create()
    rulebase = firewall.add(Rulebase())
    rulebase.add(SecurityRule("block-quarantine", fromzone=["trust"], tozone=["untrust"], source=["quarantine"],
                              destination=["any"], application=["any"], service=["any"], action="deny")).create()
    rulebase.add(SecurityRule("allow-out", fromzone=["trust"], tozone=["untrust"], source=["any"],
                              destination=["any"], application=["any"], service=["any"], action="allow")).create()
    firewall.commit(sync=True)


def test_panorama_registrations_reach_only_the_firewalls_that_take_them(panorama: Panorama) -> None:
    client, other, hub_client = _firewalls(panorama)
    for firewall in (client, other):
        _block_rule(firewall)
    _take_from_panorama(client)
    client.userid.register("10.1.1.1", "local")
    panorama.userid.register(["10.1.1.1", "10.1.1.2"], "quarantine")

    assert client.userid.get_registered_ip() == {"10.1.1.1": ["quarantine", "local"], "10.1.1.2": ["quarantine"]}
    assert other.userid.get_registered_ip() == {}
    assert hub_client.userid.get_registered_ip() == {}
    assert _dag_members(client, "quarantine") == ["10.1.1.1", "10.1.1.2"]
    assert _dag_members(other, "quarantine") == []
    assert _matched_rule(client, "10.1.1.2") == "block-quarantine"
    assert _matched_rule(other, "10.1.1.2") == "allow-out"
    # the entry says where it came from; the firewall's own registrations stay its own
    listing = client.op("<show><object><registered-ip><all/></registered-ip></object></show>", cmd_xml=False)
    assert {e.get("ip"): e.get("from_agent") for e in listing.iterfind("result/entry")} == {"10.1.1.1": "0", "10.1.1.2": "1"}
    assert panorama.userid.get_registered_ip() == {"10.1.1.1": ["quarantine"], "10.1.1.2": ["quarantine"]}


def test_timeouts_and_unregistrations_reach_the_clients(server: EmulatorServer, panorama: Panorama) -> None:
    client = _firewalls(panorama)[0]
    _block_rule(client)
    _take_from_panorama(client)
    panorama.userid.register("10.1.1.5", "quarantine", timeout=60)
    panorama.userid.register("10.1.1.6", "quarantine")
    assert _dag_members(client, "quarantine") == ["10.1.1.5", "10.1.1.6"]
    EmulatorControl(server.info).advance(61)  # every clock: the tag ends on Panorama, so on the firewall
    assert client.userid.get_registered_ip() == {"10.1.1.6": ["quarantine"]}
    assert _matched_rule(client, "10.1.1.5") == "allow-out"
    panorama.userid.unregister("10.1.1.6", "quarantine")
    assert client.userid.get_registered_ip() == {}
    assert _dag_members(client, "quarantine") == []
    assert _matched_rule(client, "10.1.1.6") == "allow-out"


def test_an_agent_that_is_disabled_or_takes_no_ip_tags_gives_nothing(panorama: Panorama) -> None:
    client = _firewalls(panorama)[0]
    panorama.userid.register("10.1.1.7", "quarantine")
    _take_from_panorama(client, "<serial-number>panorama</serial-number><ip-user-mappings>yes</ip-user-mappings>")
    assert client.userid.get_registered_ip() == {}
    _take_from_panorama(client, "<serial-number>panorama</serial-number><ip-tags>yes</ip-tags><disabled>yes</disabled>")
    assert client.userid.get_registered_ip() == {}
    client.xapi.delete(AGENT + "/disabled")
    assert client.userid.get_registered_ip() == {}  # a candidate change: nothing until the commit
    client.commit(sync=True)
    assert client.userid.get_registered_ip() == {"10.1.1.7": ["quarantine"]}


def test_a_hub_firewall_redistributes_its_own_registrations_one_hop(server: EmulatorServer, panorama: Panorama) -> None:
    client, hub, hub_client = _firewalls(panorama)
    _take_from_panorama(hub)
    hub.userid.register("10.2.2.2", "hub-tag")
    panorama.userid.register("10.3.3.3", "panorama-tag")
    hub_address = next(d["ip_address"] for d in EmulatorControl(server.info).devices() if d["serial"] == hub.serial)
    hub_client.xapi.set(VSYS + "/redistribution-agent/entry[@name='hub']",
                        f"<host-port><host>{hub_address}</host><port>5007</port></host-port><ip-tags>yes</ip-tags>")
    hub_client.commit(sync=True)
    assert hub.userid.get_registered_ip() == {"10.2.2.2": ["hub-tag"], "10.3.3.3": ["panorama-tag"]}
    assert hub_client.userid.get_registered_ip() == {"10.2.2.2": ["hub-tag"]}  # IP tags travel one hop
    assert client.userid.get_registered_ip() == {}
