"""The shipped rulebook, run by ansible-rulebook: a posted AWS event runs the reconcile playbook.

The playbook is replaced by a stub that records the extra vars it receives (the reconcile playbook
itself is tested on its own). ansible-rulebook lives in its own virtual environment
(requirements-eda.txt, ``make eda``): it pins libraries the collection's environment has newer.
"""

import json
import os
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
import yaml

from tests.aws_double import cloudtrail_record, eventbridge, free_port, instances_record, stop
from panos_emulator.tls import make_certificates

ROOT = Path(__file__).resolve().parents[2]
RULEBOOK = ROOT / "extensions" / "eda" / "rulebooks" / "aws_security_rules.yml"
EDA_VENV = Path(os.environ.get("TAGWARDEN_EDA_VENV", ROOT / "build" / "eda-venv"))
RULEBOOK_BIN = EDA_VENV / "bin" / "ansible-rulebook"
TOKEN = "eda-test-token"
STARTUP = 180.0  # the JVM takes about 10-20 s to start on these machines, more under load

pytestmark = [
    pytest.mark.playbook,
    pytest.mark.skipif(not RULEBOOK_BIN.exists(), reason="ansible-rulebook not installed: run `make eda`"),
]


@pytest.fixture(scope="module")
def rulebook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    work = tmp_path_factory.mktemp("eda")
    tls = make_certificates(work)
    received = work / "received.jsonl"
    stub = work / "stub_reconcile.yml"
    stub.write_text(yaml.safe_dump([{
        "name": "Stub reconcile", "hosts": "localhost", "gather_facts": False,
        "tasks": [{"name": "Record the event", "ansible.builtin.lineinfile": {
            "path": str(received), "create": True, "mode": "0600", "line": "{{ aws_event | to_json }}"}}],
    }]))
    shipped = yaml.safe_load(RULEBOOK.read_text())
    for rule in shipped[0]["rules"]:
        assert rule["action"]["run_playbook"]["name"] == "tagwarden.panos.aws_rules_reconcile"
        rule["action"]["run_playbook"]["name"] = str(stub)
    copy = work / "aws_security_rules.yml"
    copy.write_text(yaml.safe_dump(shipped))
    port = free_port()
    variables = work / "vars.yml"
    variables.write_text(yaml.safe_dump({
        "aws_webhook_host": "127.0.0.1", "aws_webhook_port": port, "aws_webhook_token": TOKEN,
        "aws_webhook_certfile": str(tls.cert_file), "aws_webhook_keyfile": str(tls.key_file)}))
    inventory = work / "inventory.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {"localhost": {
        "ansible_connection": "local", "ansible_python_interpreter": str(EDA_VENV / "bin" / "python")}}}}))
    log = (work / "rulebook.log").open("w")
    started = time.monotonic()
    process = subprocess.Popen(
        [str(RULEBOOK_BIN), "-r", str(copy), "-i", str(inventory), "--vars", str(variables)],
        cwd=str(work), stdout=log, stderr=subprocess.STDOUT,
        env=dict(os.environ, PATH="%s:%s" % (EDA_VENV / "bin", os.environ.get("PATH", ""))),
    )
    try:
        deadline = started + STARTUP
        while True:
            if process.poll() is not None:
                pytest.fail("ansible-rulebook exited: %s" % (work / "rulebook.log").read_text()[-2000:])
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("ansible-rulebook did not listen within %ss" % STARTUP)
                time.sleep(0.5)
        print("\nansible-rulebook listening after %.1fs" % (time.monotonic() - started))
        context = ssl.create_default_context(cafile=str(tls.ca_file))
        yield {"url": "https://127.0.0.1:%d/aws" % port, "context": context, "received": received}
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


def wait_for_lines(path: Path, count: int, timeout: float = 180.0) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = path.read_text().splitlines() if path.exists() else []
        if len(lines) >= count:
            return [json.loads(line) for line in lines]
        time.sleep(0.3)
    pytest.fail("the playbook ran %d of %d times" % (len(lines), count))


def test_posted_events_run_the_reconcile_playbook(rulebook: Dict[str, Any]) -> None:
    assert post(rulebook, eventbridge(instances_record("StartInstances", "i-0a1")), token="wrong") == 401
    failed = instances_record("StopInstances", "i-0ff")
    failed["errorCode"] = "Client.UnauthorizedOperation"
    started = time.monotonic()
    assert post(rulebook, eventbridge(failed)) == 200
    assert post(rulebook, eventbridge(cloudtrail_record("DescribeInstances", {}, None))) == 200
    start = eventbridge(instances_record("StartInstances", "i-0a1"))
    assert post(rulebook, start) == 200
    state_change = {"detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
                    "detail": {"instance-id": "i-0c3", "state": "stopped"}}
    assert post(rulebook, state_change) == 200
    s3 = {"bucket": {"name": "trail"}, "object": {"key": "AWSLogs/x.json.gz"}}
    notification = {"Records": [{"eventSource": "aws:s3", "s3": s3}]}
    assert post(rulebook, notification) == 200
    received = wait_for_lines(rulebook["received"], 3)
    print("three playbook runs %.1fs after the first post" % (time.monotonic() - started))
    assert received == [start, state_change, notification]
