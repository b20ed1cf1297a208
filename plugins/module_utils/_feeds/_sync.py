# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One feed run on one firewall (threat_feed_sync): fetch, plan, guard, write, keep the state.

1. Everything is checked before anything is sent; the firewall's clock and ``show system info``
   (model, version) are read once, the tag object (holding the feed's state) and the category once.
2. The source is fetched from the cursor kept on the firewall (append mode) or whole (exact mode:
   the tag and the category hold exactly the feed, so the feed must be complete each time).
3. Addresses: each holds the tag and its until-tag (``_state._until``) with the native timeout of
   its expiry (the indicator's, else ``age``), renewed when less than ``renew_before`` is left and
   the feed still lists it, so blocks end by themselves when nothing runs any more. Planned by the
   desired-set engine, written by ``_userid.TagWriter``. Names go into the custom URL category
   (``_category.plan_members``, the code custom_url_category runs).
4. Capacity and the removal bound are checked before any write.
5. The cursor is kept in the tag's comments (``_state._record``), staged after the writes it
   follows and committed with them: it advances only when they succeeded, so an interrupted or
   overlapping run re-fetches the overlap (harmless: writes are differences). A run that changes
   nothing writes nothing, the cursor included, unless the stored one is older than a day.

Plain Python, no Ansible imports.
"""

from __future__ import annotations


import ipaddress
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Sequence, Set, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._errors import InputError
from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import TAG, URL_CATEGORY, tag_object
from ansible_collections.tagwarden.panos.plugins.module_utils._desired import _engine as engine
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds import _category, _ledger
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._capacity import check_capacity
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._guard import Removal, check_removals, parse_bound
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import (
    ADDRESS_KINDS,
    IP,
    NAME_KINDS,
    FeedError,
    FeedResult,
    Indicator,
    IndicatorError,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._select import FeedSource, feed_client, select_source
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._url_category import indicator_entries, parse_version
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import HttpsClient, HttpsError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._address import ip_sort_key
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import (
    format_firewall_time,
    parse_firewall_time,
    read_zone,
    to_local,
    to_utc,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import invalid_input
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import MAX_TAG_LENGTH, MAX_TAG_TIMEOUT
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import cmd, texts
from ansible_collections.tagwarden.panos.plugins.module_utils._state._record import DescriptionRecord
from ansible_collections.tagwarden.panos.plugins.module_utils._state._until import (
    UNTIL_SUFFIX_LENGTH,
    is_until_tag,
    until_by_holder,
    until_tag,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._registrations import (
    DEFAULT_CHUNK_SIZE,
    TagWriter,
    read_registered,
)

MODES = ("append", "exact")
DEFAULT_AGE = 7 * 86400
DEFAULT_RENEW_BEFORE = 86400
CURSOR_REFRESH = timedelta(days=1)
IP_SETS_SINCE = (10, 0)
TOP = 10
COMMIT_DESCRIPTION = "tagwarden.panos threat_feed_sync"
STATE_RECORD = DescriptionRecord("feed", _category.OWNER_MARK + " (threat_feed_sync): the feed's state")


class FeedRunError(InputError):
    """The feed could not be read; nothing was written (the next run starts from the same cursor)."""


class Device(NamedTuple):
    now: datetime  # firewall-local, naive
    model: str  # the platform as the capacity table names it (a VM's license: VM-300)
    version: Tuple[int, int]
    zone: tzinfo  # the firewall's time zone: feeds speak UTC, the firewall its local time


def read_device(conn: Connection) -> Device:
    """The firewall's clock, its time zone and ``show system info`` (3 requests); a ValueError naming
    a time zone the controller does not know, before anything is written."""
    now = conn.clock()
    zone = read_zone(conn)
    info = conn.op(cmd("show", "system", "info")).find("./result/system")
    model = (info.findtext("model") if info is not None else None) or ""
    if model.upper() == "PA-VM" and info is not None and info.findtext("vm-license"):
        model = info.findtext("vm-license") or model
    version = (info.findtext("sw-version") if info is not None else None) or "0.0"
    return Device(now, model, parse_version(version, "sw-version"), zone)


class Options(NamedTuple):
    tag: str
    url_category: Optional[str]
    mode: str
    age: int
    renew_before: int
    include_subdomains: bool
    max_removals: Any
    max_registered_ips: Optional[int]


def check_options(options: Options) -> List[str]:
    problems = _category.check_name(options.tag, "tag")
    if len(options.tag) + UNTIL_SUFFIX_LENGTH > MAX_TAG_LENGTH:
        problems.append("tag: %r is %d characters; with its until-tag it needs %d more, and PAN-OS tags have at "
                        "most %d: shorten it" % (options.tag, len(options.tag), UNTIL_SUFFIX_LENGTH, MAX_TAG_LENGTH))
    if options.url_category is not None:
        problems.extend(_category.check_name(options.url_category, "url_category"))
        ledger_problem = _ledger.name_problem(options.url_category) if options.mode == "append" else None
        if ledger_problem:
            problems.append(ledger_problem)
    if options.mode not in MODES:
        problems.append("mode: %r is not one of %s" % (options.mode, ", ".join(MODES)))
    if not 60 <= options.age <= MAX_TAG_TIMEOUT:
        problems.append("age: %d seconds is out of range: give 60 to %d (30 days, the longest native tag timeout)"
                        % (options.age, MAX_TAG_TIMEOUT))
    if not 0 <= options.renew_before < options.age:
        problems.append("renew_before: %d seconds must be from 0 to less than age (%d): a block is renewed when "
                        "less than this is left" % (options.renew_before, options.age))
    if options.max_registered_ips is not None and options.max_registered_ips < 1:
        problems.append("max_registered_ips: %d must be at least 1" % options.max_registered_ips)
    try:
        parse_bound(options.max_removals)
    except ValueError as exc:
        problems.append(str(exc))
    return problems


def fetch(source: FeedSource, client: HttpsClient, since: Optional[str]) -> FeedResult:
    try:
        return source.fetch(client, since)
    except (HttpsError, FeedError) as exc:  # messages are scrubbed by the client and the sources
        raise FeedRunError("the %s feed could not be read, nothing was written: %s" % (source.name, exc)) from None


def address_problem(indicator: Indicator, version: Tuple[int, int]) -> Optional[str]:
    """Why the firewall cannot register ``indicator`` as one entry, or None."""
    if indicator.kind == IP:
        return None
    family = ipaddress.ip_address(indicator.value.split("/")[0].split("-")[0]).version
    if version < IP_SETS_SINCE:
        return ("%r is %s: PAN-OS %d.%d registers single addresses only (networks and ranges from 10.0): list its "
                "addresses, or upgrade" % (indicator.value, "a network" if "/" in indicator.value else "a range",
                                           version[0], version[1]))
    if family == 6:
        return ("%r is an IPv6 %s: PAN-OS registers IPv4 networks and ranges only; list its addresses"
                % (indicator.value, "network" if "/" in indicator.value else "range"))
    return None


class AddressPlan(NamedTuple):
    todo: engine.Plan
    current: Dict[str, Set[str]]
    new: List[str]
    renewed: List[str]
    expired: List[str]
    removed: List[str]
    held: int  # addresses holding the tag before the run


def plan_addresses(current: Dict[str, Set[str]], indicators: Sequence[Indicator], tag: str, mode: str,
                   now: datetime, age: int, renew_before: int, zone: tzinfo = timezone.utc) -> AddressPlan:
    """The registrations that make the tag hold the feed's addresses (see the module docstring)."""
    holders = until_by_holder(current, tag)

    def in_scope(member: str) -> bool:
        return member == tag or is_until_tag(tag, member)

    present = {}  # type: Dict[str, Dict[str, Optional[int]]]
    new, renewed = [], []
    # per run, not per indicator (100,000 of them): the default timeout, the renewal bound, the until-tags
    default_seconds = min(age, MAX_TAG_TIMEOUT)
    due_at = now + timedelta(seconds=renew_before)
    untils = {}  # type: Dict[int, str]
    for indicator in indicators:
        seconds = default_seconds if indicator.expires is None else \
            min(int((to_local(indicator.expires, zone) - now).total_seconds()), MAX_TAG_TIMEOUT)
        if seconds <= 0:
            continue  # expired already: the feed still lists what it no longer means
        key = indicator.value
        if key in holders:
            until = holders[key]
            if until is None or until > due_at:  # someone else's, or not due
                present[key] = dict.fromkeys(m for m in current[key] if in_scope(m))
                continue
            renewed.append(key)
        else:
            new.append(key)
        if seconds not in untils:
            untils[seconds] = until_tag(tag, now + timedelta(seconds=seconds))
        present[key] = {tag: seconds, untils[seconds]: seconds}
    expired = sorted((ip for ip, until in holders.items() if until is not None and until <= now and ip not in present),
                     key=ip_sort_key)
    absent = dict.fromkeys(expired)  # type: Dict[str, Optional[List[str]]]
    removed = sorted((ip for ip in holders if ip not in present and ip not in absent), key=ip_sort_key) \
        if mode == "exact" else []
    todo = engine.plan(current, present=present, absent=absent, exact=mode == "exact", in_scope=in_scope,
                       replace=True, order=ip_sort_key)
    return AddressPlan(todo, current, new, renewed, expired, removed, len(holders))


def holding(registrations: Mapping[str, Set[str]], tag: str) -> List[str]:
    """The diff view: the addresses holding ``tag``, in address order."""
    return sorted((ip for ip, tags in registrations.items() if tag in tags), key=ip_sort_key)


def _split(result: FeedResult, device: Device, with_category: bool) -> Tuple[List[Indicator], List[Indicator]]:
    addresses, names = [], []  # type: List[Indicator], List[Indicator]
    for indicator in result.indicators:
        if indicator.kind in ADDRESS_KINDS:
            problem = address_problem(indicator, device.version)
            if problem:
                result.reject(indicator.value, indicator.source, problem)
            else:
                addresses.append(indicator)
        elif indicator.kind in NAME_KINDS and with_category:
            names.append(indicator)
        else:
            result.reject(indicator.value, indicator.source, "%r is a %s and no url_category is given: give one "
                          "to block domains and URLs" % (indicator.value, indicator.kind))
    return addresses, names


def _entries(names: Sequence[Indicator], include_subdomains: bool, result: FeedResult, device: Device,
             age: int) -> Dict[str, datetime]:
    """The category entries of ``names`` in feed order, each with its firewall-local expiry (the
    latest of its indicators', at most ``age`` ahead)."""
    horizon = device.now + timedelta(seconds=age)
    entries = {}  # type: Dict[str, datetime]
    for indicator in names:
        try:
            more = indicator_entries(indicator, include_subdomains)
        except IndicatorError as exc:
            result.reject(indicator.value, indicator.source, str(exc))
            continue
        expires = min(horizon, to_local(indicator.expires, device.zone)) if indicator.expires is not None else horizon
        for entry in more:
            entries[entry] = max(expires, entries.get(entry, expires))
    return entries


def _stored(changes: ChangeSet, tag: str, source: str) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """The state record in the tag's comments (None: none yet, or another source's) and the comments' problem."""
    entry = changes.current(TAG, tag)
    comments = (entry.findtext("comments") or "") if entry is not None else ""
    if comments and not comments.startswith(_category.OWNER_MARK):
        return None, ("tag %r exists and is not managed by tagwarden.panos (its comments do not start with %r): "
                      "choose another tag" % (tag, _category.OWNER_MARK))
    try:
        record = STATE_RECORD.decode(comments)
    except ValueError:
        return None, None  # a damaged record: start over as from a fresh firewall
    if not isinstance(record, dict) or record.get("source") != source:
        return None, None
    return record, None


def _counts(new: Sequence[str], renewed: Sequence[str], expired: Sequence[str], removed: Sequence[str],
            held: int) -> Dict[str, int]:
    return {"new": len(new), "renewed": len(renewed), "expired": len(expired), "removed": len(removed),
            "held": held + len(new) - len(expired) - len(removed)}


def summary_lines(name: str, counts: Mapping[str, Mapping[str, int]], top: Mapping[str, Sequence[str]],
                  cursor: Optional[str], rejected: int) -> List[str]:
    lines = ["feed %s: %s" % (name, "; ".join(
        "%s new %d, renewed %d, expired %d, removed %d (holding %d)" % (
            what, c["new"], c["renewed"], c["expired"], c["removed"], c["held"]) for what, c in counts.items()))]
    for what, entries in top.items():
        if entries:
            lines.append("new %s: %s" % (what, ", ".join(entries)))
    lines.append("cursor: %s; rejected items: %d" % (cursor or "none", rejected))
    return lines


def sync(changes: ChangeSet, source: str, source_options: Mapping[str, Any], options: Options, *,
         chunk_size: int = DEFAULT_CHUNK_SIZE,
         client_factory: Callable[[FeedSource], HttpsClient] = feed_client) -> Dict[str, Any]:
    """The threat_feed_sync module on the run's ``changes`` (its connection, vsys, check mode and
    commit); see the module docstring. Result: ``changed``, ``counts``, ``top``, ``summary``,
    ``cursor``, ``rejected``, ``failed_entries``, ``capacity``, ``committed``, ``diff``,
    ``feed_requests``, ``api_calls``."""
    problems = check_options(options)
    if problems:
        raise invalid_input(problems)
    conn, vsys = changes.conn, changes.vsys
    device = read_device(conn)
    feed = select_source(source, source_options, clock=lambda: to_utc(device.now, device.zone))
    changes.read([(TAG, options.tag)])
    ledger = _ledger.read(changes, options.url_category) if options.url_category else None
    record, problem = _stored(changes, options.tag, source)
    if problem:
        raise invalid_input([problem])
    stored_cursor = record.get("cursor") if record else None
    client = client_factory(feed)
    result = fetch(feed, client, stored_cursor if options.mode == "append" else None)
    addresses, names = _split(result, device, options.url_category is not None)

    current = read_registered(conn, [options.tag], vsys)
    ips = plan_addresses(current, addresses, options.tag, options.mode, device.now, options.age, options.renew_before,
                         device.zone)
    total = len(current) + sum(1 for ip in ips.todo.add if ip not in current)  # = len(engine.applied(...))
    limit = check_capacity(total, device.model or None, options.max_registered_ips)
    members, dated = None, None  # type: Optional[_category.MemberPlan], Optional[_ledger.LedgerPlan]
    if options.url_category and ledger is not None:
        entries = _entries(names, options.include_subdomains, result, device, options.age)
        if options.mode == "append":
            held = texts(changes.current(URL_CATEGORY, options.url_category), "./list/member")
            dated = _ledger.plan(held, ledger, entries, device.now, options.renew_before)
        members = _category.plan_members(changes, options.url_category, dated.members if dated else list(entries),
                                         "exact")
        _ledger.stage(changes, options.url_category, ledger, dated)
    if options.mode == "exact":
        guarded = [Removal("tag %s" % options.tag, ips.held, len(ips.removed))]
        if members is not None:
            guarded.append(Removal("custom URL category %s" % options.url_category, len(members.before),
                                   len(members.remove)))
        check_removals(parse_bound(options.max_removals), guarded)

    writer = None if changes.check_mode else TagWriter(conn, vsys, chunk_size=chunk_size)
    outcome = engine.run(current, ips.todo, writer, lambda held: holding(held, options.tag), order=ip_sort_key)
    counts = {"addresses": _counts(ips.new, ips.renewed, ips.expired, ips.removed, ips.held)}
    top = {"addresses": ips.new[:TOP]}
    if members is not None:
        counts["urls"] = _counts(members.add, dated.renewed, dated.expired, [], len(members.before)) if dated else \
            _counts(members.add, [], [], members.remove, len(members.before))
        top["urls"] = members.add[:TOP]
    changed = outcome.changed or bool(changes.changes)
    cursor = stored_cursor
    stale = record is None or _older(record.get("written"), device.now)
    if not outcome.failed and result.cursor and (changed or (stale and result.cursor != stored_cursor)):
        cursor = result.cursor
        changes.present(tag_object(options.tag, comments=STATE_RECORD.encode(
            {"source": source, "cursor": cursor, "written": format_firewall_time(device.now)})))
    diff = changes.diff()
    diff["before"]["tag %s members" % options.tag] = outcome.before
    diff["after"]["tag %s members" % options.tag] = outcome.after
    rejected = [{"value": r.value, "source": r.source, "message": r.message} for r in result.rejected]
    report = {
        "changed": changed or changes.changed, "counts": counts, "top": top, "cursor": cursor,
        "summary": summary_lines(source, counts, top, cursor, len(rejected)), "rejected": rejected,
        "failed_entries": outcome.failed, "capacity": {"registered": total, "limit": limit, "model": device.model},
        "committed": False, "diff": diff, "feed_requests": client.requests, "uid_messages": outcome.writes,
        "firewall_time": format_firewall_time(device.now),
    }  # type: Dict[str, Any]
    # A plain list is read whole each run and names the same bad items each time: they warn with the
    # run that changed something; the result (and the role's status) lists them on every run.
    if rejected and report["changed"]:
        report["warnings"] = ["%d feed item%s rejected (see 'rejected'), the rest applied: %s" % (
            len(rejected), "" if len(rejected) == 1 else "s were", "; ".join(r["message"] for r in rejected[:3]))]
    return changes.apply_into(report)


def _older(written: Any, now: datetime) -> bool:
    try:
        return now - parse_firewall_time(str(written)) > CURSOR_REFRESH
    except ValueError:
        return True
