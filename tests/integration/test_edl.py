"""A feed published as External Dynamic Lists, end to end: threat_feed_edl's code publishes into a
directory served over HTTPS (basic auth, the web server's own CA), threat_feed_edl_objects' code makes
the EDL objects and rules on the emulated firewall (one partial commit), the firewall fetches the lists
and enforces them without a commit; the status reads the firewall's view. The emulator's counters check
that steady runs send no configuration write and no commit."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl import EdlOptions
from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_objects import COMMIT_DESCRIPTION, EdlObjectSettings, ensure
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._aws import AwsClient, AwsSettings
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_publish import (
    DirectoryTarget,
    S3Target,
    basic_auth,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_run import run
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_status import status
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._lists import ListSource
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import HttpsClient, HttpsSettings, Reply
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement
from aws_double.server import CREDENTIALS, REGION
from panos_emulator.builders import config, rule
from panos_emulator.listserver import ListServer

USER, PASSWORD = "edl-reader", "edl-s3cret"
WRITES = ("set", "edit", "delete", "move", "commit")


@pytest.fixture
def web(tmp_path: Path) -> Iterator[ListServer]:
    root = tmp_path / "www"
    root.mkdir()
    with ListServer(root, tmp_path / "tls", USER, PASSWORD) as server:
        yield server


@pytest.fixture
def fw(emu: Any, provider: dict[str, Any], web: ListServer) -> FirewallConnection:
    """One allow rule, the web server's CA in a certificate profile (shared)."""
    emu.set_config(etree.tostring(config(rules=(rule("Allow-Outbound", application=["any"], service=["any"]),)))
                   .decode())
    conn = FirewallConnection(provider)
    conn.config("set", "/config/shared/certificate", ET.fromstring(
        "<entry name='edl-ca'><common-name>edl-ca</common-name><public-key>%s</public-key></entry>"
        % escape(web.tls.ca_file.read_text())))
    conn.config("set", "/config/shared/certificate-profile",
                ET.fromstring("<entry name='edl-server'><CA><entry name='edl-ca'/></CA></entry>"))
    return conn


def publish(web: ListServer, feed: Path, now: datetime | None = None, **options: Any) -> dict[str, Any]:
    options.setdefault("mode", "exact")
    reader = HttpsClient(HttpsSettings(ca_path=str(web.tls.ca_file), retries=0))
    return run(ListSource({"path": str(feed)}), HttpsClient(), reader, DirectoryTarget(str(web.directory)), web.url,
               EdlOptions("tf", ("ip", "domain", "url"), **options), now or datetime.now(timezone.utc),
               headers=basic_auth(USER, PASSWORD))


def objects(provider: dict[str, Any], web: ListServer, **changes: Any) -> dict[str, Any]:
    settings = EdlObjectSettings("tf", ("ip", "domain", "url"), web.url, "edl-server", USER, PASSWORD,
                                 placement=Placement("above", "Allow-Outbound"), from_zones=("trust",),
                                 to_zones=("untrust",))._replace(**changes)
    return ensure(ChangeSet(FirewallConnection(provider), admin=provider["username"], description=COMMIT_DESCRIPTION),
                  settings)


def check(provider: dict[str, Any], web: ListServer, refresh: bool = False) -> dict[str, Any]:
    reader = HttpsClient(HttpsSettings(ca_path=str(web.tls.ca_file), retries=0))
    return status(FirewallConnection(provider), reader, "tf", ("ip", "domain", "url"), web.url, refresh,
                  headers=basic_auth(USER, PASSWORD))


def first_rule(conn: FirewallConnection, destination: str) -> str:
    reply = conn.op(ET.fromstring(
        "<test><security-policy-match><from>trust</from><to>untrust</to><source>10.0.0.5</source><destination>%s"
        "</destination><category>news</category></security-policy-match></test>" % destination))
    return reply.find("./result/rules/entry").get("name")


def writes(emu: Any) -> dict[str, int]:
    return {kind: count for kind, count in emu.counters().items() if kind in WRITES and count}


def test_a_feed_published_as_edls_is_enforced_without_a_commit(emu: Any, provider: dict[str, Any], fw: Any,
                                                               web: ListServer, tmp_path: Path) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("198.51.100.7\nevil.example\nhttp://bad.example/x\n")
    assert publish(web, feed)["changed"]
    created = objects(provider, web)
    assert created["committed"] and created["objects"] == ["tf-ip", "tf-domain", "tf-url"]
    assert first_rule(fw, "198.51.100.7") == "BlockThreatFeedEDL"
    assert emu.url_categories("https://bad.example/x") == ["tf-url"]
    # a second identical bootstrap and a second identical publish change nothing
    emu.reset_counters()
    assert not objects(provider, web)["changed"]
    assert not publish(web, feed)["changed"]
    # the feed changes: published, fetched at the interval; not one configuration write, no commit
    feed.write_text("198.51.100.8\nevil.example\nhttp://bad.example/x\n")
    assert publish(web, feed, max_removals="100%")["changed"]
    emu.advance(300)
    assert first_rule(fw, "198.51.100.8") == "BlockThreatFeedEDL"
    assert first_rule(fw, "198.51.100.7") == "Allow-Outbound"
    view = check(provider, web)
    assert view["lists"]["ip"]["state"] == "in sync" and view["not_enforced"] == []
    assert writes(emu) == {}


def test_refresh_after_a_publish_fetches_now(emu: Any, provider: dict[str, Any], fw: Any, web: ListServer,
                                             tmp_path: Path) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("198.51.100.7\n")
    publish(web, feed)
    objects(provider, web)
    feed.write_text("198.51.100.9\n")
    publish(web, feed, max_removals="100%")
    assert check(provider, web)["lists"]["ip"]["state"] == "behind"
    view = check(provider, web, refresh=True)
    assert view["lists"]["ip"] == dict(view["lists"]["ip"], firewall_entries=1, published_entries=1, state="in sync")
    assert first_rule(fw, "198.51.100.9") == "BlockThreatFeedEDL"


def test_a_web_server_that_is_down_leaves_the_last_good_copy(emu: Any, provider: dict[str, Any], fw: Any,
                                                             web: ListServer, tmp_path: Path) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("198.51.100.7\n")
    publish(web, feed)
    objects(provider, web)
    web.stop()
    emu.advance(900)
    assert first_rule(fw, "198.51.100.7") == "BlockThreatFeedEDL"
    with pytest.raises(ValueError, match="cannot read the published list back"):
        publish(web, feed)  # the controller cannot read the state: nothing is published, nothing lost


def test_an_authentication_failure_is_loud(emu: Any, provider: dict[str, Any], fw: Any, web: ListServer,
                                           tmp_path: Path) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("198.51.100.7\n")
    publish(web, feed)
    objects(provider, web, password="wrong")
    view = check(provider, web)
    assert view["failed"] and view["not_enforced"] == ["tf-ip", "tf-domain", "tf-url"] and "NOT ENFORCED" in view["msg"]
    assert view["lists"]["ip"]["fetch_status"] == "auth-failed"
    assert first_rule(fw, "198.51.100.7") == "Allow-Outbound"
    assert PASSWORD not in repr(view) and "wrong" not in repr(objects(provider, web, password="wrong")["diff"])


def test_a_controller_that_dies_between_publishes_continues_from_the_published_lists(
        emu: Any, provider: dict[str, Any], fw: Any, web: ListServer, tmp_path: Path) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("198.51.100.7\n")
    start = datetime.now(timezone.utc)
    publish(web, feed, start, mode="append")
    (web.directory / "tf-state.json").unlink()  # the run that should have written it died first
    feed.write_text("198.51.100.8\n")
    publish(web, feed, start + timedelta(minutes=5), mode="append")  # a fresh controller: the lists are the state
    assert sorted(line.split()[0] for line in (web.directory / "tf-ip.txt").read_text().splitlines()) == [
        "198.51.100.7", "198.51.100.8"]


def test_too_many_sources_are_refused_before_any_write(emu: Any, provider: dict[str, Any], fw: Any,
                                                       web: ListServer) -> None:
    for number in range(28):
        fw.config("set", "/config/shared/external-list", ET.fromstring(
            "<entry name='other-%d'><type><ip><url>https://lists.example/%d.txt</url><recurring><hourly/></recurring>"
            "</ip></type></entry>" % (number, number)))
    emu.reset_counters()
    with pytest.raises(ValueError, match="31 distinct EDL sources, PAN-OS takes at most 30"):
        objects(provider, web)
    assert writes(emu) == {}


def test_s3_publishes_each_object_whole_and_reads_it_back(aws_endpoint: str, tmp_path: Path) -> None:
    """The AWS double (moto server) as the bucket, through the client the module builds; the objects are
    read back through a stand-in for the HTTPS front of the bucket (CloudFront, S3's website endpoint)."""
    settings = AwsSettings(region=REGION, endpoint_url=aws_endpoint, access_key=CREDENTIALS["access_key"],
                           secret_key=CREDENTIALS["secret_key"])
    s3 = AwsClient(settings).client("s3")
    s3.create_bucket(Bucket="feeds", CreateBucketConfiguration={"LocationConstraint": REGION})
    target = S3Target(s3, "feeds", "edl/")
    base = "https://feeds.example/edl"

    def front(method: str, url: str, headers: Any, body: Any, timeout: float) -> Reply:
        try:
            return Reply(200, {}, s3.get_object(Bucket="feeds", Key="edl/" + url[len(base) + 1:])["Body"].read())
        except s3.exceptions.NoSuchKey:
            return Reply(404, {}, b"")

    feed = tmp_path / "feed.txt"
    feed.write_text("198.51.100.7\nevil.example\n")
    options = EdlOptions("tf", ("ip", "domain", "url"))
    now = datetime.now(timezone.utc)
    first = run(ListSource({"path": str(feed)}), HttpsClient(), HttpsClient(opener=front), target, base, options, now)
    assert first["published"] == ["tf-ip.txt", "tf-domain.txt", "tf-url.txt", "tf-state.json"]
    item = s3.get_object(Bucket="feeds", Key="edl/tf-domain.txt")
    assert item["Body"].read() == b"*.evil.example\nevil.example\n" and item["ContentType"].startswith("text/plain")
    again = run(ListSource({"path": str(feed)}), HttpsClient(), HttpsClient(opener=front), target, base, options,
                now + timedelta(minutes=5))
    assert not again["changed"] and again["published"] == []
