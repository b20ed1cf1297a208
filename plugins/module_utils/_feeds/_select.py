# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one way to a feed source: ``select_source(name, options)`` and ``feed_client(source, ...)``.

A new source is one new file with a class like these (``name``, ``auth_option``, ``__init__(options)``
that checks every option before anything is sent, ``secrets()``, ``fetch(client, since)``) and one
line in SOURCES. Sources are imported here by name, not discovered: Ansible packs only the
module_utils a module imports.
"""

from __future__ import annotations


from datetime import datetime
from typing import Any, Callable, Dict, List, Mapping, Optional

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import FeedOptionError, FeedResult
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._lists import ListSource
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._lumu import LumuSource
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._taxii import TaxiiSource
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import HttpsClient, HttpsSettings

try:
    from typing import Protocol
except ImportError:  # pragma: no cover - Python < 3.8
    Protocol = object  # type: ignore[assignment]


class FeedSource(Protocol):
    name: str
    auth_option: str

    def secrets(self) -> List[str]:
        ...  # pragma: no cover

    def fetch(self, client: HttpsClient, since: Optional[str] = None) -> FeedResult:
        ...  # pragma: no cover


SOURCES = {
    LumuSource.name: LumuSource,
    ListSource.name: ListSource,
    TaxiiSource.name: TaxiiSource,
}  # type: Dict[str, Callable[[Mapping[str, Any]], FeedSource]]


#: Sources that read "now" (a window's end, an expiry): given the firewall's clock when the caller has one.
CLOCKED = {
    LumuSource.name: LumuSource,
    TaxiiSource.name: TaxiiSource,
}  # type: Dict[str, Callable[..., FeedSource]]


def select_source(name: str, options: Mapping[str, Any],
                  clock: Optional[Callable[[], datetime]] = None) -> FeedSource:
    """The source ``name`` with its ``options`` checked; FeedOptionError before anything is sent.

    ``clock`` (aware UTC datetimes) replaces the controller's clock for the sources that read one."""
    factory = SOURCES.get(name)
    if factory is None:
        raise FeedOptionError("source=%s is unknown: use one of %s" % (name, ", ".join(sorted(SOURCES))))
    if clock is not None and name in CLOCKED:
        return CLOCKED[name](options, clock)
    return factory(options)


def feed_client(source: FeedSource, validate_certs: bool = True, ca_path: Optional[str] = None,
                **settings: Any) -> HttpsClient:
    """The HTTPS client for ``source``: its secrets masked, its key option named in a 401 message.
    ``settings``: more HttpsSettings fields, and ``sleep`` or ``clock`` for tests."""
    client = {name: settings.pop(name) for name in ("sleep", "clock", "opener") if name in settings}
    return HttpsClient(HttpsSettings(validate_certs=validate_certs, ca_path=ca_path, auth_option=source.auth_option,
                                     peer="the %s feed" % source.name, **settings),
                       secrets=source.secrets(), **client)
