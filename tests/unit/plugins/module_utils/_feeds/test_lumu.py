"""The Lumu source: options checked before anything is sent, triggers as indicators (the emulator: tests/integration)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import FeedOptionError
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._lumu import (
    LumuSource,
    format_time,
    trigger_value,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._select import select_source
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import HttpsClient

NOW = datetime.now(timezone.utc).replace(microsecond=0)


@pytest.mark.parametrize("options, message", [
    ({"hours": 24, "from": "2026-01-01T00:00:00.000Z"},
     r"give either hours \(24\) or from \(2026-01-01T00:00:00.000Z\), not both"),
    ({"adversary_types": ["c2c"]}, "adversary_types has 'c2c'.*write 'C2C' .the names are case-sensitive."),
    ({"adversary_types": "C2C,Botnet"}, "adversary_types has 'Botnet'.*use one of C2C, Malware, DGA, Mining, Spam, "
                                        "Phishing, Anonymizer"),
    ({"from": "yesterday"}, "from='yesterday' is not a date and time: write it as YYYY-MM-DDTHH:MM:SS.000Z"),
    ({"hours": 0}, "hours=0 is out of range"),
    ({"base_url": "http://defender.lumu.io/api"}, "base_url=http://defender.lumu.io/api is not an https:// URL"),
    ({"company_key": None}, "company_key is required"),
    ({"statuses": ["Open"]}, "statuses has 'Open'.*write 'open'"),
    ({"labels": [1]}, "the lumu source has no option labels"),
])
def test_bad_options_fail_before_anything_is_sent(options: dict, message: str) -> None:
    with pytest.raises(FeedOptionError, match=message):
        select_source("lumu", {"company_key": "k", **options})


def test_a_start_in_the_future_fails_before_anything_is_sent() -> None:
    def opener(*_: Any) -> Any:
        raise AssertionError("nothing may be sent")

    feed = LumuSource({"company_key": "k", "from": format_time(NOW + timedelta(hours=1))}, clock=lambda: NOW)
    with pytest.raises(FeedOptionError, match="is not in the past"):
        feed.fetch(HttpsClient(opener=opener))


@pytest.mark.parametrize("trigger, expected", [
    ("https://jits.example/TS.php", (True, "https://jits.example/TS.php")),
    ("HTTP://x.example", (True, "HTTP://x.example")),
    ("tcp://198.51.100.7:443", (False, "198.51.100.7")),
    ("198.51.100.7:8080", (False, "198.51.100.7")),
    ("udp://[2001:db8::5]:53", (False, "2001:db8::5")),
    ("2001:db8::5", (False, "2001:db8::5")),
    ("evil.example:25", (False, "evil.example")),
    ("evil.example/gate.php", (False, "evil.example")),
])
def test_triggers_become_a_url_or_a_host_without_port(trigger: str, expected: Any) -> None:
    assert trigger_value(trigger) == expected
