"""AWS security rules end to end, in-process: moto (real boto3) -> aws_security_rules_info's core ->
security_rule_set's core -> the PAN-OS emulator, composed as the role aws_security_rules composes them."""

from __future__ import annotations

import re
from typing import Any, Dict, Iterator, List, Optional

import pytest
from lxml import etree
from panos_emulator import builders
from panos_emulator.client import EmulatorControl

from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._aws import AwsClient, AwsError
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._facts import rules_facts
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ApplyFailed
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement
from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ruleset import COMMIT_DESCRIPTION, reconcile
from aws_double.events import cloudtrail_record, instances_record
from aws_double.server import CREDENTIALS, REGION
from aws_double.world import AwsWorld, tcp
from tests.integration.test_cloud_aws import ec2_error

HOSTILE = "x' or @name!='\" <b>&amp;"


class Story:
    """A VPC whose default route goes through the firewall instance, and the firewall with a clean-up rule."""

    def __init__(self, endpoint: str, emu: EmulatorControl, provider: Dict[str, Any]) -> None:
        self.endpoint, self.emu, self.provider = endpoint, emu, provider
        emu.set_config(etree.tostring(builders.config(rules=(
            builders.rule("deny-all", "deny", **{"from": ["any"], "to": ["any"]}),))).decode())
        self.world = AwsWorld(endpoint)
        self.routed = self.world.subnet("10.0.1.0/24")
        self.world.route_table([self.routed])
        self.direct = self.world.subnet("10.0.2.0/24")  # the main table: no route through the firewall
        self.group = self.world.group(permissions=[
            dict(tcp(8443, "203.0.113.0/24"), IpRanges=[{"CidrIp": "203.0.113.0/24", "Description": HOSTILE}]),
            tcp(22, "10.0.0.0/16"),  # VPC-internal: no rule
            tcp(500, "198.51.100.0/24", to_port=600, protocol="udp")])
        self.web = self.world.instance(self.routed, [self.group], name="web")
        self.world.instance(self.direct, [self.group], name="direct")

    def params(self, **extra: Any) -> Dict[str, Any]:
        return dict(region=REGION, endpoint_url=self.endpoint, firewall_instance_ids=[self.world.firewall_id],
                    aws_attempts=2, **CREDENTIALS, **extra)

    def run(self, event: Any = None, **extra: Any) -> Dict[str, Any]:
        facts = rules_facts(self.params(event=event, **extra))
        self.emu.reset_counters()
        changes = ChangeSet(FirewallConnection(self.provider), admin="admin", description=COMMIT_DESCRIPTION)
        result = reconcile(changes, facts["rules"], facts["services"], owner=facts["owner_tag"],
                           scope=facts["name_prefixes"], placement=Placement("above", "deny-all"))
        result["counters"] = self.emu.counters()
        result["facts"] = facts
        return result

    def rules(self) -> List[str]:
        """The running rulebase's rule names, in order."""
        running = etree.fromstring(self.emu.config()["running"].encode())
        return [e.get("name") for e in running.iterfind(".//rulebase/security/rules/entry")]

    def rule(self, name: str) -> Optional[etree._Element]:
        running = etree.fromstring(self.emu.config()["running"].encode())
        for entry in running.iterfind(".//rulebase/security/rules/entry"):
            if entry.get("name") == name:
                return entry
        return None


@pytest.fixture
def story(aws_endpoint: str, emu: EmulatorControl, provider: Dict[str, Any]) -> Iterator[Story]:  # noqa: F811
    yield Story(aws_endpoint, emu, provider)


def test_start_authorize_revoke_stop(story: Story) -> None:
    web = story.web
    first = story.run(instances_record("StartInstances", web))
    assert first["committed"] and first["facts"]["scope"] == [web]
    assert story.rules() == ["%s-tcp-8443" % web, "%s-udp-500-600" % web, "deny-all"]
    assert story.rule("%s-tcp-8443" % web).findtext("description").endswith(HOSTILE)  # literal, as AWS has it
    assert [m.text for m in story.rule("%s-udp-500-600" % web).iterfind("service/member")] == ["udp-500-600"]
    assert any("inside VPC" in note["reason"] for note in first["facts"]["notes"])
    # the instance behind the main table (no route through the firewall) and the VPC-internal source: nothing
    assert not [n for n in story.rules() if "tcp-22" in n] and len(story.rules()) == 3

    story.world.ec2.authorize_security_group_ingress(GroupId=story.group, IpPermissions=[tcp(3389, "192.0.2.0/24")])
    added = story.run(eventbridge_record("AuthorizeSecurityGroupIngress", story.group))
    assert added["created"] == ["rule %s-tcp-3389" % web] and "%s-tcp-3389" % web in story.rules()

    story.world.ec2.revoke_security_group_ingress(GroupId=story.group, IpPermissions=[tcp(3389, "192.0.2.0/24")])
    revoked = story.run(eventbridge_record("RevokeSecurityGroupIngress", story.group))
    assert revoked["deleted"] == ["rule %s-tcp-3389" % web] and "%s-tcp-3389" % web not in story.rules()

    story.world.ec2.stop_instances(InstanceIds=[web])
    stopped = story.run(instances_record("StopInstances", web))
    assert sorted(stopped["deleted"]) == ["rule %s-tcp-8443" % web, "rule %s-udp-500-600" % web,
                                          "service tcp-8443", "service udp-500-600"]  # no rule uses them now
    assert story.rules() == ["deny-all"]


def eventbridge_record(name: str, group_id: str) -> Dict[str, Any]:
    return cloudtrail_record(name, {"groupId": group_id})


def test_a_lost_event_is_repaired_by_the_next_full_reconcile_and_a_second_run_writes_nothing(story: Story) -> None:
    story.run()
    other = story.world.instance(story.routed, [story.world.group(permissions=[tcp(443, "0.0.0.0/0")])])
    unrelated = story.run(instances_record("StartInstances", "i-0123456789abcdef0"))  # the event for `other` was lost
    assert not unrelated["changed"] and "%s-ssl" % other not in " ".join(story.rules())
    assert any("unknown instance" in n["reason"] for n in unrelated["facts"]["notes"])
    repaired = story.run()
    assert repaired["created"] == ["rule %s-tcp-443" % other] and repaired["committed"]
    steady = story.run()
    assert not steady["changed"] and steady["policy_matches"] == 0
    counters = steady["counters"]
    assert counters["commit"] == 0 and counters["op"] == 0
    assert counters["config"] == 2  # one rulebase read, one service read; no tag read, no write


def test_aws_throttling_fails_before_any_firewall_write_and_the_next_run_converges(
        story: Story, monkeypatch: pytest.MonkeyPatch) -> None:
    original = AwsClient.client

    def throttled(self: AwsClient, service: str) -> Any:
        client = original(self, service)
        client.meta.events.register("before-send.ec2.DescribeSecurityGroups",
                                    lambda **_: ec2_error("RequestLimitExceeded", "Request limit exceeded."))
        return client
    monkeypatch.setattr(AwsClient, "client", throttled)
    story.emu.reset_counters()
    with pytest.raises(AwsError, match="RequestLimitExceeded.*raise attempts"):
        story.run()
    assert story.emu.counters()["total"] == 0 and story.rules() == ["deny-all"]
    monkeypatch.setattr(AwsClient, "client", original)
    assert story.run()["committed"] and len(story.rules()) == 3


def test_a_firewall_fault_mid_reconcile_is_reported_and_the_next_run_commits_what_is_pending(story: Story) -> None:
    story.emu.inject_fault("commit", "panos-error", count=1, code=12, message="commit refused")
    with pytest.raises(ApplyFailed) as failure:
        story.run()
    assert "commit refused" in str(failure.value)
    assert len(failure.value.result["created"]) == 5  # tag, two services, two rules: written, not committed
    assert story.rules() == ["deny-all"]
    retry = story.run()
    assert retry["committed"] and retry["created"] == [] and len(story.rules()) == 3
    assert re.match(r"i-[0-9a-f]+-tcp-8443", story.rules()[0])


@pytest.mark.playbook
def test_the_reconcile_playbook_by_name_with_an_event(story: Story, tmp_path: Any) -> None:
    """What cron, AWX and the EDA rulebook run: tagwarden.panos.aws_rules_reconcile, the event as aws_event."""
    import json

    from tests.integration.ansible_cli import panos_env, playbook

    extra = tmp_path / "vars.json"
    extra.write_text(json.dumps({
        "aws_event": {"detail-type": "AWS API Call via CloudTrail", "source": "aws.ec2",
                      "detail": instances_record("StartInstances", story.web)},
        "aws_security_rules_region": REGION, "aws_security_rules_endpoint_url": story.endpoint,
        "aws_security_rules_firewall_instance_ids": [story.world.firewall_id],
        "aws_security_rules_existing_rule": "deny-all"}))
    env = dict(panos_env(story.provider), AWS_ACCESS_KEY_ID=CREDENTIALS["access_key"],
               AWS_SECRET_ACCESS_KEY=CREDENTIALS["secret_key"])
    proc = playbook("tagwarden.panos.aws_rules_reconcile", "-i", "localhost,", "-e", "@%s" % extra, env=env)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    assert story.rules() == ["%s-tcp-8443" % story.web, "%s-udp-500-600" % story.web, "deny-all"]
    assert "created: tag tagwarden-aws, service tcp-8443" in output and CREDENTIALS["secret_key"] not in output


def _reconcile_playbook(story: Story, tmp_path: Any, **extra_vars: Any) -> str:
    """tagwarden.panos.aws_rules_reconcile with the role's minimal settings and ``extra_vars``: rc, output."""
    import json

    from tests.integration.ansible_cli import panos_env, playbook

    extra = tmp_path / "vars.json"
    extra.write_text(json.dumps({
        "aws_security_rules_region": REGION, "aws_security_rules_endpoint_url": story.endpoint,
        "aws_security_rules_firewall_instance_ids": [story.world.firewall_id], **extra_vars}))
    env = dict(panos_env(story.provider), AWS_ACCESS_KEY_ID=CREDENTIALS["access_key"],
               AWS_SECRET_ACCESS_KEY=CREDENTIALS["secret_key"])
    proc = playbook("tagwarden.panos.aws_rules_reconcile", "-i", "localhost,", "-e", "@%s" % extra, env=env)
    return "%d\n%s" % (proc.returncode, proc.stdout + proc.stderr)


@pytest.mark.playbook
def test_the_role_defaults_work_on_a_firewall_without_a_clean_up_rule(story: Story, tmp_path: Any) -> None:
    """Issue 15, defect 3: no aws_security_rules_existing_rule, no clean-up rule: the first run works."""
    story.emu.set_config(etree.tostring(builders.config(rules=())).decode())
    output = _reconcile_playbook(story, tmp_path)
    assert output.startswith("0\n"), output[-4000:]
    assert story.rules() == ["%s-tcp-8443" % story.web, "%s-udp-500-600" % story.web]
    assert re.search(r'"created: tag tagwarden-aws, service tcp-8443', output)
    again = _reconcile_playbook(story, tmp_path)
    assert '"unchanged: 2 rules for every instance (full reconcile)"' in again, again[-3000:]


@pytest.mark.playbook
@pytest.mark.parametrize("extra_vars, said", [
    ({"aws_security_rules_location": "before"}, "aws_security_rules_location: before needs aws_security_rules_existing_rule"),
    ({"aws_security_rules_firewall_instance_ids": []},
     "set aws_security_rules_firewall_instance_ids or aws_security_rules_firewall_eni_ids"),
    ({"aws_security_rules_from_zones": [""]}, "aws_security_rules_from_zones must list at least one zone name"),
    ({"detail-type": "AWS API Call via CloudTrail", "source": "aws.ec2", "detail": {}}, 'give it as {"aws_event": EVENT}'),
])
def test_wrong_settings_are_refused_in_the_words_of_a_role_user(story: Story, tmp_path: Any, extra_vars: Dict[str, Any],
                                                                said: str) -> None:
    story.emu.reset_counters()
    output = _reconcile_playbook(story, tmp_path, **extra_vars)
    assert not output.startswith("0\n") and said in " ".join(output.split()), output[-3000:]
    assert story.emu.counters()["total"] == 0 and story.rules() == ["deny-all"]
