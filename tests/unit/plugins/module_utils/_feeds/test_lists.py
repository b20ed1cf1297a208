"""Plain lists from a file, and their options (the formats over HTTPS: tests/integration)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import (
    ADDRESS_KINDS,
    IP,
    FeedError,
    FeedOptionError,
    FeedResult,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._lists import ListSource
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._select import feed_client, select_source


def pairs(result: FeedResult) -> List[Any]:
    return [(i.kind, i.value) for i in result.indicators]


def test_a_list_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "blocklist.txt"
    path.write_text("# my list\nevil.example\nhttp://evil.example/gate#x;y\n\n198.51.100.7 # inline\n")
    result = ListSource({"path": str(path)}).fetch(feed_client(ListSource({"path": str(path)})))
    assert pairs(result) == [("domain", "evil.example"), ("url", "http://evil.example/gate"), (IP, "198.51.100.7")]
    assert result.indicators[0].source == "blocklist.txt line 2"
    with pytest.raises(FeedError, match="cannot read the list path=.*missing.txt"):
        ListSource({"path": str(tmp_path / "missing.txt")}).fetch(feed_client(ListSource({"path": "x"})))


def test_kinds_restrict_and_reject_the_rest(tmp_path: Path) -> None:
    result = ListSource({"path": "l.txt", "kinds": list(ADDRESS_KINDS)}).parse("198.51.100.7\nevil.example\n")
    assert pairs(result) == [(IP, "198.51.100.7")]
    assert "'evil.example' (l.txt line 2) is a domain, where only" in result.rejected[0].message


@pytest.mark.parametrize("options, message", [
    ({}, "give the list's url or its path"),
    ({"url": "https://x.example/l", "path": "/tmp/l"}, "exactly one of them"),
    ({"url": "http://x.example/l"}, "is not an https:// URL"),
    ({"path": "l", "format": "xml"}, "format=xml is unknown: use one of lines, jsonl, csv"),
    ({"path": "l", "format": "csv"}, "column is required"),
    ({"path": "l", "kinds": ["ipv4"]}, "kinds has 'ipv4'"),
])
def test_bad_options(options: Dict[str, Any], message: str) -> None:
    with pytest.raises(FeedOptionError, match=message):
        select_source("list", options)
