"""quota_objects's main() in-process."""

from __future__ import annotations

from tests.module_runner import load
from tests.unit.firewall import PROVIDER, FakeFirewall

quota_objects = load("quota_objects")


def test_creates_every_object_in_order_reading_once_per_type(run_module) -> None:
    firewall = FakeFirewall()
    failed, result = run_module(quota_objects.main, {"provider": PROVIDER, "rules": [
        {"name": "QuotaDeny", "from": ["trust"], "to": ["untrust"]}]}, firewall, diff=True)
    assert not failed and result["committed"]
    assert result["created"] == ["tag tagwarden.panos", "tag quota", "address-group quota", "report Quota", "rule QuotaDeny"]
    assert result["diff"]["after"]["rule QuotaDeny"]["source"] == ["quota"]
    kinds = firewall.kinds()
    assert kinds.count("config get") == 4 and kinds.count("config set") == 5 and kinds.count("commit") == 1


def test_bad_options_name_each_problem(run_module) -> None:
    firewall = FakeFirewall()
    failed, result = run_module(quota_objects.main, {"provider": PROVIDER, "report_topn": 0,
                                                     "rules": [{"name": "R", "location": "before"}]}, firewall)
    assert failed and "report_topn" in result["msg"] and "needs the name" in result["msg"] and firewall.requests == []


def test_rules_take_the_zone_names_of_paloaltonetworks_panos(run_module) -> None:
    firewall = FakeFirewall()
    failed, result = run_module(quota_objects.main, {"provider": PROVIDER, "rules": [
        {"name": "QuotaDeny", "source_zone": ["trust"], "destination_zone": ["untrust"]}]}, firewall, diff=True)
    assert not failed, result
    assert result["diff"]["after"]["rule QuotaDeny"]["from"] == ["trust"]
    assert result["diff"]["after"]["rule QuotaDeny"]["to"] == ["untrust"]
