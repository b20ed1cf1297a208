"""CloudTrail records and the events that carry them (moto does not emit them): as AWS writes them."""

import gzip
import json
import uuid
from typing import Any, Dict, Optional

from .server import REGION


def cloudtrail_record(event_name: str, request: Optional[Dict[str, Any]] = None,
                      response: Optional[Dict[str, Any]] = None, error_code: Optional[str] = None) -> Dict[str, Any]:
    record = {
        "eventVersion": "1.08", "eventSource": "ec2.amazonaws.com", "eventName": event_name,
        "awsRegion": REGION, "eventID": str(uuid.uuid4()), "eventTime": "2026-12-01T22:00:00Z",
        "requestParameters": request, "responseElements": response,
    }  # type: Dict[str, Any]
    if error_code:
        record["errorCode"] = error_code
        record["errorMessage"] = "failed"
    return record


def instances_record(event_name: str, *instance_ids: str) -> Dict[str, Any]:
    items = {"items": [{"instanceId": i} for i in instance_ids]}
    if event_name == "RunInstances":
        return cloudtrail_record(event_name, {"instanceType": "t3.micro"}, {"instancesSet": items})
    return cloudtrail_record(event_name, {"instancesSet": items}, {"instancesSet": items})


def eventbridge(record: Dict[str, Any]) -> Dict[str, Any]:
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "AWS API Call via CloudTrail",
            "source": "aws.ec2", "account": "123456789012", "time": "2026-12-01T22:00:00Z", "region": REGION,
            "resources": [], "detail": record}


def log_file(*records: Dict[str, Any]) -> bytes:
    return gzip.compress(json.dumps({"Records": list(records)}).encode())
