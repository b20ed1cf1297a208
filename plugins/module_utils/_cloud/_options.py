# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs of the AWS connection options and the AWS rule options, and their settings.

Plain Python (no Ansible imports). Documented by the doc fragments ``tagwarden.panos.aws`` and
``tagwarden.panos.aws_rules``. Option names and aliases are amazon.aws's.
"""

from __future__ import annotations


from typing import Any, Dict, Mapping

from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._aws import DEFAULT_ATTEMPTS, AwsSettings
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._rules import DEFAULT_APPLICATIONS
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._rules import DEFAULT_OWNER_TAG, RuleSettings


def aws_argument_spec() -> Dict[str, Dict[str, Any]]:
    return {
        "region": {"type": "str", "aliases": ["aws_region", "ec2_region"]},
        "profile": {"type": "str", "aliases": ["aws_profile"]},
        "access_key": {"type": "str", "aliases": ["aws_access_key_id", "aws_access_key", "ec2_access_key"],
                       "no_log": False},
        "secret_key": {"type": "str", "aliases": ["aws_secret_access_key", "aws_secret_key", "ec2_secret_key"],
                       "no_log": True},
        "session_token": {"type": "str", "aliases": ["aws_session_token", "security_token", "aws_security_token"],
                          "no_log": True},
        "endpoint_url": {"type": "str", "aliases": ["aws_endpoint_url", "ec2_url"]},
        "aws_ca_bundle": {"type": "path"},
        "validate_certs": {"type": "bool", "default": True},
        "assume_role_arn": {"type": "str"},
        "aws_attempts": {"type": "int", "default": DEFAULT_ATTEMPTS},
    }


def rule_argument_spec() -> Dict[str, Dict[str, Any]]:
    return {
        "firewall_instance_ids": {"type": "list", "elements": "str", "default": []},
        "firewall_eni_ids": {"type": "list", "elements": "str", "default": []},
        "from_zones": {"type": "list", "elements": "str", "default": ["any"]},
        "to_zones": {"type": "list", "elements": "str", "default": ["any"]},
        "profile_group": {"type": "str"},
        "log_setting": {"type": "str"},
        "log_end": {"type": "bool", "default": True},
        "owner_tag": {"type": "str", "default": DEFAULT_OWNER_TAG},
        "applications": {"type": "dict"},
    }


def aws_settings(params: Mapping[str, Any]) -> AwsSettings:
    return AwsSettings(
        region=params.get("region"), profile=params.get("profile"), access_key=params.get("access_key"),
        secret_key=params.get("secret_key"), session_token=params.get("session_token"),
        endpoint_url=params.get("endpoint_url"), aws_ca_bundle=params.get("aws_ca_bundle"),
        validate_certs=params.get("validate_certs", True), assume_role_arn=params.get("assume_role_arn"),
        attempts=params.get("aws_attempts", DEFAULT_ATTEMPTS),
    )


def rule_settings(params: Mapping[str, Any]) -> RuleSettings:
    applications = params.get("applications")
    return RuleSettings(
        firewall_instance_ids=tuple(params.get("firewall_instance_ids") or ()),
        firewall_eni_ids=tuple(params.get("firewall_eni_ids") or ()),
        from_zones=tuple(params.get("from_zones", ("any",))), to_zones=tuple(params.get("to_zones", ("any",))),
        profile_group=params.get("profile_group"), log_setting=params.get("log_setting"),
        log_end=params.get("log_end", True), owner_tag=params.get("owner_tag", DEFAULT_OWNER_TAG),
        applications=dict(DEFAULT_APPLICATIONS) if applications is None else {
            str(k): str(v) for k, v in applications.items()},
    )
