"""Run a module's main() in-process against a fake firewall (no network, no Ansible process)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, Dict, Optional

from tests.unit.fake_firewall import KEY, TagStore, reply

PROVIDER = {"ip_address": "fw.example", "username": "auto", "password": "Secret-pw1"}
CLOCK = '<response status="success"><result>Sun Nov 22 10:00:00 UTC 2026</result></response>'
COMMIT = ('<response status="success" code="19"><result><msg><line>Commit job enqueued with jobid 1</line></msg>'
          '<job>1</job></result></response>')
JOB = ('<response status="success"><result><job><id>1</id><status>FIN</status><result>OK</result>'
       '<details><line>Configuration committed successfully</line></details></job></result></response>')
OK = '<response status="success" code="20"><msg>command succeeded</msg></response>'
MISSING = '<response status="success" code="7"><result/></response>'


class Firewall:
    """Keygen, show clock, User-ID (a TagStore), config reads (``config``: reply per action) and
    writes (recorded), commits (a job that finishes OK). ``op``: reply text per command (the words of
    its element path, e.g. ``show user group list``)."""

    def __init__(self, tags: Optional[TagStore] = None, config: Optional[Dict[str, str]] = None,
                 op: Optional[Dict[str, str]] = None, jobs: Optional[Dict[str, list[str]]] = None) -> None:
        self.tags = tags or TagStore()
        self.config = dict(config or {})
        self.op = dict(op or {})
        self.jobs = {kind: list(replies) for kind, replies in (jobs or {}).items()}  # type=report/log: replies in turn
        self.requests: list[dict[str, str]] = []
        self.key: Optional[str] = None

    def set_key(self, key: str) -> None:
        self.key = key

    def request(self, params: Any) -> ET.Element:
        self.requests.append(dict(params))
        kind = params["type"]
        if kind == "keygen":
            return reply(KEY)
        if kind == "user-id":
            return self.tags(params)
        if kind == "commit":
            return reply(COMMIT)
        if kind in self.jobs:
            return reply(self.jobs[kind].pop(0))
        if kind == "config":
            return reply(self.config.get(params["action"], MISSING if params["action"] == "get" else OK))
        if kind == "op":
            cmd = ET.fromstring(params["cmd"])
            path = []
            node: Optional[ET.Element] = cmd
            while node is not None:
                path.append(node.tag)
                node = node[0] if len(node) else None
            words = " ".join(path)
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

    def kinds(self) -> list[str]:
        return [r["type"] if r["type"] != "config" else "config " + r["action"] for r in self.requests]
