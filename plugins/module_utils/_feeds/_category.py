# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The members of a custom URL category (URL List), planned on a ChangeSet: one function serves the
custom_url_category module and threat_feed_sync.

The category is ours when its description starts with :data:`OWNER_MARK`; one that exists without
it is refused (``take_ownership`` adopts it). Entries are normalised as PAN-OS stores them
(``_url_category.normalise_entry``), so a second run with other spellings changes nothing.
Plain Python, no Ansible imports.
"""

from __future__ import annotations


from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import URL_CATEGORY, url_category_object
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._guard import Removal, check_removals, parse_bound
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import IndicatorError
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._url_category import normalise_entry
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError, invalid_input
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import XPathQuoteError, texts, xpath_literal

STATES = ("present", "absent", "exact")
OWNER_MARK = "Managed by tagwarden.panos"
DEFAULT_DESCRIPTION = OWNER_MARK + ": entries written by automation"
COMMIT_DESCRIPTION = "tagwarden.panos custom_url_category"


class MemberPlan(NamedTuple):
    """What a run does to the category's members."""

    name: str
    before: List[str]  # members held, as read
    add: List[str]
    remove: List[str]
    created: bool

    @property
    def after(self) -> List[str]:
        removed = set(self.remove)
        return [m for m in self.before if m not in removed] + self.add


def check_name(name: str, what: str = "name") -> List[str]:
    """Problems with an object name that reaches an xpath (it stays literal, never widened)."""
    if not name or not name.strip():
        return ["%s: it is empty: give the object's name" % what]
    try:
        xpath_literal(name)
    except XPathQuoteError as exc:
        return ["%s: %s" % (what, exc)]
    return []


def normalised(entries: Iterable[str], problems: List[str], what: str = "members") -> List[str]:
    """Entries in PAN-OS form, de-duplicated in order; each bad one named in ``problems``."""
    good = []  # type: List[str]
    seen = set()
    for index, text in enumerate(entries):
        try:
            entry = normalise_entry(str(text))
        except IndicatorError as exc:
            problems.append("%s item %d: %s" % (what, index + 1, exc))
            continue
        if entry not in seen:
            seen.add(entry)
            good.append(entry)
    return good


def plan_members(changes: ChangeSet, name: str, entries: Sequence[str], state: str = "present",
                 description: str = DEFAULT_DESCRIPTION, take_ownership: bool = False) -> MemberPlan:
    """Read the category (one batched read through ``changes``) and stage the members ``state`` wants.

    ``entries`` are normalised already. Nothing is written until ``changes.apply()``; an unchanged
    category stages nothing. A category of someone else's is refused (ValidationError) before any write.
    """
    current = changes.current(URL_CATEGORY, name)
    if current is not None and not take_ownership and not (current.findtext("description") or "").startswith(
            OWNER_MARK):
        raise ValidationError("custom URL category %r exists and is not managed by tagwarden.panos (its description "
                              "does not start with %r): choose another name, or set take_ownership to adopt it"
                              % (name, OWNER_MARK))
    if current is not None and (current.findtext("type") or "URL List") != "URL List":
        raise ValidationError("custom URL category %r is of type %r: only a URL List holds entries; choose another "
                              "name" % (name, current.findtext("type")))
    before = texts(current, "./list/member") if current is not None else []
    held = set(before)
    wanted = set(entries)
    if state == "absent":
        add, remove = [], [m for m in before if m in wanted]
    else:
        add = [e for e in entries if e not in held]
        remove = [m for m in before if m not in wanted] if state == "exact" else []
    todo = MemberPlan(name, before, add, remove, current is None)
    if add or remove or current is None or not (current.findtext("description") or "").startswith(OWNER_MARK):
        changes.present(url_category_object(name, todo.after, description))
    return todo


def check_state(state: str) -> Optional[str]:
    return None if state in STATES else "state: %r is not one of %s" % (state, ", ".join(STATES))


def ensure(changes: ChangeSet, name: str, members: Sequence[str], state: str = "present",
           description: Optional[str] = None, take_ownership: bool = False, max_removals: Any = "50%") -> Dict[str, Any]:
    """The custom_url_category module, on the run's ``changes``: ``added``, ``removed``, ``members``, ``committed``, ``diff``, ``api_calls``.

    Every bad input is named in one ValidationError before any request; in exact mode the removals
    are bounded by ``max_removals`` before any write.
    """
    problems = check_name(name)
    entries = normalised(members, problems)
    bad_state = check_state(state)
    if bad_state:
        problems.append(bad_state)
    text = description or DEFAULT_DESCRIPTION
    if not text.startswith(OWNER_MARK):
        text = "%s: %s" % (OWNER_MARK, text)
    try:
        bound = parse_bound(max_removals)
    except ValidationError as exc:
        problems.append(str(exc))
    if problems:
        raise invalid_input(problems)
    todo = plan_members(changes, name, entries, state, text, take_ownership)
    if state == "exact":
        check_removals(bound, [Removal("custom URL category %s" % name, len(todo.before), len(todo.remove))])
    result = {"changed": changes.changed, "added": todo.add, "removed": todo.remove, "members": todo.after,
              "created": todo.created and changes.changed, "committed": False,
              "diff": changes.diff()}  # type: Dict[str, Any]
    return changes.apply_into(result)
