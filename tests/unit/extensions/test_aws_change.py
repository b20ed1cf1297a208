"""The EDA event filter tagwarden.panos.aws_change: every envelope the rulebook accepts in one shape."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from aws_double.events import cloudtrail_record, eventbridge, instances_record

PATH = Path(__file__).resolve().parents[3] / "extensions" / "eda" / "plugins" / "event_filter" / "aws_change.py"
SPEC = importlib.util.spec_from_file_location("aws_change", PATH)
assert SPEC and SPEC.loader
aws_change = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(aws_change)
WEB = "i-0123456789abcdef0"


def change(payload: Any, **options: Any) -> dict[str, Any]:
    """As ansible-rulebook calls it: the webhook's event (payload and meta)."""
    return aws_change.main({"payload": payload, "meta": {"endpoint": "aws"}}, **options)["aws_change"]


def failed(record: dict[str, Any]) -> dict[str, Any]:
    record["errorCode"] = "Client.UnauthorizedOperation"
    return record


@pytest.mark.parametrize("payload, envelope, relevant", [
    (eventbridge(instances_record("StartInstances", WEB)), "eventbridge", True),
    (eventbridge(failed(instances_record("StartInstances", WEB))), "eventbridge", False),
    (eventbridge(cloudtrail_record("DescribeInstances", {}, None)), "eventbridge", False),
    ({"detail-type": "EC2 Instance State-change Notification", "detail": {"instance-id": WEB, "state": "running"}},
     "eventbridge", True),
    (instances_record("StopInstances", WEB), "cloudtrail_record", True),
    ({"Records": [cloudtrail_record("DescribeInstances", {}, None), instances_record("RunInstances", WEB)]},
     "cloudtrail_file", True),
    ({"Records": [cloudtrail_record("DescribeInstances", {}, None)]}, "cloudtrail_file", False),
    ({"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
                   "s3": {"bucket": {"name": "trail"}, "object": {"key": "AWSLogs/x.json.gz"}}}]}, "s3_notification", True),
    ({"hello": "world"}, "unknown", False),
    ("not an object", "unknown", False),
])
def test_each_envelope_in_one_shape(payload: Any, envelope: str, relevant: bool) -> None:
    summary = change(payload)
    assert summary["envelope"] == envelope and summary["relevant"] is relevant
    assert set(summary) == {"envelope", "relevant", "calls", "failed", "state_changes", "log_files"}


def test_what_the_summary_names() -> None:
    assert change(eventbridge(failed(instances_record("StartInstances", WEB))))["failed"] == ["StartInstances"]
    state = {"detail-type": "EC2 Instance State-change Notification", "detail": {"instance-id": WEB}}
    assert change(state)["state_changes"] == [WEB]
    notification = {"Records": [{"eventSource": "aws:s3", "s3": {"bucket": {"name": "trail"}, "object": {"key": "k"}}}]}
    assert change(notification)["log_files"] == [{"bucket": "trail", "key": "k"}]


def test_the_calls_option_narrows_what_counts() -> None:
    assert not change(instances_record("StopInstances", WEB), calls=["StartInstances"])["relevant"]
    assert change(instances_record("StartInstances", WEB), calls=["StartInstances"])["calls"] == ["StartInstances"]
