"""threat_feed_sync and custom_url_category against the PAN-OS and Lumu emulators, in process (the
collection's functions on a real FirewallConnection): the story, the state kept on the firewall, bad
input, faults. The emulators' counters check every request type."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds import _bootstrap, _category
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._sync import FeedRunError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._shape import RuleShape
from panos_emulator.builders import config, rule
from lxml import etree
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._sync import COMMIT_DESCRIPTION, Options, sync
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ApplyFailed, ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._registrations import read_registered

HOSTILE = "feed'\"<x>&</member><member>any"
from tests.integration.test_feed_taxii import COLLECTION, taxii  # noqa: F401,E402  # pylint: disable=unused-import

OTHER_CATEGORY = "computer-and-internet-info"  # a query without a category matches every rule's category


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
    changes = ChangeSet(FirewallConnection(provider), admin=provider["username"], description=COMMIT_DESCRIPTION, **kw)
    return sync(changes, source, source_options if source_options is not None else lumu_options(lumu_server),
                opts or options(), client_factory=client_for(lumu_server))


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


def bootstrap(provider: dict[str, Any], **kw: Any) -> dict[str, Any]:
    args = dict(location="above", existing_rule="Allow-Outbound", from_zones=["trust"], to_zones=["untrust"])
    args.update(kw)
    changes = ChangeSet(FirewallConnection(provider), admin=provider["username"],
                        description=_bootstrap.COMMIT_DESCRIPTION)
    return _bootstrap.ensure(changes, _bootstrap.FeedObjects.from_options(args),
                             Placement(args["location"], args["existing_rule"]), RuleShape.from_options(args),
                             **{key: args[key] for key in ("tag_color",) if key in args})


@pytest.fixture
def firewall(emu: Any, provider: dict[str, Any]) -> Any:
    """A firewall with one allow rule from trust to untrust, bootstrapped for the feed; counters reset."""
    emu.set_config(etree.tostring(config(rules=(rule("Allow-Outbound", application=["any"], service=["any"]),)))
                   .decode())
    bootstrap(provider)
    emu.reset_counters()
    return emu


def match(provider: dict[str, Any], destination: str, category: str = OTHER_CATEGORY) -> str | None:
    conn = FirewallConnection(provider)
    test = ET.Element("test")
    query = ET.SubElement(test, "security-policy-match")
    for tag, value in (("from", "trust"), ("to", "untrust"), ("source", "10.0.0.5"), ("destination", destination),
                       ("protocol", "6"), ("destination-port", "443"), ("category", category)):
        if value is not None:
            ET.SubElement(query, tag).text = value
    entry = conn.op(test).find("./result/rules/entry")
    return None if entry is None else (entry.get("name") or entry.text)


def writes(emu: Any) -> dict[str, int]:
    counts = emu.counters()
    return {k: counts[k] for k in ("user-id", "commit") if counts[k]}


def incident(emu: Any, adversary: str, *triggers: str, minutes: int = 10) -> dict[str, Any]:
    return {"adversary": adversary, "triggers": list(triggers), "timestamp": fw_minutes_ago(emu, minutes)}


def test_the_story_incidents_block_second_run_unchanged_new_incident_from_the_cursor(
        firewall: Any, provider: dict[str, Any], lumu: Any, lumu_server: Any) -> None:
    lumu.add_incidents([incident(firewall, "c2.example", "203.0.113.5:443", "c2.example"),
                        incident(firewall, "phish.example", "https://phish.example/login")])
    first = run(provider, lumu_server)
    assert first["changed"] and first["committed"]
    assert first["counts"]["addresses"]["new"] == 1 and tagged(provider) == {"203.0.113.5"}
    # a URL-only adversary is blocked by host too (the incident's adversaries), as Lumu's own integrations do
    assert set(category(firewall)) == {"c2.example/", "*.c2.example/", "phish.example/login", "*.phish.example/login",
                                       "phish.example/", "*.phish.example/"}
    assert writes(firewall) == {"user-id": 1, "commit": 1}
    assert match(provider, "203.0.113.5") == "BlockThreatFeed"
    assert match(provider, "198.51.100.9") == "Allow-Outbound"
    # the expiry ledger's bucket lists it too; no rule references the bucket
    assert firewall.url_categories("https://www.c2.example/x")[0] == "threat-feed"
    assert [c for c in firewall.url_categories("https://www.c2.example/x") if not c.startswith("threat-feed.exp-")] \
        == ["threat-feed"]
    assert match(provider, "198.51.100.9", category="threat-feed") == "BlockThreatFeed-url"

    firewall.reset_counters()
    second = run(provider, lumu_server)  # a fresh connection: nothing kept between the runs but the firewall
    assert not second["changed"] and writes(firewall) == {} and second["uid_messages"] == 0
    assert second["cursor"] == first["cursor"] and second["api_calls"] <= 7  # keygen, clock, zone, info, config, ips

    firewall.advance(600)
    # one new incident after the cursor, and one dated a day back, before it: only the new one is fetched
    lumu.add_incidents([incident(firewall, "198.51.100.77", "198.51.100.77", minutes=1),
                        incident(firewall, "192.0.2.99", "192.0.2.99", minutes=24 * 60)])
    third = run(provider, lumu_server)
    assert third["counts"]["addresses"]["new"] == 1 and tagged(provider) == {"203.0.113.5", "198.51.100.77"}
    assert third["cursor"] > first["cursor"] and "new addresses: 198.51.100.77" in third["summary"]


def tag_entry(emu: Any, name: str = "threat-feed") -> ET.Element:
    running = ET.fromstring(emu.config()["running"])
    return next(e for e in running.iter("entry") if e.get("name") == name and e.find("color") is not None)


def test_the_tag_colour_changes_with_a_diff_and_keeps_the_feeds_cursor(
        firewall: Any, provider: dict[str, Any], lumu: Any, lumu_server: Any) -> None:
    lumu.add_incidents([incident(firewall, "c2.example", "203.0.113.5:443")])
    run(provider, lumu_server)
    comments = tag_entry(firewall).findtext("comments")
    assert tag_entry(firewall).findtext("color") == "color1" and '{"feed"' in (comments or "")
    with pytest.raises(ValidationError, match="tag_color: 'color28' is not a tag colour name .* 'cobalt blue'"):
        bootstrap(provider, tag_color="color28")
    firewall.reset_counters()
    changed = bootstrap(provider, tag_color="cobalt blue")
    assert changed["updated"] == ["tag threat-feed"] and changed["committed"]
    assert tag_entry(firewall).findtext("color") == "color28" and tag_entry(firewall).findtext("comments") == comments
    assert not bootstrap(provider, tag_color="cobalt blue")["changed"]
    assert writes(firewall) == {"commit": 1}


def test_a_tag_of_that_name_made_by_someone_else_keeps_its_colour(emu: Any, provider: dict[str, Any]) -> None:
    emu.set_config(etree.tostring(config(rules=(rule("Allow-Outbound", application=["any"], service=["any"]),)))
                   .decode())
    conn = FirewallConnection(provider)
    conn.config("set", "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/tag",
                ET.fromstring('<entry name="threat-feed"><color>color3</color><comments>by hand</comments></entry>'))
    bootstrap(provider, tag_color="cobalt blue")
    assert (tag_entry(emu).findtext("color"), tag_entry(emu).findtext("comments")) == ("color3", "by hand")


def test_a_firewall_on_pacific_time_keeps_a_utc_cursor_and_the_next_run_fetches_only_new_incidents(
        emu: Any, provider: dict[str, Any], lumu: Any, lumu_server: Any) -> None:
    emu.set_config(etree.tostring(config(rules=(rule("Allow-Outbound", application=["any"], service=["any"]),),
                                         timezone="America/Los_Angeles")).decode())
    bootstrap(provider)
    lumu.add_incidents([incident(emu, "203.0.113.5", "203.0.113.5", minutes=10)])
    first = run(provider, lumu_server)
    # the cursor is the firewall's now in UTC (show clock prints Pacific time), not 8 hours off
    now = datetime.fromtimestamp(emu.now()["epoch"], timezone.utc)
    cursor = datetime.strptime(first["cursor"], "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=timezone.utc)
    assert abs((now - cursor).total_seconds()) < 60 and tagged(provider) == {"203.0.113.5"}
    emu.advance(600)
    lumu.add_incidents([incident(emu, "198.51.100.77", "198.51.100.77", minutes=1),
                        incident(emu, "192.0.2.99", "192.0.2.99", minutes=60)])  # before the cursor: not fetched
    second = run(provider, lumu_server)
    assert second["counts"]["addresses"]["new"] == 1 and tagged(provider) == {"203.0.113.5", "198.51.100.77"}
    assert second["cursor"] > first["cursor"]


def test_a_timezone_the_controller_does_not_know_fails_naming_it(
        emu: Any, provider: dict[str, Any], lumu: Any, lumu_server: Any) -> None:
    emu.set_config(etree.tostring(config(timezone="Canada/East-Saskatchewan")).decode())  # in PAN-OS's list, not tzdata's
    with pytest.raises(ValueError, match="timezone 'Canada/East-Saskatchewan'.*IANA name") as raised:
        run(provider, lumu_server, options(url_category=None))
    assert writes(emu) == {}


def test_a_block_ends_by_itself_and_is_renewed_while_the_feed_lists_it(
        firewall: Any, provider: dict[str, Any], lumu_server: Any, tmp_path: Any) -> None:
    listing = tmp_path / "drop.txt"
    listing.write_text("203.0.113.5\n203.0.113.6 ; second\n")
    opts = options(url_category=None, age=3600, renew_before=1200)
    source = {"path": str(listing)}
    assert run(provider, lumu_server, opts, "list", source)["counts"]["addresses"]["new"] == 2
    firewall.advance(2500)  # 1,100 s left, less than renew_before
    listing.write_text("203.0.113.5\n")
    renewed = run(provider, lumu_server, opts, "list", source)
    assert renewed["counts"]["addresses"]["renewed"] == 1 and renewed["counts"]["addresses"]["new"] == 0
    firewall.advance(1200)  # .6 was not renewed: the firewall ended it without us
    assert tagged(provider) == {"203.0.113.5"}
    firewall.advance(3600)  # and nothing runs any more
    assert tagged(provider) == set()


def ledger(emu: Any, name: str = "threat-feed") -> dict[str, list[str]]:
    """The expiry ledger's buckets in the running config: name -> members."""
    running = ET.fromstring(emu.config()["running"])
    return {entry.get("name") or "": [m.text or "" for m in entry.findall("list/member")]
            for entry in running.iter("entry") if (entry.get("name") or "").startswith(name + ".exp-")}


def config_writes(emu: Any) -> int:
    return emu.counters()["config"] - 3  # the timezone's show, the tag's and the categories' get


def test_append_mode_domains_expire_through_the_ledger_and_renewed_ones_stay(
        firewall: Any, provider: dict[str, Any], lumu_server: Any, tmp_path: Any) -> None:
    listing = tmp_path / "feed.txt"
    listing.write_text("gone.example\nkept.example\n")
    opts = options(url_category="threat-feed", include_subdomains=False, age=2 * 86400, renew_before=86400)
    source = {"path": str(listing)}
    first = run(provider, lumu_server, opts, "list", source)
    assert first["counts"]["urls"]["new"] == 2 and category(firewall) == ["gone.example/", "kept.example/"]

    def day() -> datetime:
        return datetime.fromtimestamp(firewall.now()["epoch"], timezone.utc)  # the emulator's zone: UTC

    [(bucket, members)] = ledger(firewall).items()
    assert bucket == "threat-feed.exp-" + (day() + timedelta(days=2)).strftime("%Y%m%d")
    assert members == ["gone.example/", "kept.example/"]

    firewall.advance(3 * 86400)  # the bucket's day has ended
    listing.write_text("kept.example\n")
    firewall.reset_counters()
    check = run(provider, lumu_server, opts, "list", source, check_mode=True)
    assert check["changed"] and check["counts"]["urls"]["expired"] == 1 and writes(firewall) == {}
    assert config_writes(firewall) == 0 and category(firewall) == ["gone.example/", "kept.example/"]
    second = run(provider, lumu_server, opts, "list", source)
    assert (second["counts"]["urls"]["expired"], second["counts"]["urls"]["renewed"]) == (1, 1)
    assert category(firewall) == ["kept.example/"]
    assert ledger(firewall) == {"threat-feed.exp-" + (day() + timedelta(days=2)).strftime("%Y%m%d"): ["kept.example/"]}
    assert firewall.url_categories("https://gone.example/") == []

    firewall.reset_counters()
    third = run(provider, lumu_server, opts, "list", source)
    assert not third["changed"] and writes(firewall) == {} and config_writes(firewall) == 0


def test_exact_mode_keeps_no_ledger_and_drops_append_modes(
        firewall: Any, provider: dict[str, Any], lumu_server: Any, tmp_path: Any) -> None:
    listing = tmp_path / "feed.txt"
    listing.write_text("a.example\n")
    opts = options(url_category="threat-feed", include_subdomains=False)
    run(provider, lumu_server, opts, "list", {"path": str(listing)})
    assert len(ledger(firewall)) == 1
    run(provider, lumu_server, opts._replace(mode="exact"), "list", {"path": str(listing)})
    assert ledger(firewall) == {} and category(firewall) == ["a.example/"]


def test_the_steady_runs_reads_do_not_grow_with_the_buckets(
        firewall: Any, provider: dict[str, Any], lumu_server: Any, tmp_path: Any) -> None:
    listing = tmp_path / "feed.txt"
    opts = options(url_category="threat-feed", include_subdomains=False, age=5 * 86400, renew_before=3600)
    source = {"path": str(listing)}
    calls = []
    for n in range(1, 4):  # a new domain each day: one more bucket each time
        listing.write_text("".join("d%d.example\n" % i for i in range(1, n + 1)))
        run(provider, lumu_server, opts, "list", source)
        firewall.reset_counters()
        steady = run(provider, lumu_server, opts, "list", source)
        assert not steady["changed"] and len(ledger(firewall)) == n
        calls.append(firewall.counters()["config"])
        firewall.advance(86400)
    assert calls == [3, 3, 3]


def test_exact_mode_an_indicator_that_leaves_the_feed_leaves_the_firewall(
        firewall: Any, provider: dict[str, Any], lumu_server: Any, tmp_path: Any) -> None:
    listing = tmp_path / "feed.txt"
    listing.write_text("203.0.113.5\n203.0.113.6\n203.0.113.7\nevil.example\nbad.example\n10.9.0.0/24\n")
    opts = options(mode="exact", include_subdomains=False)
    first = run(provider, lumu_server, opts, "list", {"path": str(listing)})
    assert tagged(provider) == {"203.0.113.5", "203.0.113.6", "203.0.113.7", "10.9.0.0/24"}
    assert first["capacity"]["registered"] == 4 and category(firewall) == ["evil.example/", "bad.example/"]
    listing.write_text("203.0.113.5\n203.0.113.6\n10.9.0.0/24\nbad.example\n")
    second = run(provider, lumu_server, opts, "list", {"path": str(listing)})
    assert second["counts"]["addresses"]["removed"] == 1 and second["counts"]["urls"]["removed"] == 1
    assert tagged(provider) == {"203.0.113.5", "203.0.113.6", "10.9.0.0/24"} and category(firewall) == ["bad.example/"]
    assert match(provider, "10.9.0.77") == "BlockThreatFeed"


def test_an_empty_feed_does_not_wipe_the_tag_in_exact_mode(
        firewall: Any, provider: dict[str, Any], lumu_server: Any, tmp_path: Any) -> None:
    listing = tmp_path / "feed.txt"
    listing.write_text("\n".join("203.0.113.%d" % n for n in range(1, 11)))
    opts = options(mode="exact", url_category=None)
    run(provider, lumu_server, opts, "list", {"path": str(listing)})
    listing.write_text("# the feed broke\n")
    firewall.reset_counters()
    with pytest.raises(ValidationError, match=r"tag threat-feed would lose 10 of its 10 entries.*max_removals=50%"):
        run(provider, lumu_server, opts, "list", {"path": str(listing)})
    assert writes(firewall) == {} and len(tagged(provider)) == 10
    raised = run(provider, lumu_server, opts._replace(max_removals="100%"), "list", {"path": str(listing)})
    assert raised["counts"]["addresses"]["removed"] == 10 and tagged(provider) == set()


def test_bad_items_are_rejected_one_by_one_and_the_rest_applied(
        firewall: Any, provider: dict[str, Any], lumu_server: Any, tmp_path: Any) -> None:
    listing = tmp_path / "feed.txt"
    listing.write_text("999.1.1.1\nhttp://\n\n203.0.113.9\n2001:db8::/64\nftp://x.example/\n")
    result = run(provider, lumu_server, options(), "list", {"path": str(listing)})
    messages = {r["value"]: r["message"] for r in result["rejected"]}
    assert set(messages) == {"999.1.1.1", "http://", "2001:db8::/64", "ftp://x.example/"}
    assert "IPv4 address" in messages["999.1.1.1"] and "IPv6 network" in messages["2001:db8::/64"]
    assert tagged(provider) == {"203.0.113.9"} and "4 feed items were rejected" in result["warnings"][0]
    # issue 15, section 3: the same list again changes nothing and warns no more; it still names them
    again = run(provider, lumu_server, options(), "list", {"path": str(listing)})
    assert not again["changed"] and "warnings" not in again and len(again["rejected"]) == 4


@pytest.mark.parametrize("fault, message", [
    ("html", "not JSON|HTML"), ("truncated", "JSON"), ("rate-limit", "429|rate"), ("http500", "500")])
def test_a_feed_that_fails_writes_nothing(firewall: Any, provider: dict[str, Any], lumu: Any, lumu_server: Any,
                                          fault: str, message: str) -> None:
    lumu.add_incidents([incident(firewall, "c2.example", "203.0.113.5")])
    lumu.inject_fault(fault, count=50, retry_after=0)
    with pytest.raises(FeedRunError, match=message):
        run(provider, lumu_server)
    assert writes(firewall) == {} and tagged(provider) == set()


def test_a_revoked_key_is_named_and_never_shown(
        firewall: Any, provider: dict[str, Any], lumu: Any, lumu_server: Any) -> None:
    old = lumu_server.key
    lumu.rotate_key()
    with pytest.raises(FeedRunError, match="company_key") as raised:
        run(provider, lumu_server, source_options={"base_url": lumu_server.info["base_url"], "company_key": old})
    assert old not in str(raised.value) and writes(firewall) == {}


@pytest.mark.parametrize("request_type", ["user-id", "config", "commit", "op"])
def test_a_fault_at_each_firewall_step_fails_clearly_and_the_next_run_converges(
        firewall: Any, provider: dict[str, Any], lumu: Any, lumu_server: Any, request_type: str) -> None:
    lumu.add_incidents([incident(firewall, "c2.example", "203.0.113.5", "c2.example")])
    firewall.inject_fault(request_type, "http500", count=4)  # every attempt of one request
    with pytest.raises((FirewallError, ApplyFailed), match="HTTP 500"):
        run(provider, lumu_server)
    healed = run(provider, lumu_server)
    assert tagged(provider) == {"203.0.113.5"} and "c2.example/" in category(firewall)
    assert healed["cursor"] is not None
    firewall.reset_counters()
    assert not run(provider, lumu_server)["changed"] and writes(firewall) == {}


def test_hostile_names_stay_literal(emu: Any, provider: dict[str, Any], lumu: Any, lumu_server: Any) -> None:
    name = "f'<x>&</member>any"  # room for the ledger's .exp-YYYYMMDD within PAN-OS's 31 characters
    emu.set_config(etree.tostring(config(rules=(rule("Allow-Outbound", application=["any"], service=["any"]),)))
                   .decode())
    bootstrap(provider, tag=name, dag_name=name, url_category=name, rule_name="Block'<&>")
    lumu.add_incidents([incident(emu, "c2.example", "203.0.113.5", "c2.example")])
    run(provider, lumu_server, options(tag=name, url_category=name))
    assert tagged(provider, name) == {"203.0.113.5"} and category(emu, name) == ["c2.example/", "*.c2.example/"]
    assert match(provider, "203.0.113.5") == "Block'<&>" and match(provider, "198.51.100.9") == "Allow-Outbound"
    with pytest.raises(ValidationError, match="both ' and"):
        run(provider, lumu_server, options(tag=HOSTILE, url_category=HOSTILE))


def test_custom_url_category_present_exact_and_its_guard(emu: Any, provider: dict[str, Any]) -> None:
    def ensure(members: list[str], state: str = "present", **kw: Any) -> dict[str, Any]:
        changes = ChangeSet(FirewallConnection(provider), admin=provider["username"],
                            description=_category.COMMIT_DESCRIPTION)
        return _category.ensure(changes, "blocklist", members, state, **kw)
    first = ensure(["HTTPS://Evil.Example/", "bad.example/login", "bad.example/login"])
    assert first["created"] and first["members"] == ["evil.example/", "bad.example/login"]
    emu.reset_counters()
    assert not ensure(["evil.example/"])["changed"] and writes(emu) == {}
    with pytest.raises(ValidationError, match="would lose 2 of its 2 entries"):
        ensure(["new.example/"], "exact")
    exact = ensure(["new.example/"], "exact", max_removals="100%")
    assert exact["removed"] == ["evil.example/", "bad.example/login"] and category(emu, "blocklist") == ["new.example/"]
    with pytest.raises(ValidationError, match="wildcard inside the token"):
        ensure(["ev*il.example/"])


def taxii_run(provider: dict[str, Any], taxii_info: dict[str, Any], collection: str) -> dict[str, Any]:
    from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._select import feed_client
    source = {"collection_url": taxii_info["root"] + "collections/" + collection + "/", "username": "reader",
              "password": "reader-pass"}
    changes = ChangeSet(FirewallConnection(provider), admin=provider["username"], description=COMMIT_DESCRIPTION)
    return sync(changes, "taxii", source, options(),
                client_factory=lambda feed: feed_client(feed, True, taxii_info["ca_file"], backoff=0.01))


def test_taxii_indicators_with_their_expiry_and_a_missing_collection(firewall: Any, provider: dict[str, Any],
                                                                     taxii: dict[str, Any]) -> None:
    with pytest.raises(FeedRunError, match="no-such-collection/ does not exist") as raised:
        taxii_run(provider, taxii, "no-such-collection")
    assert "reader-pass" not in str(raised.value) and writes(firewall) == {}
    result = taxii_run(provider, taxii, COLLECTION)
    assert tagged(provider) == {"198.51.100.1", "2001:db8::7", "203.0.113.0/24"}
    registrations = read_registered(FirewallConnection(provider), ["threat-feed"])
    # valid_until (two days ahead) is the block's end, not the default age of seven days
    ends = {t for t in registrations["198.51.100.1"] if ".until." in t}
    assert len(ends) == 1 and ends.pop() < "threat-feed.until." + (datetime.now(timezone.utc) + timedelta(days=3)).strftime("%Y%m%d")
    assert "evil.example/" in category(firewall) and result["cursor"].startswith("2026-01-0")
