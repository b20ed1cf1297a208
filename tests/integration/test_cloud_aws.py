"""The AWS reader: bounded retries, counted calls, clear scrubbed errors, credentials, scale."""

from typing import Any, Dict, List

import pytest
from botocore.awsrequest import AWSResponse

from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._aws import AwsClient, AwsError, AwsSettings
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._rules import RuleSettings, derive_rules
from aws_double.server import CREDENTIALS, REGION
from aws_double.world import AwsWorld, tcp

SECRET = CREDENTIALS["secret_key"]
FIREWALL = ("i-0123456789abcdef0",)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> List[bytes]:
        return [self.data]


def ec2_error(code: str, message: str, status: int = 400) -> AWSResponse:
    body = ("<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors>"
            "<RequestID>1</RequestID></Response>" % (code, message)).encode()
    return AWSResponse("https://ec2", status, {}, _Body(body))


def inject(aws: AwsClient, operation: str, failures: int, code: str = "RequestLimitExceeded",
           message: str = "Request limit exceeded.") -> List[int]:
    """Make the next ``failures`` attempts of operation fail with code; returns the attempt log."""
    attempts = []  # type: List[int]

    def fail(**_: Any) -> Any:
        attempts.append(1)
        return ec2_error(code, message) if len(attempts) <= failures else None
    aws.client("ec2").meta.events.register("before-send.ec2.%s" % operation, fail)
    return attempts


def make(endpoint: str, **settings: Any) -> AwsClient:
    options = dict(region=REGION, endpoint_url=endpoint, **CREDENTIALS)  # type: Dict[str, Any]
    options.update(settings)
    return AwsClient(AwsSettings(**options))


def test_throttling_is_retried_and_counted(aws_endpoint: str) -> None:
    aws = make(aws_endpoint, attempts=4)
    attempts = inject(aws, "DescribeRouteTables", failures=2)
    aws.read_state(FIREWALL)
    assert len(attempts) == 3
    assert aws.calls_by_operation["DescribeRouteTables"] == 3


def test_throttling_beyond_the_bound_is_reported(aws_endpoint: str) -> None:
    aws = make(aws_endpoint, attempts=3)
    attempts = inject(aws, "DescribeRouteTables", failures=100)
    with pytest.raises(AwsError) as failure:
        aws.read_state(FIREWALL)
    assert len(attempts) == 3
    assert str(failure.value) == ("AWS DescribeRouteTables failed: RequestLimitExceeded: Request limit exceeded.; "
                                  "AWS kept throttling after the retries; run again later or raise attempts")


def test_permission_errors_name_the_call_and_are_not_retried(aws_endpoint: str) -> None:
    aws = make(aws_endpoint)
    attempts = inject(aws, "DescribeRouteTables", failures=100, code="UnauthorizedOperation",
                      message="You are not authorized; key %s" % SECRET)
    with pytest.raises(AwsError) as failure:
        aws.read_state(FIREWALL)
    assert len(attempts) == 1
    assert "grant ec2:DescribeRouteTables (read-only)" in str(failure.value)
    assert SECRET not in str(failure.value) and "********" in str(failure.value)


def test_assumed_role_credentials_are_used_and_scrubbed(aws_endpoint: str) -> None:
    aws = make(aws_endpoint, assume_role_arn="arn:aws:iam::123456789012:role/tagwarden-read")
    assert aws.calls_by_operation == {"AssumeRole": 1}
    temporary = aws._session.get_credentials()
    assert temporary.access_key != CREDENTIALS["access_key"]
    inject(aws, "DescribeRouteTables", failures=1, code="AuthFailure", message="bad token %s" % temporary.token)
    with pytest.raises(AwsError) as failure:
        aws.read_state(FIREWALL)
    assert temporary.token not in str(failure.value) and "check access_key/secret_key/session_token" in str(
        failure.value)


@pytest.mark.parametrize("settings, message", [
    ({"secret_key": None}, "access_key and secret_key go together"),
    ({"profile": "p"}, "either profile or access_key/secret_key"),
    ({"attempts": 0}, "attempts must be between 1 and 20"),
    ({"access_key": None, "secret_key": None, "profile": "no-such-profile"}, "set profile to one in ~/.aws/config"),
])
def test_bad_settings_give_one_message(aws_endpoint: str, settings: Dict[str, Any], message: str,
                                       monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    with pytest.raises(AwsError, match=message):
        make(aws_endpoint, **settings)


def test_missing_region_and_credentials(aws_endpoint: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(AwsError, match="no AWS region: set region"):
        AwsClient(AwsSettings(endpoint_url=aws_endpoint))
    with pytest.raises(AwsError, match="no AWS credentials found"):
        AwsClient(AwsSettings(region=REGION, endpoint_url=aws_endpoint)).read_state(FIREWALL)


def test_unreachable_endpoint_is_reported() -> None:
    aws = make("http://127.0.0.1:9", attempts=1)
    with pytest.raises(AwsError, match="cannot reach AWS for DescribeRouteTables"):
        aws.read_state(FIREWALL)


def test_aws_calls_do_not_grow_with_instances_or_permissions(aws_endpoint: str) -> None:
    """100 instances x 5 permissions in a few batched reads (bench/aws_rules.py runs 500)."""
    world = AwsWorld(aws_endpoint)
    subnet = world.subnet("10.0.16.0/20")
    world.route_table([subnet])
    groups = []
    for n in range(20):
        groups.append(world.group(permissions=[
            tcp(22, "203.0.113.%d/32" % n), tcp(443, "0.0.0.0/0"), tcp(8000 + n, "198.51.100.0/24"),
            tcp(5000, "192.0.2.0/24", to_port=5100, protocol="udp"), tcp(-1, "192.0.2.0/24", protocol="icmp")]))
        world.instance(subnet, [groups[-1]], count=5)
    aws = make(aws_endpoint)
    result = derive_rules(aws.read_state((world.firewall_id,)), RuleSettings(firewall_instance_ids=(world.firewall_id,)))
    assert len(result.rules) == 500
    assert aws.calls == sum(aws.calls_by_operation.values()) <= 8
    scoped = make(aws_endpoint)
    one_group = derive_rules(scoped.read_state((world.firewall_id,), group_ids=[groups[0]]),
                             RuleSettings(firewall_instance_ids=(world.firewall_id,)))
    assert len(one_group.rules) == 25 and len(one_group.scope or ()) == 5


def test_an_unreadable_prefix_list_skips_only_its_permissions(aws_endpoint: str) -> None:
    world = AwsWorld(aws_endpoint)
    subnet = world.subnet("10.0.1.0/24")
    world.route_table([subnet])
    offices = world.ec2.create_managed_prefix_list(
        PrefixListName="offices", MaxEntries=5, AddressFamily="IPv4",
        Entries=[{"Cidr": "198.51.100.0/24"}])["PrefixList"]["PrefixListId"]
    group = world.group(permissions=[
        tcp(443, "0.0.0.0/0"),
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "PrefixListIds": [{"PrefixListId": offices}]}])
    instance = world.instance(subnet, [group])
    aws = make(aws_endpoint)
    inject(aws, "GetManagedPrefixListEntries", failures=100, code="UnauthorizedOperation", message="denied")
    result = derive_rules(aws.read_state((world.firewall_id,)), RuleSettings(firewall_instance_ids=(world.firewall_id,)))
    assert [r["name"] for r in result.rules] == ["%s-tcp-443" % instance]
    assert [n["reason"] for n in result.notes] == [
        "skipped: prefix list %s cannot be read: AWS GetManagedPrefixListEntries failed: UnauthorizedOperation: "
        "denied; grant ec2:GetManagedPrefixListEntries (read-only) to the credentials used" % offices]
