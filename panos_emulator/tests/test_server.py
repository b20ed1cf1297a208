"""Transport, authentication and request dispatch, with pan-python and plain urllib."""

from __future__ import annotations

import base64
import ssl
import urllib.error
import urllib.parse
import urllib.request

import pan.xapi
import pytest
from lxml import etree

from panos_emulator.client import EmulatorControl
from panos_emulator.server import EmulatorServer


def _raw(info: dict, params: dict, method: str = "POST") -> tuple[int, str, bytes]:
    """One request without pan-python: (HTTP status, content type, body)."""
    context = ssl.create_default_context(cafile=info["ca_file"])
    data = urllib.parse.urlencode(params)
    url = f"{info['url']}/api/"
    request = urllib.request.Request(url + "?" + data) if method == "GET" else urllib.request.Request(url, data.encode())
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as reply:
            return reply.status, reply.headers["Content-Type"], reply.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def _xapi(info: dict, **kwargs) -> pan.xapi.PanXapi:
    return pan.xapi.PanXapi(hostname=info["host"], port=info["port"],
                            ssl_context=ssl.create_default_context(cafile=info["ca_file"]), **kwargs)


def test_keygen_gives_a_stable_key_that_looks_real(emu: EmulatorControl) -> None:
    info = emu.info
    first = _xapi(info, api_username=info["username"], api_password=info["password"]).keygen()
    second = _xapi(info, api_username=info["username"], api_password=info["password"]).keygen()
    assert first == second
    assert first.endswith("=") and "+" not in first and "&" not in first
    base64.b64decode(first, validate=True)
    # The key alone authenticates later requests.
    api = _xapi(info, api_key=first)
    api.op("show clock", cmd_xml=True)
    assert api.status == "success"


def test_keygen_reply_shape(emu: EmulatorControl) -> None:
    status, content_type, body = _raw(emu.info, {"type": "keygen", "user": emu.info["username"],
                                                 "password": emu.info["password"]}, method="GET")
    assert status == 200 and content_type == "application/xml; charset=utf-8"
    root = etree.fromstring(body)
    assert root.get("status") == "success" and root.findtext("result/key")


def test_bad_credentials_are_refused_with_403(emu: EmulatorControl) -> None:
    status, _headers, body = _raw(emu.info, {"type": "keygen", "user": emu.info["username"], "password": "wrong"})
    assert status == 403
    root = etree.fromstring(body)
    assert (root.get("status"), root.get("code"), root.findtext("result/msg")) == ("error", "403", "Invalid Credential")
    with pytest.raises(pan.xapi.PanXapiError, match="403"):
        _xapi(emu.info, api_username="nobody", api_password="x").keygen()


@pytest.mark.parametrize("params", [{"type": "op", "cmd": "<show><clock/></show>", "key": "LUFRPT0bogus=="},
                                    {"type": "op", "cmd": "<show><clock/></show>"}])
def test_bad_or_missing_key_is_refused(emu: EmulatorControl, params: dict) -> None:
    status, _headers, body = _raw(emu.info, params)
    root = etree.fromstring(body)
    assert status == 403 and root.get("code") == "403" and root.findtext("result/msg") == "Invalid Credential"


def test_key_in_header_is_accepted(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    request = urllib.request.Request(f"{emu.info['url']}/api/?type=op&cmd=%3Cshow%3E%3Cclock%2F%3E%3C%2Fshow%3E",
                                     headers={"X-PAN-KEY": xapi.api_key})
    context = ssl.create_default_context(cafile=emu.info["ca_file"])
    with urllib.request.urlopen(request, context=context, timeout=10) as reply:
        assert etree.fromstring(reply.read()).get("status") == "success"


def test_unknown_type_is_a_400_and_the_server_keeps_serving(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    status, _headers, body = _raw(emu.info, {"type": "bogus", "key": xapi.api_key})
    root = etree.fromstring(body)
    assert status == 400 and root.get("code") == "400"
    assert root.findtext("result/msg") == 'Illegal value for parameter "type" [bogus].'
    xapi.op("show clock", cmd_xml=True)
    assert xapi.status == "success"


def test_tls_verifies_against_the_ca_only(emu: EmulatorControl) -> None:
    api = pan.xapi.PanXapi(hostname="127.0.0.1", port=emu.info["port"], api_username="admin", api_password="x",
                           ssl_context=ssl.create_default_context())
    with pytest.raises(pan.xapi.PanXapiError, match="CERTIFICATE_VERIFY_FAILED"):
        api.keygen()
    # "localhost" is in the certificate too.
    local = pan.xapi.PanXapi(hostname="localhost", port=emu.info["port"], api_username=emu.info["username"],
                             api_password=emu.info["password"],
                             ssl_context=ssl.create_default_context(cafile=emu.info["ca_file"]))
    assert local.keygen()


def test_unknown_path_is_404(emu: EmulatorControl) -> None:
    context = ssl.create_default_context(cafile=emu.info["ca_file"])
    with pytest.raises(urllib.error.HTTPError, match="404"):
        urllib.request.urlopen(f"{emu.info['url']}/php/login.php", context=context, timeout=10)  # pylint: disable=consider-using-with


def test_in_process_server_with_extra_admin(tmp_path) -> None:
    with EmulatorServer(port=0, password="secret", state_dir=tmp_path, admins={"automation": "pw2"}) as server:
        info = server.info
        assert info["admins"] == {"automation": "pw2"} and info["ca_file"] == str(tmp_path / "ca.pem")
        admin_key = _xapi(info, api_username="admin", api_password="secret").keygen()
        other_key = _xapi(info, api_username="automation", api_password="pw2").keygen()
        assert admin_key != other_key
        assert server.keys[other_key] == "automation"
    assert (tmp_path / "ca.pem").exists()  # a given state dir is left alone
