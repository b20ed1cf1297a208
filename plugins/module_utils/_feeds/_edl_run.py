# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One feed run published as External Dynamic Lists (threat_feed_edl): read back, fetch, plan, publish.

Nothing is kept on the controller: the lists and the state document published at ``base_url`` are
the state, read back over HTTPS (TLS verified) the way the firewalls fetch them, so a run from cron,
from a fresh AWX container or from a second host continues where the last publish left off. A
controller that dies between two files leaves lists that are whole (each file is replaced at once)
and a state that is at worst one run old: the next run re-fetches the overlap. No firewall is
contacted: the firewalls fetch the lists at their interval without a commit. Plain Python.
"""

from __future__ import annotations


from datetime import datetime
from typing import Any, Dict, List, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._errors import InputError
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl import (
    EdlOptions,
    EdlPlan,
    Published,
    check_options,
    counts_summary,
    file_name,
    plan,
    state_name,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_format import (
    DOMAIN_LIST,
    URL_LIST,
    parse,
    parse_state,
    render_state,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._edl_publish import Target, read_back, url_of
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import FeedError
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._select import FeedSource
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import HttpsClient, HttpsError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError

DIFF_LIMIT = 100 * 1024


class EdlRunError(InputError):
    """The feed could not be read; nothing was published (the next run starts from the same cursor)."""


def read_published(reader: HttpsClient, base_url: str, target: Target, options: EdlOptions,
                   headers: Optional[Dict[str, str]] = None) -> Published:
    entries, texts = {}, {}  # type: Dict[str, Dict[str, Optional[datetime]]], Dict[str, Optional[str]]
    for edl_type in options.lists:
        text = read_back(reader, base_url, file_name(options.name, edl_type), target, headers)
        texts[edl_type] = text
        entries[edl_type] = parse(edl_type, text) if text is not None else {}
    state_text = read_back(reader, base_url, state_name(options.name), target, headers)
    state = parse_state(state_text) if state_text is not None else None
    if state is not None:  # the domain and URL lines carry no expiry: the state has them
        for edl_type in (DOMAIN_LIST, URL_LIST):
            if edl_type in entries:
                known = state.expires.get(edl_type, {})
                entries[edl_type] = {entry: known.get(entry) for entry in entries[edl_type]}
    return Published(entries, texts, state)


def publish(target: Target, options: EdlOptions, todo: EdlPlan) -> List[str]:
    """Write the changed lists, then the state: the cursor advances only when the lists are out."""
    written = []
    for edl_type, item in todo.lists.items():
        if item.changed:
            target.write(file_name(options.name, edl_type), item.text)
            written.append(file_name(options.name, edl_type))
    if todo.state is not None:
        target.write(state_name(options.name), render_state(todo.state))
        written.append(state_name(options.name))
    return written


def run(source: FeedSource, feed: HttpsClient, reader: HttpsClient, target: Target, base_url: str,
        options: EdlOptions, now: datetime, check_mode: bool = False,
        headers: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """The threat_feed_edl module's result: ``changed``, ``published``, ``lists``, ``cursor``, ``rejected``, ..."""
    problems = check_options(options)
    if not base_url.lower().startswith("https://"):
        problems.append("base_url: %s is not an https:// URL: the firewalls fetch the lists over HTTPS with a "
                        "certificate profile, and the lists are read back the same way" % base_url)
    if problems:
        raise ValidationError("invalid input, nothing was published: " + " | ".join(problems))
    published = read_published(reader, base_url, target, options, headers)
    stored = published.state
    since = stored.cursor if options.mode == "append" and stored is not None and stored.source == source.name \
        else None
    try:
        result = source.fetch(feed, since)
    except (HttpsError, FeedError) as exc:
        raise EdlRunError("the %s feed could not be read, nothing was published: %s" % (source.name, exc)) from None
    todo = plan(published, result, options, now, source.name)
    written = [] if check_mode else publish(target, options, todo)
    cursor = todo.state.cursor if todo.state is not None else (stored.cursor if stored else None)
    return {
        "changed": any(item.changed for item in todo.lists.values()) or todo.state is not None,
        "published": written,
        "lists": {edl_type: dict(item.counts, url=url_of(base_url, file_name(options.name, edl_type)),
                                 changed=item.changed) for edl_type, item in todo.lists.items()},
        "not_published": todo.not_published,
        "cursor": cursor,
        "rejected": [dict(value=item.value, source=item.source, message=item.message) for item in result.rejected],
        "summary": counts_summary(options.name, todo),
        "feed_requests": feed.requests,
        "list_requests": reader.requests,
        "diff": [_diff(url_of(base_url, file_name(options.name, edl_type)), published.texts.get(edl_type), item.text)
                 for edl_type, item in todo.lists.items() if item.changed],
    }


def _diff(url: str, before: Optional[str], after: str) -> Dict[str, str]:
    if len(before or "") + len(after) > DIFF_LIMIT:
        before = "%d lines\n" % len((before or "").splitlines())
        after = "%d lines (too long to show; the counts are in lists)\n" % len(after.splitlines())
    return {"before_header": url, "after_header": url, "before": before or "", "after": after}
