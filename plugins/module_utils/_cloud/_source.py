# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS as a source of desired security rules: event or ids -> AWS's current state -> rules.

Plain Python (no Ansible imports); the one entry point a module calls.
"""

from __future__ import annotations


from typing import Any, Iterable, Optional, Set

from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._aws import AWS_ID, AwsClient
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._events import parse_event, read_log_files
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._rules import DesiredRules, RuleSettings, SettingsError
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._rules import derive_rules


def aws_desired_rules(client: AwsClient, settings: RuleSettings, event: Any = None,
                      instance_ids: Optional[Iterable[str]] = None,
                      group_ids: Optional[Iterable[str]] = None) -> DesiredRules:
    """The rules AWS's state calls for.

    With no event and no ids: a full reconcile (``scope`` None, every owned rule is covered). With an
    event (any form :func:`parse_event` accepts; S3 log files are read) and/or ids: only the named
    instances and the instances using the named groups (``scope`` lists them; an event that names
    nothing gives an empty scope, so nothing is touched).
    """
    settings.check()
    for kind, ids in (("instance", instance_ids), ("security group", group_ids)):
        for value in ids or ():
            if not AWS_ID.match(value):
                raise SettingsError("%s id %r is not an AWS id (i-<hex>, sg-<hex>)" % (kind, value))
    notes = []
    if event is not None:
        targets = read_log_files(parse_event(event), client.read_log_file)
        instances = set(instance_ids or ()) | targets.instance_ids  # type: Optional[Set[str]]
        groups = set(group_ids or ()) | targets.group_ids  # type: Optional[Set[str]]
        notes = [{"subject": "event", "reason": note, "permission": ""} for note in targets.notes]
    else:
        instances = None if instance_ids is None else set(instance_ids)
        groups = None if group_ids is None else set(group_ids)
    state = client.read_state(settings.firewall_instance_ids + settings.firewall_eni_ids, instances, groups)
    result = derive_rules(state, settings)
    result.notes = notes + result.notes
    return result
