"""The kept-alive transport on scripted connections (socket pairs, no server), and what the client
sends again after a glitch: only what provably never left, or a read."""

import http.client
import socket
import urllib.parse
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection, is_read
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._transport import (
    HttpTransport,
    TransportError,
    parse_reply,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import cmd
from tests.unit.firewall import KEY, OK, FakeFirewall

SHOW = {"type": "op", "cmd": "<show><clock/></show>"}


class Reply:
    def __init__(self, body=OK, status=200, will_close=False):
        self.body = body.encode() if isinstance(body, str) else body
        self.status = status
        self.reason = "OK" if status == 200 else "Error"
        self.will_close = will_close

    def read(self):
        return self.body


class Device:
    """Scripted connections: each step is a Reply, or an exception raised when the request is written
    (``("send", exc)``) or when the reply is read."""

    def __init__(self, *steps):
        self.steps = list(steps)
        self.connections = []
        self.received = []  # the request bodies that reached the device

    def connect(self):
        return Connection(self)


class Connection:
    def __init__(self, device):
        self.device = device
        self.sock = None
        self.peer = None

    def connect(self):
        self.sock, self.peer = socket.socketpair()
        self.device.connections.append(self)

    def request(self, method, url, body, headers):
        assert (method, url) == ("POST", "/api/") and headers["Content-Type"] == "application/x-www-form-urlencoded"
        step = self.device.steps[0]
        if isinstance(step, tuple):
            self.device.steps.pop(0)
            raise step[1]
        self.device.received.append(dict(urllib.parse.parse_qsl(body.decode())))

    def getresponse(self):
        step = self.device.steps.pop(0)
        if isinstance(step, BaseException):
            raise step
        return step

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.peer.close()
        self.sock = None

    def closed_by_peer(self):
        self.peer.close()


def transport_for(device):
    return HttpTransport("192.0.2.1", 443, 5, None, connect=device.connect)


def test_every_request_of_a_run_goes_on_one_connection_with_the_key():
    device = Device(Reply(KEY), Reply(), Reply())
    transport = transport_for(device)
    conn = FirewallConnection({"ip_address": "192.0.2.1", "password": "pw"}, transport=transport)
    conn.op(cmd("show", "clock"))
    conn.config("set", "/config/x", ET.Element("x"))
    assert len(device.connections) == 1 and transport.connections == 1
    assert device.received[0] == {"type": "keygen", "user": "admin", "password": "pw"}
    assert device.received[1]["key"] == device.received[2]["key"] == "LUFRPT1abc123=="


def test_a_connection_the_firewall_closed_while_idle_is_replaced_before_the_write():
    device = Device(Reply(), Reply())
    transport = transport_for(device)
    transport.request(SHOW)
    device.connections[0].closed_by_peer()
    transport.set_key("K")
    transport.request({"type": "config", "action": "set", "xpath": "/config/x", "element": "<x/>"})
    assert len(device.connections) == 2 and len(device.received) == 2  # sent once, on the new connection


def test_a_write_failing_on_the_kept_alive_connection_goes_once_on_a_fresh_one():
    device = Device(Reply(), ("send", BrokenPipeError(32, "Broken pipe")), Reply())
    transport = transport_for(device)
    transport.request(SHOW)
    transport.request({"type": "user-id", "cmd": "<uid-message/>"})
    assert len(device.connections) == 2 and [r["type"] for r in device.received] == ["op", "user-id"]


def test_a_write_failing_on_a_fresh_connection_never_left():
    device = Device(("send", ConnectionResetError(104, "Connection reset by peer")))
    with pytest.raises(TransportError) as info:
        transport_for(device).request(SHOW)
    assert info.value.kind == "reset" and not info.value.sent and device.received == []


@pytest.mark.parametrize("lost, kind", [(http.client.RemoteDisconnected("Remote end closed connection"), "reset"),
                                        (socket.timeout("timed out"), "timeout")])
def test_a_reply_lost_after_the_write_is_not_sent_again_by_the_transport(lost, kind):
    device = Device(Reply(), lost)
    transport = transport_for(device)
    transport.request(SHOW)
    with pytest.raises(TransportError) as info:
        transport.request({"type": "commit", "cmd": "<commit/>"})
    assert info.value.kind == kind and info.value.sent and len(device.received) == 2
    assert device.connections[0].sock is None  # that connection is not used again


def test_a_reply_that_says_close_ends_the_connection():
    device = Device(Reply(will_close=True), Reply())
    transport = transport_for(device)
    transport.request(SHOW)
    transport.request(SHOW)
    assert len(device.connections) == 2


def test_replies_that_are_not_pan_os_xml():
    with pytest.raises(TransportError) as info:
        parse_reply(403, "Forbidden", b"<html/>")
    assert info.value.kind == "http" and info.value.http_status == 403
    for body in (b"<html><body>portal</body></html>", b"<response/>", b"<response status='success'"):
        with pytest.raises(TransportError) as info:
            parse_reply(200, "OK", body)
        assert info.value.kind == "malformed"
    assert parse_reply(200, "OK", b"<response status='error' code='7'/>").get("code") == "7"


WRITES = [
    {"type": "config", "action": action, "xpath": "/config/x"} for action in ("set", "edit", "delete", "move", "rename")
] + [{"type": "user-id", "cmd": "<uid-message/>"}, {"type": "commit", "cmd": "<commit/>"},
     {"type": "op", "cmd": "<request><restart><system/></restart></request>"},
     {"type": "report", "reporttype": "custom", "reportname": "r"}]
READS = [SHOW, {"type": "op", "cmd": "<test><security-policy-match/></test>"}, {"type": "keygen"},
         {"type": "config", "action": "get", "xpath": "/config"}, {"type": "config", "action": "show"},
         {"type": "report", "action": "get", "job-id": "1"}, {"type": "version"}]


@pytest.mark.parametrize("params", WRITES + READS)
def test_only_reads_are_sent_again_after_a_lost_reply(params):
    assert is_read(params) == (params in READS)


@pytest.mark.parametrize("params", [p for p in WRITES if p["type"] != "commit"])
def test_a_write_whose_reply_was_lost_is_reported_not_resent(params):
    transport = FakeFirewall.scripted(TransportError("reset", "RemoteDisconnected: Remote end closed connection"), OK)
    conn = FirewallConnection({"ip_address": "fw", "api_key": "K"}, transport=transport, sleep=lambda s: None)
    with pytest.raises(FirewallError) as info:
        conn.request(params)
    assert len(transport.requests) == 1 and conn.api_calls == 1
    assert "may have been carried out" in str(info.value) and not info.value.reply_lost


@pytest.mark.parametrize("params", READS[:2])
def test_a_read_whose_reply_was_lost_is_sent_again(params):
    transport = FakeFirewall.scripted(TransportError("reset", "RemoteDisconnected: Remote end closed connection"), OK)
    conn = FirewallConnection({"ip_address": "fw", "api_key": "K"}, transport=transport, sleep=lambda s: None)
    conn.request(params)
    assert len(transport.requests) == 2


def test_a_write_that_never_left_is_sent_again():
    never_left = TransportError("reset", "BrokenPipeError: Broken pipe", sent=False)
    transport = FakeFirewall.scripted(never_left, OK)
    conn = FirewallConnection({"ip_address": "fw", "api_key": "K"}, transport=transport, sleep=lambda s: None)
    conn.config("edit", "/config/x", ET.Element("x"))
    assert len(transport.requests) == 2


def test_a_write_is_never_sent_again_after_a_read_timeout():
    transport = FakeFirewall.scripted(TransportError("timeout", "timed out"), OK)
    conn = FirewallConnection({"ip_address": "fw", "api_key": "K"}, transport=transport, sleep=lambda s: None)
    with pytest.raises(FirewallError) as info:
        conn.config("move", "/config/x", where="top")
    assert info.value.kind == "timeout" and len(transport.requests) == 1
