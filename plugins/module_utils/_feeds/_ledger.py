# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The expiry ledger of a custom URL category: when each entry a feed wrote leaves it (append mode).

URL-category entries have no native timeout, so their expiry is kept on the firewall in owned
custom URL categories, one per expiry day: ``<category>.exp-YYYYMMDD`` (firewall-local day), its
description marked as ours with the category and the day (``_state._record``). No rule references
a bucket; rules reference only the category itself.

Each run (read: one ``get`` of the vsys's custom URL categories, whatever the number of buckets):

- an entry the feed lists gets the expiry day of now + age (or its own earlier expiry) and is kept
  in exactly one bucket; one held already is moved to a later bucket only when less than
  ``renew_before`` is left before its bucket's day ends (so a steady run writes nothing);
- a bucket whose day has ended is read once: its entries leave the category unless the feed lists
  them again or a later bucket holds them, and the bucket is deleted;
- members of the category in no bucket (an admin's, or written in exact mode) are left alone.

Everything is staged on the run's ChangeSet (check mode, diff, the one partial commit). An entry
ends only when a run removes it: with runs every few minutes it stays at most a day and one run
interval past its expiry; with no run at all it stays (docs/feeds.md). Plain Python, no Ansible imports.
"""

from __future__ import annotations


import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from typing import Dict, List, Mapping, NamedTuple, Optional, Set

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import URL_CATEGORY, url_category_object
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds import _category
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import MAX_URL_CATEGORY_NAME
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import texts
from ansible_collections.tagwarden.panos.plugins.module_utils._state._record import DescriptionRecord

SUFFIX = ".exp-"
DAY_FORMAT = "%Y%m%d"
SUFFIX_LENGTH = len(SUFFIX) + 8
RECORD = DescriptionRecord(
    "ledger", _category.OWNER_MARK + " (threat_feed_sync): the expiry ledger of a custom URL category; its entries "
    "leave the category after this day")


def bucket_name(category: str, day: date) -> str:
    return category + SUFFIX + day.strftime(DAY_FORMAT)


def name_problem(category: str) -> Optional[str]:
    """Why ``category`` leaves no room for its buckets' names, or None."""
    if len(category) + SUFFIX_LENGTH <= MAX_URL_CATEGORY_NAME:
        return None
    return ("url_category: %r is %d characters; append mode keeps expiry days in categories named %r, and PAN-OS "
            "names custom URL categories with at most %d characters: shorten it to %d"
            % (category, len(category), category + SUFFIX + "YYYYMMDD", MAX_URL_CATEGORY_NAME,
               MAX_URL_CATEGORY_NAME - SUFFIX_LENGTH))


class Ledger(NamedTuple):
    """The category's buckets as read: day -> members, the bucket names held by someone else."""

    buckets: Dict[date, List[str]]
    foreign: Set[str]


def _owned_day(entry: ET.Element, category: str) -> Optional[date]:
    text = entry.findtext("description") or ""
    if not text.startswith(_category.OWNER_MARK):
        return None
    try:
        record = RECORD.decode(text)
        if not isinstance(record, dict) or record.get("category") != category:
            return None
        day = datetime.strptime(str(record.get("day")), DAY_FORMAT).date()
    except ValueError:
        return None
    return day if entry.get("name") == bucket_name(category, day) else None


def read(changes: ChangeSet, category: str) -> Ledger:
    """One ``get`` of the vsys's custom URL categories; the category and its buckets become known to ``changes``."""
    root = changes.conn.config("get", URL_CATEGORY.parent_xpath(changes.store.vsys))
    entries = {entry.get("name") or "": entry for entry in root.findall("./result/custom-url-category/entry")}
    changes.known(URL_CATEGORY, category, entries.get(category))
    buckets = {}  # type: Dict[date, List[str]]
    foreign = set()  # type: Set[str]
    for name, entry in entries.items():
        if not name.startswith(category + SUFFIX):
            continue
        day = _owned_day(entry, category)
        if day is None:
            foreign.add(name)
            continue
        changes.known(URL_CATEGORY, name, entry)
        buckets[day] = texts(entry, "./list/member")
    return Ledger(buckets, foreign)


class LedgerPlan(NamedTuple):
    """The category's members after the run and the buckets that date them."""

    members: List[str]
    new: List[str]  # entries the category gains
    renewed: List[str]  # entries moved to a later bucket (or given their first one)
    expired: List[str]  # entries leaving the category
    buckets: Dict[date, List[str]]  # day -> members, the wanted ledger


def plan(held: List[str], ledger: Ledger, expiries: Mapping[str, datetime], now: datetime,
         renew_before: int) -> LedgerPlan:
    """The ledger for the feed's entries ``expiries`` (entry -> firewall-local expiry); see the module docstring."""
    today = now.date()
    held_day = {}  # type: Dict[str, date]
    for day in sorted(ledger.buckets):
        held_day.update(dict.fromkeys(ledger.buckets[day], day))  # the latest bucket wins
    due_before = now + timedelta(seconds=renew_before)
    wanted = {day: list(members) for day, members in ledger.buckets.items() if day >= today}
    in_category = set(held)
    new, renewed = [], []  # type: List[str], List[str]
    for entry, expires in expiries.items():
        if expires <= now:
            continue  # expired already: the feed still lists what it no longer means
        day = expires.date()
        current = held_day.get(entry)
        if current is not None and (current >= day or _day_end(current) > due_before):
            continue  # not due, or a renewal would not move it
        if current is not None and current in wanted:
            wanted[current].remove(entry)
        wanted.setdefault(day, []).append(entry)
        held_day[entry] = day
        (renewed if entry in in_category else new).append(entry)
    expired = [entry for entry in held if entry in held_day and held_day[entry] < today]
    leaving = set(expired)
    members = [entry for entry in held if entry not in leaving] + new
    return LedgerPlan(members, new, renewed, expired, {day: m for day, m in wanted.items() if m})


def _day_end(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), datetime.min.time())


def stage(changes: ChangeSet, category: str, ledger: Ledger, todo: Optional[LedgerPlan]) -> None:
    """Stage the wanted buckets (None: no ledger, as in exact mode: every bucket goes). A bucket name
    held by someone else's category is refused before any write."""
    wanted = todo.buckets if todo is not None else {}
    taken = sorted(bucket_name(category, day) for day in wanted if bucket_name(category, day) in ledger.foreign)
    if taken:
        raise ValidationError("custom URL categories %s exist and are not this feed's expiry ledger (their "
                              "description does not hold its record): rename or delete them, or choose another "
                              "url_category" % ", ".join(repr(name) for name in taken))
    for day in sorted(set(ledger.buckets) | set(wanted)):
        name = bucket_name(category, day)
        if day in wanted:
            if day not in ledger.buckets:
                changes.known(URL_CATEGORY, name, None)  # the read of every category did not find it
            changes.present(url_category_object(name, wanted[day], RECORD.encode(
                {"category": category, "day": day.strftime(DAY_FORMAT)})))
        else:
            changes.absent(URL_CATEGORY, name)
