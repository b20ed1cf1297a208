"""The control plane: clock, faults, counters, reset, config, mappings and the traffic hooks."""

from __future__ import annotations

import http.client
import time

import pan.xapi
import pytest
from lxml import etree

from panos_emulator.client import EmulatorControl

VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"
CLOCK = "<show><clock/></show>"


def test_clock_and_advance(emu: EmulatorControl) -> None:
    before = emu.now()
    assert abs(before["epoch"] - time.time()) < 5
    after = emu.advance(86400)
    assert 86400 <= after["epoch"] - before["epoch"] < 86410
    assert after["local"] == time.strftime("%Y/%m/%d %H:%M:%S", time.gmtime(after["epoch"]))


def test_counters_count_api_calls_by_type_only(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    xapi.op(CLOCK)
    xapi.get(xpath=f"{VSYS}/tag")
    emu.now()
    assert emu.counters() == {"keygen": 1, "op": 1, "user-id": 0, "config": 1, "commit": 0, "report": 0, "log": 0, "version": 0,
                              "connections": 3, "max_in_flight": 1, "refused": 0, "total": 3}  # pan-python: one each
    emu.reset_counters()
    assert emu.counters()["total"] == 0


@pytest.mark.parametrize("kind, match", [("http500", "code: 500"), ("http503", "code: 503")])
def test_http_faults_hit_the_next_requests_only(emu: EmulatorControl, xapi: pan.xapi.PanXapi, kind: str, match: str) -> None:
    emu.inject_fault("op", kind, count=2)
    xapi.get(xpath=f"{VSYS}/tag")  # other request types are not affected
    for attempt in range(2):
        with pytest.raises(pan.xapi.PanXapiError, match=match):
            xapi.op(CLOCK)
        assert emu.counters()["op"] == attempt + 1
    xapi.op(CLOCK)
    assert xapi.status == "success"


def test_panos_error_fault(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    emu.inject_fault("config", "panos-error", code=22, message="Session timed out")
    with pytest.raises(pan.xapi.PanXapiError, match="Session timed out"):
        xapi.get(xpath=f"{VSYS}/tag")
    assert xapi.status_code == "22"


def test_malformed_and_reset_faults(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    emu.inject_fault("any", "malformed")
    with pytest.raises(pan.xapi.PanXapiError, match="ParseError"):
        xapi.op(CLOCK)
    emu.inject_fault("op", "reset")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError, pan.xapi.PanXapiError)):
        xapi.op(CLOCK)
    xapi.op(CLOCK)
    assert xapi.status == "success"


def test_hang_fault_outlasts_the_client_timeout(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    emu.inject_fault("user-id", "hang", seconds=1.5)
    xapi.timeout = 0.5
    # urllib raises a read timeout as it is; pan-python does not wrap it.
    with pytest.raises((TimeoutError, pan.xapi.PanXapiError), match="timed out"):
        xapi.user_id(cmd="<uid-message><type>update</type><payload><register/></payload></uid-message>")
    xapi.timeout = None
    xapi.op(CLOCK)  # other requests are served while one hangs
    assert xapi.status == "success"


def test_commit_in_progress_fault(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    emu.inject_fault("commit", "commit-in-progress")
    xapi.set(xpath=f"{VSYS}/tag", element="<entry name='x'/>")
    with pytest.raises(pan.xapi.PanXapiError, match="Another commit/validate is in progress"):
        xapi.commit(cmd="<commit></commit>")
    xapi.commit(cmd="<commit></commit>")
    assert xapi.element_root.findtext("result/job")


def test_unknown_fault_is_refused(emu: EmulatorControl) -> None:
    with pytest.raises(Exception, match="400"):
        emu.inject_fault("op", "explode")


def test_reset_restores_everything(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    xapi.set(xpath=f"{VSYS}/tag", element="<entry name='x'/>")
    xapi.user_id(cmd="<uid-message><type>update</type><payload><register><entry ip='10.0.0.1'><tag>"
                     "<member>q</member></tag></entry></register></payload></uid-message>")
    emu.advance(7200)
    emu.inject_fault("op", "http500", count=5)
    emu.reset()
    assert abs(emu.now()["epoch"] - time.time()) < 5
    assert emu.counters()["total"] == 0
    xapi.op("<show><object><registered-ip><all/></registered-ip></object></show>")  # no fault left, same key works
    assert xapi.element_root.findtext("result/count") == "0"
    xapi.get(xpath=f"{VSYS}/tag/entry[@name='x']")
    assert xapi.status_code == "7"


def test_set_and_read_config(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    config = etree.fromstring(emu.config()["running"])
    config.find("devices/entry/vsys/entry/tag").append(etree.fromstring("<entry name='preloaded'/>"))
    emu.set_config(etree.tostring(config, encoding="unicode"))
    xapi.show(xpath=f"{VSYS}/tag/entry[@name='preloaded']")
    assert xapi.status == "success"
    xapi.commit(cmd="<commit></commit>")
    assert xapi.status_detail == "There are no changes to commit."
    assert "preloaded" in emu.config()["candidate"]


def test_mappings_and_groups(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    emu.add_mappings([{"ip": "10.0.0.5", "user": "acme\\bob", "timeout": 120}, {"ip": "10.0.0.6", "user": "acme\\eve"}])
    emu.set_groups({"cn=sales,dc=acme,dc=local": ["acme\\bob"]})
    xapi.op("<show><user><ip-user-mapping><all/></ip-user-mapping></user></show>")
    assert [e.findtext("user") for e in xapi.element_root.findall("result/entry")] == ["acme\\bob", "acme\\eve"]
    emu.advance(121)
    xapi.op("<show><user><ip-user-mapping><all/></ip-user-mapping></user></show>")
    assert [e.findtext("timeout") for e in xapi.element_root.findall("result/entry")] == ["Never"]
    xapi.op("<show><user><group><list/></group></user></show>")
    assert "Total: 1" in xapi.element_root.findtext("result")


def test_traffic_and_simulation_are_forwarded(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    emu.add_traffic([{"src": "10.0.0.5", "dst": "1.1.1.1", "bytes": 1000}])
    emu.simulate([{"src": "10.0.0.6", "dst": "1.1.1.1", "bytes_per_minute": 500}])
    emu.advance(180)
    xapi.log(log_type="traffic", nlogs=100, interval=0.05)
    sources = [e.findtext("src") for e in xapi.element_root.findall("result/log/logs/entry")]
    assert sources.count("10.0.0.5") == 1 and sources.count("10.0.0.6") == 3
