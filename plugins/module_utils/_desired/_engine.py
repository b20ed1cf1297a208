# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired-set engine: current items vs desired items, keyed, written by a writer.

An item is a key (an IP address, a URL category, a rule) holding members (tags, URLs), each
member with an optional timeout or expiry. :func:`plan` compares what the firewall holds with
what is wanted:

- ``present`` keys must hold their members (missing ones are added); with ``replace`` their
  other in-scope members are removed, and the wanted ones re-added in the same write so their
  timeout starts anew;
- ``absent`` keys must hold none of their listed members (None: none of the in-scope members);
- ``exact``: keys in neither lose every in-scope member.

:func:`run` hands the plan to a :class:`Writer` (batched), books the items it rejected
(partial failure: the others still count), and returns an :class:`Outcome` with the diff as
``view(before)`` / ``view(after)``. Plain Python, no Ansible imports.
"""

from __future__ import annotations


from typing import Any, Callable, Dict, Iterable, List, Mapping, NamedTuple, Optional, Protocol, Sequence, Set

Members = Mapping[str, Optional[int]]  # member -> timeout (seconds) or None: the writer's default
State = Mapping[str, Set[str]]  # key -> members held


class Plan(NamedTuple):
    """What has to change: members to add (with timeouts) and to remove, per key."""

    add: Dict[str, Dict[str, Optional[int]]]
    remove: Dict[str, List[str]]
    unchanged: int  # desired keys that needed nothing

    @property
    def changed(self) -> bool:
        return bool(self.add or self.remove)


class ItemFailure(NamedTuple):
    """A key the writer could not change: ``added`` tells which half failed; ``record`` is what
    the module reports (e.g. ``{ip, section, message}``)."""

    key: str
    added: bool
    record: Dict[str, Any]


class WriteReport(NamedTuple):
    writes: int  # requests sent
    failures: List[ItemFailure]
    ignored: int  # harmless notices ("already exists")


class Writer(Protocol):
    def write(self, add: Mapping[str, Members], remove: Mapping[str, Sequence[str]]) -> WriteReport: ...


class Outcome(NamedTuple):
    """What a run did (or, in check mode, would do)."""

    added: List[str]  # keys that gained members
    removed: List[str]  # keys that lost members
    unchanged: int
    failed: List[Dict[str, Any]]
    writes: int
    ignored: int
    before: Any
    after: Any

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def plan(current: State, present: Optional[Mapping[str, Members]] = None,
         absent: Optional[Mapping[str, Optional[Iterable[str]]]] = None, *, exact: bool = False,
         in_scope: Callable[[str], bool] = lambda member: True, replace: bool = False,
         order: Optional[Callable[[str], Any]] = None) -> Plan:
    """Compare ``current`` (key -> members held) with the desired keys; see the module docstring."""
    add = {}  # type: Dict[str, Dict[str, Optional[int]]]
    remove = {}  # type: Dict[str, List[str]]
    unchanged = 0
    present = present or {}
    absent = absent or {}
    for key, wanted in present.items():
        held = current.get(key, set())
        stale = sorted(m for m in held if m not in wanted and in_scope(m)) if replace else []
        if stale:
            remove[key] = sorted(m for m in held if m in wanted) + stale
            held = held - set(remove[key])
        missing = {m: t for m, t in wanted.items() if m not in held}
        if missing:
            add[key] = missing
        elif not stale:
            unchanged += 1
    for key, listed in absent.items():
        held = current.get(key, set())
        extra = [m for m in listed if m in held] if listed is not None else sorted(m for m in held if in_scope(m))
        if extra:
            remove[key] = extra
        else:
            unchanged += 1
    if exact:  # sorted after filtering: a steady exact run sorts nothing
        for key in sorted((k for k in current if k not in present and k not in absent), key=order):
            extra = sorted(m for m in current[key] if in_scope(m))
            if extra:
                remove[key] = extra
    return Plan(add, remove, unchanged)


def applied(current: State, add: Mapping[str, Iterable[str]], remove: Mapping[str, Iterable[str]]) -> Dict[str, Set[str]]:
    """``current`` after the removals, then the additions (the order of one User-ID message)."""
    after = {key: set(members) for key, members in current.items()}
    for key, members in remove.items():
        after[key] = after.get(key, set()) - set(members)
    for key, more in add.items():
        after.setdefault(key, set()).update(more)
    return after


def run(current: State, todo: Plan, writer: Optional[Writer], view: Callable[[State], Any],
        order: Optional[Callable[[str], Any]] = None) -> Outcome:
    """Write ``todo`` with ``writer`` (None: check mode, nothing written) and book the result."""
    add, remove = todo.add, todo.remove
    report = writer.write(add, remove) if writer is not None and todo.changed else WriteReport(0, [], 0)
    failed_add = {f.key for f in report.failures if f.added}
    failed_remove = {f.key for f in report.failures if not f.added}
    done_add = {k: v for k, v in add.items() if k not in failed_add}
    done_remove = {k: v for k, v in remove.items() if k not in failed_remove}
    before = view(current)
    after = view(applied(current, done_add, done_remove)) if done_add or done_remove else before
    return Outcome(sorted(done_add, key=order), sorted(done_remove, key=order), todo.unchanged,
                   [f.record for f in report.failures], report.writes, report.ignored, before, after)
