"""``type=config`` (get, show, set, edit, delete, rename, move) and ``type=commit``.

The candidate tree carries ``admin``/``dirtyId``/``time`` on changed nodes, as ``get`` shows them,
and ``state.changes`` records which admin changed which node so that a partial commit copies only
that admin's changes into the running config.
"""

from __future__ import annotations

import copy
import itertools
import re
import uuid
from typing import Callable, Iterator

from lxml import etree

from . import policy, schedule, urlcat
from .state import DIRTY_ATTRIBUTES, ApiError, ConfigPath, EmulatorState, job_enqueued, parse_xml, response, strip_dirty, success

# The xpath subset real clients send: absolute steps, each optionally with one name predicate;
# pan-os-python joins several with "|" when it refreshes selected children.
_STEP = re.compile(r"""/([A-Za-z][A-Za-z0-9_.-]*)(?:\[@name=(?:'([^']*)'|"([^"]*)")\])?""")
RULE_MEMBER_FIELDS = ("from", "to", "source", "destination", "source-user", "category", "application", "service")
RULE_ACTIONS = {"allow", "deny", "drop", "reset-client", "reset-server", "reset-both"}
MOVE_WHERE = {"top", "bottom", "before", "after"}
SECURITY_RULE_TAIL = ["rulebase", "security", "rules", "entry"]
# Rules of every rulebase (security, nat, pbf…) get a uuid when created (PAN-OS 9.0 and later).
RULE_TAIL = ["rules", "entry"]


def parse_xpath(xpath: str) -> list[ConfigPath]:
    """The paths of an xpath (several when joined with "|"); anything else is code 6."""
    paths: list[ConfigPath] = []
    steps: list[tuple[str, str | None]] = []
    pos = 0
    text = xpath.strip()
    while True:
        match = _STEP.match(text, pos)
        if match is None:
            raise ApiError(6, "Bad XPath")
        name = match.group(2) if match.group(2) is not None else match.group(3)
        steps.append((match.group(1), name))
        pos = match.end()
        if pos == len(text) or text[pos] == "|":
            if steps[0] != ("config", None):
                raise ApiError(6, "Bad XPath")
            paths.append(tuple(steps))
            steps = []
            if pos == len(text):
                return paths
            pos += 1
            while pos < len(text) and text[pos].isspace():
                pos += 1


def path_of(elem: etree._Element) -> ConfigPath:
    steps = []
    node: etree._Element | None = elem
    while node is not None:
        steps.append((node.tag, node.get("name")))
        node = node.getparent()
    return tuple(reversed(steps))


def _matches(elem: etree._Element, step: tuple[str, str | None]) -> bool:
    return elem.tag == step[0] and (step[1] is None or elem.get("name") == step[1])


def walk(root: etree._Element, path: ConfigPath) -> etree._Element | None:
    """The first node at a path below (and including) ``root``, whose own step is path[0]."""
    if not path or not _matches(root, path[0]):
        return None
    node = root
    for step in path[1:]:
        node = next((child for child in node if _matches(child, step)), None)
        if node is None:
            return None
    return node


def find(tree: etree._Element, xpath: str) -> list[etree._Element]:
    """Nodes an (already validated) xpath selects, through lxml's own xpath engine."""
    parse_xpath(xpath)
    return list(tree.getroottree().xpath(xpath))


def ensure(tree: etree._Element, path: ConfigPath, undo: list[Callable[[], None]] | None = None) -> etree._Element:
    """The node at ``path``, created with any missing ancestors (``undo`` notes how to take them away)."""
    node = tree
    for tag, name in path[1:]:
        found = next((child for child in node if _matches(child, (tag, name))), None)
        if found is None:
            found = etree.SubElement(node, tag)
            if name is not None:
                found.set("name", name)
            if undo is not None:
                undo.append(lambda parent=node, child=found: parent.remove(child))
        node = found
    return node


def merge(target: etree._Element, source: etree._Element) -> None:
    """``set`` semantics: entries merge by name, members are added, leaves are replaced."""
    if len(source) == 0 and source.text is not None and source.text.strip():
        target.text = source.text
        return
    members = {m.text for m in target if m.tag == "member"}
    children = {(c.tag, c.get("name")): c for c in target if c.tag != "member"}
    for child in source:
        if child.tag == "member":
            if child.text not in members:
                members.add(child.text)
                target.append(copy.deepcopy(child))
            continue
        key = (child.tag, child.get("name"))
        existing = children.get(key)
        if existing is None:
            children[key] = copy.deepcopy(child)
            target.append(children[key])
        else:
            merge(existing, child)


def _unit(elem: etree._Element) -> etree._Element:
    """The node a change is recorded against: the nearest named entry, else the node itself."""
    node: etree._Element | None = elem
    while node is not None and node.get("name") is None:
        node = node.getparent()
    return elem if node is None or node.getparent() is None else node


class ConfigEditor:
    """Applies one config action for one admin to the candidate, then validates it; ``rollback``
    undoes the action (its journal), so that a refused change leaves the candidate as it was.
    Working in place keeps a call's cost to the nodes it touches, as on a firewall."""

    def __init__(self, state: EmulatorState, admin: str) -> None:
        self.state = state
        self.admin = admin
        self.tree = state.candidate
        self.touched: list[etree._Element] = []
        self.reordered: list[etree._Element] = []  # containers whose order changed: marked, not revalidated
        self.removed: list[ConfigPath] = []
        self.undo: list[Callable[[], None]] = []

    def single(self, xpath: str, create: bool = False) -> etree._Element:
        paths = parse_xpath(xpath)
        if len(paths) != 1:
            raise ApiError(8, "Object not unique")
        if create:
            return ensure(self.tree, paths[0], self.undo)
        nodes = find(self.tree, xpath)
        if not nodes:
            raise ApiError(7, "No such node")
        if len(nodes) > 1:
            raise ApiError(8, "Object not unique")
        return nodes[0]

    def _keep(self, node: etree._Element) -> None:
        """Note how to put ``node`` back where it is now, as it is now."""
        parent, saved = node.getparent(), copy.deepcopy(node)
        if parent is not None:
            self.undo.append(lambda: parent.replace(node, saved))

    def set(self, xpath: str, element: str) -> None:
        wrapper = parse_xml(f"<wrapper>{element}</wrapper>", "element")
        node = self.single(xpath, create=True)
        before, text = list(node), node.text
        by_key = {(c.tag, c.get("name")): c for c in before if c.tag != "member"}
        for child in wrapper:
            existing = by_key.get((child.tag, child.get("name")))
            if existing is not None:
                self._keep(existing)
        kept = set(before)

        def restore() -> None:
            for child in list(node):
                if child not in kept:
                    node.remove(child)
            node.text = text
        self.undo.append(restore)
        merge(node, wrapper)
        # Changes are owned entry by entry: merged named entries, else the node set into.
        names = {(c.tag, c.get("name")) for c in wrapper if c.get("name") is not None}
        entries = [c for c in node if (c.tag, c.get("name")) in names]
        self.touched.extend(entries or [node])

    def edit(self, xpath: str, element: str) -> None:
        path = parse_xpath(xpath)
        new = parse_xml(element, "element")
        if len(path) != 1 or not _matches(new, path[0][-1]):
            raise ApiError(12, "edit breaks config validity")
        parent = ensure(self.tree, path[0][:-1], self.undo)
        old = walk(parent, ((parent.tag, parent.get("name")),) + path[0][-1:])
        if old is None:
            parent.append(new)
            self.undo.append(lambda: parent.remove(new))
        else:
            uuids = _rule_uuids(old)
            parent.replace(old, new)
            self.undo.append(lambda: parent.replace(new, old))
            for rule in _related(new, RULE_TAIL):
                if path_of(rule) in uuids:
                    rule.set("uuid", uuids[path_of(rule)])
        self.touched.append(new)

    def delete(self, xpath: str) -> None:
        for node in find(self.tree, xpath):
            parent = node.getparent()
            if parent is None:
                raise ApiError(12, "cannot delete the config root")
            if _unit(node) is node:
                self.removed.append(path_of(node))
            else:
                self.touched.append(parent)
            self.undo.append(lambda parent=parent, node=node, at=parent.index(node): parent.insert(at, node))
            parent.remove(node)

    def rename(self, xpath: str, newname: str) -> None:
        node = self.single(xpath)
        parent = node.getparent()
        if node.get("name") is None or parent is None:
            raise ApiError(12, "rename: the node has no name")
        if not newname or any(c.get("name") == newname and c.tag == node.tag for c in parent):
            raise ApiError(12, f"{newname} is already in use" if newname else "rename: empty name")
        self.removed.append(path_of(node))
        self.undo.append(lambda old=node.get("name"): node.set("name", old))
        node.set("name", newname)
        self.touched.append(node)

    def move(self, xpath: str, where: str, dst: str | None) -> None:
        node = self.single(xpath)
        parent = node.getparent()
        if where not in MOVE_WHERE:
            raise ApiError(17, f"Invalid where: {where}")
        if parent is None:
            raise ApiError(12, "move: the node has no parent")
        target = None
        if where in ("before", "after"):
            if not dst:
                raise ApiError(7, "no target specified in move")
            if dst == node.get("name"):
                raise ApiError(14, "Operation not possible: cannot move a node relative to itself")
            target = next((c for c in parent if c.tag == node.tag and c.get("name") == dst), None)
            if target is None:
                raise ApiError(7, f"move: {dst} does not exist")
        self.undo.append(lambda at=parent.index(node): parent.insert(at, node))
        parent.remove(node)
        if target is not None and where == "before":
            target.addprevious(node)
        elif target is not None:
            target.addnext(node)
        elif where == "top":
            parent.insert(0, node)
        else:
            parent.append(node)
        self.reordered.append(parent)  # the entries are as they were: nothing to validate

    def rollback(self) -> None:
        while self.undo:
            self.undo.pop()()

    def finish(self) -> None:
        """Validate, give new rules a uuid, mark the changed nodes and install the new candidate."""
        for node in self.touched:
            validate(node)
        for node in self.touched:
            for rule in _related(node, RULE_TAIL):
                if not rule.get("uuid"):
                    rule.set("uuid", str(uuid.uuid4()))
        now = self.state.local_time()
        recorded: list[ConfigPath] = list(self.removed)
        for node in {id(_unit(n)): _unit(n) for n in self.touched + self.reordered}.values():
            self.state.dirty_id += 1
            node.set("admin", self.admin)
            node.set("dirtyId", str(self.state.dirty_id))
            node.set("time", now)
            recorded.append(path_of(node))
        self.state.changes.extend((self.admin, p) for p in recorded if p)
        self.state.candidate = self.tree


def _rule_uuids(node: etree._Element) -> dict[ConfigPath, str]:
    """The uuids of the rules at or below (or around) a node, by path: an edit keeps them (PAN-OS owns rule uuids)."""
    return {path_of(rule): rule.get("uuid", "") for rule in _related(node, RULE_TAIL) if rule.get("uuid")}


def _related(node: etree._Element, tail: list[str]) -> Iterator[etree._Element]:
    """Entries a change can affect whose path ends with ``tail``: around the node, or inside it."""
    for elem in itertools.chain([node], node.iterancestors(), node.iter("entry")):
        if _ends_with(elem, tail):
            yield elem


def _ends_with(elem: etree._Element, tail: list[str]) -> bool:
    """Whether the tags of ``elem`` and its nearest ancestors are ``tail`` (only as far up as needed)."""
    node: etree._Element | None = elem
    for tag in reversed(tail):
        if node is None or node.tag != tag:
            return False
        node = node.getparent()
    return True


def validate(node: etree._Element) -> None:
    """The checks PAN-OS answers with "invalid object" (code 12): rule members and actions, DAG and DUG
    filters, schedule ranges, URL List entries."""
    for rule in _related(node, SECURITY_RULE_TAIL):
        for field in RULE_MEMBER_FIELDS:
            for member in rule.findall(f"{field}/member"):
                if not (member.text or "").strip():
                    raise _invalid(rule, field, member.text or "")
        action = rule.findtext("action")
        if action is not None and action not in RULE_ACTIONS:
            raise _invalid(rule, "action", action)
    for tail, field in ((["address-group", "entry"], "dynamic/filter"), (["dynamic-user-group", "entry"], "filter")):
        for group in _related(node, tail):
            text = group.findtext(field)
            if text is None:
                continue
            try:
                policy.dag_matches(text, set())
            except ValueError:
                raise _invalid(group, field.replace("/", " -> "), text) from None
    for entry in _related(node, ["schedule", "entry"]):
        bad = schedule.schedule_error(entry)
        if bad is not None:
            raise _invalid(entry, "schedule-type", bad)
    for category in _related(node, ["custom-url-category", "entry"]):
        for member in category.iterfind("list/member"):
            if urlcat.entry_error(member.text or "") is not None:
                raise _invalid(category, "list", member.text or "")


def _invalid(entry: etree._Element, field: str, value: str) -> ApiError:
    return ApiError(12, f" {entry.get('name', '')} -> {field} '{value}' is invalid", cdata=True)


def _read(tree: etree._Element, xpath: str) -> list[etree._Element]:
    """Copies of the nodes an xpath selects; ``…/@name`` selects names only: ``<entry name="…"/>`` each."""
    base, sep, attribute = xpath.strip().rpartition("/@")
    if not sep:
        return [copy.deepcopy(n) for n in find(tree, xpath)]
    if attribute != "name" or "|" in base:
        raise ApiError(6, "Bad XPath")
    return [etree.Element(n.tag, name=n.get("name", "")) for n in find(tree, base) if n.get("name") is not None]


def handle_config(state: EmulatorState, params: dict[str, str], admin: str) -> etree._Element:
    action = params.get("action", "")
    xpath = params.get("xpath")
    if xpath is None and action == "show":
        return success(strip_dirty(copy.deepcopy(state.running)))
    if xpath is None:
        raise ApiError(400, 'Missing value for parameter "xpath".', http_status=400, in_result=True)
    if action in ("get", "show"):
        nodes = _read(state.candidate if action == "get" else state.running, xpath)
        if action == "show":
            if not nodes:
                raise ApiError(None, "No such node")
            return success(*[strip_dirty(n) for n in nodes])
        if not nodes:
            root = response("success", 7)
            etree.SubElement(root, "result")
            return root
        root = success(*nodes, code=19)
        root[0].set("total-count", str(len(nodes)))
        root[0].set("count", str(len(nodes)))
        return root
    state.check_config_lock(admin)
    editor = ConfigEditor(state, admin)
    actions: dict[str, Callable[[], None]] = {
        "set": lambda: editor.set(xpath, _required(params, "element")),
        "edit": lambda: editor.edit(xpath, _required(params, "element")),
        "delete": lambda: editor.delete(xpath),
        "rename": lambda: editor.rename(xpath, _required(params, "newname")),
        "move": lambda: editor.move(xpath, _required(params, "where"), params.get("dst")),
    }
    if action not in actions:
        raise ApiError(400, f'Illegal value for parameter "action" [{action}].', http_status=400, in_result=True)
    try:
        actions[action]()
        editor.finish()
    except Exception:
        editor.rollback()
        raise
    root = response("success", 20)
    etree.SubElement(root, "msg").text = "command succeeded"
    return root


def _required(params: dict[str, str], name: str) -> str:
    if name not in params:
        raise ApiError(400, f'Missing value for parameter "{name}".', http_status=400, in_result=True)
    return params[name]


# -- commit --------------------------------------------------------------------------------------
COMMIT_IN_PROGRESS = "Another commit/validate is in progress. Please try again later"


def _is_under(path: ConfigPath, ancestor: ConfigPath) -> bool:
    return len(path) > len(ancestor) and path[:len(ancestor)] == ancestor


def _restore_others(replacement: etree._Element, base: ConfigPath, running: etree._Element, others: set[ConfigPath]) -> None:
    """Inside a subtree copied from the candidate, put other admins' changed nodes back as running has them."""
    for other in sorted((o for o in others if _is_under(o, base)), key=len):
        relative = base[-1:] + other[len(base):]
        current = walk(replacement, relative)
        old = walk(running, other)
        if current is not None:
            parent = current.getparent()
            if parent is None:
                continue
            if old is None:
                parent.remove(current)
            else:
                parent.replace(current, copy.deepcopy(old))
        elif old is not None:
            parent = walk(replacement, relative[:-1])
            if parent is not None:
                parent.append(copy.deepcopy(old))


def _place(tree: etree._Element, path: ConfigPath, node: etree._Element, candidate: etree._Element) -> None:
    """Put ``node`` at ``path`` in ``tree``: in place of the old node, else after its candidate predecessor."""
    current = walk(tree, path)
    if current is not None and current.getparent() is not None:
        current.getparent().replace(current, node)
        return
    parent = ensure(tree, path[:-1])
    in_candidate = walk(candidate, path)
    previous = in_candidate.getprevious() if in_candidate is not None else None
    while previous is not None:
        anchor = walk(parent, ((parent.tag, parent.get("name")), (previous.tag, previous.get("name"))))
        if anchor is not None:
            anchor.addnext(node)
            return
        previous = previous.getprevious()
    if in_candidate is not None:
        parent.insert(0, node)  # it has no predecessor in the candidate either
    else:
        parent.append(node)


def partial_running(state: EmulatorState, admins: set[str]) -> etree._Element | None:
    """The running config after committing only these admins' changes (None: nothing to commit)."""
    mine = list(dict.fromkeys(p for a, p in state.changes if a in admins))
    if not mine:
        return None
    others = {p for a, p in state.changes if a not in admins}
    running = copy.deepcopy(state.running)
    for path in mine:
        if any(_is_under(path, other) for other in mine):
            continue
        in_candidate = walk(state.candidate, path)
        if in_candidate is None:
            old = walk(running, path)
            if old is not None and old.getparent() is not None:
                old.getparent().remove(old)
            continue
        replacement = strip_dirty(copy.deepcopy(in_candidate))
        _restore_others(replacement, path, state.running, others)
        _place(running, path, replacement, state.candidate)
    return running


def _check_no_commit_running(state: EmulatorState) -> None:
    if state.active_job("Commit") is not None or state.active_job("Validate") is not None:
        raise ApiError(13, COMMIT_IN_PROGRESS)


def validate_job(state: EmulatorState, admin: str) -> etree._Element:
    """Validation (op ``validate full`` or a commit wrapping ``<validate>``): a Validate job; the
    running config and the pending changes stay as they are. Changes are validated when made, so it passes."""
    _check_no_commit_running(state)
    job_id = state.add_job("Validate", admin, None)
    return job_enqueued("Validate", job_id, code=19)


def handle_commit(state: EmulatorState, params: dict[str, str], admin: str) -> etree._Element:
    cmd = parse_xml(params.get("cmd") or "<commit/>")
    if cmd.tag != "commit":
        raise ApiError(17, f" {cmd.tag} is unexpected", cdata=True)
    if cmd.find("validate") is not None:
        return validate_job(state, admin)
    state.check_config_lock(admin)
    _check_no_commit_running(state)
    admins = {m.text or "" for m in cmd.findall("partial/admin/member")}
    if admins:
        new_running = partial_running(state, admins)
    else:
        admins = {change[0] for change in state.changes}
        new_running = strip_dirty(copy.deepcopy(state.candidate))
        if etree.tostring(new_running) == etree.tostring(state.running):
            new_running = None
    if new_running is None:
        root = response("success", 19)
        etree.SubElement(root, "msg").text = "There are no changes to commit."
        return root
    # The job installs the new running config when it finishes; the changes stop being pending now.
    state.changes = [(a, p) for a, p in state.changes if a not in admins]
    for node in state.candidate.iter():
        if node.get("admin") in admins:
            for name in DIRTY_ATTRIBUTES:
                node.attrib.pop(name, None)

    def install() -> None:
        state.running = new_running
        state.edl.after_commit(state)  # lists fetch on commit, then at their interval (edl.py)

    job_id = state.add_job("Commit", admin, install, description=cmd.findtext("description") or "")
    return job_enqueued("Commit", job_id, code=19)
