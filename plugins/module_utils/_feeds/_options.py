# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a source's options: each bad value raises FeedOptionError naming the option and the fix."""

from __future__ import annotations


from datetime import datetime, timezone
from typing import Any, Collection, Mapping, Optional, Sequence, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import KINDS, FeedOptionError


def check_known(options: Mapping[str, Any], known: Collection[str], source: str) -> None:
    unknown = sorted(name for name, value in options.items() if name not in known and value is not None)
    if unknown:
        raise FeedOptionError("the %s source has no option %s: its options are %s"
                              % (source, ", ".join(unknown), ", ".join(sorted(known))))


def text(options: Mapping[str, Any], name: str, required: bool = False,
         default: Optional[str] = None) -> Optional[str]:
    value = options.get(name)
    if value is None or value == "":
        if required:
            raise FeedOptionError("%s is required" % name)
        return default
    if not isinstance(value, str):
        raise FeedOptionError("%s must be a string, not %r" % (name, value))
    return value


def https_url(options: Mapping[str, Any], name: str, required: bool = False,
              default: Optional[str] = None) -> Optional[str]:
    value = text(options, name, required, default)
    if value is not None and not value.lower().startswith("https://"):
        raise FeedOptionError("%s=%s is not an https:// URL: feeds are fetched over HTTPS only, with the "
                              "certificate verified" % (name, value))
    return value


def integer(options: Mapping[str, Any], name: str, default: Optional[int], minimum: int,
            maximum: Optional[int] = None) -> Optional[int]:
    value = options.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except ValueError:
            raise FeedOptionError("%s=%r is not a whole number" % (name, value))
    if value < minimum or (maximum is not None and value > maximum):
        raise FeedOptionError("%s=%d is out of range: give %d to %s" % (
            name, value, minimum, "any larger number" if maximum is None else str(maximum)))
    return value


def choices(options: Mapping[str, Any], name: str, allowed: Sequence[str],
            default: Sequence[str]) -> Tuple[str, ...]:
    """A list option whose items must be spelled exactly as in ``allowed``."""
    value = options.get(name)
    if value is None:
        return tuple(default)
    if isinstance(value, str):
        value = [item.strip() for item in value.split(",") if item.strip()]
    picked = []
    for item in value:
        if item not in allowed:
            spelled = [choice for choice in allowed if choice.lower() == str(item).lower()]
            hint = "write %r (the names are case-sensitive)" % spelled[0] if spelled else "use one of %s" % (
                ", ".join(allowed))
            raise FeedOptionError("%s has %r, which is not one of the names the feed knows: %s" % (name, item, hint))
        if item not in picked:
            picked.append(item)
    return tuple(picked)


def kinds(options: Mapping[str, Any], default: Sequence[str] = KINDS) -> Tuple[str, ...]:
    return choices(options, "kinds", KINDS, default)


def parse_time(value: str, name: str) -> datetime:
    """An ISO 8601 / RFC 3339 time (``2021-05-01T00:00:00.000Z``); without an offset it is UTC."""
    stripped = value.strip()
    if stripped[-1:] in ("Z", "z"):
        stripped = stripped[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(stripped)
    except ValueError:
        raise FeedOptionError("%s=%r is not a date and time: write it as YYYY-MM-DDTHH:MM:SS.000Z, e.g. "
                              "2021-05-01T00:00:00.000Z" % (name, value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
