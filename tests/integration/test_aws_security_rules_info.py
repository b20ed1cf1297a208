"""aws_security_rules_info's main() in-process, against the moto double."""

from __future__ import annotations

from typing import Any, Dict

from aws_double.events import instances_record
from aws_double.server import CREDENTIALS, REGION
from aws_double.world import AwsWorld, tcp
from tests.module_runner import load

aws_security_rules_info = load("aws_security_rules_info")


def args(endpoint: str, world: AwsWorld, **extra: Any) -> Dict[str, Any]:
    return dict(region=REGION, endpoint_url=endpoint, firewall_instance_ids=[world.firewall_id], **CREDENTIALS, **extra)


def test_full_reconcile_and_an_event_give_the_rules_and_their_scope(run_module, aws_endpoint: str) -> None:  # noqa: F811
    world = AwsWorld(aws_endpoint)
    subnet = world.subnet("10.0.1.0/24")
    world.route_table([subnet])
    group = world.group(permissions=[tcp(8443, "203.0.113.0/24"), tcp(22, "10.0.0.0/16")])
    instance = world.instance(subnet, [group])
    failed, result = run_module(aws_security_rules_info.main, args(aws_endpoint, world))
    assert not failed and not result["changed"] and result["scope"] is None and result["name_prefixes"] is None
    assert [r["name"] for r in result["rules"]] == ["%s-tcp-8443" % instance]
    assert result["services"] == [{"name": "tcp-8443", "protocol": "tcp", "port": "8443"}]
    assert any("inside VPC" in n["reason"] for n in result["notes"]) and result["aws_calls"] > 0
    assert result["owner_tag"] == "tagwarden-aws"
    failed, result = run_module(aws_security_rules_info.main, args(
        aws_endpoint, world, event=instances_record("StartInstances", instance)))
    assert not failed and result["scope"] == [instance] and result["name_prefixes"] == [instance + "-"]
    assert len(result["rules"]) == 1


def test_bad_settings_and_a_bad_event_fail_with_one_message(run_module, aws_endpoint: str) -> None:  # noqa: F811
    failed, result = run_module(aws_security_rules_info.main, dict(region=REGION, endpoint_url=aws_endpoint, **CREDENTIALS))
    assert failed and "firewall_instance_ids" in result["msg"]
    world = AwsWorld(aws_endpoint)
    failed, result = run_module(aws_security_rules_info.main, args(aws_endpoint, world, event="not an event"))
    assert failed and "AWS event" in result["msg"] and CREDENTIALS["secret_key"] not in str(result)
