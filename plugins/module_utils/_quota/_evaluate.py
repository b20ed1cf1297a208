# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The quota evaluation core: usage rows + quotas + current block state -> what to block and release.

Pure and deterministic: the caller passes everything, including ``now`` (the firewall's
clock); nothing is read or written here. Rows are ``{"ip", "user", "bytes"}`` with canonical IP
text (``_panos._address``); ``_options.options_to_inputs`` turns module options into the
arguments of :func:`evaluate` and does that validation, ``_summary`` prints the result.

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
- Blocks the firewall ended by itself (``ended``: the block tag timed out, its bookkeeping, which
  outlives it, is still there) are released in the cycle that finds them, marked
  ``ended_by: firewall`` (the cycle's own releases: ``ended_by: cycle``), and not blocked again
  in that cycle.
"""

from __future__ import annotations


import heapq
import ipaddress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import compress, repeat
from operator import itemgetter
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._address import ip_int
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import format_firewall_time
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import MAX_TAG_TIMEOUT
from ansible_collections.tagwarden.panos.plugins.module_utils._state._until import until_index_tag, until_tag

SCOPES = ("ip", "user", "group")
REASON_IP = "address over quota"
REASON_USER = "user over quota"
REASON_GROUP = "group over quota"
RELEASE_ENDED = "block ended"
RELEASE_EXEMPT = "exempt"
RELEASE_REMOVED = "block removed on the firewall"  # its tag gone before its end: someone unregistered it
ENDED_BY_CYCLE = "cycle"  # this cycle removes the block
ENDED_BY_FIREWALL = "firewall"  # the block's native timeout ended it before this cycle

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
        version, value = ip_int(ip)
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


def percent(count: int, quota: Optional[int]) -> Optional[float]:
    return round(100.0 * count / quota, 1) if quota else None


def _top(totals: Mapping[str, int], limits: _Limits, top: int, display: Optional[Mapping[str, str]] = None) -> List[Dict[str, Any]]:
    """The ``top`` largest users of a scope; ties keep the order of the rows (nlargest is stable)."""
    table = []
    for name, count in heapq.nlargest(top, totals.items(), key=itemgetter(1)):
        quota = limits.quota(name)
        table.append({"name": display[name] if display else name, "bytes": count, "quota": quota,
                      "percent": percent(count, quota), "over": quota is not None and count > quota})
    return table


def _tally(rows: Sequence[Row]) -> Tuple[Dict[str, int], Dict[str, int], Dict[str, str], Dict[str, str]]:
    """Bytes per IP and per user (lower-case), the first spelling of each user, spelling -> key.

    The hot loop does dict updates only ("in" then "+=" measured faster than dict.get on CPython 3.11)."""
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
    return ip_bytes, user_bytes, display, lower_of


class _Addresses:
    """Pass 2: the IPs of over-quota users, the IPs of exempt users and the user shown for an
    over-quota IP (from the mapping, else the first report row with a user). Per-row tests run in
    C (compress over itemgetter columns); the Python bodies see only matching rows. Ordered
    dicts, not sets, where output order follows: it must not depend on hashing."""

    def __init__(self, rows: Sequence[Row], mapping: Iterable[Mapping[str, str]], lower_of: Mapping[str, str],
                 user_over: Mapping[str, int], exempt_users: Set[str], ip_over: Mapping[str, int]) -> None:
        self.user_ips: Dict[str, Dict[str, None]] = {key: {} for key in user_over}
        self.exempt_user_ips: Set[str] = set()
        self.ip_user: Dict[str, str] = {}
        user_ips, exempt_user_ips, ip_user = self.user_ips, self.exempt_user_ips, self.ip_user
        watched = {spelling: key for spelling, key in lower_of.items() if key in user_over or key in exempt_users}
        if watched:
            for row in compress(rows, map(watched.__contains__, map(itemgetter("user"), rows))):
                key = watched[row["user"]]
                if key in user_ips:
                    user_ips[key][row["ip"]] = None
                if key in exempt_users:
                    exempt_user_ips.add(row["ip"])
        for entry in mapping:
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


class _IpBlocks:
    """New IP blocks of one cycle: never on an IP already blocked or exempt."""

    def __init__(self, tag: str, now: datetime, blocked: State, is_exempt: Callable[[str], bool]) -> None:
        self.tag = tag
        self.now = now
        self.blocked = blocked
        self.is_exempt = is_exempt
        self.new: Dict[str, Dict[str, Any]] = {}
        self._companions: Dict[datetime, str] = {}  # few distinct ends; thousands of blocks may share one

    def block(self, ip: str, reason: str, user: Optional[str], count: int, quota: Optional[int], until: datetime) -> None:
        if ip in self.blocked or ip in self.new or self.is_exempt(ip):
            return
        companion = self._companions.get(until)
        if companion is None:
            companion = self._companions[until] = until_tag(self.tag, until)
        self.new[ip] = {"ip": ip, "reason": reason, "user": user, "bytes": count, "quota": quota, "until": until,
                        "timeout": int((until - self.now).total_seconds()), "tags": [self.tag, companion]}


def _by_address(item: Tuple[str, Any]) -> Tuple[int, int]:
    return ip_int(item[0])


@dataclass(frozen=True)
class QuotaPolicy:
    """The quota policy, checked (``_options.policy_inputs`` builds it from the options of doc
    fragment tagwarden.panos.quota_policy): bytes allowed per scope (``ip``, ``user``, ``group``),
    per-name overrides by scope, exemptions (``ips``, ``users``, ``groups``), how long a new block
    lasts, how many of the largest users to list, and the block tag."""

    quotas: Mapping[str, int] = field(default_factory=dict)
    overrides: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    exempt: Mapping[str, Sequence[str]] = field(default_factory=dict)
    block_seconds: int = 900
    top: int = 10
    tag: str = "quota"


def evaluate(
    rows: Iterable[Row],
    now: datetime,
    policy: QuotaPolicy = QuotaPolicy(),
    groups: Optional[Mapping[str, Sequence[str]]] = None,
    ip_user_mapping: Optional[Iterable[Mapping[str, str]]] = None,
    blocked: Optional[Mapping[str, Mapping[str, Optional[datetime]]]] = None,
    ended: Optional[Mapping[str, Mapping[str, datetime]]] = None,
) -> Evaluation:
    """Decide one quota cycle under ``policy``. See the module docstring for the rules.

    ``ended``: ``{"ips": {ip: until}, "groups": {group: until}}``, our blocks that the firewall
    ended by itself and whose bookkeeping is still there (``_blocks.lapsed``).

    ``rows`` is read up to three times; pass a list (a one-shot iterable is copied first).
    """
    rows = rows if isinstance(rows, (list, tuple)) else list(rows)
    if not 0 < policy.block_seconds <= MAX_TAG_TIMEOUT:
        raise ValueError("block_seconds %r is out of range; use 1 to %d seconds (the longest PAN-OS tag timeout)"
                         % (policy.block_seconds, MAX_TAG_TIMEOUT))
    quotas, overrides, exempt, tag, top = policy.quotas, policy.overrides, policy.exempt, policy.tag, policy.top
    blocked, ended = blocked or {}, ended or {}
    now = now.replace(microsecond=0)
    fresh_until = now + timedelta(seconds=policy.block_seconds)
    limits = {scope: _Limits(quotas.get(scope), overrides.get(scope, {}), fold=scope != "ip") for scope in SCOPES}
    ip_bytes, user_bytes, display, lower_of = _tally(rows)
    # A user counts once per group even if listed twice, and toward every group it is in.
    group_bytes = {group: sum(map(user_bytes.get, set(map(str.lower, members)), repeat(0)))
                   for group, members in (groups or {}).items()}
    exempt_addresses = AddressSet(exempt.get("ips", ()))
    exempt_users = {user.lower() for user in exempt.get("users", ())}
    exempt_groups = {group.lower() for group in exempt.get("groups", ())}
    ip_over = limits["ip"].over(ip_bytes)
    user_over = limits["user"].over(user_bytes)
    addresses = _Addresses(rows, ip_user_mapping or (), lower_of, user_over, exempt_users, ip_over)

    def is_exempt(ip: str) -> bool:
        return ip in addresses.exempt_user_ips or ip in exempt_addresses

    result = Evaluation(now=now)
    blocked_ips: State = dict(blocked.get("ips", {}))
    released = _releases(blocked_ips, now, is_exempt)
    ended_ips = dict(ended.get("ips", {}))
    result.release_ips = [
        {"ip": ip, "until": until, "reason": reason, "tags": [tag, until_tag(tag, until)], "ended_by": ENDED_BY_CYCLE}
        for ip, (until, reason) in released.items()]
    result.release_ips.extend(
        {"ip": ip, "until": until, "reason": _ended_reason(until, now), "tags": [until_tag(tag, until), until_index_tag(tag)],
         "ended_by": ENDED_BY_FIREWALL} for ip, until in sorted(ended_ips.items(), key=_by_address) if ip not in blocked_ips)
    blocks = _IpBlocks(tag, now, dict(blocked_ips, **ended_ips), is_exempt)
    for ip, count in ip_over.items():
        blocks.block(ip, REASON_IP, addresses.ip_user.get(ip), count, limits["ip"].quota(ip), fresh_until)
    for key, count in user_over.items():
        running = [until for until in (blocked_ips.get(ip) for ip in addresses.user_ips[key] if ip not in released)
                   if until is not None]
        until = max(running) if running else fresh_until
        for ip in addresses.user_ips[key]:
            blocks.block(ip, REASON_USER, display[key], count, limits["user"].quota(key), until)
    result.block_ips = sorted(blocks.new.values(), key=lambda entry: ip_int(entry["ip"]))
    _decide_groups(result, dict(blocked.get("groups", {})), limits["group"].over(group_bytes), limits["group"],
                   exempt_groups, fresh_until, ended.get("groups", {}))
    result.usage = {
        "ip": _top(ip_bytes, limits["ip"], top),
        "user": _top(user_bytes, limits["user"], top, display),
        "group": _top(group_bytes, limits["group"], top),
    }
    # an exempt name over its quota is shown as exempt, not as one the cycle forgot to block
    exempt_name = {"ip": is_exempt, "user": lambda name: name.lower() in exempt_users,
                   "group": lambda name: name.lower() in exempt_groups}
    for scope, table in result.usage.items():
        for entry in table:
            entry["exempt"] = exempt_name[scope](entry["name"])
    still_blocked = {ip: until for ip, until in blocked_ips.items() if ip not in released}
    still_blocked.update((ip, entry["until"]) for ip, entry in blocks.new.items())
    result.currently_blocked = _currently_blocked(result, still_blocked, set(blocks.new))
    return result


def _currently_blocked(result: Evaluation, ips: State, new_ips: Set[str]) -> List[Dict[str, Any]]:
    """Every block in force after the cycle, addresses then groups. Blocks decided now are marked
    new: in check mode (or before quota_block applies them) they are not in force yet, and the
    summary says "would block" instead of "blocked"."""
    new_groups = {entry["group"] for entry in result.block_groups}
    return ([_blocked_entry("ip", ip, until, result.now, ip in new_ips) for ip, until in sorted(ips.items(), key=_by_address)]
            + [_blocked_entry("group", group, until, result.now, group in new_groups)
               for group, until in result.groups_after.items()])


def _decide_groups(result: Evaluation, blocked_groups: State, group_over: Mapping[str, int], limits: _Limits,
                   exempt_groups: Set[str], fresh_until: datetime, ended_groups: Mapping[str, datetime]) -> None:
    """Group releases (ended, exempt, or ended by the firewall), new group blocks, and the groups
    blocked afterwards."""
    released = _releases(blocked_groups, result.now, lambda group: group.lower() in exempt_groups)
    result.release_groups = [{"group": group, "until": until, "reason": reason, "ended_by": ENDED_BY_CYCLE}
                             for group, (until, reason) in released.items()]
    result.release_groups.extend({"group": group, "until": until, "reason": _ended_reason(until, result.now),
                                  "ended_by": ENDED_BY_FIREWALL}
                                 for group, until in sorted(ended_groups.items()) if group not in blocked_groups)
    after = {group: until for group, until in blocked_groups.items() if group not in released}
    for group, count in group_over.items():
        if group in blocked_groups or group in ended_groups or group.lower() in exempt_groups:
            continue
        result.block_groups.append({"group": group, "reason": REASON_GROUP, "bytes": count,
                                    "quota": limits.quota(group), "until": fresh_until})
        after[group] = fresh_until
    result.block_groups.sort(key=itemgetter("group"))
    result.groups_after = dict(sorted(after.items()))


def _ended_reason(until: datetime, now: datetime) -> str:
    """Why a block the firewall no longer holds ended: its timeout, or a removal before its end."""
    return RELEASE_ENDED if until <= now else RELEASE_REMOVED


def _releases(state: State, now: datetime, is_exempt: Callable[[str], bool]) -> Dict[str, Tuple[datetime, str]]:
    """``{name: (until, reason)}`` of our blocks (``until`` set) that have ended or are now exempt."""
    released = {}
    for name, until in state.items():
        if until is not None and (until <= now or is_exempt(name)):
            released[name] = (until, RELEASE_ENDED if until <= now else RELEASE_EXEMPT)
    return released


def _blocked_entry(kind: str, name: str, until: Optional[datetime], now: datetime, new: bool) -> Dict[str, Any]:
    return {"kind": kind, "name": name, "until": until, "ours": until is not None, "new": new,
            "seconds_left": int((until - now).total_seconds()) if until is not None else None}
