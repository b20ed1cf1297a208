"""Events read against moto: log files from S3, and the rules that come from AWS's state whatever the events."""

from typing import Any, Dict, List

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._aws import AwsClient, AwsSettings
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._events import parse_event, read_log_files
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._rules import RuleSettings, SettingsError
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._source import aws_desired_rules
from aws_double.events import cloudtrail_record, eventbridge, instances_record, log_file
from aws_double.server import CREDENTIALS, REGION
from aws_double.world import AwsWorld, client, tcp
from tests.unit.plugins.module_utils._cloud.test_cloud_events import PERMISSION, rule_set_response


def test_s3_notification_log_files_are_read_from_s3(aws_endpoint: str) -> None:
    s3 = client(aws_endpoint, "s3")
    s3.create_bucket(Bucket="trail", CreateBucketConfiguration={"LocationConstraint": REGION})
    key = "AWSLogs/123456789012/CloudTrail/eu-west-1/2026/12/01/file 1.json.gz"
    s3.put_object(Bucket="trail", Key=key, Body=log_file(instances_record("StopInstances", "i-0a1"),
                                                         instances_record("RunInstances", "i-0b2")))
    notification = {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
                                 "s3": {"bucket": {"name": "trail"}, "object": {"key": key.replace(" ", "+")}}}]}
    targets = parse_event(notification)
    assert targets.log_files == [("trail", key)] and not targets.instance_ids
    aws = AwsClient(AwsSettings(region=REGION, endpoint_url=aws_endpoint, **CREDENTIALS))
    resolved = read_log_files(targets, aws.read_log_file)
    assert resolved.instance_ids == {"i-0a1", "i-0b2"}
    assert aws.calls_by_operation == {"GetObject": 1}


# --- end to end: event -> read scoped state -> rules ------------------------------------------------------

def reconcile(endpoint: str, world: AwsWorld, events: List[Any]) -> Dict[str, Any]:
    aws = AwsClient(AwsSettings(region=REGION, endpoint_url=endpoint, **CREDENTIALS))
    result = aws_desired_rules(aws, RuleSettings(firewall_instance_ids=(world.firewall_id,)), event=events).as_dict()
    result["aws_calls"] = aws.calls
    return result


def test_any_order_and_duplication_of_events_gives_the_same_rules(aws_endpoint: str) -> None:
    world = AwsWorld(aws_endpoint)
    subnet = world.subnet("10.0.1.0/24")
    world.route_table([subnet])
    group = world.group(permissions=[tcp(22, "203.0.113.0/24")])
    first, second = world.instance(subnet, [group], count=2)
    world.ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(53, "0.0.0.0/0", protocol="udp")])
    world.ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=[tcp(22, "203.0.113.0/24")])
    world.ec2.stop_instances(InstanceIds=[second])
    events = [
        instances_record("RunInstances", first, second),
        eventbridge(cloudtrail_record("AuthorizeSecurityGroupIngress", {"groupId": group}, rule_set_response(group))),
        cloudtrail_record("RevokeSecurityGroupIngress", {"groupId": group, "ipPermissions": PERMISSION}, {}),
        instances_record("StopInstances", second),
    ]
    orders = [events[n:] + events[:n] for n in range(len(events))] + [events[::-1], events + events[::-1]]
    results = [reconcile(aws_endpoint, world, order) for order in orders]
    assert all(r["rules"] == results[0]["rules"] for r in results)
    assert [r["name"] for r in results[0]["rules"]] == ["%s-udp-53" % first]
    assert {"subject": second, "reason": "instance is stopped: no rules", "permission": ""} in results[0]["notes"]
    assert results[0]["scope"] == tuple(sorted([first, second]))
    # a lost event does not matter either: the group event alone reaches both instances
    alone = reconcile(aws_endpoint, world, [events[2]])
    assert alone["rules"] == results[0]["rules"] and alone["scope"] == results[0]["scope"]
    print("AWS calls for one scoped reconcile:", alone["aws_calls"])


def test_unknown_instance_is_ignored_with_a_note(aws_endpoint: str) -> None:
    world = AwsWorld(aws_endpoint)
    result = reconcile(aws_endpoint, world, [instances_record("TerminateInstances", "i-0123456789abcdef0")])
    assert result["rules"] == [] and result["scope"] == ("i-0123456789abcdef0",)
    assert result["notes"] == [{"subject": "i-0123456789abcdef0", "permission": "",
                                "reason": "unknown instance: ignored (its rules, if any, are removed)"}]


def test_an_event_that_names_nothing_touches_nothing(aws_endpoint: str) -> None:
    world = AwsWorld(aws_endpoint)
    failed = instances_record("StopInstances", "i-0a1")
    failed["errorCode"] = "Client.UnauthorizedOperation"
    result = reconcile(aws_endpoint, world, [eventbridge(failed)])
    assert (result["rules"], result["scope"], result["aws_calls"]) == ([], (), 0)
    assert result["notes"][0]["subject"] == "event" and "the call failed" in result["notes"][0]["reason"]


def test_s3_log_file_notification_end_to_end(aws_endpoint: str) -> None:
    world = AwsWorld(aws_endpoint)
    subnet = world.subnet("10.0.1.0/24")
    world.route_table([subnet])
    instance = world.instance(subnet, [world.group(permissions=[tcp(3389, "192.0.2.0/24")])])
    s3 = client(aws_endpoint, "s3")
    s3.create_bucket(Bucket="trail", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_object(Bucket="trail", Key="log.json.gz", Body=log_file(instances_record("RunInstances", instance)))
    location = {"bucket": {"name": "trail"}, "object": {"key": "log.json.gz"}}
    notification = {"Records": [{"eventSource": "aws:s3", "s3": location}]}
    aws = AwsClient(AwsSettings(region=REGION, endpoint_url=aws_endpoint, **CREDENTIALS))
    result = aws_desired_rules(aws, RuleSettings(firewall_instance_ids=(world.firewall_id,)), event=notification)
    assert [(r["name"], r["applications"]) for r in result.rules] == [("%s-tcp-3389" % instance, ("rdp",))]
    assert result.scope == (instance,)
    assert aws.calls_by_operation == {"GetObject": 1, "DescribeInstances": 1, "DescribeRouteTables": 1,
                                      "DescribeVpcs": 1, "DescribeSecurityGroups": 1}


def test_malformed_ids_in_events_are_dropped_and_given_ids_refused(aws_endpoint: str) -> None:
    hostile = instances_record("StartInstances", "i-0a1", "i-0a1']/x", "sg-1")
    assert parse_event(hostile).instance_ids == {"i-0a1"}
    aws = AwsClient(AwsSettings(region=REGION, endpoint_url=aws_endpoint, **CREDENTIALS))
    with pytest.raises(SettingsError, match=r"instance id \"i-0a1'\]\" is not an AWS id"):
        aws_desired_rules(aws, RuleSettings(firewall_instance_ids=("i-0f",)), instance_ids=["i-0a1']"])
    assert aws.calls == 0
