# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The quota evaluation core: usage rows + quotas + current block state -> what to block and release.

Pure and deterministic: the caller passes everything, including ``now`` (the firewall's
clock); nothing is read or written here. Rows are ``{"ip", "user", "bytes"}`` with canonical IP
text (see ``_quota_report.normalize_ip``); :func:`options_to_inputs` turns module options into
the arguments of :func:`evaluate` and does that validation.

Semantics (docs/design.md and the quota design):
- A name is over quota when its bytes exceed its quota (strictly greater). Per-name overrides
  win over the scope's quota; a scope without a quota checks only its overridden names.
- Users are matched case-insensitively everywhere (rows, groups, mapping, overrides,
  exemptions); output shows the first spelling seen in the rows. Group names are matched
  case-insensitively for overrides and exemptions (LDAP DNs are), output keeps their spelling.
- A user block blocks every IP of the user: report rows with the user plus IP-user mappings.
- Exempt IPs/CIDRs, exempt users (and every IP that belongs to one, in the rows or the
  mapping) and exempt groups are never blocked; our blocks on them are released.
- Blocks are never extended or renewed while they last; a block whose end has passed is
  released and is not re-blocked in the same cycle (the next report decides).
- A user's new IP joins the user's running block: it gets the latest ``until`` of the user's IPs
  that are still blocked, not a fresh full block.
- Block state entries whose ``until`` is None carry the tag without our companion tag (IPs) or
  have no release time in the rule description (groups): not ours, left alone.
"""

from __future__ import absolute_import, division, print_function
from __future__ import annotations

__metaclass__ = type

import heapq
import ipaddress
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import compress, repeat
from operator import itemgetter
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._quota_report import normalize_ip
from ansible_collections.tagwarden.panos.plugins.module_utils._quota_state import (
    block_state_from_tags,
    format_firewall_time,
    parse_firewall_time,
    until_tag,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._units import format_bytes, parse_bytes, parse_duration

SCOPES = ("ip", "user", "group")
EXEMPT_KEYS = ("ips", "users", "groups")
MAX_TAG_TIMEOUT = 2592000  # seconds; the longest native tag timeout PAN-OS accepts (30 days)
REASON_IP = "address over quota"
REASON_USER = "user over quota"
REASON_GROUP = "group over quota"
RELEASE_ENDED = "block ended"
RELEASE_EXEMPT = "exempt"

Row = Dict[str, Any]
State = Dict[str, Optional[datetime]]


class AddressSet:
    """IP addresses and networks; a lookup costs one set probe per distinct prefix length, so
    thousands of CIDRs stay as fast as a few."""

    def __init__(self, items: Iterable[str]) -> None:
        networks: Dict[Tuple[int, int], Set[int]] = {}
        for item in items:
            try:
                network = ipaddress.ip_network(str(item).strip())
            except ValueError:
                raise ValueError("%r is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24, without host bits set)" % (item,))
            shift = network.max_prefixlen - network.prefixlen
            networks.setdefault((network.version, shift), set()).add(int(network.network_address) >> shift)
        self._shifts: Dict[int, List[Tuple[int, Set[int]]]] = {}
        for (version, shift), prefixes in sorted(networks.items()):
            self._shifts.setdefault(version, []).append((shift, prefixes))

    def __contains__(self, ip: str) -> bool:
        if not self._shifts:
            return False
        version, value = _ip_key(ip)
        return any(value >> shift in prefixes for shift, prefixes in self._shifts.get(version, ()))


class _Limits:
    """The quota of each name of one scope: override, else the scope's quota, else none."""

    def __init__(self, default: Optional[int], overrides: Mapping[str, int], fold: bool) -> None:
        self.default = default
        self.fold = fold
        self.overrides = {name.lower(): quota for name, quota in overrides.items()} if fold else dict(overrides)

    def quota(self, name: str) -> Optional[int]:
        return self.overrides.get(name.lower() if self.fold else name, self.default)

    def over(self, totals: Mapping[str, int]) -> Dict[str, int]:
        """``{name: bytes}`` of the names over quota: one comparison per name for the scope's
        quota (this runs on every IP), then the few overridden names are corrected."""
        default = self.default
        result = {name: count for name, count in totals.items() if count > default} if default is not None else {}
        if self.overrides:
            names = {name.lower(): name for name in totals} if self.fold else {name: name for name in self.overrides if name in totals}
            for key, quota in self.overrides.items():
                name = names.get(key)
                if name is None:
                    continue
                if totals[name] > quota:
                    result[name] = totals[name]
                else:
                    result.pop(name, None)
        return result


@dataclass
class Evaluation:
    """What one cycle must do. Times are firewall-local naive datetimes; :meth:`as_dict` formats them."""

    now: datetime
    block_ips: List[Dict[str, Any]] = field(default_factory=list)
    release_ips: List[Dict[str, Any]] = field(default_factory=list)
    block_groups: List[Dict[str, Any]] = field(default_factory=list)
    release_groups: List[Dict[str, Any]] = field(default_factory=list)
    groups_after: Dict[str, Optional[datetime]] = field(default_factory=dict)
    usage: Dict[str, List[Dict[str, Any]]] = field(default_factory=dict)
    currently_blocked: List[Dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> Dict[str, Any]:
        return _plain({name: getattr(self, name) for name in self.__dataclass_fields__})


def _plain(value: Any) -> Any:
    """Copy of ``value`` with datetimes as firewall time strings (JSON-ready)."""
    if isinstance(value, datetime):
        return format_firewall_time(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _ip_key(ip: str) -> Tuple[int, int]:
    """(version, integer) of an address; inet_pton is C and ten times faster than ipaddress,
    which matters when tens of thousands of IPs are blocked or checked at once."""
    family, version = (socket.AF_INET6, 6) if ":" in ip else (socket.AF_INET, 4)
    try:
        return version, int.from_bytes(socket.inet_pton(family, ip), "big")
    except OSError:  # e.g. an IPv6 scope (fe80::1%eth0), which inet_pton refuses
        address = ipaddress.ip_address(ip)
        return address.version, int(address)


def _percent(count: int, quota: Optional[int]) -> Optional[float]:
    return round(100.0 * count / quota, 1) if quota else None


def _top(totals: Mapping[str, int], limits: _Limits, top: int, display: Optional[Mapping[str, str]] = None) -> List[Dict[str, Any]]:
    """The ``top`` largest users of a scope; ties keep the order of the rows (nlargest is stable)."""
    table = []
    for name, count in heapq.nlargest(top, totals.items(), key=itemgetter(1)):
        quota = limits.quota(name)
        table.append({"name": display[name] if display else name, "bytes": count, "quota": quota,
                      "percent": _percent(count, quota), "over": quota is not None and count > quota})
    return table


def evaluate(
    rows: Iterable[Row],
    now: datetime,
    quotas: Optional[Mapping[str, int]] = None,
    overrides: Optional[Mapping[str, Mapping[str, int]]] = None,
    exempt: Optional[Mapping[str, Iterable[str]]] = None,
    groups: Optional[Mapping[str, Sequence[str]]] = None,
    ip_user_mapping: Optional[Iterable[Mapping[str, str]]] = None,
    blocked: Optional[Mapping[str, Mapping[str, Optional[datetime]]]] = None,
    block_seconds: int = 900,
    top: int = 10,
    tag: str = "quota",
) -> Evaluation:
    """Decide one quota cycle. See the module docstring for the rules.

    ``rows`` is read up to three times; pass a list (a one-shot iterable is copied first).
    """
    if not isinstance(rows, (list, tuple)):
        rows = list(rows)
    if not 0 < block_seconds <= MAX_TAG_TIMEOUT:
        raise ValueError("block_seconds %r is out of range; use 1 to %d seconds (the longest PAN-OS tag timeout)" % (block_seconds, MAX_TAG_TIMEOUT))
    quotas = quotas or {}
    overrides = overrides or {}
    exempt = exempt or {}
    blocked = blocked or {}
    now = now.replace(microsecond=0)
    fresh_until = now + timedelta(seconds=block_seconds)
    ip_limits = _Limits(quotas.get("ip"), overrides.get("ip", {}), fold=False)
    user_limits = _Limits(quotas.get("user"), overrides.get("user", {}), fold=True)
    group_limits = _Limits(quotas.get("group"), overrides.get("group", {}), fold=True)

    # Pass 1: bytes per IP and per user spelling; the hot loop does dict updates only
    # ("in" then "+=" measured faster than dict.get on CPython 3.11).
    ip_bytes: Dict[str, int] = {}
    spelled_bytes: Dict[str, int] = {}
    for row in rows:
        count = row["bytes"]
        ip = row["ip"]
        if ip in ip_bytes:
            ip_bytes[ip] += count
        else:
            ip_bytes[ip] = count
        user = row["user"]
        if user:
            if user in spelled_bytes:
                spelled_bytes[user] += count
            else:
                spelled_bytes[user] = count

    user_bytes: Dict[str, int] = {}  # lower-case user -> bytes
    display: Dict[str, str] = {}  # lower-case user -> first spelling seen
    lower_of: Dict[str, str] = {}  # spelling -> lower-case user
    for spelling, count in spelled_bytes.items():
        key = lower_of[spelling] = spelling.lower()
        if key in user_bytes:
            user_bytes[key] += count
        else:
            user_bytes[key] = count
            display[key] = spelling

    # A user counts once per group even if listed twice, and toward every group it is in.
    group_bytes = {group: sum(map(user_bytes.get, set(map(str.lower, members)), repeat(0)))
                   for group, members in (groups or {}).items()}

    exempt_addresses = AddressSet(exempt.get("ips", ()))
    exempt_users = {user.lower() for user in exempt.get("users", ())}
    exempt_groups = {group.lower() for group in exempt.get("groups", ())}

    ip_over = ip_limits.over(ip_bytes)
    user_over = user_limits.over(user_bytes)
    group_over = group_limits.over(group_bytes)

    # Pass 2 collects the IPs of over-quota users, the IPs of exempt users and the user shown for
    # an over-quota IP (from the mapping, else the first report row with a user). Per-row tests
    # run in C (compress over itemgetter columns); the Python bodies see only matching rows.
    # Ordered dicts, not sets, where output order follows: it must not depend on hashing.
    user_ips: Dict[str, Dict[str, None]] = {key: {} for key in user_over}
    exempt_user_ips: Set[str] = set()
    ip_user: Dict[str, str] = {}
    watched = {spelling: key for spelling, key in lower_of.items() if key in user_over or key in exempt_users}
    if watched:
        for row in compress(rows, map(watched.__contains__, map(itemgetter("user"), rows))):
            key = watched[row["user"]]
            if key in user_ips:
                user_ips[key][row["ip"]] = None
            if key in exempt_users:
                exempt_user_ips.add(row["ip"])
    for entry in ip_user_mapping or ():
        ip = entry["ip"]
        key = entry["user"].lower()
        if key in user_ips:
            user_ips[key][ip] = None
        if key in exempt_users:
            exempt_user_ips.add(ip)
        if ip in ip_over:
            ip_user.setdefault(ip, entry["user"])
    # compress sees ``pending`` shrink (map calls __contains__ lazily), so heavy IPs stop costing
    pending = {ip for ip in ip_over if ip not in ip_user}
    if pending:
        for row in compress(rows, map(pending.__contains__, map(itemgetter("ip"), rows))):
            if row["user"]:
                ip_user[row["ip"]] = row["user"]
                pending.discard(row["ip"])

    def is_exempt(ip: str) -> bool:
        return ip in exempt_user_ips or ip in exempt_addresses

    result = Evaluation(now=now)
    blocked_ips: State = dict(blocked.get("ips", {}))
    blocked_groups: State = dict(blocked.get("groups", {}))

    released = _releases(blocked_ips, now, is_exempt)
    result.release_ips = [{"ip": ip, "until": until, "reason": reason, "tags": [tag, until_tag(tag, until)]}
                          for ip, (until, reason) in released.items()]

    new_ips: Dict[str, Dict[str, Any]] = {}
    companions: Dict[datetime, str] = {}  # few distinct ends; thousands of blocks may share one

    def block_ip(ip: str, reason: str, user: Optional[str], count: int, quota: Optional[int], until: datetime) -> None:
        if ip in blocked_ips or ip in new_ips or is_exempt(ip):
            return
        if until not in companions:
            companions[until] = until_tag(tag, until)
        new_ips[ip] = {"ip": ip, "reason": reason, "user": user, "bytes": count, "quota": quota, "until": until,
                       "timeout": int((until - now).total_seconds()), "tags": [tag, companions[until]]}

    for ip, count in ip_over.items():
        block_ip(ip, REASON_IP, ip_user.get(ip), count, ip_limits.quota(ip), fresh_until)
    for key, count in user_over.items():
        running = [until for until in (blocked_ips.get(ip) for ip in user_ips[key] if ip not in released) if until is not None]
        until = max(running) if running else fresh_until
        for ip in user_ips[key]:
            block_ip(ip, REASON_USER, display[key], count, user_limits.quota(key), until)
    result.block_ips = sorted(new_ips.values(), key=lambda entry: _ip_key(entry["ip"]))

    released_groups = _releases(blocked_groups, now, lambda group: group.lower() in exempt_groups)
    result.release_groups = [{"group": group, "until": until, "reason": reason} for group, (until, reason) in released_groups.items()]
    result.groups_after = {group: until for group, until in blocked_groups.items() if group not in released_groups}
    for group, count in group_over.items():
        if group in blocked_groups or group.lower() in exempt_groups:
            continue
        quota = group_limits.quota(group)
        result.block_groups.append({"group": group, "reason": REASON_GROUP, "bytes": count, "quota": quota, "until": fresh_until})
        result.groups_after[group] = fresh_until
    result.block_groups.sort(key=itemgetter("group"))
    result.groups_after = dict(sorted(result.groups_after.items()))

    result.usage = {
        "ip": _top(ip_bytes, ip_limits, top),
        "user": _top(user_bytes, user_limits, top, display),
        "group": _top(group_bytes, group_limits, top),
    }

    still_blocked = {ip: until for ip, until in blocked_ips.items() if ip not in released}
    still_blocked.update((ip, entry["until"]) for ip, entry in new_ips.items())
    result.currently_blocked = [_blocked_entry("ip", ip, until, now) for ip, until in sorted(still_blocked.items(), key=lambda item: _ip_key(item[0]))]
    result.currently_blocked += [_blocked_entry("group", group, until, now) for group, until in result.groups_after.items()]
    return result


def _releases(state: State, now: datetime, is_exempt: Callable[[str], bool]) -> Dict[str, Tuple[datetime, str]]:
    """``{name: (until, reason)}`` of our blocks (``until`` set) that have ended or are now exempt."""
    released = {}
    for name, until in state.items():
        if until is not None and (until <= now or is_exempt(name)):
            released[name] = (until, RELEASE_ENDED if until <= now else RELEASE_EXEMPT)
    return released


def _blocked_entry(kind: str, name: str, until: Optional[datetime], now: datetime) -> Dict[str, Any]:
    return {"kind": kind, "name": name, "until": until, "ours": until is not None,
            "seconds_left": int((until - now).total_seconds()) if until is not None else None}


def _left(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return "%dh %02dm %02ds" % (hours, minutes, seconds) if hours else "%dm %02ds" % (minutes, seconds)


def _of_quota(count: int, quota: Optional[int]) -> str:
    if quota is None:
        return "%s (no quota)" % format_bytes(count)
    return "%s of %s (%s%%)" % (format_bytes(count), format_bytes(quota), _percent(count, quota) if quota else "-")


def _shown(lines: List[str], entries: Sequence[Any], limit: Optional[int], what: str, line: Callable[[Any], str]) -> None:
    """Lines for at most ``limit`` entries, then one line counting the rest."""
    shown = entries if limit is None else entries[:limit]
    lines.extend(line(entry) for entry in shown)
    if len(entries) > len(shown):
        lines.append("  ... and %d more %s" % (len(entries) - len(shown), what))


def _block_line(entry: Mapping[str, Any]) -> str:
    name = entry.get("ip") or entry.get("group")
    kind = "ip" if "ip" in entry else "group"
    who = " (user %s)" % entry["user"] if entry.get("user") else ""
    return "  BLOCK %s %s%s until %s: %s, %s" % (
        kind, name, who, format_firewall_time(entry["until"]), entry["reason"], _of_quota(entry["bytes"], entry["quota"]))


def _release_line(entry: Mapping[str, Any]) -> str:
    kind = "ip" if "ip" in entry else "group"
    return "  RELEASE %s %s: %s (was until %s)" % (kind, entry[kind], entry["reason"], format_firewall_time(entry["until"]))


def _blocked_line(entry: Mapping[str, Any]) -> str:
    left = "%s left" % _left(entry["seconds_left"]) if entry["ours"] else "not managed by the quota cycle"
    return "  blocked %s %s: %s" % (entry["kind"], entry["name"], left)


def summary_lines(result: Evaluation, limit: Optional[int] = None) -> List[str]:
    """The cycle at a glance, like the seed script printed each minute; each list of blocks,
    releases and blocks in force shows at most ``limit`` entries and counts the rest."""
    lines = ["Quota cycle at %s" % format_firewall_time(result.now)]
    for scope in SCOPES:
        for entry in result.usage.get(scope, []):
            lines.append("  usage %-5s %s: %s%s" % (scope, entry["name"], _of_quota(entry["bytes"], entry["quota"]), " OVER" if entry["over"] else ""))
    _shown(lines, result.block_ips, limit, "addresses blocked", _block_line)
    _shown(lines, result.block_groups, limit, "groups blocked", _block_line)
    _shown(lines, result.release_ips + result.release_groups, limit, "released", _release_line)
    _shown(lines, result.currently_blocked, limit, "blocks in force", _blocked_line)
    if len(lines) == 1:
        lines.append("  no usage, nothing blocked")
    return lines


# ---- module options -> evaluate() arguments ------------------------------------------------

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
            ip = canonical.get(text) if isinstance(text, str) else None
            if ip is None:
                ip = canonical[text] = normalize_ip(text)
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


def _policy(options: Mapping[str, Any], errors: List[str]) -> Dict[str, Any]:
    """The settings part of the options: quotas, overrides, exemptions, block duration, top, tag."""
    quotas = _sizes("quotas", _scoped("quotas", options.get("quotas"), SCOPES, errors), errors)
    overrides = {scope: _sizes("overrides.%s" % scope, names, errors)
                 for scope, names in _scoped("overrides", options.get("overrides"), SCOPES, errors).items()}
    if "ip" in overrides:
        ip_overrides = {}
        for name, quota in overrides["ip"].items():
            try:
                ip_overrides[normalize_ip(name)] = quota
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
    return {"quotas": quotas, "overrides": overrides, "exempt": exempt, "block_seconds": block_seconds, "top": top,
            "tag": options.get("tag") or "quota"}


def policy_inputs(options: Mapping[str, Any]) -> Dict[str, Any]:
    """Validate the settings part of the options alone (before anything is read); one ValueError for all problems."""
    errors: List[str] = []
    policy = _policy(options, errors)
    if errors:
        raise ValueError("; ".join(errors))
    return policy


def options_to_inputs(options: Mapping[str, Any]) -> Dict[str, Any]:
    """Validate module options (human sizes, firewall time strings) into :func:`evaluate` keyword
    arguments. All problems are reported in one ValueError, each naming the value and the fix."""
    errors: List[str] = []
    policy = _policy(options, errors)
    tag = policy["tag"]
    mapping = []
    for index, entry in enumerate(options.get("ip_user_mapping") or ()):
        try:
            if not isinstance(entry, Mapping) or not isinstance(entry.get("user"), str) or not entry["user"]:
                raise ValueError("needs ip and user, got %r" % (entry,))
            mapping.append({"ip": normalize_ip(entry.get("ip")), "user": entry["user"]})
        except ValueError as error:
            errors.append("ip_user_mapping[%d]: %s" % (index, error))

    groups = options.get("groups") or {}
    for group, members in groups.items():
        if not isinstance(members, list) or not all(isinstance(member, str) for member in members):
            errors.append("groups[%r] must be a list of user names, not %r" % (group, members))

    state = _scoped("blocked", options.get("blocked"), ("ips", "groups"), errors)
    blocked: Dict[str, State] = {"ips": {}, "groups": {}}
    for ip, value in (state.get("ips") or {}).items():
        try:
            ip = normalize_ip(ip)
        except ValueError as error:
            errors.append("blocked.ips: %s" % error)
            continue
        if isinstance(value, list):  # the IP's registered tags, as the registered-IP reading returns them
            blocked["ips"].update(block_state_from_tags({ip: value}, tag))
        else:
            blocked["ips"][ip] = None if value is None else _time("blocked.ips[%r]" % ip, value, errors)
    for group, value in (state.get("groups") or {}).items():
        blocked["groups"][group] = None if value is None else _time("blocked.groups[%r]" % group, value, errors)

    now = _time("now", options.get("now"), errors)
    rows = _rows(options.get("rows"), errors)
    if errors:
        raise ValueError("; ".join(errors))
    return dict(policy, rows=rows, now=now, groups=groups, ip_user_mapping=mapping, blocked=blocked)
