"""The TAXII source against medallion, a real TAXII 2.1 server that the test starts on loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import (
    DOMAIN,
    IP,
    NETWORK,
    URL,
    FeedError,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._select import feed_client, select_source
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import AuthenticationError

pytest.importorskip("medallion")

COLLECTION = "91a7b528-80eb-42ed-a74d-c6fbd5a26116"
NOW = datetime.now(timezone.utc)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def indicator(number: int, pattern: str, **extra: Any) -> Dict[str, Any]:
    return {"type": "indicator", "spec_version": "2.1", "id": "indicator--%08d-0000-4000-8000-000000000000" % number,
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z", "pattern": pattern,
            "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00.000Z", **extra}


OBJECTS = [
    indicator(1, "[ipv4-addr:value = '198.51.100.1']", valid_until=stamp(NOW + timedelta(days=2))),
    indicator(2, "[ipv6-addr:value = '2001:db8::7']"),
    indicator(3, "[domain-name:value = 'Evil.Example'] OR [url:value = 'http://evil.example/x']"),
    indicator(4, "[ipv4-addr:value ISSUBSET '203.0.113.0/24']"),
    indicator(5, "[ipv4-addr:value = '192.0.2.9']", valid_until=stamp(NOW - timedelta(days=1))),  # expired
    indicator(6, "[ipv4-addr:value = '192.0.2.10']", revoked=True),
    indicator(7, "[file:hashes.'SHA-256' = 'aa']"),
    indicator(8, "[ipv4-addr:value = '999.1.1.1']"),
    {"type": "malware", "spec_version": "2.1", "id": "malware--00000009-0000-4000-8000-000000000000",
     "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z", "name": "x", "is_family": False},
]


def data_file(path: Path, objects: List[Dict[str, Any]]) -> Path:
    manifest = [{"id": item["id"], "date_added": "2026-01-0%dT00:00:00.000000Z" % (1 + n % 9),
                 "version": item["modified"], "media_type": "application/stix+json;version=2.1"}
                for n, item in enumerate(objects)]
    collection = {"id": COLLECTION, "title": "feed", "description": "test", "can_read": True, "can_write": False,
                  "media_types": ["application/stix+json;version=2.1"], "objects": objects, "manifest": manifest}
    path.write_text(json.dumps({"api1": {"information": {
        "title": "api1", "description": "test", "versions": ["application/taxii+json;version=2.1"],
        "max_content_length": 1000000}, "status": [], "collections": [collection]}}))
    return path


@pytest.fixture(scope="module")
def taxii(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    directory = tmp_path_factory.mktemp("medallion")
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, str(Path(__file__).with_name("medallion_server.py")),
         str(data_file(directory / "data.json", OBJECTS)), str(directory)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.wait(timeout=10)
        pytest.fail("medallion exited with %s before it was ready" % process.returncode)
    info = json.loads(line)
    info["root"] = "https://127.0.0.1:%d/api1/" % info["port"]
    try:
        yield info
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(taxii: Dict[str, Any], since: Any = None, **options: Any) -> Any:  # pylint: disable=redefined-outer-name
    source = select_source("taxii", {"collection_url": taxii["root"] + "collections/" + COLLECTION + "/",
                                     "username": "reader", "password": "reader-pass", **options})
    client = feed_client(source, ca_path=taxii["ca_file"], sleep=lambda _: None)
    return source.fetch(client, since), client


def test_indicators_expiry_and_rejections_from_a_collection(taxii: Dict[str, Any]) -> None:  # noqa: F811
    result, client = fetch(taxii, page_size=3)
    found = {(i.kind, i.value): i for i in result.indicators}
    assert set(found) == {(IP, "198.51.100.1"), (IP, "2001:db8::7"), (DOMAIN, "evil.example"),
                          (URL, "http://evil.example/x"), (NETWORK, "203.0.113.0/24")}
    assert found[(IP, "198.51.100.1")].expires is not None and found[(IP, "198.51.100.1")].expires > NOW
    assert found[(IP, "2001:db8::7")].expires is None
    assert found[(DOMAIN, "evil.example")].source == "stix indicator--00000003-0000-4000-8000-000000000000"
    messages = sorted(r.message for r in result.rejected)
    assert len(messages) == 2
    assert "'999.1.1.1'" in messages[0] and "not a valid IPv4 address" in messages[0]
    assert "file:hashes.SHA-256 =" in messages[1] and "cannot express" in messages[1]
    assert result.cursor is not None and result.cursor.startswith("2026-01-0")
    assert client.requests >= 4  # the collection, then pages of 3 (medallion pages objects of every type)


def test_kinds_restrict_what_is_taken(taxii: Dict[str, Any]) -> None:  # noqa: F811
    result = fetch(taxii, kinds=["ip"])[0]
    assert {i.value for i in result.indicators} == {"198.51.100.1", "2001:db8::7"}
    assert any("'203.0.113.0/24' (stix" in r.message and "where only IP addresses fit" in r.message
               for r in result.rejected)


def test_a_missing_collection_is_named_with_the_ones_that_exist(taxii: Dict[str, Any]) -> None:  # noqa: F811
    source = select_source("taxii", {"collection_url": taxii["root"] + "collections/no-such-collection/",
                                     "username": "reader", "password": "reader-pass"})
    with pytest.raises(FeedError) as caught:
        source.fetch(feed_client(source, ca_path=taxii["ca_file"]))
    message = str(caught.value)
    assert "collections/no-such-collection/ does not exist (HTTP 404)" in message
    assert COLLECTION + " (feed)" in message and "reader-pass" not in message


def test_a_wrong_password_is_a_401_that_names_the_option(taxii: Dict[str, Any]) -> None:  # noqa: F811
    source = select_source("taxii", {"collection_url": taxii["root"] + "collections/" + COLLECTION + "/",
                                     "username": "reader", "password": "wrong-pass"})
    with pytest.raises(AuthenticationError) as caught:
        source.fetch(feed_client(source, ca_path=taxii["ca_file"]))
    assert "set password to a current key" in str(caught.value) and "wrong-pass" not in str(caught.value)
