"""Registered once on Panorama, redistributed by PAN-OS: redistribution_agent sets a firewall up to take
Panorama's IP tags; dag_register and the threat feed with ``register_on: panorama`` register once on
Panorama, and only the firewalls that take its tags see them (timeouts and unregistrations included).
Against the emulator's Panorama mode; its counters prove the requests went to Panorama alone."""

from __future__ import annotations

import json
import ssl
from pathlib import Path
from typing import Any

import pan.xapi
import pytest
from lxml import etree

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._sync import COMMIT_DESCRIPTION, STATE_RECORD, sync
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._panorama import registration_point

from panos_emulator.client import EmulatorControl
from panos_emulator.process import provider_for
from tests.integration import ansible_cli
from tests.integration.test_panorama import env_for, inventory_file, recap, registered
from tests.integration.test_panorama import pano, panorama  # noqa: F401  # pylint: disable=unused-import
from tests.integration.test_threat_feed import client_for, incident, lumu_options
from tests.integration.test_threat_feed import options as feed_options

IPS = ["10.20.%d.%d" % (i // 250, i % 250 + 1) for i in range(100)]


def through(info: dict[str, Any], serial: str) -> dict[str, Any]:
    """The provider the tagwarden.panos.panorama inventory gives the firewall ``serial``."""
    return {"ip_address": info["host"], "port": info["port"], "serial_number": serial}


def adhoc(info: dict[str, Any], module: str, **args: Any) -> dict[str, Any]:
    return ansible_cli.adhoc(module, dict(args, ca_path=info["ca_file"]), env=env_for(info))[0]


def dag_members(info: dict[str, Any], serial: str, name: str) -> list[str]:
    xapi = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                            api_password=info["password"], serial=serial,
                            ssl_context=ssl.create_default_context(cafile=info["ca_file"]))
    xapi.op(cmd="<show><object><dynamic-address-group><name>%s</name></dynamic-address-group></object></show>" % name)
    return [entry.get("name") for entry in xapi.element_root.iterfind("./result/dyn-addr-grp/entry/member-list/entry")]


def firewall_calls(pano: EmulatorControl) -> dict[str, int]:
    return {serial: pano.firewall(serial).counters()["total"] for serial in pano.info["firewalls"]}


def test_a_registration_on_panorama_reaches_only_the_firewalls_that_take_it(pano: EmulatorControl) -> None:
    info = pano.info
    first, second, third, fourth = info["firewalls"]
    for serial in (first, second):
        made = adhoc(info, "redistribution_agent", provider=through(info, serial))
        assert made["changed"] and made["changes"] == ["create redistribution-agent tagwarden-panorama"], made
    again = adhoc(info, "redistribution_agent", provider=through(info, first))
    assert not again["changed"] and again["taken_by"] == "tagwarden-panorama" and "commit" not in again

    pano.reset_counters()
    # The inventory's provider for fw-1 (with its serial) registers on the Panorama in between.
    result = adhoc(info, "dag_register", provider=through(info, first), register_on="panorama", ips=IPS,
                   tags=["quarantine"], timeout=600)
    assert result["changed"] and len(result["registered"]) == 100, result
    counts = pano.counters()
    assert (counts["user-id"], counts["op"], counts["total"]) == (1, 2, 4)  # keygen, system info, read, 1 message
    assert set(firewall_calls(pano).values()) == {0}
    assert registered(info, None) == registered(info, first) == registered(info, second) == {
        ip: {"quarantine"} for ip in IPS}
    assert registered(info, third) == registered(info, fourth) == {}

    again = adhoc(info, "dag_register", provider=through(info, first), register_on="panorama", ips=IPS,
                  tags=["quarantine"], timeout=600)
    assert not again["changed"] and again["uid_messages"] == 0

    pano.advance(601)  # the tags end on Panorama, so on every firewall that took them
    assert registered(info, first) == registered(info, second) == {}

    adhoc(info, "dag_register", provider=through(info, first), register_on="panorama", ips=IPS[:10], tags=["quarantine"])
    removed = adhoc(info, "dag_register", provider=through(info, second), register_on="panorama", ips=IPS[:4],
                    tags=["quarantine"], state="absent")
    assert removed["unregistered"] == IPS[:4]
    assert registered(info, first) == registered(info, second) == {ip: {"quarantine"} for ip in IPS[4:10]}

    gone = adhoc(info, "redistribution_agent", provider=through(info, second), state="absent")
    assert gone["changes"] == ["delete redistribution-agent tagwarden-panorama"]
    assert registered(info, second) == {} and len(registered(info, first)) == 6


def test_register_on_panorama_refuses_a_firewall(provider: dict[str, Any], emu: Any) -> None:
    result, _output = ansible_cli.adhoc("dag_register", {"provider": provider, "register_on": "panorama",
                                                         "ips": ["10.0.0.1"], "tags": ["quarantine"]},
                                        env=ansible_cli.panos_env(provider))
    assert result["failed"] and "is not Panorama (model PA-VM)" in result["msg"]
    assert "register_on=firewall" in result["msg"] and emu.counters()["user-id"] == 0


def test_the_feed_with_a_url_category_is_refused_on_panorama(pano: EmulatorControl, tmp_path: Path) -> None:
    info = pano.info
    feed = tmp_path / "feed.txt"
    feed.write_text("10.30.0.1\n")
    result = adhoc(info, "threat_feed_sync", provider=provider_for(info), register_on="panorama", source="list",
                   list={"path": str(feed)}, url_category="threat-feed")
    assert result["failed"] and "url_category" in result["msg"] and pano.counters()["total"] == 0


@pytest.mark.playbook
def test_the_feed_roles_register_once_on_panorama_for_the_whole_inventory(pano: EmulatorControl, tmp_path: Path) -> None:
    """threat_feed_bootstrap sets each firewall up (objects and the redistribution agent); threat_feed_sync
    then runs once, on Panorama, for every host."""
    info = pano.info
    first, second, third, fourth = info["firewalls"]
    feed = tmp_path / "feed.txt"
    feed.write_text("".join(ip + "\n" for ip in IPS))
    path = inventory_file(tmp_path, info, filters=["panos_serial_number in ['%s', '%s']" % (first, second)])
    extra = json.dumps({"threat_feed_register_on": "panorama", "threat_feed_source": "list",
                        "threat_feed_list": {"path": str(feed)}})

    def play(name: str) -> str:
        proc = ansible_cli.playbook(name, "-i", str(path), "-e", extra, env=env_for(info), timeout=300)
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
        return proc.stdout

    play("tagwarden.panos.threat_feed_bootstrap")
    pano.reset_counters()
    output = play("tagwarden.panos.threat_feed_sync")
    assert "holding 100" in output
    counts = pano.counters()
    assert counts["user-id"] == 1 and counts["keygen"] == 2, counts  # the inventory's key, the module's; one message
    assert set(firewall_calls(pano).values()) == {0}
    for serial, expected in ((first, 100), (second, 100), (third, 0), (fourth, 0)):
        assert sum(1 for tags in registered(info, serial).values() if "threat-feed" in tags) == expected
    assert len(dag_members(info, first, "threat-feed")) == 100  # the group the bootstrap made on the firewall

    output = play("tagwarden.panos.threat_feed_sync")  # nothing new: nothing written anywhere
    assert all(counts["changed"] == 0 for counts in recap(output).values()), output[-2000:]


def test_the_feed_registered_on_panorama_keeps_its_cursor_there(
        pano: EmulatorControl, lumu: Any, lumu_server: Any) -> None:
    """In process: the feed's state goes into the tag object under Panorama's shared, committed to Panorama;
    the next run continues from it and writes nothing."""
    info = pano.info
    provider = dict(provider_for(info), serial_number=info["firewalls"][0])  # as the inventory gives it

    def once() -> dict[str, Any]:
        conn = registration_point(FirewallConnection(provider), "panorama")
        changes = ChangeSet(conn, vsys=None, admin=info["username"], description=COMMIT_DESCRIPTION)
        return sync(changes, "lumu", lumu_options(lumu_server), feed_options(url_category=None),
                    client_factory=client_for(lumu_server))

    lumu.add_incidents([incident(pano, "203.0.113.5", "203.0.113.5:443")])
    first = once()
    assert first["committed"] and first["cursor"] and first["counts"]["addresses"]["new"] == 1
    running = etree.fromstring(pano.config()["running"].encode())
    assert STATE_RECORD.decode(running.findtext("shared/tag/entry[@name='threat-feed']/comments") or "")["cursor"] \
        == first["cursor"]
    assert "203.0.113.5" in registered(info, None) and set(firewall_calls(pano).values()) == {0}
    pano.reset_counters()
    second = once()
    assert not second["changed"] and second["cursor"] == first["cursor"]
    assert pano.counters()["user-id"] == pano.counters()["commit"] == 0
