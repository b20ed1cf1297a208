# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Indicators from a plain list, fetched over HTTPS (``url``) or read from a file (``path``).

Formats:

- ``lines``: one indicator per line; ``#`` or ``;`` at the start of a line or after a blank starts a
  comment (Spamhaus DROP ``1.10.16.0/20 ; SBL256894``); only the first word counts (``ip<TAB>count``).
- ``jsonl``: one JSON object per line, the indicator in ``field`` (Spamhaus ``drop_v4.json``: ``cidr``);
  objects with ``"type": "metadata"`` are skipped.
- ``csv``: the indicator in the named ``column`` (abuse.ch Feodo: ``dst_ip``); the header may be a
  ``#`` comment, as in Feodo's file, and other ``#`` lines are skipped.

A list is the whole feed every time: the cursor stays None.
"""

from __future__ import annotations


import csv
import json
import os
import re
from typing import Any, Iterator, List, Mapping, Optional, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds import _options
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import (
    FeedError,
    FeedOptionError,
    FeedResult,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import HttpsClient, display_url

NAME = "list"
FORMATS = ("lines", "jsonl", "csv")
OPTIONS = ("url", "path", "format", "column", "field", "kinds")
_COMMENT = re.compile(r"(^|\s)[#;].*$")


class ListSource:
    """A plain list; ``kinds`` restricts which indicator kinds are taken (the rest are rejected)."""

    name = NAME
    auth_option = "the access key in url"

    def __init__(self, options: Mapping[str, Any]) -> None:
        _options.check_known(options, OPTIONS, NAME)
        self.url = _options.https_url(options, "url")
        self.path = _options.text(options, "path")
        if (self.url is None) == (self.path is None):
            raise FeedOptionError("give the list's url or its path (exactly one of them)")
        self.format = _options.text(options, "format", default="lines") or "lines"
        if self.format not in FORMATS:
            raise FeedOptionError("format=%s is unknown: use one of %s" % (self.format, ", ".join(FORMATS)))
        self.column = _options.text(options, "column", required=self.format == "csv")
        self.field = _options.text(options, "field", default="cidr") or "cidr"
        self.kinds = _options.kinds(options)
        self.label = display_url(self.url) if self.url else os.path.basename(self.path or "")

    def secrets(self) -> List[str]:
        return []

    def fetch(self, client: HttpsClient, since: Optional[str] = None) -> FeedResult:
        del since  # a list is the whole feed every time
        return self.parse(self._read(client))

    def parse(self, text: str) -> FeedResult:
        result = FeedResult()
        parse = {"lines": self._lines, "jsonl": self._json_lines, "csv": self._csv}[self.format]
        for number, value in parse(text, result):
            result.add(value, "%s line %d" % (self.label, number), self.kinds)
        return result

    def _read(self, client: HttpsClient) -> str:
        if self.url is not None:
            return client.get_text(self.url)
        try:
            with open(self.path or "", encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except OSError as exc:
            raise FeedError("cannot read the list path=%s: %s" % (self.path, exc.strerror or exc))

    @staticmethod
    def _lines(text: str, result: FeedResult) -> Iterator[Tuple[int, str]]:
        del result
        for number, line in enumerate(text.splitlines(), 1):
            words = _COMMENT.sub("", line).split()
            if words:
                yield number, words[0]

    def _json_lines(self, text: str, result: FeedResult) -> Iterator[Tuple[int, str]]:
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            source = "%s line %d" % (self.label, number)
            try:
                item = json.loads(line)
            except ValueError as exc:
                result.reject(line.strip(), source, "%s is not a JSON object (%s): each line must be one object "
                              "like {\"%s\": \"192.0.2.0/24\"}" % (source, exc, self.field))
                continue
            if isinstance(item, dict) and item.get("type") == "metadata":
                continue
            value = item.get(self.field) if isinstance(item, dict) else None
            if not isinstance(value, str):
                result.reject(line.strip(), source, "%s has no string %r: set field to the key that holds the "
                              "indicator" % (source, self.field))
                continue
            yield number, value

    def _csv(self, text: str, result: FeedResult) -> Iterator[Tuple[int, str]]:
        del result
        lines = text.splitlines()
        header_at, index = self._csv_header(lines)
        for number, row in enumerate(csv.reader(lines[header_at + 1:]), header_at + 2):
            if not row or row[0].lstrip().startswith("#"):
                continue
            yield number, (row[index] if index < len(row) else "")

    def _csv_header(self, lines: List[str]) -> Tuple[int, int]:
        """(line index, column index) of the header naming ``column``, commented or not."""
        commented_header = None  # type: Optional[List[str]]
        for at, line in enumerate(lines):
            fields = [name.strip() for name in next(csv.reader([line.lstrip("# \t")]), [])]
            if self.column in fields:
                return at, fields.index(self.column)
            if line.lstrip().startswith("#"):
                commented_header = fields if len(fields) > 1 else commented_header
            elif line.strip():
                raise FeedError("%s has no column %r (its header has %s): set column to one of those"
                                % (self.label, self.column, ", ".join(commented_header or fields)))
        raise FeedError("%s has no header row naming the column %r: set column to the name in its header"
                        % (self.label, self.column))
