# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A feed published as External Dynamic Lists: the lists are the state (threat_feed_edl).

1. The published lists and the state document are read back over the URL the firewalls use; the
   feed is fetched from the cursor found there (append mode) or whole (exact mode).
2. Each indicator becomes lines of the lists the user publishes: addresses, networks and ranges in
   the IP list; a domain in the domain list (``evil.example``, and ``*.evil.example`` with
   ``include_subdomains``) and, with ``url_list_domains``, in the URL list as a URL category writes
   it; a URL in the URL list. Indicators of a kind no list takes are left to the other outputs
   (registrations, the URL category) and counted in ``not_published``.
3. Every entry has an expiry: the indicator's, else ``age``; renewed when less than
   ``renew_before`` is left and the feed still lists it. Append mode drops expired entries; exact
   mode keeps exactly the feed, its removals bounded by ``max_removals`` (a feed that comes back
   empty is refused like a feed that drops most of what it listed).
4. Each list is checked against its capacity before anything is published: over it, the run is
   refused naming the counts, unless ``over_capacity=keep_freshest`` keeps the entries that expire
   last. The lists are written first, the state (cursor) last: it advances only when they are out.
   A run that changes no list writes nothing, the state included (refreshed at most once a day).

Plain Python, no Ansible imports.
"""

from __future__ import annotations


import re
from datetime import datetime, timedelta
from typing import Dict, List, Mapping, NamedTuple, Optional, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._capacity import CapacityError
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_format import (
    CHECKS,
    DOMAIN_LIST,
    EDL_TYPES,
    IP_LIST,
    URL_LIST,
    ListError,
    State,
    render,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._guard import Removal, check_removals, parse_bound
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import (
    ADDRESS_KINDS,
    DOMAIN,
    URL,
    FeedResult,
    Indicator,
    IndicatorError,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._url_category import indicator_entries

MODES = ("append", "exact")
OVER_CAPACITY = ("refuse", "keep_freshest")
STATE_REFRESH = timedelta(days=1)
MAX_AGE = 365 * 86400
# "Objects > External Dynamic Lists" (PAN-OS 7.1 web interface help): 50,000 IP addresses (150,000 on
# PA-5000 and PA-7000), 50,000 URLs and 50,000 domains per firewall. Later releases give the figure per
# model ("List Capacities" in the web interface); none is published as a table, so the floor is the
# default and ``max_entries`` raises it for a model known to hold more.
DEFAULT_CAPACITY = {IP_LIST: 50000, DOMAIN_LIST: 50000, URL_LIST: 50000}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class EdlOptions(NamedTuple):
    name: str  # files <name>-ip.txt, <name>-domain.txt, <name>-url.txt and <name>-state.json
    lists: Tuple[str, ...]
    mode: str = "append"
    age: int = 7 * 86400
    renew_before: int = 86400
    include_subdomains: bool = True
    url_list_domains: bool = True
    max_removals: object = "50%"
    max_entries: Mapping[str, int] = {}
    over_capacity: str = "refuse"


def file_name(name: str, edl_type: str) -> str:
    return "%s-%s.txt" % (name, edl_type)


def state_name(name: str) -> str:
    return "%s-state.json" % name


def check_options(options: EdlOptions) -> List[str]:
    problems = []
    if not _NAME.match(options.name):
        problems.append("name: %r must be 1 to 64 letters, digits, dots, hyphens or underscores, starting with a "
                        "letter or digit: it names the published files" % (options.name,))
    unknown = [edl_type for edl_type in options.lists if edl_type not in EDL_TYPES]
    if unknown or not options.lists:
        problems.append("lists: give one or more of %s, not %s" % (", ".join(EDL_TYPES), unknown or "none"))
    if options.mode not in MODES:
        problems.append("mode: %r is not one of %s" % (options.mode, ", ".join(MODES)))
    if options.over_capacity not in OVER_CAPACITY:
        problems.append("over_capacity: %r is not one of %s" % (options.over_capacity, ", ".join(OVER_CAPACITY)))
    if not 60 <= options.age <= MAX_AGE:
        problems.append("age: %d seconds is out of range: give 60 to %d (a year)" % (options.age, MAX_AGE))
    if not 0 <= options.renew_before < options.age:
        problems.append("renew_before: %d seconds must be from 0 to less than age (%d)"
                        % (options.renew_before, options.age))
    for edl_type, limit in options.max_entries.items():
        if edl_type not in EDL_TYPES or not isinstance(limit, int) or limit < 1:
            problems.append("max_entries: %s=%r: give a whole number from 1 for ip, domain or url"
                            % (edl_type, limit))
    try:
        parse_bound(options.max_removals)
    except ValueError as exc:
        problems.append(str(exc))
    return problems


class Published(NamedTuple):
    """What is published now: each list's entries with their expiries (None: unknown), its text, the state."""

    entries: Dict[str, Dict[str, Optional[datetime]]]
    texts: Dict[str, Optional[str]]
    state: Optional[State]


class ListPlan(NamedTuple):
    entries: Dict[str, datetime]
    text: str
    changed: bool
    counts: Dict[str, int]


class EdlPlan(NamedTuple):
    lists: Dict[str, ListPlan]
    state: Optional[State]  # None: the published state stays
    not_published: Dict[str, int]


def wanted_entries(result: FeedResult, options: EdlOptions, now: datetime) -> Tuple[Dict[str, Dict[str, datetime]],
                                                                                    Dict[str, int]]:
    """The lines each list wants from the feed, each with its expiry, and the kinds left to other outputs."""
    horizon = now + timedelta(seconds=options.age)
    wanted = {edl_type: {} for edl_type in options.lists}  # type: Dict[str, Dict[str, datetime]]
    left = {}  # type: Dict[str, int]
    for indicator in result.indicators:
        expires = horizon if indicator.expires is None else min(horizon, indicator.expires)
        if expires <= now:
            continue  # the feed still lists what it no longer means
        try:
            targets = _targets(indicator, options)
        except IndicatorError as exc:
            result.reject(indicator.value, indicator.source, "not published in the url list: %s" % exc)
            continue
        if not targets:
            left[indicator.kind] = left.get(indicator.kind, 0) + 1
        for edl_type, entries in targets:
            for entry in entries:
                try:
                    CHECKS[edl_type](entry)
                except ListError as exc:
                    result.reject(indicator.value, indicator.source, "not published in the %s list: %s"
                                  % (edl_type, exc))
                    continue
                wanted[edl_type][entry] = max(expires, wanted[edl_type].get(entry, expires))
    return wanted, left


def _targets(indicator: Indicator, options: EdlOptions) -> List[Tuple[str, List[str]]]:
    targets = []  # type: List[Tuple[str, List[str]]]
    if indicator.kind in ADDRESS_KINDS and IP_LIST in options.lists:
        targets.append((IP_LIST, [indicator.value]))
    if indicator.kind == DOMAIN and DOMAIN_LIST in options.lists:
        targets.append((DOMAIN_LIST, [indicator.value] + (["*." + indicator.value] if options.include_subdomains
                                                          else [])))
    if URL_LIST in options.lists and (indicator.kind == URL or (indicator.kind == DOMAIN and options.url_list_domains)):
        targets.append((URL_LIST, indicator_entries(indicator, options.include_subdomains)))
    return targets


def plan_list(current: Mapping[str, Optional[datetime]], wanted: Mapping[str, datetime], options: EdlOptions,
              now: datetime) -> Tuple[Dict[str, datetime], Dict[str, int]]:
    """The entries after the run and the counts (new, renewed, expired, removed, held)."""
    unknown = now + timedelta(seconds=options.age)  # an entry whose expiry was lost: one age from now
    due = now + timedelta(seconds=options.renew_before)
    held = {entry: expires or unknown for entry, expires in current.items()}
    counts = dict.fromkeys(("new", "renewed", "expired", "removed"), 0)
    entries = {}  # type: Dict[str, datetime]
    if options.mode == "append":
        for entry, expires in held.items():
            if expires > now:
                entries[entry] = expires
            else:
                counts["expired"] += 1
    for entry, expires in wanted.items():
        kept = held.get(entry)
        if kept is None or kept <= now:
            counts["new"] += 1
            entries[entry] = expires
        elif kept <= due and expires > kept:
            counts["renewed"] += 1
            entries[entry] = expires
        else:
            entries[entry] = kept
    if options.mode == "exact":
        counts["removed"] = sum(1 for entry in held if entry not in entries)
    counts["held"] = len(entries)
    return entries, counts


def fit(edl_type: str, entries: Dict[str, datetime], options: EdlOptions) -> Tuple[Dict[str, datetime], int]:
    """``entries`` within the list's capacity (the freshest kept with keep_freshest); the number dropped."""
    limit = options.max_entries.get(edl_type, DEFAULT_CAPACITY[edl_type])
    if len(entries) <= limit:
        return entries, 0
    if options.over_capacity != "keep_freshest":
        raise CapacityError(
            "the %s list %s would hold %s entries, its capacity is %s (max_entries.%s), nothing was published: "
            "set over_capacity: keep_freshest to publish the %s entries that expire last, or raise max_entries.%s "
            "if the firewall model holds more (the web interface's List Capacities)"
            % (edl_type, file_name(options.name, edl_type), "{:,}".format(len(entries)), "{:,}".format(limit),
               edl_type, "{:,}".format(limit), edl_type))
    freshest = sorted(entries, key=lambda entry: (entries[entry], entry), reverse=True)[:limit]
    return {entry: entries[entry] for entry in freshest}, len(entries) - limit


def plan(published: Published, result: FeedResult, options: EdlOptions, now: datetime, source: str) -> EdlPlan:
    """Every list's text after the run, checked against the guard and the capacity; nothing written."""
    wanted, left = wanted_entries(result, options, now)
    lists = {}  # type: Dict[str, ListPlan]
    removals = []  # type: List[Removal]
    for edl_type in options.lists:
        current = published.entries.get(edl_type, {})
        entries, counts = plan_list(current, wanted[edl_type], options, now)
        removals.append(Removal("the %s list %s" % (edl_type, file_name(options.name, edl_type)), len(current),
                                counts["removed"]))
        entries, counts["dropped"] = fit(edl_type, entries, options)
        counts["held"] = len(entries)
        text = render(edl_type, entries)
        lists[edl_type] = ListPlan(entries, text, text != published.texts.get(edl_type), counts)
    if options.mode == "exact":
        check_removals(parse_bound(options.max_removals), removals)
    return EdlPlan(lists, _next_state(published, result, options, lists, now, source), left)


def _next_state(published: Published, result: FeedResult, options: EdlOptions, lists: Mapping[str, ListPlan],
                now: datetime, source: str) -> Optional[State]:
    stored = published.state
    cursor = (result.cursor or (stored.cursor if stored else None)) if options.mode == "append" else None
    expires = {edl_type: dict(lists[edl_type].entries) for edl_type in (DOMAIN_LIST, URL_LIST) if edl_type in lists}
    if stored is not None and stored.source == source and not any(item.changed for item in lists.values()) and stored.expires == expires and (
            stored.cursor == cursor or (stored.written is not None and now - stored.written < STATE_REFRESH)):
        return None
    return State(source, cursor, now, expires)


def counts_summary(name: str, plan_: EdlPlan) -> List[str]:
    lines = ["%s: %s" % (name, "; ".join(
        "%s list new %d, renewed %d, expired %d, removed %d, dropped %d (holding %d)%s" % (
            edl_type, c["new"], c["renewed"], c["expired"], c["removed"], c["dropped"], c["held"],
            "" if item.changed else ", unchanged")
        for edl_type, item in plan_.lists.items() for c in [item.counts]))]
    if plan_.not_published:
        lines.append("left to the other outputs: %s" % ", ".join(
            "%d %s" % (count, kind) for kind, count in sorted(plan_.not_published.items())))
    return lines
