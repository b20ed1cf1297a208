"""External Dynamic Lists: fetched over HTTPS from the test's own server, honouring the certificate
profile and basic auth; on commit, at the recurring interval of the emulator's clock and on refresh;
a failed fetch keeps the last good copy, an authentication failure stops enforcing the list; IP lists
in test security-policy-match and the traffic simulation, URL and domain lists in the URL categories.
Driven with pan-os-python (objects.Edl) and pan-python."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pan.xapi
import pytest
from panos import objects, policies
from panos.firewall import Firewall

from panos_emulator.client import EmulatorControl
from panos_emulator.edl import domain_listed
from panos_emulator.listserver import ListServer

SHARED = "/config/shared"


@pytest.fixture
def web(tmp_path: Path):
    root = tmp_path / "www"
    root.mkdir()
    with ListServer(root, tmp_path / "tls", "edl-reader", "s3cret") as server:
        yield server


def _trust(xapi: pan.xapi.PanXapi, web: ListServer) -> None:
    """The web server's CA as a certificate and a certificate profile (shared)."""
    pem = web.tls.ca_file.read_text()
    xapi.set(xpath=SHARED + "/certificate", element=f"<entry name='edl-ca'><common-name>edl-ca</common-name>"
             f"<public-key>{escape(pem)}</public-key></entry>")
    xapi.set(xpath=SHARED + "/certificate-profile", element="<entry name='edl-profile'><CA><entry name='edl-ca'/></CA></entry>")


def _lists(firewall: Firewall, web: ListServer, password: str = "s3cret", profile: str | None = "edl-profile") -> None:
    firewall.refresh_system_info()
    for name, kind in (("tf-ip", "ip"), ("tf-url", "url"), ("tf-domain", "domain")):
        firewall.add(objects.Edl(name, edl_type=kind, source=f"{web.url}/{name}.txt", repeat="five-minute",
                                 certificate_profile=profile, username="edl-reader", password=password)).create()
    base = firewall.add(policies.Rulebase())
    base.add(policies.SecurityRule("Block-EDL", fromzone=["trust"], tozone=["untrust"], destination=["tf-ip"],
                                   action="deny")).create()
    base.add(policies.SecurityRule("Block-EDL-URL", fromzone=["trust"], tozone=["untrust"], category=["tf-url"],
                                   action="deny")).create()
    base.add(policies.SecurityRule("Allow-Out", fromzone=["trust"], tozone=["untrust"], action="allow")).create()
    firewall.commit(sync=True)


def _publish(web: ListServer, ip: str, url: str = "bad.example/\n", domain: str = "evil.example\n") -> None:
    for name, text in (("tf-ip", ip), ("tf-url", url), ("tf-domain", domain)):
        (web.directory / f"{name}.txt").write_text(text)


def _rule(xapi: pan.xapi.PanXapi, destination: str) -> str:
    xapi.op("<test><security-policy-match><from>trust</from><to>untrust</to><source>10.0.0.5</source>"
            f"<destination>{destination}</destination><category>news</category></security-policy-match></test>")
    return xapi.element_root.find("result/rules/entry").get("name")


def _show(xapi: pan.xapi.PanXapi, name: str, kind: str = "ip") -> dict:
    xapi.op(f"<request><system><external-list><show><type><{kind}><name>{name}</name></{kind}></type></show>"
            "</external-list></system></request>")
    listing = xapi.element_root.find("result/external-list")
    return {"valid": int(listing.findtext("total-valid")), "invalid": int(listing.findtext("total-invalid")),
            "status": listing.findtext("status"), "last-fetch": listing.findtext("last-fetch"),
            "members": [m.text for m in listing.iterfind("valid-members/member")]}


def test_lists_are_fetched_on_commit_and_enforced(emu: EmulatorControl, firewall: Firewall, xapi: pan.xapi.PanXapi,
                                                  web: ListServer) -> None:
    _trust(xapi, web)
    _publish(web, "198.51.100.7 expires=2026-12-15T00:00:00Z\n192.0.2.0/24 a comment\nnot-an-address\n")
    _lists(firewall, web)
    shown = _show(xapi, "tf-ip")
    assert shown["members"] == ["198.51.100.7", "192.0.2.0/24"] and shown["invalid"] == 1 and shown["status"] == "ok"
    assert _rule(xapi, "198.51.100.7") == "Block-EDL" and _rule(xapi, "192.0.2.99") == "Block-EDL"
    assert _rule(xapi, "203.0.113.1") == "Allow-Out"
    assert emu.url_categories("https://bad.example/x") == ["tf-url"]
    assert emu.url_categories("https://www.evil.example/") == [] and emu.url_categories("https://evil.example/") == [
        "tf-domain"]


def test_a_new_list_is_picked_up_at_the_interval_without_a_commit(emu: EmulatorControl, firewall: Firewall,
                                                                  xapi: pan.xapi.PanXapi, web: ListServer) -> None:
    _trust(xapi, web)
    _publish(web, "198.51.100.7\n")
    _lists(firewall, web)
    _publish(web, "198.51.100.8\n")
    assert _rule(xapi, "198.51.100.8") == "Allow-Out"  # not yet fetched
    emu.advance(300)
    assert _rule(xapi, "198.51.100.8") == "Block-EDL" and _rule(xapi, "198.51.100.7") == "Allow-Out"
    assert emu.counters().get("commit", 0) <= 1  # the one commit of the set-up


def test_refresh_fetches_now(emu: EmulatorControl, firewall: Firewall, xapi: pan.xapi.PanXapi, web: ListServer) -> None:
    _trust(xapi, web)
    _publish(web, "198.51.100.7\n")
    _lists(firewall, web)
    _publish(web, "198.51.100.9\n")
    xapi.op("<request><system><external-list><refresh><type><ip><name>tf-ip</name></ip></type></refresh>"
            "</external-list></system></request>")
    assert xapi.status == "success" and _show(xapi, "tf-ip")["members"] == ["198.51.100.9"]


def test_a_server_that_is_down_leaves_the_last_good_copy(emu: EmulatorControl, firewall: Firewall,
                                                         xapi: pan.xapi.PanXapi, web: ListServer) -> None:
    _trust(xapi, web)
    _publish(web, "198.51.100.7\n")
    _lists(firewall, web)
    web.stop()
    emu.advance(600)
    shown = _show(xapi, "tf-ip")
    assert shown["status"] == "fetch-failed" and shown["members"] == ["198.51.100.7"]
    assert _rule(xapi, "198.51.100.7") == "Block-EDL"
    web.start()
    emu.advance(300)
    assert _show(xapi, "tf-ip")["status"] == "ok"


def test_an_authentication_failure_stops_enforcing(emu: EmulatorControl, firewall: Firewall, xapi: pan.xapi.PanXapi,
                                                   web: ListServer) -> None:
    _trust(xapi, web)
    _publish(web, "198.51.100.7\n")
    _lists(firewall, web, password="wrong")
    shown = _show(xapi, "tf-ip")
    assert shown["status"] == "auth-failed" and shown["members"] == []
    assert _rule(xapi, "198.51.100.7") == "Allow-Out"


def test_a_certificate_profile_that_does_not_trust_the_server_fails_the_fetch(
        emu: EmulatorControl, firewall: Firewall, xapi: pan.xapi.PanXapi, web: ListServer) -> None:
    xapi.set(xpath=SHARED + "/certificate-profile", element="<entry name='other'><CA><entry name='nobody'/></CA></entry>")
    _publish(web, "198.51.100.7\n")
    _lists(firewall, web, profile="other")
    assert _show(xapi, "tf-ip")["status"] == "fetch-failed"
    assert web.requests == []  # the TLS handshake failed before any request


def test_an_unknown_list_is_refused_as_pan_os_refuses_it(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    with pytest.raises(pan.xapi.PanXapiError, match="invalid name"):
        xapi.op("<request><system><external-list><show><type><ip><name>nope</name></ip></type></show>"
                "</external-list></system></request>")


@pytest.mark.parametrize(("host", "entries", "listed"), [
    ("evil.example", ["evil.example"], True), ("www.evil.example", ["evil.example"], False),
    ("www.evil.example", ["*.evil.example"], True), ("a.b.evil.example", ["*.evil.example"], True),
    ("evil.example", ["*.evil.example"], False), ("www.evil.example", ["^.evil.example"], True)])
def test_domain_list_matching(host: str, entries: list[str], listed: bool) -> None:
    assert domain_listed(host, entries) is listed


def test_simulated_traffic_meets_the_lists(emu: EmulatorControl, firewall: Firewall, xapi: pan.xapi.PanXapi,
                                           web: ListServer) -> None:
    _trust(xapi, web)
    _publish(web, "198.51.100.7\n")
    _lists(firewall, web)
    emu.simulate([{"src": "10.0.0.5", "dst": "198.51.100.7", "bytes_per_minute": 10},
                  {"src": "10.0.0.6", "dst": "203.0.113.9", "url": "https://bad.example/x", "bytes_per_minute": 10},
                  {"src": "10.0.0.7", "dst": "203.0.113.9", "url": "https://news.example/", "bytes_per_minute": 10}])
    emu.advance(60)
    xapi.log(log_type="traffic", nlogs=10, interval=0.05)
    assert sorted((e.findtext("src"), e.findtext("rule")) for e in xapi.element_root.iterfind("result/log/logs/entry")) == [
        ("10.0.0.5", "Block-EDL"), ("10.0.0.6", "Block-EDL-URL"), ("10.0.0.7", "Allow-Out")]
