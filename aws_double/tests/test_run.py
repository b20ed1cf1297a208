"""``python -m aws_double.run -- CMD``: the command reaches the AWS double, and only it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from aws_double import run

ROOT = Path(__file__).resolve().parents[2]

# Started before moto answers (--no-wait, as make demo starts it), it waits; then it makes a VPC with
# boto3's defaults (no endpoint, region or keys given), prints what it saw, and exits 3.
COMMAND = """
import json, os, boto3
from aws_double.server import wait_until_answering
wait_until_answering(os.environ["AWS_ENDPOINT_URL"])
ec2 = boto3.client("ec2")
vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
print(json.dumps({"vpc": vpc, "vpcs": [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]],
                  "aws": {k: v for k, v in os.environ.items() if k.startswith("AWS_")}}))
raise SystemExit(3)
"""


def test_the_command_uses_the_double_with_boto3_defaults_and_none_of_the_users_settings() -> None:
    users = {"AWS_PROFILE": "production", "AWS_SESSION_TOKEN": "a-real-token",
             "AWS_ENDPOINT_URL_EC2": "http://127.0.0.1:9"}  # a profile that is not there; a dead endpoint
    proc = subprocess.run([sys.executable, "-m", "aws_double.run", "--region", "ap-south-1", "--no-wait", "--",
                           sys.executable, "-c", COMMAND], cwd=ROOT, env={**os.environ, **users},
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 3, proc.stderr  # the command's exit code
    seen = json.loads(proc.stdout)
    assert seen["vpc"] in seen["vpcs"]
    info = json.loads(seen["aws"]["AWS_DOUBLE_INFO"])
    assert info["endpoint_url"].startswith("http://127.0.0.1:") and info["region"] == "ap-south-1"
    assert seen["aws"]["AWS_ENDPOINT_URL"] == info["endpoint_url"] and seen["aws"]["AWS_REGION"] == "ap-south-1"
    assert seen["aws"]["AWS_ACCESS_KEY_ID"] == info["access_key"]
    assert not set(users) & set(seen["aws"])


def test_without_a_command_it_says_how_to_call_it(capsys) -> None:
    assert run.main(["--region", "eu-west-1", "--"]) == 2
    assert "usage: python -m aws_double.run" in capsys.readouterr().err
