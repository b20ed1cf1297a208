"""``python -m aws_double.demo STEP ARGS...``: the AWS side of ``make demo``'s cloud story, with real boto3.

Run under ``python -m aws_double.run`` (AWS_ENDPOINT_URL and the rest in the environment). Each step
changes AWS as a user would and prints one JSON line: what it made or did, and ``event``, the
EventBridge "AWS API Call via CloudTrail" event AWS would send for the change (moto sends none).

  world                            a VPC whose 10.0.1.0/24 sends 0.0.0.0/0 to the firewall instance and
                                   whose 10.0.2.0/24 does not; a group "web" (tcp/443 from anywhere,
                                   tcp/22 from inside the VPC); instances web and direct in it, stopped,
                                   then started (StartInstances)
  start|stop INSTANCE...           StartInstances / StopInstances
  authorize|revoke GROUP PROTOCOL PORT CIDR
                                   AuthorizeSecurityGroupIngress / RevokeSecurityGroupIngress
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from .events import cloudtrail_record, eventbridge, instances_record
from .server import wait_until_answering
from .world import AwsWorld, client, tcp


def world(endpoint: str) -> dict[str, Any]:
    vpc = AwsWorld(endpoint)
    routed = vpc.subnet("10.0.1.0/24")
    vpc.route_table([routed])
    direct = vpc.subnet("10.0.2.0/24")  # on the VPC's main table: its default route is not the firewall
    group = vpc.group("web", [tcp(443, "0.0.0.0/0"), tcp(22, "10.0.0.0/16")])
    web = vpc.instance(routed, [group], name="web")
    outside = vpc.instance(direct, [group], name="direct")
    vpc.ec2.stop_instances(InstanceIds=[web, outside])
    ids = {"vpc": vpc.vpc_id, "firewall": vpc.firewall_id, "routed_subnet": routed, "direct_subnet": direct,
           "group": group, "web": web, "direct": outside}
    return {**ids, **instances(endpoint, "start", [web, outside])}


def instances(endpoint: str, action: str, instance_ids: list[str]) -> dict[str, Any]:
    ec2 = client(endpoint, "ec2")
    if action == "start":
        ec2.start_instances(InstanceIds=instance_ids)
    else:
        ec2.stop_instances(InstanceIds=instance_ids)
    name = "StartInstances" if action == "start" else "StopInstances"
    return {"did": "%s %s" % (name, " ".join(instance_ids)), "event": eventbridge(instances_record(name, *instance_ids))}


def ingress(endpoint: str, action: str, group: str, protocol: str, port: int, cidr: str) -> dict[str, Any]:
    ec2 = client(endpoint, "ec2")
    permission = tcp(port, cidr, protocol=protocol)
    if action == "authorize":
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[permission])
    else:
        ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=[permission])
    name = "AuthorizeSecurityGroupIngress" if action == "authorize" else "RevokeSecurityGroupIngress"
    # The record's form: the EC2 query API's lower-case names and {"items": [...]} lists.
    request = {"groupId": group, "ipPermissions": {"items": [{
        "ipProtocol": protocol, "fromPort": port, "toPort": port, "ipRanges": {"items": [{"cidrIp": cidr}]}}]}}
    return {"did": "%s %s %s/%d from %s" % (name, group, protocol, port, cidr),
            "event": eventbridge(cloudtrail_record(name, request, {"_return": True}))}


def main(argv: list[str]) -> int:
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        sys.stderr.write("AWS_ENDPOINT_URL is not set: run under python -m aws_double.run -- ...\n")
        return 2
    step, args = (argv[0], argv[1:]) if argv else ("", [])
    if step == "world" and not args:
        wait_until_answering(endpoint)  # the runner may have started us first (--no-wait)
        result = world(endpoint)
    elif step in ("start", "stop") and args:
        result = instances(endpoint, step, args)
    elif step in ("authorize", "revoke") and len(args) == 4:
        result = ingress(endpoint, step, args[0], args[1], int(args[2]), args[3])
    else:
        sys.stderr.write(__doc__ or "")
        return 2
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
