"""Panorama mode: pan-os-python's Panorama with child Firewall(serial=…) and pan-python's PanXapi(serial=…)
reach each managed firewall's own state and clock through ``target``; Panorama's own state stays apart."""

from __future__ import annotations

import ssl
from typing import Iterator

import pan.xapi
import pytest
from panos.firewall import Firewall
from panos.objects import Tag
from panos.panorama import Panorama

from panos_emulator.client import EmulatorControl
from panos_emulator.panorama import DEVICE_GROUP
from panos_emulator.process import start_emulator, stop_emulator
from panos_emulator.server import EmulatorServer

VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(panorama_mode=True, firewalls=2, model="VM-100") as emulator:
        yield emulator


@pytest.fixture
def control(server: EmulatorServer) -> EmulatorControl:
    server.reset()
    return EmulatorControl(server.info)


def _context(server: EmulatorServer) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=server.info["ca_file"])


def _xapi(server: EmulatorServer, serial: str | None = None) -> pan.xapi.PanXapi:
    info = server.info
    return pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                            api_password=info["password"], ssl_context=_context(server), serial=serial)


@pytest.fixture
def panorama(server: EmulatorServer, control: EmulatorControl) -> Panorama:
    device = Panorama(server.info["host"], api_key=_xapi(server).keygen(), port=server.info["port"])
    device.xapi.ssl_context = _context(server)
    return device


def _child(panorama: Panorama, serial: str, server: EmulatorServer) -> Firewall:
    firewall = Firewall(serial=serial)
    panorama.add(firewall)
    firewall.xapi.ssl_context = _context(server)
    return firewall


def test_panorama_answers_as_panorama_and_lists_its_firewalls(server: EmulatorServer, panorama: Panorama) -> None:
    system = panorama.refresh_system_info()
    assert system.platform == "Panorama"
    first, second = server.info["firewalls"]
    devices = panorama.op("show devices all").find("result/devices")
    assert [(e.get("name"), e.findtext("hostname"), e.findtext("model"), e.findtext("sw-version"), e.findtext("connected"))
            for e in devices] == [(first, "fw-1", "PA-VM", "10.2.9", "yes"), (second, "fw-2", "PA-VM", "10.2.9", "yes")]
    groups = panorama.refresh_devices()
    assert [(g.name, sorted(f.serial for f in g.children)) for g in groups] == [(DEVICE_GROUP, [first, second])]


def test_targeted_requests_reach_each_firewalls_own_state(
        server: EmulatorServer, panorama: Panorama, control: EmulatorControl) -> None:
    first, second = server.info["firewalls"]
    fw1, fw2 = _child(panorama, first, server), _child(panorama, second, server)
    assert fw1.refresh_system_info().serial == first and fw2.refresh_system_info().serial == second
    fw1.userid.register("10.0.0.1", "quota")
    fw1.add(Tag("quota-tag")).create()
    fw1.commit(sync=True)
    assert fw1.userid.get_registered_ip() == {"10.0.0.1": ["quota"]}
    assert fw2.userid.get_registered_ip() == {}
    assert panorama.userid.get_registered_ip() == {}  # Panorama's own registrations are untouched
    assert "quota-tag" in control.firewall(first).config()["running"]
    assert "quota-tag" not in control.firewall(second).config()["running"]
    assert "quota-tag" not in control.config()["running"]
    assert control.firewall(first).counters()["commit"] == 1 and control.counters()["commit"] == 0


def test_pan_python_serial_and_unknown_serials(server: EmulatorServer, control: EmulatorControl) -> None:
    first = server.info["firewalls"][0]
    api = _xapi(server, first)
    api.op("<show><system><info/></system></show>")
    assert api.element_root.findtext("result/system/serial") == first
    api.user_id(cmd="<uid-message><type>update</type><payload><register><entry ip='10.0.0.9'><tag><member>t</member>"
                    "</tag></entry></register></payload></uid-message>")
    for serial in ("007951000999999", "x' or '1'='1"):
        with pytest.raises(pan.xapi.PanXapiError, match=f"Device {serial} is not a connected managed device"):
            _xapi(server, serial).op("<show><clock/></show>")
    control.firewall(first).set_connected(False)
    with pytest.raises(pan.xapi.PanXapiError, match="is not a connected managed device"):
        api.op("<show><clock/></show>")
    connected = _xapi(server)
    connected.op("<show><devices><connected/></devices></show>")
    assert [e.get("name") for e in connected.element_root.iterfind("result/devices/entry")] == [server.info["firewalls"][1]]


def test_control_plane_by_serial_clock_faults_and_mappings(server: EmulatorServer, control: EmulatorControl) -> None:
    first, second = server.info["firewalls"]
    fw1 = control.firewall(first)
    before = control.firewall(second).now()["epoch"]
    fw1.advance(3600)
    assert fw1.now()["epoch"] - control.firewall(second).now()["epoch"] >= 3600 - 5
    assert control.firewall(second).now()["epoch"] - before < 60
    fw1.inject_fault("op", "panos-error", message="fw-1 is down")
    with pytest.raises(pan.xapi.PanXapiError, match="fw-1 is down"):
        _xapi(server, first).op("<show><clock/></show>")
    _xapi(server, second).op("<show><clock/></show>")  # the other firewall is not affected
    fw1.add_mappings([{"ip": "10.0.0.5", "user": "acme\\bob"}])
    api = _xapi(server, first)
    api.op("<show><user><ip-user-mapping><all/></ip-user-mapping></user></show>")
    assert api.element_root.findtext("result/entry/user") == "acme\\bob"
    assert [d["serial"] for d in control.devices()] == [first, second]
    with pytest.raises(Exception):
        control.firewall("nope").now()


def test_command_line_panorama_mode() -> None:
    process, info = start_emulator("--panorama", "--firewalls", "3")
    try:
        assert len(info["firewalls"]) == 3
        assert [d["hostname"] for d in EmulatorControl(info).devices()] == ["fw-1", "fw-2", "fw-3"]
    finally:
        stop_emulator(process)
    with pytest.raises(ValueError, match="only with panorama"):
        EmulatorServer(firewalls=2)
