# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-rulebook event filter: one shape for the AWS envelopes the rulebook accepts.

It runs in ansible-rulebook's process, not Ansible's, so it imports nothing from the collection:
it only says whether an event can change the rules; the reconcile playbook reads the event itself
(module_utils/_cloud/_events.py) and AWS's state.
"""

from typing import Any, Dict, List, Optional

DOCUMENTATION = r"""
---
short_description: Sum up an AWS event in one shape under C(aws_change).
description:
  - Adds C(aws_change) to each event whose C(payload) is an AWS envelope the rulebook
    C(tagwarden.panos.aws_security_rules) accepts - an EventBridge "AWS API Call via CloudTrail" or
    "EC2 Instance State-change Notification" event, a CloudTrail record, a CloudTrail log file
    (C(Records)), or an S3 notification of a new log file - so that one short condition,
    C(event.aws_change.relevant), decides whether the reconcile playbook runs.
  - C(aws_change.envelope) is V(eventbridge), V(cloudtrail_record), V(cloudtrail_file), V(s3_notification)
    or V(unknown); C(aws_change.calls) lists the successful API calls that change instances or security
    groups; C(aws_change.state_changes) the instances whose state changed; C(aws_change.log_files) the
    S3 objects a notification names; C(aws_change.failed) the calls that failed (they change nothing).
  - The payload itself is left as it is.
options:
  calls:
    description: The CloudTrail event names that can change what the rules should be.
    type: list
    elements: str
    default: [StartInstances, StopInstances, TerminateInstances, RunInstances,
              AuthorizeSecurityGroupIngress, RevokeSecurityGroupIngress, ModifySecurityGroupRules]
"""

EXAMPLES = r"""
- name: AWS events over HTTPS
  eda.builtin.webhook:
    host: 0.0.0.0
    port: 5000
  filters:
    - tagwarden.panos.aws_change:
"""

CALLS = ("StartInstances", "StopInstances", "TerminateInstances", "RunInstances",
         "AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress", "ModifySecurityGroupRules")


def _records(payload: Dict[str, Any]) -> List[Dict[str, Any]]:
    records = payload.get("Records")
    return [record for record in records if isinstance(record, dict)] if isinstance(records, list) else []


def summarize(payload: Any, calls: List[str]) -> Dict[str, Any]:
    """The summary of one payload (see DOCUMENTATION)."""
    change: Dict[str, Any] = {"envelope": "unknown", "calls": [], "failed": [], "state_changes": [], "log_files": []}
    if not isinstance(payload, dict):
        return dict(change, relevant=False)
    records: List[Dict[str, Any]] = []
    if "detail-type" in payload:
        change["envelope"] = "eventbridge"
        detail = payload.get("detail") if isinstance(payload.get("detail"), dict) else {}
        if payload["detail-type"] == "EC2 Instance State-change Notification":
            change["state_changes"] = [detail["instance-id"]] if isinstance(detail.get("instance-id"), str) else []
        else:
            records = [detail]
    elif "Records" in payload:
        records = _records(payload)
        notifications = [record for record in records if record.get("eventSource") == "aws:s3"]
        change["envelope"] = "s3_notification" if notifications else "cloudtrail_file"
        change["log_files"] = [
            {"bucket": record.get("s3", {}).get("bucket", {}).get("name"), "key": record.get("s3", {}).get("object", {}).get("key")}
            for record in notifications if isinstance(record.get("s3"), dict)]
        records = [record for record in records if record.get("eventSource") != "aws:s3"]
    elif "eventName" in payload:
        change["envelope"] = "cloudtrail_record"
        records = [payload]
    for record in records:
        if record.get("eventName") in calls:
            change["failed" if record.get("errorCode") else "calls"].append(record["eventName"])
    change["relevant"] = bool(change["calls"] or change["state_changes"] or change["log_files"])
    return change


def main(event: Dict[str, Any], calls: Optional[List[str]] = None) -> Dict[str, Any]:
    """ansible-rulebook's entry point: the event with ``aws_change`` added."""
    event["aws_change"] = summarize(event.get("payload"), list(calls or CALLS))
    return event
