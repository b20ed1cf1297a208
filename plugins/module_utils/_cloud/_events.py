# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where to look, from AWS events: the instance and security group ids an event names.

Plain Python (no Ansible imports). An event never says what the rules are: the rules always come
from AWS's current state, so order, loss and duplication of events do not matter. Accepted forms:
a CloudTrail record, a CloudTrail log file (``{"Records": [...]}``), an EventBridge "AWS API Call via
CloudTrail" or "EC2 Instance State-change Notification" event, an S3 notification of a new log file
(its objects are listed in ``log_files`` for the caller to read), a list of any of these, and the
``payload`` of an ansible-rulebook webhook event.
"""

from __future__ import annotations


import dataclasses
import gzip
import json
from typing import Any, Callable, Dict, Iterable, List, Mapping, Set, Tuple
from urllib.parse import unquote_plus

from ansible_collections.tagwarden.panos.plugins.module_utils._errors import InputError
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._aws import AWS_ID

INSTANCE_EVENTS = ("StartInstances", "StopInstances", "TerminateInstances", "RunInstances")
GROUP_EVENTS = ("AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress", "ModifySecurityGroupRules")


class EventError(InputError):
    """An event or log file that cannot be read at all."""


@dataclasses.dataclass
class EventTargets:
    instance_ids: Set[str] = dataclasses.field(default_factory=set)
    group_ids: Set[str] = dataclasses.field(default_factory=set)
    log_files: List[Tuple[str, str]] = dataclasses.field(default_factory=list)  # (bucket, key)
    notes: List[str] = dataclasses.field(default_factory=list)

    def merge(self, other: "EventTargets") -> None:
        self.instance_ids |= other.instance_ids
        self.group_ids |= other.group_ids
        self.log_files += [f for f in other.log_files if f not in self.log_files]
        self.notes += other.notes

    def as_dict(self) -> Dict[str, Any]:
        return {"instance_ids": sorted(self.instance_ids), "group_ids": sorted(self.group_ids),
                "log_files": [{"bucket": b, "key": k} for b, k in self.log_files], "notes": list(self.notes)}


def _items(value: Any) -> List[Mapping[str, Any]]:
    """CloudTrail lists: ``{"items": [...]}`` (EC2 query API) or a plain list."""
    if isinstance(value, Mapping):
        value = value.get("items", ())
    return [v for v in value or () if isinstance(v, Mapping)] if isinstance(value, list) else []


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _ids(found: Iterable[Any], prefix: str) -> Set[str]:
    """The well-formed AWS ids of one kind (``i-<hex>``, ``sg-<hex>``); anything else is dropped."""
    return {v for v in found if isinstance(v, str) and AWS_ID.match(v) and v.startswith(prefix)}


def targets_from_record(record: Mapping[str, Any]) -> EventTargets:
    """The instances and groups one CloudTrail record names."""
    targets = EventTargets()
    name = record.get("eventName", "")
    if name not in INSTANCE_EVENTS + GROUP_EVENTS:
        return targets
    event_id = record.get("eventID", "?")
    if record.get("errorCode"):
        targets.notes.append("%s %s skipped: the call failed (%s)" % (name, event_id, record["errorCode"]))
        return targets
    request = _mapping(record.get("requestParameters"))
    response = _mapping(record.get("responseElements"))
    if name in INSTANCE_EVENTS:
        sets = _items(request.get("instancesSet")) + _items(response.get("instancesSet"))
        targets.instance_ids = _ids((i.get("instanceId") for i in sets), "i-")
    else:
        modify = _mapping(request.get("ModifySecurityGroupRulesRequest"))
        found = [request.get("groupId"), modify.get("GroupId"), request.get("GroupId")]
        for key in ("securityGroupRuleSet", "revokedSecurityGroupRuleSet"):
            found += [rule.get("groupId") for rule in _items(response.get(key))]
        targets.group_ids = _ids(found, "sg-")
        if not targets.group_ids:
            targets.notes.append("%s %s names no security group id (group name or rule ids only); the next full "
                                 "reconcile covers it" % (name, event_id))
    if not targets.instance_ids and not targets.group_ids and name in INSTANCE_EVENTS:
        targets.notes.append("%s %s names no instance" % (name, event_id))
    return targets


def parse_event(event: Any) -> EventTargets:
    """The targets of an event in any accepted form (see the module docstring)."""
    targets = EventTargets()
    if isinstance(event, list):
        for item in event:
            targets.merge(parse_event(item))
        return targets
    if not isinstance(event, Mapping):
        raise EventError("an AWS event must be a JSON object or a list of them, got %s" % type(event).__name__)
    if "payload" in event and "meta" in event:  # ansible-rulebook webhook event
        return parse_event(event["payload"])
    if "detail-type" in event:
        detail = _mapping(event.get("detail"))
        if event["detail-type"] == "EC2 Instance State-change Notification":
            targets.instance_ids = _ids([detail.get("instance-id")], "i-")
            return targets
        return targets_from_record(detail)
    if "Records" in event:
        for record in event["Records"] if isinstance(event["Records"], list) else ():
            if not isinstance(record, Mapping):
                continue
            if record.get("eventSource") == "aws:s3" and "s3" in record:
                s3 = _mapping(record["s3"])
                bucket = _mapping(s3.get("bucket")).get("name")
                key = _mapping(s3.get("object")).get("key")
                if bucket and key:
                    # S3 notifications URL-encode the key (spaces as '+').
                    targets.log_files.append((bucket, unquote_plus(key)))
            else:
                targets.merge(targets_from_record(record))
        return targets
    if "eventName" in event:
        return targets_from_record(event)
    raise EventError("not an AWS event: expected a CloudTrail record (eventName), a log file (Records), an "
                     "EventBridge event (detail-type) or an S3 notification; got keys %s" % sorted(event)[:10])


def parse_log_file(data: bytes) -> EventTargets:
    """The targets of a CloudTrail log file as stored in S3 (gzip JSON, plain JSON accepted too)."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise EventError("CloudTrail log file is not valid gzip: %s" % exc) from None
    try:
        content = json.loads(data)
    except ValueError as exc:
        raise EventError("CloudTrail log file is not JSON: %s" % exc) from None
    if not isinstance(content, Mapping) or "Records" not in content:
        raise EventError("CloudTrail log file has no Records list")
    return parse_event(content)


def read_log_files(targets: EventTargets, read: Callable[[str, str], bytes]) -> EventTargets:
    """The targets with the records of every listed log file merged in; ``read(bucket, key)`` fetches one."""
    resolved = EventTargets(set(targets.instance_ids), set(targets.group_ids), [], list(targets.notes))
    for bucket, key in targets.log_files:
        resolved.merge(parse_log_file(read(bucket, key)))
    return resolved
