"""The shipped rulebook, run by ansible-rulebook, end to end: an EventBridge event posted to its webhook
runs the real reconcile playbook (tagwarden.panos.aws_rules_reconcile), which reads the AWS double
(moto) and writes the PAN-OS emulator. One rulebook process takes every event of the test.

ansible-rulebook lives in its own virtual environment (requirements-eda.txt, ``make eda``): it pins
libraries the collection's environment has newer. The playbook's modules run with the test's Python.
"""

import json
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List

import pytest
import yaml
from lxml import etree

from aws_double.events import cloudtrail_record, eventbridge, instances_record, log_file
from aws_double.server import CREDENTIALS, REGION, free_port, reset, stop
from aws_double.world import AwsWorld, client, tcp
from double_server.tls import make_certificates
from panos_emulator import builders
from panos_emulator.client import EmulatorControl
from tests.integration.ansible_cli import ansible_env, panos_env

ROOT = Path(__file__).resolve().parents[2]
RULEBOOK = ROOT / "extensions" / "eda" / "rulebooks" / "aws_security_rules.yml"
EDA_VENV = Path(os.environ.get("TAGWARDEN_EDA_VENV", ROOT / "build" / "eda-venv"))
RULEBOOK_BIN = EDA_VENV / "bin" / "ansible-rulebook"
TOKEN = "eda-test-token"
STARTUP = 180.0  # the JVM takes about 10-20 s to start on these machines, more under load
PLAYBOOK_RUN = 240.0  # one reconcile playbook run, started by the rulebook, under load

pytestmark = [
    pytest.mark.playbook,
    pytest.mark.skipif(not RULEBOOK_BIN.exists(), reason="ansible-rulebook not installed: run `make eda`"),
]


@pytest.fixture(scope="module")
def world(emulator: Dict[str, Any], moto_endpoint: str) -> Dict[str, Any]:
    """A VPC whose default route goes through the firewall instance, one instance with a group that
    opens tcp/8443 to 203.0.113.0/24 (on the worker's moto, reset), and the emulator with a clean-up rule."""
    emu = EmulatorControl(emulator)
    emu.reset()
    emu.set_config(etree.tostring(builders.config(rules=(
        builders.rule("deny-all", "deny", **{"from": ["any"], "to": ["any"]}),))).decode())
    reset(moto_endpoint)
    aws = AwsWorld(moto_endpoint)
    subnet = aws.subnet("10.0.1.0/24")
    aws.route_table([subnet])
    group = aws.group(permissions=[tcp(8443, "203.0.113.0/24")])
    return {"emu": emu, "aws": aws, "endpoint": moto_endpoint, "group": group, "web": aws.instance(subnet, [group]),
            "password": emulator["password"]}


@pytest.fixture(scope="module")
def rulebook(world: Dict[str, Any], emulator: Dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    from panos_emulator.process import provider_for

    work = tmp_path_factory.mktemp("eda")
    tls = make_certificates(work)
    port = free_port()
    variables = work / "vars.yml"
    variables.write_text(yaml.safe_dump({
        "aws_webhook_host": "127.0.0.1", "aws_webhook_port": port, "aws_webhook_token": TOKEN,
        "aws_webhook_certfile": str(tls.cert_file), "aws_webhook_keyfile": str(tls.key_file)}))
    inventory = work / "inventory.yml"  # the firewall comes from PANOS_*: this localhost joins the group
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable,
        "aws_security_rules_region": REGION, "aws_security_rules_endpoint_url": world["endpoint"],
        "aws_security_rules_firewall_instance_ids": [world["aws"].firewall_id],
        "aws_security_rules_existing_rule": "deny-all"}}}}))
    env = ansible_env(dict(panos_env(provider_for(emulator)), AWS_ACCESS_KEY_ID=CREDENTIALS["access_key"],
                           AWS_SECRET_ACCESS_KEY=CREDENTIALS["secret_key"]))
    env["PATH"] = "%s:%s" % (EDA_VENV / "bin", env.get("PATH", ""))
    log_path = work / "rulebook.log"
    log = log_path.open("w")
    started = time.monotonic()
    process = subprocess.Popen(
        [str(RULEBOOK_BIN), "-r", str(RULEBOOK), "-i", str(inventory), "--vars", str(variables)],
        cwd=str(work), stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = started + STARTUP
        while True:
            if process.poll() is not None:
                pytest.fail("ansible-rulebook exited: %s" % log_path.read_text()[-2000:])
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("ansible-rulebook did not listen within %ss" % STARTUP)
                time.sleep(0.5)
        print("\nansible-rulebook listening after %.1fs" % (time.monotonic() - started))
        context = ssl.create_default_context(cafile=str(tls.ca_file))
        yield {"url": "https://127.0.0.1:%d/aws" % port, "context": context, "log": log_path}
    finally:
        stop(process, timeout=20)
        log.close()


def post(rulebook: Dict[str, Any], event: Any, token: str = TOKEN) -> int:
    request = urllib.request.Request(
        rulebook["url"], data=json.dumps(event).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": "Bearer %s" % token})
    try:
        with urllib.request.urlopen(request, context=rulebook["context"], timeout=10) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def running_rules(emu: EmulatorControl) -> List[str]:
    tree = etree.fromstring(emu.config()["running"].encode())
    return [e.get("name") for e in tree.iterfind(".//rulebase/security/rules/entry")]


def wait_for(rulebook: Dict[str, Any], condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PLAYBOOK_RUN
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("%s did not happen within %ss: %s" % (what, PLAYBOOK_RUN, rulebook["log"].read_text()[-3000:]))
        time.sleep(0.5)


def test_eventbridge_events_add_the_rule_and_a_revoke_event_removes_it(
        world: Dict[str, Any], rulebook: Dict[str, Any]) -> None:
    """Each of the rulebook's three kinds of event once (a state change, an API call via CloudTrail,
    a CloudTrail log file in S3), each one playbook run; refused and filtered posts run nothing."""
    emu, web, group = world["emu"], world["web"], world["group"]
    rule = "%s-tcp-8443" % web
    assert post(rulebook, eventbridge(instances_record("StartInstances", web)), token="wrong") == 401
    failed = instances_record("StartInstances", web)
    failed["errorCode"] = "Client.UnauthorizedOperation"
    assert post(rulebook, eventbridge(failed)) == 200  # skipped by the rulebook: no playbook run
    assert post(rulebook, eventbridge(cloudtrail_record("DescribeInstances", {}, None))) == 200  # not a change
    started = time.monotonic()
    assert post(rulebook, {"detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
                           "detail": {"instance-id": web, "state": "running"}}) == 200
    wait_for(rulebook, lambda: rule in running_rules(emu), "the rule for the running instance")
    print("rule committed %.1fs after the state-change event" % (time.monotonic() - started))
    assert running_rules(emu) == [rule, "deny-all"]

    world["aws"].ec2.revoke_security_group_ingress(GroupId=group, IpPermissions=[tcp(8443, "203.0.113.0/24")])
    started = time.monotonic()
    assert post(rulebook, eventbridge(cloudtrail_record("RevokeSecurityGroupIngress", {"groupId": group}))) == 200
    wait_for(rulebook, lambda: rule not in running_rules(emu), "the removal after the revoke event")
    print("rule removed %.1fs after the revoke event" % (time.monotonic() - started))
    assert running_rules(emu) == ["deny-all"]

    world["aws"].ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[tcp(8443, "203.0.113.0/24")])
    s3 = client(world["endpoint"], "s3")
    s3.create_bucket(Bucket="trail", CreateBucketConfiguration={"LocationConstraint": REGION})
    key = "AWSLogs/123456789012/CloudTrail/%s/2026/12/01/authorize.json.gz" % REGION
    s3.put_object(Bucket="trail", Key=key, Body=log_file(cloudtrail_record("AuthorizeSecurityGroupIngress", {"groupId": group})))
    assert post(rulebook, {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
                                        "s3": {"bucket": {"name": "trail"}, "object": {"key": key}}}]}) == 200
    wait_for(rulebook, lambda: rule in running_rules(emu), "the rule after the log file of the authorize")
    wait_for(rulebook, lambda: rulebook["log"].read_text().count("PLAY RECAP") >= 3, "the end of the third run")
    log = rulebook["log"].read_text()
    assert log.count("PLAY RECAP") == 3
    assert CREDENTIALS["secret_key"] not in log and world["password"] not in log
