# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dag_register module: validate, read the registrations of the given tags once, plan the
difference with the desired-set engine, send it in as few uid-messages as ``chunk_size``
allows (nothing in check mode). Plain Python, no Ansible imports.
"""

from __future__ import annotations


from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._desired import _engine as engine
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._address import check_ip, ip_sort_key
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import (
    MAX_TAG_LENGTH,
    MAX_TAG_TIMEOUT,
    MAX_TAGS_PER_IP,
    MAX_UID_ENTRIES,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._registrations import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_PAGE_SIZE,
    TagWriter,
    read_registered,
)

STATES = ("present", "absent", "exact")


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:60] + "...'"


def _ips(ips: Iterable[Any], problems: List[str]) -> List[str]:
    good = []  # type: List[str]
    seen = set()  # type: Set[str]
    bad = []  # type: List[str]
    for index, value in enumerate(ips):
        ip, problem = check_ip(value)
        if problem:
            bad.append("item %d: %s" % (index + 1, problem))
        elif ip is not None and ip not in seen:
            seen.add(ip)
            good.append(ip)
    if bad:
        problems.append("ips: " + "; ".join(bad))
    return good


def _tags(tags: List[Any], problems: List[str]) -> List[str]:
    good = []  # type: List[str]
    bad = []  # type: List[str]
    for index, value in enumerate(tags):
        tag = "" if value is None else str(value)
        if not tag.strip():
            bad.append("item %d: an empty tag: remove it" % (index + 1))
        elif len(tag) > MAX_TAG_LENGTH:
            bad.append("item %d: %s is %d characters long: PAN-OS tags have at most %d characters"
                       % (index + 1, _show(tag), len(tag), MAX_TAG_LENGTH))
        elif tag not in good:
            good.append(tag)
    if not tags:
        bad.append("no tags given: give at least one tag")
    if len(good) > MAX_TAGS_PER_IP:
        bad.append("%d tags given: PAN-OS allows at most %d tags per IP address, split them over several tasks"
                   % (len(good), MAX_TAGS_PER_IP))
    if bad:
        problems.append("tags: " + "; ".join(bad))
    return good


def validate(ips: Optional[Iterable[Any]], tags: Optional[Iterable[Any]], timeout: Optional[int] = None,
             chunk_size: int = DEFAULT_CHUNK_SIZE, state: str = "present",
             allow_empty: bool = False) -> Tuple[List[str], List[str]]:
    """Normalized, de-duplicated ``(ips, tags)``; raises ValidationError naming every bad value.

    ``state=exact`` with no address unregisters the tags from every address: only on request
    (``allow_empty``), so that an empty variable or a failed lookup never empties a group."""
    problems = []  # type: List[str]
    given = list(ips or [])
    if state == "exact" and not given and not allow_empty:
        problems.append("ips: empty with state=exact, which would unregister the tags from every address that holds "
                        "them: set allow_empty: true to empty them on purpose, or give the addresses")
    good_ips = _ips(given, problems)
    good_tags = _tags(list(tags or []), problems)
    if timeout is not None and not 0 <= int(timeout) <= MAX_TAG_TIMEOUT:
        problems.append("timeout: %s is out of range: give seconds from 0 (never expire) to %d (30 days)"
                        % (timeout, MAX_TAG_TIMEOUT))
    if not 1 <= int(chunk_size) <= MAX_UID_ENTRIES:
        problems.append("chunk_size: %s is out of range: give 1 to %d entries per message"
                        % (chunk_size, MAX_UID_ENTRIES))
    if state not in STATES:
        problems.append("state: %r is not one of %s" % (state, ", ".join(STATES)))
    if problems:
        raise ValidationError("invalid input, nothing was sent to the firewall. " + " | ".join(problems))
    return good_ips, good_tags


def by_tag(registrations: Mapping[str, Set[str]], tags: Iterable[str]) -> Dict[str, List[str]]:
    """The diff view: tag -> sorted IPs holding it."""
    return {tag: sorted((ip for ip, held in registrations.items() if tag in held), key=ip_sort_key) for tag in tags}


def plan(current: Mapping[str, Set[str]], ips: Iterable[str], tags: Iterable[str], state: str) -> engine.Plan:
    """The registrations to add and remove so that ``ips`` hold ``tags`` (present), do not hold
    them (absent), or are the only ones holding them (exact)."""
    tags = list(tags)
    if state not in STATES:
        raise ValueError("unknown state %r" % state)
    wanted = dict.fromkeys(tags)  # type: Dict[str, Optional[int]]
    if state == "absent":
        return engine.plan(current, absent={ip: tags for ip in ips})
    in_scope = set(tags).__contains__
    return engine.plan(current, present={ip: wanted for ip in ips}, exact=state == "exact", in_scope=in_scope,
                       order=ip_sort_key)


@dataclass(frozen=True)
class Registration:
    """What dag_register is asked: the addresses, their tags, how the set changes (``state``), the
    tags' timeout and persistence, and whether ``exact`` may empty the tags."""

    ips: Sequence[Any]
    tags: Sequence[Any]
    state: str = "present"
    timeout: Optional[int] = None
    persistent: Optional[bool] = True
    allow_empty: bool = False


def run(conn: Connection, wanted: Registration, vsys: Optional[str] = "vsys1", chunk_size: int = DEFAULT_CHUNK_SIZE,
        check_mode: bool = False, page_size: int = DEFAULT_PAGE_SIZE) -> Dict[str, Any]:
    """The dag_register module: validate, read once, diff, write the difference.

    Returns ``changed``, ``registered``/``unregistered`` (sorted IPs), ``unchanged`` (count),
    ``failed_entries`` (``[{ip, section, message}]``), ``ignored`` (count of "already exists"/"does not
    exist" notices), ``uid_messages`` (sent), ``api_calls`` and ``diff`` (``before``/``after``:
    tag -> IPs). Raises ValidationError before any request, FirewallError from the connection.
    """
    good_ips, good_tags = validate(wanted.ips, wanted.tags, wanted.timeout, chunk_size, wanted.state, wanted.allow_empty)
    current = read_registered(conn, good_tags, vsys, page_size=page_size)
    todo = plan(current, good_ips, good_tags, wanted.state)
    writer = None if check_mode else TagWriter(conn, vsys, timeout=wanted.timeout, persistent=wanted.persistent,
                                               chunk_size=chunk_size)
    outcome = engine.run(current, todo, writer, lambda state_: by_tag(state_, good_tags), order=ip_sort_key)
    return {
        "changed": outcome.changed,
        "registered": outcome.added,
        "unregistered": outcome.removed,
        "unchanged": outcome.unchanged,
        "failed_entries": outcome.failed,
        "ignored": outcome.ignored,
        "uid_messages": outcome.writes,
        "diff": {"before": outcome.before, "after": outcome.after},
        "api_calls": conn.api_calls,
    }
