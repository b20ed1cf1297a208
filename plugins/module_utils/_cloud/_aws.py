# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read AWS's current EC2 state with boto3: the facts the cloud rules are derived from.

Plain Python (no Ansible imports). :class:`AwsClient` builds one boto3 session from the option names
amazon.aws uses (``profile``, ``region``, ``access_key``, ``secret_key``, ``session_token``,
``endpoint_url``, ``aws_ca_bundle``, ``validate_certs``, plus ``assume_role_arn`` as in its aws_ec2
inventory plugin), retries throttling within bounds (botocore's standard mode), counts the HTTP
requests it sends and raises :class:`AwsError` with one scrubbed message naming the call and the fix.
:meth:`AwsClient.read_state` reads route tables, VPC CIDRs, instances with their interfaces,
security groups and the prefix lists they use, all paginated and filtered to what the caller names.
"""

from __future__ import annotations


import dataclasses
import os
import re
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._ec2 import (
    AwsState,
    Instance,
    SecurityGroup,
    parse_instance,
    parse_permission,
    parse_route_table,
    parse_vpc_cidrs,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._errors import TagwardenError
from ansible_collections.tagwarden.panos.plugins.module_utils._http._secrets import Scrubber

try:
    import boto3
    import botocore.config
    import botocore.exceptions
except ImportError as _exc:  # pragma: no cover - depends on the environment
    boto3 = None
    BOTO3_IMPORT_ERROR = str(_exc)  # type: Optional[str]
else:
    BOTO3_IMPORT_ERROR = None

# Instance, ENI and group ids; names are made from them, so nothing else is let through.
AWS_ID = re.compile(r"^[a-z]+-[0-9a-f]{1,32}$")
# AWS accepts up to 200 values in one filter; larger id lists are read in chunks.
FILTER_VALUES_MAX = 200
# Instance states whose interfaces carry traffic (pending: RunInstances has just assigned addresses).
ACTIVE_STATES = ("pending", "running")
DEFAULT_ATTEMPTS = 5
ROLE_SESSION_NAME = "tagwarden-panos"


class AwsError(TagwardenError):
    """A failed AWS read, or bad connection settings; the message names the cause and the fix."""


@dataclasses.dataclass(frozen=True)
class AwsSettings:
    """Connection options, named as amazon.aws names them."""

    region: Optional[str] = None
    profile: Optional[str] = None
    access_key: Optional[str] = None
    secret_key: Optional[str] = None
    session_token: Optional[str] = None
    endpoint_url: Optional[str] = None
    aws_ca_bundle: Optional[str] = None
    validate_certs: bool = True
    assume_role_arn: Optional[str] = None
    attempts: int = DEFAULT_ATTEMPTS
    timeout: float = 30.0

    def check(self) -> None:
        if bool(self.access_key) != bool(self.secret_key):
            raise AwsError("access_key and secret_key go together: set both, or neither to use a profile or the environment")
        if self.session_token and not self.access_key:
            raise AwsError("session_token needs access_key and secret_key")
        if self.profile and self.access_key:
            raise AwsError("set either profile or access_key/secret_key, not both")
        if not 1 <= self.attempts <= 20:
            raise AwsError("attempts must be between 1 and 20, got %r" % (self.attempts,))
        if self.timeout <= 0:
            raise AwsError("timeout must be positive, got %r" % (self.timeout,))


# --- AWS facts, reduced to what the rules need ------------------------------------------------------


def _chunks(values: Sequence[str]) -> Iterator[List[str]]:
    for start in range(0, len(values), FILTER_VALUES_MAX):
        yield list(values[start:start + FILTER_VALUES_MAX])


def _fix_for(code: str, operation: str) -> str:
    if code in ("UnauthorizedOperation", "AccessDenied", "AccessDeniedException"):
        return "grant ec2:%s (read-only) to the credentials used" % operation
    if code in ("AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken"):
        return "check access_key/secret_key/session_token or the profile; temporary credentials may have expired"
    if code in ("RequestLimitExceeded", "Throttling", "ThrottlingException"):
        return "AWS kept throttling after the retries; run again later or raise attempts"
    return "check the request and the account"


class AwsClient:
    """One boto3 session for one region; counts every HTTP request in ``calls`` (retries included)."""

    def __init__(self, settings: AwsSettings, session_factory: Optional[Callable[..., Any]] = None) -> None:
        if boto3 is None:
            raise AwsError("the Python library boto3 is needed on the controller: pip install boto3 (%s)"
                           % BOTO3_IMPORT_ERROR)
        settings.check()
        self.settings = settings
        self.scrubber = Scrubber(s for s in (settings.secret_key, settings.session_token) if s)
        self.calls = 0
        self.calls_by_operation = {}  # type: Dict[str, int]
        self._session_factory = session_factory or boto3.session.Session
        self._config = botocore.config.Config(
            retries={"total_max_attempts": settings.attempts, "mode": "standard"},
            connect_timeout=settings.timeout,
            read_timeout=settings.timeout,
            user_agent_extra="tagwarden.panos",
        )
        self._clients = {}  # type: Dict[str, Any]
        self._session = self._guard("session", self._make_session)

    # -- session and clients --------------------------------------------------------------------------

    def _verify(self) -> Any:
        if not self.settings.validate_certs:
            return False
        return self.settings.aws_ca_bundle or None

    def _make_session(self) -> Any:
        s = self.settings
        # AWS_REGION as amazon.aws reads it; botocore itself knows only AWS_DEFAULT_REGION and profiles.
        session = self._session_factory(
            profile_name=s.profile, aws_access_key_id=s.access_key, aws_secret_access_key=s.secret_key,
            aws_session_token=s.session_token, region_name=s.region or os.environ.get("AWS_REGION") or None,
        )
        if session.region_name is None:
            raise AwsError("no AWS region: set region (or AWS_REGION / the profile's region)")
        if not s.assume_role_arn:
            return session
        sts = self._counted(session.client("sts", endpoint_url=s.endpoint_url, verify=self._verify(),
                                           config=self._config))
        credentials = sts.assume_role(RoleArn=s.assume_role_arn, RoleSessionName=ROLE_SESSION_NAME)["Credentials"]
        self.scrubber.add(credentials["SecretAccessKey"])
        self.scrubber.add(credentials["SessionToken"])
        return self._session_factory(
            aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"], region_name=session.region_name,
        )

    def _counted(self, client: Any) -> Any:
        client.meta.events.register("before-send", self._count)
        return client

    def _count(self, event_name: str = "", **_: Any) -> None:
        operation = event_name.rsplit(".", 1)[-1]
        self.calls += 1
        self.calls_by_operation[operation] = self.calls_by_operation.get(operation, 0) + 1

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._guard(service, lambda: self._counted(self._session.client(
                service, endpoint_url=self.settings.endpoint_url, verify=self._verify(), config=self._config)))
        return self._clients[service]

    def _guard(self, what: str, action: Callable[[], Any]) -> Any:
        """Run action; turn every botocore failure into one scrubbed AwsError."""
        try:
            return action()
        except AwsError as exc:
            raise AwsError(self.scrubber.scrub(exc)) from None
        except botocore.exceptions.ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "Unknown")
            operation = getattr(exc, "operation_name", what)
            raise AwsError(self.scrubber.scrub("AWS %s failed: %s: %s; %s" % (
                operation, code, error.get("Message", ""), _fix_for(code, operation)))) from None
        except botocore.exceptions.ProfileNotFound as exc:
            raise AwsError(self.scrubber.scrub("%s; set profile to one in ~/.aws/config" % exc)) from None
        except botocore.exceptions.NoCredentialsError:
            raise AwsError("no AWS credentials found: set access_key and secret_key, a profile, or the "
                           "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment variables") from None
        except botocore.exceptions.NoRegionError:
            raise AwsError("no AWS region: set region (or AWS_REGION / the profile's region)") from None
        except botocore.exceptions.EndpointConnectionError as exc:
            raise AwsError(self.scrubber.scrub("cannot reach AWS for %s: %s; check endpoint_url, region and "
                                               "the network" % (what, exc))) from None
        except botocore.exceptions.SSLError as exc:
            raise AwsError(self.scrubber.scrub("TLS failure talking to AWS for %s: %s; set aws_ca_bundle to the "
                                               "CA that signs endpoint_url" % (what, exc))) from None
        except botocore.exceptions.BotoCoreError as exc:
            raise AwsError(self.scrubber.scrub("AWS %s failed: %s" % (what, exc))) from None

    def pages(self, service: str, operation: str, key: str, **params: Any) -> List[Any]:
        """Every item under ``key`` in every page of ``operation``."""
        def read() -> List[Any]:
            paginator = self.client(service).get_paginator(operation)
            return [item for page in paginator.paginate(**params) for item in page.get(key, ())]
        api_name = self.client(service).meta.method_to_api_mapping.get(operation, operation)
        return self._guard(api_name, read)

    # -- EC2 reads --------------------------------------------------------------------------------------

    def _ec2(self, operation: str, key: str, filters: Iterable[Tuple[str, Sequence[str]]], page_size: int,
             chunked: Tuple[str, Sequence[str]]) -> List[Any]:
        """Items of a describe call, with the chunked filter split into AWS-sized requests."""
        name, values = chunked
        items = []  # type: List[Any]
        for chunk in _chunks(sorted(set(values))):
            all_filters = [{"Name": n, "Values": list(v)} for n, v in filters] + [{"Name": name, "Values": chunk}]
            items += self.pages("ec2", operation, key, Filters=all_filters,
                                PaginationConfig={"PageSize": page_size})
        return items

    def _instances(self, filters: Iterable[Tuple[str, Sequence[str]]], chunked: Tuple[str, Sequence[str]]) -> Dict[str, Instance]:
        found = {}  # type: Dict[str, Instance]
        for reservation in self._ec2("describe_instances", "Reservations", filters, 1000, chunked):
            for raw in reservation.get("Instances", ()):
                instance = parse_instance(raw)
                found[instance.instance_id] = instance
        return found

    def read_state(self, route_targets: Iterable[str], instance_ids: Optional[Iterable[str]] = None,
                   group_ids: Optional[Iterable[str]] = None) -> AwsState:
        """Read what the rules need. With neither id list, everything routed; else only what they name.

        ``route_targets`` are the firewall's instance and ENI ids: only VPCs with a route table whose
        default route goes to one of them are read further. A full read looks at running and pending
        instances of those VPCs; a scoped read at the named instances in any state, plus the
        instances whose interfaces use a named group.
        """
        targets = set(route_targets)
        full = instance_ids is None and group_ids is None
        named = set(instance_ids or ())
        if group_ids:
            for eni in self._ec2("describe_network_interfaces", "NetworkInterfaces", (), 1000,
                                 ("group-id", list(group_ids))):
                if eni.get("Attachment", {}).get("InstanceId"):
                    named.add(eni["Attachment"]["InstanceId"])
        if full:
            tables = [parse_route_table(r) for r in self.pages(
                "ec2", "describe_route_tables", "RouteTables", PaginationConfig={"PageSize": 100})]
            vpcs = sorted({t.vpc_id for t in tables if targets.intersection(t.default_targets)})
            instances = self._instances([("instance-state-name", ACTIVE_STATES)], ("vpc-id", vpcs)) if vpcs else {}
        else:
            instances = self._instances((), ("instance-id", sorted(named))) if named else {}
            vpcs = sorted({i.vpc_id for inst in instances.values() for i in inst.interfaces})
            tables = [parse_route_table(r) for r in self._ec2(
                "describe_route_tables", "RouteTables", (), 100, ("vpc-id", vpcs))] if vpcs else []
        routed_vpcs = sorted({t.vpc_id for t in tables if targets.intersection(t.default_targets)})
        vpc_cidrs = {}  # type: Dict[str, Tuple[str, ...]]
        if routed_vpcs:
            for raw in self._ec2("describe_vpcs", "Vpcs", (), 1000, ("vpc-id", routed_vpcs)):
                vpc_cidrs[raw["VpcId"]] = parse_vpc_cidrs(raw)
        wanted_groups = sorted({g for inst in instances.values() for i in inst.interfaces
                                if i.vpc_id in vpc_cidrs for g in i.group_ids})
        groups = {}  # type: Dict[str, SecurityGroup]
        if wanted_groups:
            for raw in self._ec2("describe_security_groups", "SecurityGroups", (), 1000, ("group-id", wanted_groups)):
                groups[raw["GroupId"]] = SecurityGroup(
                    group_id=raw["GroupId"], vpc_id=raw.get("VpcId", ""), name=raw.get("GroupName", ""),
                    permissions=tuple(parse_permission(p) for p in raw.get("IpPermissions", ())),
                )
        state = AwsState(route_tables=tables, vpc_cidrs=vpc_cidrs, instances=instances, groups=groups,
                         named_instances=None if full else tuple(sorted(named)))
        for prefix_list in sorted({pl for g in groups.values() for p in g.permissions for pl in p.prefix_lists}):
            try:
                entries = self.pages("ec2", "get_managed_prefix_list_entries", "Entries", PrefixListId=prefix_list,
                                     PaginationConfig={"PageSize": 100})
            except AwsError as exc:  # one unreadable list only skips the permissions that use it
                state.unreadable[prefix_list] = str(exc)
            else:
                state.prefix_lists[prefix_list] = tuple(sorted(e["Cidr"] for e in entries if e.get("Cidr")))
        return state

    def read_log_file(self, bucket: str, key: str) -> bytes:
        """One CloudTrail log file (gzip JSON) from S3."""
        def read() -> bytes:
            body = self.client("s3").get_object(Bucket=bucket, Key=key)["Body"]
            try:
                return body.read()
            finally:
                body.close()
        return self._guard("s3 GetObject %s/%s" % (bucket, key), read)
