"""Kept-alive connections, their count, and the management plane's limit of concurrent requests
(queue, then code 22 "Session timed out"), with http.client, pan-python and pan-os-python."""

from __future__ import annotations

import http.client
import ssl
import threading
import urllib.parse
from typing import Any

import pan.xapi
from panos.firewall import Firewall

from double_server.serving import QuietHandler
from panos_emulator.client import EmulatorControl
from panos_emulator.server import EmulatorServer

SHOW_CLOCK = "<show><clock/></show>"


def _form(**fields: str) -> bytes:
    return urllib.parse.urlencode(fields).encode()


def _keygen(info: dict[str, Any]) -> bytes:
    return _form(type="keygen", user=info["username"], password=info["password"])


def test_one_kept_alive_connection_serves_many_requests_and_is_counted_once(emu: EmulatorControl) -> None:
    info = emu.info
    conn = http.client.HTTPSConnection(info["host"], info["port"],
                                       context=ssl.create_default_context(cafile=info["ca_file"]))
    emu.reset_counters()
    for _request in range(5):
        conn.request("POST", "/api/", _keygen(info), {"Content-Type": "application/x-www-form-urlencoded"})
        reply = conn.getresponse()
        assert reply.status == 200 and b"<key>" in reply.read() and not reply.will_close
    conn.close()
    counters = emu.counters()
    assert counters["keygen"] == 5 and counters["connections"] == 1


def test_pan_python_opens_a_connection_per_request(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    emu.reset_counters()
    for _request in range(3):
        xapi.op(SHOW_CLOCK)
    assert emu.counters()["connections"] == emu.counters()["op"] == 3


def test_idle_connections_are_closed_on_request(emu: EmulatorControl) -> None:
    info = emu.info
    conn = http.client.HTTPSConnection(info["host"], info["port"],
                                       context=ssl.create_default_context(cafile=info["ca_file"]))
    conn.request("POST", "/api/", _keygen(info), {"Content-Type": "application/x-www-form-urlencoded"})
    conn.getresponse().read()
    assert emu.close_idle_connections() >= 1
    try:  # the write or the read fails, whichever notices first
        conn.request("POST", "/api/", _keygen(info), {"Content-Type": "application/x-www-form-urlencoded"})
        conn.getresponse()
        raise AssertionError("the closed connection answered")
    except (http.client.RemoteDisconnected, ConnectionError, ssl.SSLError):
        pass
    conn.close()


def _concurrent(server: EmulatorServer, count: int) -> list[str]:
    """``count`` requests at once, each on a connection of its own: the reply codes ("" for success)."""
    info = server.info
    key = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                           api_password=info["password"],
                           ssl_context=ssl.create_default_context(cafile=info["ca_file"])).keygen()
    server.reset_counters()
    codes: list[str] = []
    lock = threading.Lock()

    def one() -> None:
        device = Firewall(info["host"], api_key=key, port=info["port"])
        device.xapi.ssl_context = ssl.create_default_context(cafile=info["ca_file"])
        try:
            device.op(SHOW_CLOCK, cmd_xml=False)
            code = ""
        except Exception as exc:  # pylint: disable=broad-exception-caught  # the refusal is what we look for
            code = str(exc)
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=one) for _thread in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def test_requests_over_the_limit_queue_then_get_session_timed_out() -> None:
    with EmulatorServer(latency_ms=1000, max_concurrent=5, queue_seconds=0.05) as server:
        codes = _concurrent(server, 8)
        assert sorted(codes) == [""] * 5 + ["Session timed out"] * 3
        assert server.counters["max_in_flight"] == 8 and server.counters["refused"] == 3
        assert server.counters["op"] == 8  # refused requests are counted as received


def test_queued_requests_are_served_when_a_slot_frees() -> None:
    with EmulatorServer(latency_ms=300, max_concurrent=2, queue_seconds=60) as server:
        assert _concurrent(server, 5) == [""] * 5
        assert server.counters["max_in_flight"] == 5 and server.counters["refused"] == 0


def test_no_limit_and_bad_settings() -> None:
    with EmulatorServer(latency_ms=300, max_concurrent=0) as server:
        assert _concurrent(server, 7) == [""] * 7 and server.counters["refused"] == 0
    for settings in ({"max_concurrent": -1}, {"queue_seconds": -1.0}, {"rtt_ms": 60_001}):
        try:
            EmulatorServer(**settings)  # type: ignore[arg-type]
            raise AssertionError(settings)
        except ValueError:
            pass


class _Recorder:
    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.writes.append(bytes(data))
        return len(data)


def test_a_reply_goes_out_in_one_write() -> None:
    """Headers then body in two writes made every request on a kept-alive connection wait for the
    client's delayed ACK (about 40 ms); one write does not."""
    handler = QuietHandler.__new__(QuietHandler)
    handler.request_version, handler.requestline, handler.command = "HTTP/1.1", "POST /api/ HTTP/1.1", "POST"
    handler.wfile = _Recorder()  # type: ignore[assignment]
    handler.send_body(200, "application/xml", b"<response status='success'/>")
    assert len(handler.wfile.writes) == 1  # type: ignore[attr-defined]
    assert handler.wfile.writes[0].endswith(b"\r\n\r\n<response status='success'/>")  # type: ignore[attr-defined]
