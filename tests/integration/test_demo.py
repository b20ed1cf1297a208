"""`make demo` keeps working: demo/demo.yml on a fresh emulator and AWS double, as the README promises."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.integration.ansible_cli import BIN, ROOT, ansible_env

pytestmark = pytest.mark.playbook


def test_demo_tells_every_story_and_its_checks_pass() -> None:
    command = [sys.executable, "-m", "panos_emulator.run", "--", sys.executable, "-m", "aws_double.run", "--no-wait", "--",
               sys.executable, "-m", "lumu_emulator.run", "--", sys.executable, "-m", "panos_emulator.listserver", "--",
               str(BIN / "ansible-playbook"), "demo/demo.yml"]
    proc = subprocess.run(command, cwd=ROOT, env=ansible_env(), capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    # the dag_register story: the exact set, then expiry on the emulator's clock
    assert "quota-blocked holds ['10.0.0.7', '10.0.0.8', '10.0.0.9']" in output
    assert "quota-blocked holds [] after 301 seconds" in output
    # the quota story: blocks by IP, by user and by group, then the release
    assert "the rule BlockQuota denies cn=sales,ou=groups,dc=acme,dc=local (its members" in output
    assert "DAG quota holds 0 addresses; 0 groups blocked, the dynamic user group of the rule BlockQuota is empty" in output
    # the feed story: blocked, unchanged on the second run, the new incident from the cursor, expiry
    assert "DAG threat-feed holds ['203.0.113.5']; https://www.c2.example/payload is in ['threat-feed']" in output
    assert output.count("addresses new 0, renewed 0, expired 0, removed 0 (holding 1); urls new 0") == 1
    assert "new addresses: 198.51.100.77" in output and "DAG threat-feed holds no address an hour later" in output
    # the cloud story: events add and remove rules, out-of-scope traffic gets none, a full reconcile repairs
    web = re.search(r"web \((i-[0-9a-f]+)\) started: \1-tcp-443 allows tcp/443 to it from anywhere", output)
    assert web, output[-4000:]
    assert re.search(r"direct \(i-[0-9a-f]+\) has no rule: no interface routes through the firewall", output)
    assert "no rule for tcp/22: skipped: source 10.0.0.0/16 is inside VPC" in output
    assert "authorized: web's rules are {0}-tcp-443, {0}-tcp-8443".format(web.group(1)) in output
    assert "revoked: web's rules are {0}-tcp-443".format(web.group(1)) in output
    assert "web stopped: no rule allows traffic to it; the firewall's rules are deny-all" in output
    assert "repaired by the full reconcile: created rule {0}-tcp-443".format(web.group(1)) in output
    assert "the second full reconcile: nothing created, updated, moved or deleted, no commit" in output
    # the EDL story: a changed list reaches the firewall at its interval, no commit, no configuration write
    assert "since the bootstrap it received 0 commits and 0 configuration requests" in output
    assert "failed=0" in output and "failed=1" not in output
