"""threat_feed_sync and custom_url_category against the PAN-OS and Lumu emulators, in process (the
collection's functions on a real FirewallConnection): the story, the state kept on the firewall, bad
input, faults. The emulators' counters check every request type."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds import _category
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._sync import Options, sync
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ApplyFailed, ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._registrations import read_registered

HOSTILE = "feed'\"<x>&</member><member>any"
TAG_XPATH = "devices/entry/vsys/entry/tag/entry"


def options(**changes: Any) -> Options:
    base = Options(tag="threat-feed", url_category="threat-feed", mode="append", age=7 * 86400, renew_before=86400,
                   include_subdomains=True, max_removals="50%", max_registered_ips=None)
    return base._replace(**changes)


def lumu_options(lumu_server: Any) -> dict[str, Any]:
    return {"base_url": lumu_server.info["base_url"], "company_key": lumu_server.key}


def client_for(lumu_server: Any) -> Any:
    from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._select import feed_client
    return lambda feed: feed_client(feed, True, lumu_server.info["ca_file"], backoff=0.01, max_wait=0.05)


def run(provider: dict[str, Any], lumu_server: Any, opts: Options | None = None, source: str = "lumu",
        source_options: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    conn = FirewallConnection(provider)
    result = sync(conn, source, source_options if source_options is not None else lumu_options(lumu_server),
                  opts or options(), commit_admin=provider["username"], client_factory=client_for(lumu_server), **kw)
    return result


def fw_minutes_ago(emu: Any, minutes: int) -> str:
    moment = datetime.fromtimestamp(emu.now()["epoch"], timezone.utc) - timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def tagged(provider: dict[str, Any], tag: str = "threat-feed") -> set[str]:
    return {ip for ip, tags in read_registered(FirewallConnection(provider), [tag]).items() if tag in tags}


def category(emu: Any, name: str = "threat-feed") -> list[str]:
    running = ET.fromstring(emu.config()["running"])
    for entry in running.iter("entry"):
        if entry.get("name") == name and entry.find("list") is not None:
            return [m.text or "" for m in entry.findall("list/member")]
    return []


def test_smoke(emu: Any, provider: dict[str, Any], lumu: Any, lumu_server: Any) -> None:
    lumu.add_incidents([{"adversary": "evil.example", "triggers": ["203.0.113.5:443", "https://phish.example/login"],
                         "timestamp": fw_minutes_ago(emu, 10)}])
    first = run(provider, lumu_server)
    print(first)
    assert first["changed"]
    second = run(provider, lumu_server)
    print(second)
    assert not second["changed"]
