"""threat_feed_edl's main() in-process: a list feed from a file published into a directory, read back
through a fake web server in front of it (no process is started here)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import HttpsClient, Reply
from tests.module_runner import load

threat_feed_edl = load("threat_feed_edl")
BASE = "https://edl.example/feeds"


@pytest.fixture
def served(monkeypatch, tmp_path: Path) -> Path:
    root = tmp_path / "www"
    root.mkdir()

    def opener(method, url, headers, body, timeout):
        path = root / url[len(BASE) + 1:]
        return Reply(200, {}, path.read_bytes()) if path.is_file() else Reply(404, {}, b"")

    monkeypatch.setattr(threat_feed_edl, "HttpsClient", lambda settings, **kw: HttpsClient(settings, opener=opener, **kw))
    return root


def args(feed: Path, root: Path, **more: object) -> dict[str, object]:
    return dict({"source": "list", "list": {"path": str(feed)}, "base_url": BASE, "directory": str(root),
                 "mode": "exact"}, **more)


def test_publishes_then_changes_nothing(run_module, served: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("203.0.113.5\nevil.example\n999.1.1.1\n")
    failed, result = run_module(threat_feed_edl.main, args(feed, served), diff=True)
    assert not failed and result["changed"], result
    assert sorted(os.listdir(served)) == ["threat-feed-domain.txt", "threat-feed-ip.txt", "threat-feed-state.json",
                                          "threat-feed-url.txt"]
    assert (served / "threat-feed-ip.txt").read_text().startswith("203.0.113.5 expires=")
    assert [r["value"] for r in result["rejected"]] == ["999.1.1.1"]
    assert result["diff"][0]["before_header"] == BASE + "/threat-feed-ip.txt"
    failed, again = run_module(threat_feed_edl.main, args(feed, served))
    assert not failed and not again["changed"] and again["published"] == [] and "diff" not in again


def test_check_mode_writes_nothing(run_module, served: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("203.0.113.5\n")
    failed, result = run_module(threat_feed_edl.main, args(feed, served), check=True)
    assert not failed and result["changed"] and os.listdir(served) == []


def test_a_missing_directory_is_named(run_module, served: Path, tmp_path: Path) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("203.0.113.5\n")
    failed, result = run_module(threat_feed_edl.main, args(feed, tmp_path / "nowhere"))
    assert failed and "is not a directory on this host" in result["msg"]


def test_bad_input_is_named_and_no_secret_shows(run_module, served: Path) -> None:
    failed, result = run_module(threat_feed_edl.main, {
        "source": "lumu", "lumu": {"company_key": "s3cr3t-key"}, "url_password": "w3b-s3cret", "url_username": "u",
        "base_url": "http://edl.example/feeds", "directory": str(served)})
    assert failed and "base_url: http://edl.example/feeds is not an https:// URL" in result["msg"]
    assert "s3cr3t-key" not in repr(result) and "w3b-s3cret" not in repr(result)
