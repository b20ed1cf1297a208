# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Quota options checked and turned into :func:`~._evaluate.evaluate` arguments.

Human sizes ("20MB"), durations ("15m") and firewall time strings become numbers and datetimes;
every problem is reported in one ValueError, each naming the value and the fix.
"""

from __future__ import annotations


from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._address import strict_ip
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import parse_firewall_time
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import MAX_TAG_TIMEOUT
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._evaluate import SCOPES, AddressSet, QuotaPolicy, Row, State
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._units import parse_bytes, parse_duration
from ansible_collections.tagwarden.panos.plugins.module_utils._state._until import until_by_holder

EXEMPT_KEYS = ("ips", "users", "groups")

# The argument spec of doc fragment tagwarden.panos.quota_policy (quota_evaluate, quota_cycle),
# checked into a QuotaPolicy by policy_inputs.
QUOTA_POLICY = dict(
    quotas=dict(type="dict", default={}),
    overrides=dict(type="dict", default={}),
    exempt=dict(type="dict", default={}),
    block_duration=dict(type="raw", default="15m"),
    top=dict(type="int", default=10),
    tag=dict(type="str", default="quota"),
)  # type: Dict[str, Dict[str, Any]]


def _sizes(where: str, values: Any, errors: List[str]) -> Dict[str, int]:
    result: Dict[str, int] = {}
    if not isinstance(values, Mapping):
        errors.append("%s must be a dictionary of names to sizes, not %r" % (where, values))
        return result
    for name, value in values.items():
        try:
            result[str(name)] = parse_bytes(value)
        except ValueError as error:
            errors.append("%s[%r]: %s" % (where, name, error))
    return result


def _scoped(where: str, value: Any, allowed: Sequence[str], errors: List[str]) -> Dict[str, Any]:
    value = value or {}
    if not isinstance(value, Mapping):
        errors.append("%s must be a dictionary with keys %s, not %r" % (where, ", ".join(allowed), value))
        return {}
    for key in value:
        if key not in allowed:
            errors.append("%s has unknown key %r; use %s" % (where, key, ", ".join(allowed)))
    return {key: value[key] for key in allowed if value.get(key) is not None}


def _time(where: str, value: Any, errors: List[str]) -> Optional[datetime]:
    try:
        return parse_firewall_time(value)
    except ValueError as error:
        errors.append("%s: %s" % (where, error))
        return None


def _rows(rows: Any, errors: List[str], limit: int = 5) -> List[Row]:
    """Validate and normalise rows; report at most ``limit`` bad rows so the message stays readable."""
    result: List[Row] = []
    canonical: Dict[str, str] = {}  # rows repeat IPs; normalise each distinct text once
    bad: List[str] = []
    for index, row in enumerate(rows or ()):
        try:
            if not isinstance(row, Mapping):
                raise ValueError("is not a dictionary with ip, user and bytes")
            text = row.get("ip")
            if not isinstance(text, str):
                ip = strict_ip(text)  # raises: not an address
            else:
                ip = canonical.get(text) or canonical.setdefault(text, strict_ip(text))
            count = row.get("bytes")
            if isinstance(count, str) and count.strip().isdigit():
                count = int(count)
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError("bytes %r is not a whole number of bytes (0 or more)" % (count,))
            user = row.get("user")
            if user is not None and not isinstance(user, str):
                raise ValueError("user %r is not a string" % (user,))
            result.append({"ip": ip, "user": user or None, "bytes": count})
        except ValueError as error:
            bad.append("rows[%d]: %s" % (index, error))
    if bad:
        errors.extend(bad[:limit])
        if len(bad) > limit:
            errors.append("and %d more bad rows" % (len(bad) - limit))
    return result


def _policy(options: Mapping[str, Any], errors: List[str]) -> QuotaPolicy:
    """The settings part of the options: quotas, overrides, exemptions, block duration, top, tag."""
    quotas = _sizes("quotas", _scoped("quotas", options.get("quotas"), SCOPES, errors), errors)
    overrides = {scope: _sizes("overrides.%s" % scope, names, errors)
                 for scope, names in _scoped("overrides", options.get("overrides"), SCOPES, errors).items()}
    if "ip" in overrides:
        ip_overrides = {}
        for name, quota in overrides["ip"].items():
            try:
                ip_overrides[strict_ip(name)] = quota
            except ValueError as error:
                errors.append("overrides.ip: %s" % error)
        overrides["ip"] = ip_overrides
    exempt = _scoped("exempt", options.get("exempt"), EXEMPT_KEYS, errors)
    for key, names in list(exempt.items()):
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            errors.append("exempt.%s must be a list of strings, not %r" % (key, names))
            del exempt[key]
    try:
        AddressSet(exempt.get("ips", ()))
    except ValueError as error:
        errors.append("exempt.ips: %s" % error)
    try:
        block_seconds = parse_duration(options.get("block_duration", "15m"))
        if not 0 < block_seconds <= MAX_TAG_TIMEOUT:
            raise ValueError("block_duration %r is out of range; use 1 second to 30 days" % (options.get("block_duration"),))
    except ValueError as error:
        errors.append("block_duration: %s" % error)
        block_seconds = 900
    top = options.get("top", 10)
    if not isinstance(top, int) or top < 0:
        errors.append("top %r must be a whole number, 0 or more" % (top,))
    return QuotaPolicy(quotas, overrides, exempt, block_seconds, top, options.get("tag") or "quota")


def group_problems(groups: Mapping[str, Any], where: str = "groups") -> List[str]:
    """One problem per group whose members are not a list of user names."""
    return ["%s[%r] must be a list of user names, not %r" % (where, group, members) for group, members in groups.items()
            if not isinstance(members, list) or not all(isinstance(member, str) for member in members)]


def policy_inputs(options: Mapping[str, Any]) -> QuotaPolicy:
    """Validate the settings part of the options alone (before anything is read); one ValueError for all problems."""
    errors: List[str] = []
    policy = _policy(options, errors)
    if errors:
        raise ValueError("; ".join(errors))
    return policy


def options_to_inputs(options: Mapping[str, Any]) -> Dict[str, Any]:
    """Validate module options (human sizes, firewall time strings) into :func:`evaluate` keyword
    arguments (the policy as a QuotaPolicy). All problems are reported in one ValueError, each naming the value and the fix."""
    errors: List[str] = []
    policy = _policy(options, errors)
    tag = policy.tag
    mapping = []
    for index, entry in enumerate(options.get("ip_user_mapping") or ()):
        try:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("user"), str) or not entry["user"]:
                raise ValueError("needs ip and user, got %r" % (entry,))
            mapping.append({"ip": strict_ip(entry.get("ip")), "user": entry["user"]})
        except ValueError as error:
            errors.append("ip_user_mapping[%d]: %s" % (index, error))

    groups = options.get("groups") or {}
    errors.extend(group_problems(groups))

    state = _scoped("blocked", options.get("blocked"), ("ips", "groups"), errors)
    blocked: Dict[str, State] = {"ips": {}, "groups": {}}
    for ip, value in (state.get("ips") or {}).items():
        try:
            ip = strict_ip(ip)
        except ValueError as error:
            errors.append("blocked.ips: %s" % error)
            continue
        if isinstance(value, list):  # the IP's registered tags, as the registered-IP reading returns them
            blocked["ips"].update(until_by_holder({ip: value}, tag))
        else:
            blocked["ips"][ip] = None if value is None else _time("blocked.ips[%r]" % ip, value, errors)
    for group, value in (state.get("groups") or {}).items():
        blocked["groups"][group] = None if value is None else _time("blocked.groups[%r]" % group, value, errors)

    now = _time("now", options.get("now"), errors)
    rows = _rows(options.get("rows"), errors)
    if errors:
        raise ValueError("; ".join(errors))
    return dict(policy=policy, rows=rows, now=now, groups=groups, ip_user_mapping=mapping, blocked=blocked)
