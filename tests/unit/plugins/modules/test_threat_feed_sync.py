"""threat_feed_sync's main() in-process against the fake firewall, with a list feed from a file."""

from __future__ import annotations

from pathlib import Path

from tests.module_runner import load
from tests.unit.firewall import PROVIDER, FakeFirewall, TagStore

threat_feed_sync = load("threat_feed_sync")

SYSTEM_INFO = ('<response status="success"><result><system><model>PA-VM</model><vm-license>VM-50</vm-license>'
               '<sw-version>10.2.9</sw-version></system></result></response>')


def firewall(tags: TagStore | None = None) -> FakeFirewall:
    return FakeFirewall(tags or TagStore(), op={"show system info": SYSTEM_INFO})


def args(path: Path, **more: object) -> dict[str, object]:
    return dict({"provider": PROVIDER, "source": "list", "list": {"path": str(path)}}, **more)


def test_registers_the_feed_with_timeouts(run_module, tmp_path: Path) -> None:
    feed = tmp_path / "drop.txt"
    feed.write_text("203.0.113.5\n10.9.0.0/24 ; a network\n999.1.1.1\n")
    fw = firewall()
    failed, result = run_module(threat_feed_sync.main, args(feed), fw)
    assert not failed and result["changed"] and result["counts"]["addresses"]["new"] == 2
    assert result["capacity"] == {"registered": 2, "limit": 1000, "model": "VM-50"}
    assert [r["value"] for r in result["rejected"]] == ["999.1.1.1"]
    members = fw.tags.messages[0].findall(".//register/entry/tag/member")
    assert {m.get("timeout") for m in members} == {"604800"}
    assert any((m.text or "").startswith("threat-feed.until.") for m in members)
    # a list has no cursor: nothing to keep in the tag's comments, no commit
    assert fw.kinds() == ["keygen", "op", "config show", "op", "config get", "op", "user-id"]


def test_check_mode_writes_nothing(run_module, tmp_path: Path) -> None:
    feed = tmp_path / "drop.txt"
    feed.write_text("203.0.113.5\n")
    fw = firewall()
    failed, result = run_module(threat_feed_sync.main, args(feed), fw, check=True)
    assert not failed and result["changed"] and fw.tags.messages == []
    assert not [kind for kind in fw.kinds() if kind in ("user-id", "commit", "config set", "config edit")]


def test_capacity_is_checked_before_writing(run_module, tmp_path: Path) -> None:
    feed = tmp_path / "drop.txt"
    feed.write_text("203.0.113.5\n203.0.113.6\n203.0.113.7\n")
    fw = firewall()
    failed, result = run_module(threat_feed_sync.main, args(feed, max_registered_ips=2), fw)
    assert failed and "3 registered IP entries are wanted" in result["msg"] and "max_registered_ips=2" in result["msg"]
    assert fw.tags.messages == []


def test_bad_options_fail_before_any_request(run_module, tmp_path: Path) -> None:
    fw = firewall()
    failed, result = run_module(threat_feed_sync.main, args(tmp_path / "x", age=10, max_removals="most"), fw)
    assert failed and "age:" in result["msg"] and "max_removals" in result["msg"] and fw.requests == []


def test_the_company_key_never_shows(run_module) -> None:
    failed, result = run_module(threat_feed_sync.main, {"provider": PROVIDER, "source": "lumu", "lumu": {
        "company_key": "K3y-s3cret", "hours": 2, "from": "2026-11-01T00:00:00.000Z"}}, firewall())
    assert failed and "either hours" in result["msg"] and "K3y-s3cret" not in str(result)


def test_a_source_needs_its_options(run_module) -> None:
    failed, result = run_module(threat_feed_sync.main, {"provider": PROVIDER, "source": "lumu"}, firewall())
    assert failed and "lumu" in result["msg"]
