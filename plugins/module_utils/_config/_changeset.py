# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The configuration changes of one module run: plan, diff, write, one partial commit.

Every module that writes configuration goes through a :class:`ChangeSet`:

1. ``ChangeSet(conn, ...)`` checks the commit-admin rule before any request;
2. ``read(objects)`` reads the current entries (batched) and notes this admin's pending changes;
3. ``present(obj)`` / ``absent(kind, name)`` plan a change (nothing is written yet);
4. ``apply()`` writes the plan in order (nothing in check mode) and commits this admin's
   changes once, when something changed or an earlier run's changes are still pending.

``diff()`` gives ``{"before": {label: entry}, "after": {label: entry}}`` of the planned changes.
Plain Python, no Ansible imports.
"""

from __future__ import annotations


import xml.etree.ElementTree as ET
from typing import Any, Callable, Dict, Iterable, List, Mapping, NamedTuple, Optional, Set

from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import ConfigObject, ObjectType
from ansible_collections.tagwarden.panos.plugins.module_utils._config._store import (
    ConfigStore,
    Ref,
    differences,
    entry_as_dict,
    pending_for,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ApplyFailed, FirewallError, ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection

COMMIT_ADMIN_UNKNOWN = ("commit_admin: with only provider.api_key the admin whose changes to commit is unknown; "
                        "give commit_admin (the admin that owns the API key) or commit: false")


def commit_admin_for(commit_admin: Optional[str], provider: Optional[Mapping[str, Any]]) -> Optional[str]:
    """The admin whose changes to commit: the option, else the provider's username when it logs
    in with a password (with only an API key the key's owner is unknown: None)."""
    if commit_admin:
        return commit_admin
    provider = provider or {}
    return (provider.get("username") or "admin") if provider.get("password") else None


class Change(NamedTuple):
    """One planned write: ``action`` is created, updated or deleted."""

    action: str
    kind: ObjectType
    name: str
    current: Optional[ET.Element]
    desired: Optional[ConfigObject]
    then: Optional[Callable[[], None]]  # run after the write (e.g. move a new rule into place)
    together: bool = False  # a creation written in one ``set`` with the other creations of its type

    @property
    def label(self) -> str:
        return "%s %s" % (self.kind.kind, self.name)


class ChangeSet:
    """Planned configuration changes of one module run, and their single partial commit.

    The commit-admin rule: with ``commit`` true the admin whose changes to commit must be known
    (``commit_admin_for``), checked before anything is sent; a commit runs when this run planned
    a change, or when the admin's own earlier changes are still pending (a failed commit)."""

    def __init__(self, conn: Connection, *, vsys: Optional[str] = "vsys1", check_mode: bool = False,
                 commit: bool = True, admin: Optional[str] = None, description: Optional[str] = None) -> None:
        if commit and not admin:
            raise ValidationError(COMMIT_ADMIN_UNKNOWN)
        self.conn = conn
        self.vsys = vsys
        self.store = ConfigStore(conn, vsys)
        self.check_mode = check_mode
        self.commit = commit
        self.admin = admin
        self.description = description
        self.changes = []  # type: List[Change]
        self.pending = False  # this admin has uncommitted changes on the objects read
        self._current = {}  # type: Dict[Ref, Optional[ET.Element]]

    # ----------------------------------------------------------------- reading
    def read(self, refs: Iterable[Ref]) -> Dict[Ref, Optional[ET.Element]]:
        """Read the entries not read yet (batched); returns every asked entry (None: missing)."""
        refs = list(refs)
        missing = [ref for ref in refs if ref not in self._current]
        if missing:
            for (kind, name), entry in self.store.read(missing).items():
                self.known(kind, name, entry)
        return {ref: self._current[ref] for ref in refs}

    def known(self, kind: ObjectType, name: str, entry: Optional[ET.Element]) -> None:
        """Take an entry this run has read already (so that it is not read twice)."""
        self._current[(kind, name)] = entry
        self.pending = self.pending or pending_for(entry, self.admin)

    def current(self, kind: ObjectType, name: str) -> Optional[ET.Element]:
        return self.read([(kind, name)])[(kind, name)]

    # ----------------------------------------------------------------- planning
    def present(self, obj: ConfigObject, then: Optional[Callable[[], None]] = None, together: bool = False) -> Optional[str]:
        """Plan ``obj``: ``created``, ``updated`` or None (already so). ``then`` runs after a creation.
        ``together``: a creation goes out in one ``set`` on the container with every other creation of
        its type planned ``together`` (they land at the end of the container, in plan order), sent
        when the first of them is reached."""
        current = self.current(obj.type, obj.name)
        if current is not None and not differences(current, obj.element, obj.type):
            return None
        action = "created" if current is None else "updated"
        self.changes.append(Change(action, obj.type, obj.name, current, obj, then if current is None else None,
                                   together and current is None))
        return action

    def absent(self, kind: ObjectType, name: str) -> Optional[str]:
        """Plan the deletion: ``deleted`` or None. A deletion still waiting for its commit (gone
        from the candidate, still running) counts as pending, so that it gets committed."""
        current = self.current(kind, name)
        if current is None:
            if self.commit and self.store.in_running(kind, name):
                self.pending = True
            return None
        self.changes.append(Change("deleted", kind, name, current, None, None))
        return "deleted"

    def step(self, action: str, kind: ObjectType, name: str, run: Callable[[], None]) -> str:
        """Plan a write that is not an entry's content (``moved``: a rule moved into place); it runs
        in plan order with the other changes and counts as a change."""
        self.changes.append(Change(action, kind, name, self.current(kind, name), None, run))
        return action

    @property
    def needs_commit(self) -> bool:
        return self.commit and (bool(self.changes) or self.pending)

    @property
    def changed(self) -> bool:
        return bool(self.changes) or self.needs_commit

    def labels(self, action: str) -> List[str]:
        return [change.label for change in self.changes if change.action == action]

    def diff(self) -> Dict[str, Dict[str, Any]]:
        before = {}  # type: Dict[str, Any]
        after = {}  # type: Dict[str, Any]
        for change in self.changes:
            if change.desired is None and change.then is not None:  # a step: the entry stays as it is
                before.setdefault(change.label, entry_as_dict(change.current))
                after.setdefault(change.label, entry_as_dict(change.current))
                continue
            before[change.label] = entry_as_dict(change.current)
            after[change.label] = entry_as_dict(change.desired.element) if change.desired is not None else None
        return {"before": before, "after": after}

    # ----------------------------------------------------------------- writing
    def apply(self) -> Optional[Dict[str, Any]]:
        """Write the plan in order and commit once if needed; returns the commit's result (None
        when no commit ran). Nothing is sent in check mode. FirewallError on the first failure."""
        if self.check_mode:
            return None
        written = set()  # type: Set[ObjectType]
        for change in self.changes:
            if change.desired is None and change.then is not None:  # a step
                change.then()
                continue
            if change.desired is None:
                self.store.delete(change.kind, change.name)
                continue
            if not change.together:
                self.store.write(change.desired, change.current)
            elif change.kind not in written:
                written.add(change.kind)
                self.store.create_all(change.kind, [c.desired for c in self.changes
                                                    if c.together and c.kind == change.kind and c.desired is not None])
            if change.then is not None:
                change.then()
        if not self.needs_commit or self.admin is None:  # no admin: __init__ refused to commit
            return None
        return self.conn.commit_partial(self.admin, self.description)

    def apply_into(self, result: Dict[str, Any]) -> Dict[str, Any]:
        """:meth:`apply`, then ``committed`` and ``api_calls`` in ``result``; a failure once writing
        began raises ApplyFailed carrying ``result``, so the task still says what was done."""
        try:
            commit_result = self.apply()
        except FirewallError as exc:
            result["api_calls"] = self.conn.api_calls
            raise ApplyFailed(exc, result) from None
        result["committed"] = bool(commit_result and commit_result["changed"])
        result["api_calls"] = self.conn.api_calls
        return result
