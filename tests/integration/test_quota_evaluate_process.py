"""quota_evaluate through Ansible (the only module no role runs), and the evaluation's output in fresh
interpreters with different hash seeds."""

import os
import subprocess
import sys

import pytest

from tests.integration.ansible_cli import ROOT, adhoc

MB = 1_000_000


def test_as_dict_is_json_ready_and_results_do_not_depend_on_hash_seed():
    script = (
        "import json, sys; sys.path.insert(0, %r)\n"
        "from tests.unit.plugins.module_utils._quota.test_evaluate import scenario\n"
        "print(json.dumps(scenario().as_dict(), sort_keys=False))\n" % str(ROOT / "build" / "collections"))
    outputs = {subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=dict(os.environ, PYTHONHASHSEED=seed),
                              capture_output=True, text=True, check=True).stdout for seed in ("1", "2", "3")}
    assert len(outputs) == 1


@pytest.mark.playbook
def test_module_through_ansible():
    result, output = adhoc("quota_evaluate", {
        "now": "2026/11/22 10:00:00", "quotas": {"ip": "20MB", "user": "20MB", "group": "24MB"},
        "rows": [{"ip": "10.0.0.5", "user": "acme\\o'brien", "bytes": 15 * MB}, {"ip": "10.0.0.6", "user": "acme\\O'Brien", "bytes": 10 * MB},
                 {"ip": "10.0.0.9", "user": None, "bytes": 1}],
        "ip_user_mapping": [{"ip": "10.0.0.7", "user": "acme\\o'brien"}], "groups": {"cn=<a&b>": ["acme\\o'brien"]},
        "blocked": {"ips": {"10.0.0.1": ["quota", "quota.until.20261122095900"]}},
    })
    assert not result["failed"] and result["changed"] is False, output
    assert [(entry["ip"], entry["user"], entry["until"]) for entry in result["block_ips"]] == [
        (ip, "acme\\o'brien", "2026/11/22 10:15:00") for ip in ("10.0.0.5", "10.0.0.6", "10.0.0.7")]
    assert [entry["ip"] for entry in result["release_ips"]] == ["10.0.0.1"]
    assert result["groups_after"] == {"cn=<a&b>": "2026/11/22 10:15:00"}
    assert result["rule_description"].endswith('{"release":{"cn=<a&b>":"2026/11/22 10:15:00"}}')
    assert any("BLOCK ip 10.0.0.7" in line for line in result["summary"])
