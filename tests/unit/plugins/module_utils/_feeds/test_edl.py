"""Threat feeds published as External Dynamic Lists: the lines, the plan, the publish and the read back.

The web server is a fake opener serving a DirectoryTarget's files (tests/unit starts no process); a
real HTTPS server and the emulated firewall fetching the lists are in tests/integration/test_edl.py.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Dict, List, Optional

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._capacity import CapacityError
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl import EdlOptions, file_name, state_name
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_format import (
    DOMAIN_LIST,
    IP_LIST,
    URL_LIST,
    ListError,
    check_domain_entry,
    check_ip_entry,
    check_url_entry,
    parse,
    parse_state,
    render,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_publish import DirectoryTarget
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_run import EdlRunError, run
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import FeedError, FeedResult
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import HttpsClient, HttpsSettings, Reply
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError

BASE = "https://edl.example/feeds"
T0 = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)
ALL = (IP_LIST, DOMAIN_LIST, URL_LIST)


class Server:
    """The web server in front of a directory; ``down`` answers like an unreachable host."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.down = False
        self.fetched = []  # type: List[str]

    def __call__(self, method: str, url: str, headers: Dict[str, str], body: Optional[bytes], timeout: float) -> Reply:
        if self.down:
            raise ConnectionRefusedError("connection refused")
        assert url.startswith(BASE + "/")
        name = url[len(BASE) + 1:]
        self.fetched.append(name)
        try:
            with open(os.path.join(self.path, name), "rb") as handle:
                return Reply(200, {"content-type": "text/plain"}, handle.read())
        except FileNotFoundError:
            return Reply(404, {}, b"not found")


class Feed:
    """A feed source: what it lists now, and the cursor it hands back (Lumu-like)."""

    name = "lumu"
    auth_option = "company_key"

    def __init__(self, values: List[str], cursor: Optional[str] = "c1", expires: Optional[datetime] = None) -> None:
        self.values = values
        self.cursor = cursor
        self.expires = expires
        self.since = []  # type: List[Optional[str]]
        self.fail = False

    def secrets(self) -> List[str]:
        return []

    def fetch(self, client: HttpsClient, since: Optional[str] = None) -> FeedResult:
        self.since.append(since)
        if self.fail:
            raise FeedError("Lumu answered HTTP 500")
        result = FeedResult(cursor=self.cursor)
        for value in self.values:
            result.add(value, "feed", expires=self.expires)
        return result


@pytest.fixture
def site(tmp_path):
    return Server(str(tmp_path))


def client(opener=None) -> HttpsClient:
    return HttpsClient(HttpsSettings(retries=0), opener=opener or (lambda *a: Reply(200, {}, b"")), sleep=lambda s: None)


def publish(site: Server, feed: Feed, now: datetime = T0, check_mode: bool = False, **options):
    options.setdefault("lists", ALL)
    return run(feed, client(), client(site), DirectoryTarget(site.path), BASE, EdlOptions("tf", **options), now,
               check_mode)


def published(site: Server, edl_type: str) -> str:
    with open(os.path.join(site.path, file_name("tf", edl_type))) as handle:
        return handle.read()


FEED = ["198.51.100.7", "192.0.2.0/24", "evil.example", "http://bad.example/x/payload.php?id=1"]


# -- the lines ----------------------------------------------------------------------------------------------

def test_ip_lines_carry_their_expiry_in_the_comment_the_guidelines_allow():
    text = render(IP_LIST, {"198.51.100.7": T0, "192.0.2.0/24": T0 + DAY})
    assert text == "198.51.100.7 expires=2026-12-01T12:00:00Z\n192.0.2.0/24 expires=2026-12-02T12:00:00Z\n"
    assert parse(IP_LIST, text) == {"198.51.100.7": T0, "192.0.2.0/24": T0 + DAY}


def test_domain_and_url_lines_hold_the_entry_alone():
    assert render(DOMAIN_LIST, {"evil.example": T0, "*.evil.example": T0}) == "*.evil.example\nevil.example\n"
    assert render(URL_LIST, {"bad.example/x": T0}) == "bad.example/x\n"


@pytest.mark.parametrize("edl_type,placeholder", [
    (IP_LIST, "255.255.255.255 tagwarden.panos placeholder: the list is empty\n"),
    (DOMAIN_LIST, "tagwarden-placeholder.invalid\n"),
    (URL_LIST, "tagwarden-placeholder.invalid/\n")])
def test_an_empty_list_holds_a_placeholder_that_reads_back_as_empty(edl_type, placeholder):
    assert render(edl_type, {}) == placeholder
    assert parse(edl_type, placeholder) == {}
    check = {IP_LIST: check_ip_entry, DOMAIN_LIST: check_domain_entry, URL_LIST: check_url_entry}[edl_type]
    check(placeholder.split()[0])  # valid by its own type's guidelines


@pytest.mark.parametrize("check,line", [
    (check_ip_entry, "0.0.0.0/0"), (check_ip_entry, "10.0.0.0/7"), (check_ip_entry, "::/0"),
    (check_ip_entry, "1.0.0.0-3.0.0.0"), (check_ip_entry, "evil.example"), (check_ip_entry, "1.2.3.4\n5.6.7.8"),
    (check_domain_entry, "evil.example\n*"), (check_domain_entry, "evil .example"), (check_domain_entry, "ev*l.example"),
    (check_domain_entry, "evil.*.example"), (check_domain_entry, "http://evil.example"), (check_domain_entry, "*"),
    (check_domain_entry, "a" * 250 + ".example"), (check_domain_entry, "EVIL.example"),
    (check_url_entry, "bad.example/a b"), (check_url_entry, "https://bad.example/"), (check_url_entry, "bad.example/é"),
    (check_url_entry, "bad.example/ab*c"), (check_url_entry, "/path"), (check_url_entry, "bad.example/#frag"),
])
def test_a_line_against_its_guidelines_is_refused(check, line):
    with pytest.raises(ListError):
        check(line)


def test_a_list_someone_else_wrote_is_not_taken_over():
    with pytest.raises(ListError, match="not written by tagwarden.panos"):
        parse(URL_LIST, "<html>welcome</html>\n")


# -- runs ---------------------------------------------------------------------------------------------------

def test_first_run_publishes_three_valid_lists_and_the_state(site):
    feed = Feed(FEED)
    result = publish(site, feed)
    assert result["changed"] and result["published"] == [file_name("tf", t) for t in ALL] + [state_name("tf")]
    assert published(site, IP_LIST) == ("198.51.100.7 expires=2026-12-08T12:00:00Z\n"
                                        "192.0.2.0/24 expires=2026-12-08T12:00:00Z\n")
    assert published(site, DOMAIN_LIST) == "*.evil.example\nevil.example\n"
    assert published(site, URL_LIST).splitlines() == [
        "*.bad.example/x/payload.php?id=1", "*.evil.example/", "bad.example/x/payload.php?id=1", "evil.example/"]
    state = parse_state(open(os.path.join(site.path, state_name("tf"))).read())
    assert state.cursor == "c1" and state.source == "lumu"
    assert state.expires[DOMAIN_LIST]["evil.example"] == T0 + 7 * DAY
    assert result["lists"][IP_LIST]["url"] == BASE + "/tf-ip.txt" and result["lists"][IP_LIST]["new"] == 2


def test_a_second_identical_run_writes_nothing(site):
    publish(site, Feed(FEED))
    before = {name: os.stat(os.path.join(site.path, name)).st_mtime_ns for name in os.listdir(site.path)}
    feed = Feed(FEED, cursor="c1")
    result = publish(site, feed, T0 + timedelta(minutes=5))
    assert not result["changed"] and result["published"] == [] and result["diff"] == []
    assert feed.since == ["c1"]  # continued from the cursor read back over the firewalls' URL
    assert {name: os.stat(os.path.join(site.path, name)).st_mtime_ns for name in os.listdir(site.path)} == before


def test_a_controller_that_dies_between_publishes_loses_nothing(site, monkeypatch):
    publish(site, Feed(["198.51.100.7", "evil.example"], cursor="c1"))
    # the second run dies after the IP list is out, before the state: the lists are whole, the cursor old
    real_write = DirectoryTarget.write

    def die_after_first(self, name, text):
        real_write(self, name, text)
        raise KeyboardInterrupt

    monkeypatch.setattr(DirectoryTarget, "write", die_after_first)
    with pytest.raises(KeyboardInterrupt):
        publish(site, Feed(["198.51.100.8"], cursor="c2"), T0 + timedelta(minutes=5))
    monkeypatch.setattr(DirectoryTarget, "write", real_write)
    assert not [name for name in os.listdir(site.path) if name.startswith(".")]  # no temporary file left
    # a fresh controller: everything it knows comes from the published files
    feed = Feed(["198.51.100.8", "bad.example"], cursor="c3")
    publish(site, feed, T0 + timedelta(minutes=10))
    assert feed.since == ["c1"]  # the overlap is fetched again
    assert parse(IP_LIST, published(site, IP_LIST)) == {"198.51.100.7": T0 + 7 * DAY,
                                                        "198.51.100.8": T0 + timedelta(minutes=5) + 7 * DAY}
    assert published(site, DOMAIN_LIST) == "*.bad.example\n*.evil.example\nbad.example\nevil.example\n"
    assert parse_state(open(os.path.join(site.path, state_name("tf"))).read()).cursor == "c3"


def test_append_mode_drops_expired_entries_and_renews_what_the_feed_still_lists(site):
    publish(site, Feed(["198.51.100.7", "198.51.100.8", "evil.example"]))
    later = T0 + 7 * DAY - timedelta(hours=1)  # within renew_before of the expiry
    publish(site, Feed(["198.51.100.7", "evil.example"], cursor="c2"), later)
    assert parse(IP_LIST, published(site, IP_LIST)) == {"198.51.100.7": later + 7 * DAY,
                                                        "198.51.100.8": T0 + 7 * DAY}
    result = publish(site, Feed([], cursor="c3"), T0 + 7 * DAY + timedelta(minutes=1))
    assert parse(IP_LIST, published(site, IP_LIST)) == {"198.51.100.7": later + 7 * DAY}
    assert result["lists"][IP_LIST]["expired"] == 1
    state = parse_state(open(os.path.join(site.path, state_name("tf"))).read())
    assert state.expires[DOMAIN_LIST]["evil.example"] == later + 7 * DAY


def test_a_feed_that_empties_is_refused_in_exact_mode_and_nothing_is_published(site):
    publish(site, Feed(FEED, cursor=None), mode="exact")
    before = published(site, IP_LIST)
    with pytest.raises(ValidationError, match="would lose 2 of its 2 entries"):
        publish(site, Feed([], cursor=None), T0 + timedelta(minutes=5), mode="exact")
    assert published(site, IP_LIST) == before


def test_an_intentionally_empty_list_is_published_with_its_placeholder(site):
    publish(site, Feed(FEED, cursor=None), mode="exact")
    publish(site, Feed([], cursor=None), T0 + timedelta(minutes=5), mode="exact", max_removals="100%")
    assert published(site, IP_LIST) == render(IP_LIST, {})
    assert published(site, DOMAIN_LIST) == "tagwarden-placeholder.invalid\n"


def test_hostile_indicators_stay_out_and_are_reported_one_by_one(site):
    hostile = ["evil.example\n0.0.0.0/0", "0.0.0.0/0", "http://x.example/a b", "ok.example", "ev*l.example",
               "1.2.3.4 #comment"]
    result = publish(site, Feed(hostile))
    assert published(site, DOMAIN_LIST) == "*.ok.example\nok.example\n"
    assert published(site, IP_LIST) == render(IP_LIST, {})
    assert len(result["rejected"]) == 5
    for name in os.listdir(site.path):
        for line in open(os.path.join(site.path, name)).read().splitlines():
            assert "0.0.0.0/0" not in line and "*" not in line.replace("*.ok.example", "")


def test_only_the_chosen_lists_are_published_the_rest_left_to_registrations(site):
    result = publish(site, Feed(FEED), lists=(DOMAIN_LIST, URL_LIST))
    assert sorted(os.listdir(site.path)) == ["tf-domain.txt", "tf-state.json", "tf-url.txt"]
    assert result["not_published"] == {"ip": 1, "network": 1}


def test_over_capacity_is_refused_naming_the_counts_or_keeps_the_freshest(site):
    values = ["198.51.100.%d" % n for n in range(1, 6)]
    with pytest.raises(CapacityError, match="would hold 5 entries, its capacity is 3"):
        publish(site, Feed(values), lists=(IP_LIST,), max_entries={"ip": 3})
    assert os.listdir(site.path) == []
    publish(site, Feed(values[:2]), lists=(IP_LIST,), max_entries={"ip": 3})
    result = publish(site, Feed(values[2:], cursor="c2"), T0 + DAY, lists=(IP_LIST,), max_entries={"ip": 3},
                     over_capacity="keep_freshest")
    assert sorted(parse(IP_LIST, published(site, IP_LIST))) == ["198.51.100.3", "198.51.100.4", "198.51.100.5"]
    assert result["lists"][IP_LIST]["dropped"] == 2


def test_check_mode_publishes_nothing_and_shows_the_diff(site):
    result = publish(site, Feed(FEED), check_mode=True)
    assert result["changed"] and result["published"] == [] and os.listdir(site.path) == []
    assert result["diff"][0]["after"].startswith("198.51.100.7 expires=")


def test_a_web_server_that_is_down_fails_the_run_before_the_feed_is_fetched(site):
    publish(site, Feed(FEED))
    site.down = True
    feed = Feed(FEED)
    with pytest.raises(ListError, match="cannot read the published list back.*keep their last good copy"):
        publish(site, feed, T0 + timedelta(minutes=5))
    assert feed.since == []


def test_a_base_url_serving_another_place_than_the_directory_is_named(site, tmp_path_factory):
    publish(site, Feed(FEED))
    elsewhere = Server(str(tmp_path_factory.mktemp("other")))
    with pytest.raises(ListError, match="answers 404: base_url must be the URL that serves directory"):
        run(Feed(FEED), client(), client(elsewhere), DirectoryTarget(site.path), BASE, EdlOptions("tf", ALL), T0)


def test_a_feed_failure_publishes_nothing(site):
    feed = Feed(FEED)
    feed.fail = True
    with pytest.raises(EdlRunError, match="nothing was published"):
        publish(site, feed)
    assert os.listdir(site.path) == []


def test_bad_options_are_named_before_anything_is_read(site):
    with pytest.raises(ValidationError) as caught:
        run(Feed(FEED), client(), client(site), DirectoryTarget(site.path), "http://edl.example",
            EdlOptions("../x", ("ip", "mac"), mode="sometimes"), T0)
    for name in ("name:", "lists:", "mode:", "base_url:"):
        assert name in str(caught.value)
    assert site.fetched == []


@pytest.mark.parametrize("ending_token", [True, False])  # PAN-OS 10.2 and later; before 10.2
def test_every_path_below_an_entry_is_matched(ending_token):
    """The seed's --include-subdirectories needs no switch: the URL list's (and the URL category's) entries
    already match every path below them, by the matching rules the emulator implements from PAN-OS's docs."""
    from panos_emulator.urlcat import entry_matches, normalize_url

    from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import parse_indicator
    from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._url_category import indicator_entries

    for value, below in (("evil.example", "https://evil.example/a/b/c.php?x=1"),
                         ("evil.example", "https://www.evil.example/deep/path"),
                         ("http://bad.example/x", "http://bad.example/x/y/z")):
        entries = indicator_entries(parse_indicator(value), include_subdomains=True)
        assert any(entry_matches(entry, normalize_url(below), ending_token) for entry in entries), (value, below)
    assert not any(entry_matches(entry, normalize_url("http://bad.example/xy"), ending_token)
                   for entry in indicator_entries(parse_indicator("http://bad.example/x")))


# -- the firewall side ---------------------------------------------------------------------------------------

def _settings(**changes):
    from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_objects import EdlObjectSettings
    return EdlObjectSettings("tf", ALL, BASE, "edl-server", "reader", "clear-text")._replace(**changes)


def test_an_edl_object_keeps_the_stored_password_unless_told_to_write_it():
    import xml.etree.ElementTree as ET

    from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_objects import edl_object
    fresh = edl_object(_settings(), "ip", None).element
    assert fresh.findtext("type/ip/url") == BASE + "/tf-ip.txt" and fresh.find("type/ip/recurring/five-minute") is not None
    assert fresh.findtext("type/ip/certificate-profile") == "edl-server"
    assert fresh.findtext("type/ip/auth/password") == "clear-text"
    stored = ET.fromstring("<entry name='tf-ip'><type><ip><auth><username>reader</username>"
                           "<password>-AQ==encrypted</password></auth></ip></type></entry>")
    assert edl_object(_settings(), "ip", stored).element.findtext("type/ip/auth/password") == "-AQ==encrypted"
    assert edl_object(_settings(update_password="always"), "ip", stored).element.findtext(
        "type/ip/auth/password") == "clear-text"


def test_edl_object_settings_are_checked_before_anything_is_sent():
    from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_objects import problems
    found = " | ".join(problems(_settings(base_url="http://edl.example", certificate_profile=None, password=None,
                                          lists=("ip", "mac"))))
    for part in ("base_url: http://edl.example is not an https:// URL", "username and password go together",
                 "lists: give one or more of ip, domain, url"):
        assert part in found
    assert "certificate_profile" in " | ".join(problems(_settings(certificate_profile=None)))


def test_thirty_distinct_sources_at_most():
    from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_objects import check_sources
    existing = {"other-%d" % n: "https://lists.example/%d.txt" % n for n in range(27)}
    existing["same-as-other-0"] = "https://lists.example/0.txt"  # a source is the URL: counted once
    ours = {"tf-%s" % t: BASE + "/tf-%s.txt" % t for t in ALL}
    check_sources(existing, ours)
    existing["one-more"] = "https://lists.example/27.txt"
    with pytest.raises(ValidationError, match="31 distinct EDL sources, PAN-OS takes at most 30"):
        check_sources(existing, ours)


@pytest.mark.parametrize("held,sample,published,status,state", [
    (0, [], {"198.51.100.7"}, None, "not enforced"),
    (1, ["198.51.100.7"], {"198.51.100.7"}, "auth-failed", "not enforced"),
    (1, ["198.51.100.7"], {"198.51.100.7"}, None, "in sync"),
    (1, ["198.51.100.7"], {"198.51.100.9"}, None, "behind"),
    (0, [], set(), None, "in sync"),
    (3, [], None, None, "unknown")])
def test_the_firewalls_view_against_the_published_list(held, sample, published, status, state):
    from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_status import verdict
    assert verdict(held, sample, published, status) == state


def test_list_commands_are_built_with_an_xml_library():
    import xml.etree.ElementTree as ET

    from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_status import list_command
    command = ET.tostring(list_command("show", "ip", "tf'<x>&", num_records="100")).decode()
    assert command == ("<request><system><external-list><show><type><ip><name>tf'&lt;x&gt;&amp;</name>"
                       "<num-records>100</num-records></ip></type></show></external-list></system></request>")
