"""A candidate and a running configuration in memory, answering config requests like PAN-OS."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import to_string

ENTRY = re.compile(r"^(?P<parent>.*)/entry\[@name=(?P<q>['\"])(?P<name>.*)(?P=q)\]$")


class FakeConfig:
    """``entries``: xpath of a container -> {name: entry}; records every request."""

    def __init__(self, admin: str = "admin") -> None:
        self.candidate: dict[str, dict[str, ET.Element]] = {}
        self.running: dict[str, dict[str, ET.Element]] = {}
        self.sent: list[tuple[str, str, Optional[str], dict[str, Any]]] = []
        self.commits: list[tuple[str, Optional[str]]] = []
        self.api_calls = 0
        self.admin = admin
        self.where = "fake:443"

    def add(self, parent: str, entry: ET.Element, running: bool = True) -> None:
        self.candidate.setdefault(parent, {})[entry.get("name") or ""] = entry
        if running:
            self.running.setdefault(parent, {})[entry.get("name") or ""] = ET.fromstring(to_string(entry))

    def _find(self, tree: dict[str, dict[str, ET.Element]], xpath: str) -> list[ET.Element]:
        found = []
        for part in xpath.split("|"):
            match = ENTRY.match(part)
            assert match, part
            entry = tree.get(match.group("parent"), {}).get(match.group("name"))
            if entry is not None:
                found.append(entry)
        return found

    def config(self, action: str, xpath: str, element: Any = None, **extra: Any) -> ET.Element:
        self.api_calls += 1
        root = ET.Element("response", status="success")
        result = ET.SubElement(root, "result")
        if action == "get":
            found = self._find(self.candidate, xpath)
            if not found:
                root.set("code", "7")
            result.extend(found)
            return root
        if action == "show":
            found = self._find(self.running, xpath)
            if not found:
                raise FirewallError("No such node", kind="panos")
            result.extend(found)
            return root
        self.sent.append((action, xpath, to_string(element) if element is not None else None, dict(extra)))
        if action == "set":
            for given in element if isinstance(element, list) else [element]:
                entry = ET.fromstring(to_string(given))
                entry.set("admin", self.admin)
                self.candidate.setdefault(xpath, {})[entry.get("name") or ""] = entry
        elif action in ("edit", "delete"):
            match = ENTRY.match(xpath)
            assert match, xpath
            entries = self.candidate.setdefault(match.group("parent"), {})
            if action == "edit":
                entry = ET.fromstring(to_string(element))
                entry.set("admin", self.admin)
                entries[match.group("name")] = entry
            else:
                entries.pop(match.group("name"), None)
        return root

    def commit_partial(self, admin: str, description: Optional[str] = None) -> dict[str, Any]:
        self.api_calls += 1
        self.commits.append((admin, description))
        return {"changed": True, "job_id": "1", "result": "OK", "messages": [], "warnings": []}

    def actions(self) -> list[str]:
        return [sent[0] for sent in self.sent]
