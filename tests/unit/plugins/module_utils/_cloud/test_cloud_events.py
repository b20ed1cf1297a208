"""CloudTrail and EventBridge events name where to look (read from moto: tests/integration)."""

import json
from typing import Any, Dict

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._events import (
    EventError,
    parse_event,
    parse_log_file,
)
from aws_double.events import cloudtrail_record, eventbridge, instances_record, log_file

PERMISSION = {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groups": {},
                         "ipRanges": {"items": [{"cidrIp": "203.0.113.0/24"}]}, "ipv6Ranges": {},
                         "prefixListIds": {}}]}


def rule_set_response(group_id: str) -> Dict[str, Any]:
    return {"requestId": "1", "_return": True, "securityGroupRuleSet": {"items": [
        {"groupId": group_id, "securityGroupRuleId": "sgr-0123", "isEgress": False, "ipProtocol": "tcp",
         "fromPort": 22, "toPort": 22, "cidrIpv4": "203.0.113.0/24"}]}}


@pytest.mark.parametrize("name", ["StartInstances", "StopInstances", "TerminateInstances", "RunInstances"])
def test_instance_events_name_their_instances(name: str) -> None:
    targets = parse_event(instances_record(name, "i-0a1", "i-0b2"))
    assert (targets.instance_ids, targets.group_ids, targets.notes) == ({"i-0a1", "i-0b2"}, set(), [])


@pytest.mark.parametrize("record", [
    cloudtrail_record("AuthorizeSecurityGroupIngress", {"groupId": "sg-1", "ipPermissions": PERMISSION},
                      {"requestId": "1", "_return": True}),
    cloudtrail_record("AuthorizeSecurityGroupIngress", {"groupName": "web", "ipPermissions": PERMISSION},
                      rule_set_response("sg-1")),
    cloudtrail_record("RevokeSecurityGroupIngress", {"groupId": "sg-1", "ipPermissions": PERMISSION},
                      {"requestId": "1", "_return": True, "unknownIpPermissionSet": {}}),
    cloudtrail_record("RevokeSecurityGroupIngress",
                      {"groupId": "sg-1", "securityGroupRuleIds": {"items": [{"securityGroupRuleId": "sgr-0123"}]}},
                      {"requestId": "1", "_return": True}),
    cloudtrail_record("RevokeSecurityGroupIngress",
                      {"securityGroupRuleIds": {"items": [{"securityGroupRuleId": "sgr-0123"}]}},
                      {"_return": True, "revokedSecurityGroupRuleSet": {"items": [
                          {"securityGroupRuleId": "sgr-0123", "groupId": "sg-1", "isEgress": False}]}}),
    cloudtrail_record("ModifySecurityGroupRules", {"ModifySecurityGroupRulesRequest": {
        "GroupId": "sg-1", "SecurityGroupRule": {"SecurityGroupRuleId": "sgr-0123", "SecurityGroupRule": {
            "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIpv4": "198.51.100.0/24"}}}},
        {"_return": True}),
], ids=["authorize-ipPermissions", "authorize-securityGroupRuleSet", "revoke-properties", "revoke-rule-ids",
        "revoke-response-rule-set", "modify"])
def test_group_events_name_their_group(record: Dict[str, Any]) -> None:
    targets = parse_event(record)
    assert (targets.instance_ids, targets.group_ids, targets.notes) == (set(), {"sg-1"}, [])


def test_revoke_by_rule_ids_alone_is_noted_for_the_full_reconcile() -> None:
    record = cloudtrail_record("RevokeSecurityGroupIngress",
                               {"securityGroupRuleIds": {"items": [{"securityGroupRuleId": "sgr-0123"}]}},
                               {"_return": True})
    targets = parse_event(record)
    assert not targets.group_ids and "next full reconcile" in targets.notes[0]


def test_failed_calls_and_other_events_are_skipped() -> None:
    failed = instances_record("StartInstances", "i-0a1")
    failed["errorCode"] = "Client.UnauthorizedOperation"
    targets = parse_event({"Records": [failed, cloudtrail_record("DescribeInstances", {}, None)]})
    assert not targets.instance_ids
    assert targets.notes == ["StartInstances %s skipped: the call failed (Client.UnauthorizedOperation)"
                             % failed["eventID"]]


def test_envelopes_eventbridge_state_change_webhook_list_and_log_file() -> None:
    start = instances_record("StartInstances", "i-0a1")
    state_change = {"detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
                    "detail": {"instance-id": "i-0c3", "state": "stopped"}}
    webhook = {"payload": eventbridge(cloudtrail_record("AuthorizeSecurityGroupIngress", {"groupId": "sg-9"}, {})),
               "meta": {"endpoint": "aws", "headers": {}}}
    targets = parse_event([eventbridge(start), state_change, webhook])
    assert (targets.instance_ids, targets.group_ids) == ({"i-0a1", "i-0c3"}, {"sg-9"})
    from_file = parse_log_file(log_file(start, instances_record("StopInstances", "i-0d4")))
    assert from_file.instance_ids == {"i-0a1", "i-0d4"}
    assert parse_log_file(json.dumps({"Records": [start]}).encode()).instance_ids == {"i-0a1"}


@pytest.mark.parametrize("event, message", [
    ("text", "must be a JSON object"),
    ({"hello": 1}, "not an AWS event"),
])
def test_unreadable_events_say_what_is_expected(event: Any, message: str) -> None:
    with pytest.raises(EventError, match=message):
        parse_event(event)


@pytest.mark.parametrize("data, message", [(b"\x1f\x8bnot gzip", "not valid gzip"), (b"{", "not JSON"),
                                           (b"[]", "no Records")])
def test_unreadable_log_files(data: bytes, message: str) -> None:
    with pytest.raises(EventError, match=message):
        parse_log_file(data)
