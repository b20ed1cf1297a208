"""quota_cycle's main() in-process: one cycle over one connection."""

from __future__ import annotations

from tests.module_runner import load
from tests.unit.firewall import PROVIDER, FakeFirewall, TagStore

quota_cycle = load("quota_cycle")
ENQUEUED = '<response status="success"><result><job>7</job></result></response>'
REPORT = ('<response status="success"><result><job><id>7</id><status>FIN</status></job>'
          '<report name="Quota" start="2026/11/22 09:45:00" end="2026/11/22 10:00:00">'
          '<entry><src>10.0.0.5</src><srcuser/><bytes>30000000</bytes></entry>'
          '<entry><src>10.0.0.6</src><srcuser/><bytes>10</bytes></entry></report></result></response>')


def test_blocks_the_address_over_quota(run_module) -> None:
    tags = TagStore()
    firewall = FakeFirewall(tags, jobs={"report": [ENQUEUED, REPORT]})
    failed, result = run_module(quota_cycle.main, {"provider": PROVIDER, "quotas": {"ip": "20MB"}}, firewall)
    assert not failed and result["changed"] and result["registered"] == ["10.0.0.5"]
    assert tags.tags["10.0.0.5"] == {"quota", "quota.until.20261122101500", "quota.until"}
    assert result["summary"][-1] == "fw.example:443: firewall: IPs registered 1, unregistered 0, users tagged 0, untagged 0"
    assert "commit" not in firewall.kinds() and result["api_calls"] == len(firewall.requests)


def test_status_lines_and_events_name_the_given_firewall_and_the_report_window(run_module) -> None:
    firewall = FakeFirewall(TagStore(), jobs={"report": [ENQUEUED, REPORT]})
    failed, result = run_module(quota_cycle.main, {"provider": PROVIDER, "quotas": {"ip": "20MB"},
                                                   "firewall_name": "fw-branch-01"}, firewall)
    assert not failed and all(line.startswith("fw-branch-01: ") for line in result["summary"])
    assert result["summary"][0].startswith("fw-branch-01: quota cycle at 2026/11/22 10:00:00, "
                                           "usage 2026/11/22 09:45:00 to 2026/11/22 10:00:00")
    assert result["summary"][1].startswith("fw-branch-01: BLOCK ip 10.0.0.5 until 2026/11/22 10:15:00")
    assert [(event["firewall"], event["action"], event["kind"], event["subject"]) for event in result["events"]] == [
        ("fw-branch-01", "block", "ip", "10.0.0.5")]


def test_bad_settings_fail_before_any_request(run_module) -> None:
    firewall = FakeFirewall()
    failed, result = run_module(quota_cycle.main, {"provider": PROVIDER, "quotas": {"ip": "20Mb"}}, firewall)
    assert failed and "bits" in result["msg"] and firewall.requests == []
