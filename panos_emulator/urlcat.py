"""Custom URL categories of type URL List: which entries a URL matches.

Entries follow the PAN-OS rules (shared notes, "Custom URL Category"): no scheme, case-insensitive,
at most 255 characters; tokens are separated by ``. / ? & = ; +``; ``*`` stands for one or more
tokens and ``^`` for exactly one, and a wildcard is a whole token. An entry matches from the start of
the URL (host first). What follows the entry depends on the version:

- PAN-OS 10.2 and later append an implicit ending ``/`` to an entry that does not end in ``/`` or
  ``*``: ``example.com`` matches the domain and its paths but no subdomain, ``*.example.com`` matches
  subdomains but not the bare domain;
- before 10.2 an implicit ``*`` is appended: ``example.com`` also matches ``example.com.evil.xyz``.
"""

from __future__ import annotations

import functools
import re

SEPARATORS = "./?&=;+"
MAX_ENTRY = 255
_SPLIT = re.compile(f"([{re.escape(SEPARATORS)}])")
_TOKEN = f"[^{re.escape(SEPARATORS)}]+"
_ONE_OR_MORE = f"{_TOKEN}(?:[{re.escape(SEPARATORS)}]{_TOKEN})*"
ENDING_TOKEN_VERSION = (10, 2)


def entry_error(entry: str) -> str | None:
    """Why PAN-OS would refuse this URL List entry, or None."""
    if not entry or len(entry) > MAX_ENTRY:
        return f"must be 1 to {MAX_ENTRY} characters"
    if "://" in entry:
        return "must not carry a scheme"
    tokens = _SPLIT.split(entry)[::2]
    for token in tokens:
        if ("*" in token or "^" in token) and token not in ("*", "^"):
            return "a wildcard must be a whole token"
    if any(a == b == "*" for a, b in zip(tokens, tokens[1:])):
        return "no consecutive * tokens"
    return None


def normalize_url(url: str) -> str:
    """``HTTPS://Example.COM:8443/a?b`` -> ``example.com/a?b``: no scheme, no port, lower case, a path."""
    text = url.strip().lower()
    if "://" in text:
        text = text.split("://", 1)[1]
    host, slash, rest = text.partition("/")
    host = host.rsplit("@", 1)[-1]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return f"{host}/{rest}" if slash else f"{host}/"


@functools.lru_cache(maxsize=4096)
def _pattern(entry: str) -> re.Pattern[str]:
    parts = []
    for index, piece in enumerate(_SPLIT.split(entry.lower())):
        if index % 2:
            parts.append(re.escape(piece))
        elif piece == "*":
            parts.append(_ONE_OR_MORE)
        elif piece == "^":
            parts.append(_TOKEN)
        else:
            parts.append(re.escape(piece))
    return re.compile("".join(parts))


def entry_matches(entry: str, url: str, ending_token: bool) -> bool:
    """Whether a URL List entry matches a URL (``url`` as :func:`normalize_url` gives it)."""
    if entry_error(entry):
        return False
    if entry.endswith(("/", "*")):
        return _pattern(entry).match(url) is not None
    if ending_token:
        return _pattern(entry + "/").match(url) is not None or _pattern(entry).fullmatch(url) is not None
    found = _pattern(entry).match(url)
    return found is not None and (found.end() == len(url) or url[found.end()] in SEPARATORS)


def categories_of(url: str, url_lists: dict[str, list[str]], version: tuple[int, ...]) -> frozenset[str]:
    """The custom categories (name -> entries) whose entries match the URL on this PAN-OS version."""
    normalized = normalize_url(url)
    ending_token = version >= ENDING_TOKEN_VERSION
    return frozenset(name for name, entries in url_lists.items()
                     if any(entry_matches(entry, normalized, ending_token) for entry in entries))
