"""The one fake PAN-OS firewall of the unit tests, at the XML API transport
(``FirewallConnection(provider, transport=FakeFirewall(...))``): no network, no process.

Stateful by default: keygen, ``show clock``, User-ID registrations of IPs and users (a :class:`TagStore`),
the candidate and running configuration (a :class:`ConfigTree`; or a canned reply per config action), commits
(a job that finishes OK), report and log jobs (replies in turn), other op commands (a reply per command, by the
words of its element path).
``FakeFirewall.scripted(*replies, default=...)`` answers each request with the next reply instead, for the
client's own tests (retries, faults, paging). The replies are XML files in ``replies/``, in the form PAN-OS
returns them.
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Set, Tuple, Union

if TYPE_CHECKING:  # imported when called: tests.module_runner, a pytest plugin, loads this file before the collection
    from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection

REPLIES = Path(__file__).with_name("replies")


def reply_text(name: str) -> str:
    """The reply ``replies/<name>.xml``."""
    return (REPLIES / (name + ".xml")).read_text().strip()


def reply(xml: str) -> ET.Element:
    return ET.fromstring(xml)


PROVIDER = {"ip_address": "fw.example", "username": "auto", "password": "Secret-pw1"}
KEY = reply_text("keygen")
OK = reply_text("success")
CLOCK = reply_text("show-clock")
COMMIT = reply_text("commit-enqueued")
JOB = reply_text("show-job-fin")
SUCCEEDED = reply_text("command-succeeded")
MISSING = reply_text("config-get-missing")
UID_OK = reply_text("uid-message-ok")

#: The xpaths our code sends: absolute steps, each with at most one name predicate, joined with "|".
STEP = re.compile(r"""/([A-Za-z][A-Za-z0-9_.-]*)(?:\[@name=(?:'([^']*)'|"([^"]*)")\])?""")
#: Attributes PAN-OS puts on candidate entries changed since the last commit (``get`` shows them, ``show`` not).
DIRTY = ("admin", "dirtyId", "time")

# What a scripted reply may be: XML text, an Element, an exception to raise, or a callable(params).
Reply = Union[str, ET.Element, BaseException, Callable[[Dict[str, str]], Any]]


class TagStore:
    """The firewall's User-ID registrations: registered-ip reads (paged, one tag filter) and uid-messages
    (register/unregister), with optional per-IP rejections; user tags (register-user/unregister-user,
    ``show object registered-user all``) in ``users``."""

    def __init__(self, registrations: Optional[Dict[str, Set[str]]] = None, reject: Optional[Dict[str, str]] = None,
                 users: Optional[Dict[str, Set[str]]] = None) -> None:
        self.tags = {ip: set(tags) for ip, tags in (registrations or {}).items()}
        self.users = {user: set(tags) for user, tags in (users or {}).items()}
        self.timeouts: Dict[Tuple[Optional[str], Optional[str]], Optional[str]] = {}
        self.reject = dict(reject or {})  # ip -> message
        self.messages: List[ET.Element] = []

    def __call__(self, params: Dict[str, str]) -> ET.Element:
        if params["type"] == "keygen":
            return reply(KEY)
        cmd = ET.fromstring(params["cmd"])
        if params["type"] == "op":
            return self._read(cmd)
        if params["type"] == "user-id":
            self.messages.append(cmd)
            return self._update(cmd)
        raise AssertionError(params)

    def _read(self, cmd: ET.Element) -> ET.Element:
        users = cmd.find("./object/registered-user/all")
        if users is not None:
            return self._read_users(users)
        node = cmd.find("./object/registered-ip")
        assert node is not None, ET.tostring(cmd)
        limit, start = int(node.findtext("limit") or 0), int(node.findtext("start-point") or 1)
        tag = node.find("./tag/entry")
        ips = sorted(ip for ip, tags in self.tags.items() if tags and (tag is None or tag.get("name") in tags))
        page = ips[start - 1:start - 1 + limit]
        result = ET.Element("result")
        for ip in page:
            entry = ET.SubElement(result, "entry", {"ip": ip, "from_agent": "0", "persistent": "1"})
            members = ET.SubElement(entry, "tag")
            for name in sorted(self.tags[ip]):
                ET.SubElement(members, "member").text = name
        ET.SubElement(result, "count").text = str(len(page))
        root = ET.Element("response", {"status": "success"})
        root.append(result)
        return root

    def _read_users(self, node: ET.Element) -> ET.Element:
        start, limit = int(node.findtext("start-point") or 1), int(node.findtext("limit") or 0)
        result = ET.Element("result")
        for user in sorted(u for u, tags in self.users.items() if tags)[start - 1:start - 1 + limit]:
            members = ET.SubElement(ET.SubElement(result, "entry", {"user": user}), "tag")
            for name in sorted(self.users[user]):
                ET.SubElement(members, "member").text = name
        root = ET.Element("response", {"status": "success"})
        root.append(result)
        return root

    def _update(self, cmd: ET.Element) -> ET.Element:
        failed: List[Tuple[str, str, str]] = []
        payload_in = cmd.find("payload")
        for section in (payload_in if payload_in is not None else []):
            for entry in section:
                if section.tag.endswith("-user"):
                    self._update_user(section.tag, entry)
                else:
                    failed.extend(self._update_ip(section.tag, entry))
        if not failed:
            return reply(UID_OK)
        root = ET.Element("response", {"status": "error"})
        payload = ET.SubElement(ET.SubElement(ET.SubElement(ET.SubElement(root, "msg"), "line"), "uid-response"),
                                "payload")
        for kind, ip, message in failed:
            node = payload.find(kind)
            if node is None:
                node = ET.SubElement(payload, kind)
            ET.SubElement(node, "entry", {"ip": ip, "message": message})
        return root

    def _update_user(self, section: str, entry: ET.Element) -> None:
        held = self.users.setdefault(entry.get("user") or "", set())
        for member in entry.findall("./tag/member"):
            (held.add if section == "register-user" else held.discard)(member.text or "")
            self.timeouts[(entry.get("user"), member.text)] = member.get("timeout")

    def _update_ip(self, section: str, entry: ET.Element) -> List[Tuple[str, str, str]]:
        ip = entry.get("ip") or ""
        if ip in self.reject:
            return [(section, ip, self.reject[ip])]
        failed = []
        for member in entry.findall("./tag/member"):
            name = member.text or ""
            held = self.tags.setdefault(ip, set())
            if section == "register":
                if name in held:
                    failed.append((section, ip, "tag %s already exists, ignore" % name))
                held.add(name)
                self.timeouts[(ip, name)] = member.get("timeout")
            else:
                if name not in held:
                    failed.append((section, ip, "ip %s does not exist, ignore unreg" % ip))
                held.discard(name)
        return failed


def xpath_steps(xpath: str) -> List[List[Tuple[str, Optional[str]]]]:
    """Each path of a (``|``-joined) xpath as its steps ``(tag, name or None)``, from ``config``."""
    paths = []
    for part in xpath.split("|"):
        steps, pos, part = [], 0, part.strip()
        while pos < len(part):
            match = STEP.match(part, pos)
            assert match, "bad xpath %r" % xpath
            steps.append((match.group(1), match.group(2) if match.group(2) is not None else match.group(3)))
            pos = match.end()
        assert steps and steps[0] == ("config", None), xpath
        paths.append(steps)
    return paths


def _matches(node: ET.Element, step: Tuple[str, Optional[str]]) -> bool:
    return node.tag == step[0] and (step[1] is None or node.get("name") == step[1])


def _undirty(node: ET.Element) -> ET.Element:
    for item in node.iter():
        for name in DIRTY:
            item.attrib.pop(name, None)
    return node


class ConfigTree:
    """The candidate and the running configuration, as ``type=config`` and a commit change them.

    ``get`` reads the candidate (code 19; a missing node: code 7 and an empty result), ``show`` the running
    config (a missing node: an error, "No such node"); ``set`` merges into the node at the xpath (entries by name,
    members added, leaves replaced), ``edit`` replaces it, ``delete`` removes it, ``move`` reorders it
    (``where``, ``dst``). Written entries carry ``admin`` (``admin``) and ``dirtyId`` until a commit, which
    installs the candidate as the running config (the tests have one admin, so a partial commit is all of it).
    """

    def __init__(self, admin: str = "admin") -> None:
        self.admin = admin
        self.candidate = ET.Element("config")
        self.running = ET.Element("config")
        self.dirty = 0

    def add(self, container: str, entry: Union[str, ET.Element], running: bool = True) -> None:
        """Put ``entry`` under the node at ``container`` in the candidate (and, with ``running``, the running config)."""
        entry = ET.fromstring(entry) if isinstance(entry, str) else entry
        _ensure(self.candidate, xpath_steps(container)[0]).append(copy.deepcopy(entry))
        if running:
            _ensure(self.running, xpath_steps(container)[0]).append(_undirty(copy.deepcopy(entry)))

    def names(self, container: str) -> List[str]:
        """The names of the candidate entries under ``container``, in order."""
        return [node.get("name") or "" for found in self.find(self.candidate, container) for node in found]

    @staticmethod
    def find(tree: ET.Element, xpath: str) -> List[ET.Element]:
        """The nodes of ``tree`` (the candidate or the running config) that ``xpath`` selects."""
        return [node for steps in xpath_steps(xpath) for node in _walk(tree, steps)]

    def __call__(self, params: Dict[str, str]) -> ET.Element:
        action, xpath = params["action"], params["xpath"]
        if action in ("get", "show"):
            return self._read(action, xpath)
        if action == "set":
            node = _ensure(self.candidate, xpath_steps(xpath)[0])
            given = list(ET.fromstring("<element>%s</element>" % params["element"]))
            for child in given:
                _merge(node, child)
            # PAN-OS marks the entry that changed: the one set into, else the entries set
            named = {(child.tag, child.get("name")) for child in given if child.get("name") is not None}
            for entry in [node] if node.get("name") is not None else [c for c in node if (c.tag, c.get("name")) in named]:
                self._marked(entry)
        elif action == "edit":
            steps = xpath_steps(xpath)[0]
            parent = _ensure(self.candidate, steps[:-1])
            new = self._marked(ET.fromstring(params["element"]))
            old = next((child for child in parent if _matches(child, steps[-1])), None)
            if old is None:
                parent.append(new)
            else:
                parent[list(parent).index(old)] = new
        elif action == "delete":
            for steps in xpath_steps(xpath):
                for parent in _walk(self.candidate, steps[:-1]):
                    for child in [child for child in parent if _matches(child, steps[-1])]:
                        parent.remove(child)
        elif action == "move":
            return self._move(xpath, params["where"], params.get("dst"))
        else:
            raise AssertionError("unexpected config action %r" % (params,))
        return reply(SUCCEEDED)

    def _read(self, action: str, xpath: str) -> ET.Element:
        nodes = [copy.deepcopy(node) for node in self.find(self.candidate if action == "get" else self.running, xpath)]
        if action == "show":
            if not nodes:
                return reply('<response status="error"><msg><line>No such node</line></msg></response>')
            root = ET.Element("response", {"status": "success"})
            ET.SubElement(root, "result").extend(_undirty(node) for node in nodes)
            return root
        if not nodes:
            return reply(MISSING)
        root = ET.Element("response", {"status": "success", "code": "19"})
        result = ET.SubElement(root, "result", {"total-count": str(len(nodes)), "count": str(len(nodes))})
        result.extend(nodes)
        return root

    def _move(self, xpath: str, where: str, dst: Optional[str]) -> ET.Element:
        steps = xpath_steps(xpath)[0]
        parent = _ensure(self.candidate, steps[:-1])
        node = next((child for child in parent if _matches(child, steps[-1])), None)
        assert node is not None, "move of a missing node %r" % xpath
        parent.remove(node)
        if where in ("before", "after"):
            target = next((child for child in parent if child.get("name") == dst), None)
            assert target is not None, "move %s %r: no such entry" % (where, dst)
            parent.insert(list(parent).index(target) + (where == "after"), node)
        else:
            parent.insert(0 if where == "top" else len(parent), node)
        self._marked(node)
        return reply(SUCCEEDED)

    def _marked(self, entry: ET.Element) -> ET.Element:
        self.dirty += 1
        entry.set("admin", self.admin)
        entry.set("dirtyId", str(self.dirty))
        return entry

    def commit(self) -> None:
        self.running = _undirty(copy.deepcopy(self.candidate))
        _undirty(self.candidate)


def _walk(tree: ET.Element, steps: List[Tuple[str, Optional[str]]]) -> List[ET.Element]:
    """The nodes at ``steps`` (from ``config``)."""
    nodes = [tree]
    for step in steps[1:]:
        nodes = [child for node in nodes for child in node if _matches(child, step)]
    return nodes


def _ensure(tree: ET.Element, steps: List[Tuple[str, Optional[str]]]) -> ET.Element:
    """The node at ``steps`` (from ``config``), created with its missing ancestors."""
    node = tree
    for step in steps[1:]:
        found = next((child for child in node if _matches(child, step)), None)
        if found is None:
            found = ET.SubElement(node, step[0], {"name": step[1]} if step[1] is not None else {})
        node = found
    return node


def _merge(target: ET.Element, source: ET.Element) -> None:
    """``set``: ``source`` merged into ``target``'s child of its tag and name (members added, leaves replaced)."""
    existing = next((child for child in target if child.tag == source.tag and child.get("name") == source.get("name")
                     and source.tag != "member"), None)
    if existing is None:
        if source.tag != "member" or source.text not in {m.text for m in target if m.tag == "member"}:
            target.append(source)
        return
    existing.attrib.update(source.attrib)
    if len(source) == 0 and (source.text or "").strip():
        existing.text = source.text
    for child in list(source):
        _merge(existing, child)


class FakeFirewall:
    """The transport of a fake firewall: ``set_key`` and ``request(params)``; every request is kept in ``requests``.

    ``tags``: its User-ID registrations; ``tree``: its configuration, unless ``config`` gives canned replies
    per config action (then ``get`` defaults to a missing object, the others to success); ``op``: the reply per
    command, by the leading words of its element path (``show user group list``); ``jobs``: report and log job
    replies, in turn.
    """

    def __init__(self, tags: Optional[TagStore] = None, config: Optional[Dict[str, str]] = None,
                 op: Optional[Dict[str, str]] = None, jobs: Optional[Dict[str, List[str]]] = None,
                 tree: Optional[ConfigTree] = None) -> None:
        self.tags = tags or TagStore()
        self.tree = tree or ConfigTree()
        self.config = dict(config or {})
        self.op = dict(op or {})
        self.jobs = {kind: list(replies) for kind, replies in (jobs or {}).items()}
        self.script: List[Reply] = []
        self.default: Optional[Reply] = None
        self.requests: List[Dict[str, str]] = []
        self.key: Optional[str] = None

    @classmethod
    def scripted(cls, *script: Reply, default: Reply = OK) -> "FakeFirewall":
        """A firewall that answers each request with the next of ``script``, then with ``default``."""
        firewall = cls()
        firewall.script = list(script)
        firewall.default = default
        return firewall

    def set_key(self, key: str) -> None:
        self.key = key

    def request(self, params: Any) -> ET.Element:
        self.requests.append(dict(params))
        if self.default is not None:
            return self._scripted(dict(params))
        return self._answer(dict(params))

    def _scripted(self, params: Dict[str, str]) -> ET.Element:
        item = self.script.pop(0) if self.script else self.default
        if callable(item) and not isinstance(item, type):
            item = item(params)
        if isinstance(item, BaseException):
            raise item
        if isinstance(item, str):
            return reply(item)
        assert isinstance(item, ET.Element), item
        return item

    def _answer(self, params: Dict[str, str]) -> ET.Element:
        kind = params["type"]
        if kind == "keygen":
            return reply(KEY)
        if kind == "user-id":
            return self.tags(params)
        if kind == "commit":
            self.tree.commit()
            return reply(COMMIT)
        if kind in self.jobs:
            return reply(self.jobs[kind].pop(0))
        if kind == "config" and not self.config:
            return self.tree(params)
        if kind == "config":
            return reply(self.config.get(params["action"], MISSING if params["action"] == "get" else SUCCEEDED))
        if kind == "op":
            return self._op(params)
        raise AssertionError("unexpected request %r" % (params,))

    def _op(self, params: Dict[str, str]) -> ET.Element:
        words = " ".join(command_path(ET.fromstring(params["cmd"])))
        if words == "show clock":
            return reply(CLOCK)
        if words.startswith("show jobs"):
            return reply(JOB)
        if words.startswith(("show object registered-ip", "show object registered-user")):
            return self.tags(params)
        for prefix, answer in self.op.items():
            if words.startswith(prefix):
                return reply(answer)
        raise AssertionError("unexpected request %r" % (params,))

    def types(self) -> List[str]:
        return [r["type"] for r in self.requests]

    def kinds(self) -> List[str]:
        return [r["type"] if r["type"] != "config" else "config " + r["action"] for r in self.requests]

    def writes(self) -> List[Dict[str, str]]:
        """The requests that change the firewall: config writes, User-ID messages, commits (in order)."""
        return [r for r in self.requests if r["type"] in ("user-id", "commit")
                or r["type"] == "config" and r["action"] not in ("get", "show")]

    def written(self) -> List[str]:
        """What :meth:`writes` did: the config action, ``user-id`` or ``commit``."""
        return [r["action"] if r["type"] == "config" else r["type"] for r in self.writes()]

    def commits(self) -> List[Tuple[str, Optional[str]]]:
        """The admin and the description of every commit."""
        found = []
        for params in self.requests:
            if params["type"] == "commit":
                element = ET.fromstring(params["cmd"])
                found.append((element.findtext("./partial/admin/member") or "", element.findtext("description")))
        return found


def connection(firewall: FakeFirewall) -> "FirewallConnection":
    """A client of ``firewall`` that has its API key (no keygen) and does not sleep between polls."""
    from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection

    return FirewallConnection({"ip_address": "fw.example", "api_key": "K"}, transport=firewall, sleep=lambda s: None)


def command_path(cmd: ET.Element) -> List[str]:
    """The element names from an op command's root down its first children: ``show clock``."""
    path = []
    node: Optional[ET.Element] = cmd
    while node is not None:
        path.append(node.tag)
        node = node[0] if len(node) else None
    return path
