# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The aws_security_rules_info module: module parameters -> AWS -> the desired rule set.

Plain Python (no Ansible imports). The result feeds tagwarden.panos.security_rule_set directly:
``rules``, ``services``, and ``name_prefixes`` as its ``scope``.
"""

from __future__ import annotations


from typing import Any, Dict, Mapping

from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._aws import AwsClient
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._options import aws_settings, rule_settings
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._source import aws_desired_rules


def rules_facts(params: Mapping[str, Any]) -> Dict[str, Any]:
    """``rules``, ``services``, ``notes``, ``scope`` (instance ids, None: full reconcile), ``name_prefixes``
    (the rule-name prefixes of ``scope``), ``owner_tag``, ``aws_calls``. Raises AwsError, or ValueError
    for bad settings or a malformed event, before or instead of any result."""
    settings = rule_settings(params)
    settings.check()
    client = AwsClient(aws_settings(params))
    desired = aws_desired_rules(client, settings, event=params.get("event"), instance_ids=params.get("instance_ids"),
                                group_ids=params.get("group_ids"))
    result = desired.as_dict()
    result["scope"] = None if desired.scope is None else list(desired.scope)
    result["name_prefixes"] = None if desired.scope is None else [instance + "-" for instance in desired.scope]
    result["owner_tag"] = settings.owner_tag
    result["aws_calls"] = client.calls
    return result
