"""The Lumu source end to end against the Lumu emulator."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import DOMAIN, IP, URL, FeedResult
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._lumu import LumuSource, format_time
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._select import feed_client
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import (
    AuthenticationError,
    HttpsError,
    RateLimitError,
    ReplyFormatError,
)
from lumu_emulator.client import LumuControl

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def ago(**delta: float) -> str:
    return format_time(NOW - timedelta(**delta))


def source(control: LumuControl, **options: Any) -> LumuSource:
    """The source for the emulator; its clock stands a second after the incidents just added."""
    merged = {"base_url": control.info["base_url"], "company_key": control.info["key"], **options}
    later = datetime.now(timezone.utc) + timedelta(seconds=1)
    return LumuSource(merged, clock=lambda: later)


def run(control: LumuControl, since: Optional[str] = None, slept: Optional[List[float]] = None,
        **options: Any) -> FeedResult:
    feed = source(control, **options)
    client = feed_client(feed, ca_path=control.info["ca_file"], sleep=(slept if slept is not None else []).append)
    return feed.fetch(client, since)


def values(result: FeedResult) -> List[Any]:
    return sorted((i.kind, i.value) for i in result.indicators)


# -- options ------------------------------------------------------------------------------------


# -- end to end against the emulator ------------------------------------------------------------

def test_incidents_become_indicators_from_their_triggers_or_adversaries(lumu: LumuControl) -> None:
    lumu.add_incidents([
        {"adversary": "jits.example", "types": ["Malware"], "triggers": ["https://jits.example/TS.php"]},
        {"adversary": "c2.example", "types": ["C2C"], "triggers": ["tcp://198.51.100.7:443", "c2.example:8443"]},
        {"adversary": "203.0.113.9", "types": ["C2C"]},
        {"adversary": "gone.example", "triggers": ["gone.example"], "currently_active": False},
        {"adversary": "bad.example", "triggers": ["999.1.1.1:80"], "adversaries": ["bad.example"]},
    ])
    feed = source(lumu)
    result = feed.fetch(feed_client(feed, ca_path=lumu.info["ca_file"]))
    assert values(result) == [(DOMAIN, "bad.example"), (DOMAIN, "c2.example"), (DOMAIN, "jits.example"),
                              (IP, "198.51.100.7"), (IP, "203.0.113.9"), (URL, "https://jits.example/TS.php")]
    assert result.indicators[0].source.startswith("lumu incident ")
    assert [r.value for r in result.rejected] == ["999.1.1.1"]
    assert "not a valid IPv4 address" in result.rejected[0].message
    assert result.cursor == format_time(feed._clock())  # pylint: disable=protected-access


def test_paging_runs_until_next_is_absent_and_one_context_per_adversary(lumu: LumuControl) -> None:
    lumu.add_incidents([{"adversary": "evil%d.example" % (n % 4)} for n in range(7)])
    result = run(lumu, page_items=3)
    assert len(values(result)) == 4
    assert lumu.counters() == {"incidents/all": 3, "context": 4, "total": 7}
    pages = [r["params"]["page"] for r in lumu.requests() if r["path"] == "/incidents/all"]
    assert pages == ["1", "2", "3"]


def test_the_request_names_dates_statuses_and_adversary_types(lumu: LumuControl, lumu_server: Any) -> None:
    lumu.add_incidents([{"adversary": "c2.example", "types": ["C2C"]}, {"adversary": "spam.example", "types": ["Spam"]},
                        {"adversary": "closed.example", "types": ["C2C"], "status": "closed"}])
    result = run(lumu, hours=2, adversary_types=["C2C"], statuses=["open"])
    assert values(result) == [(DOMAIN, "c2.example")]
    first = lumu.requests()[0]
    assert first["params"]["items"] == "100" and first["params"]["key"] == lumu.info["key"]


def test_windows_longer_than_the_api_accepts_are_split(lumu: LumuControl) -> None:
    lumu.set_max_window(7)
    lumu.add_incidents([{"adversary": "early.example", "timestamp": ago(days=19)},
                        {"adversary": "late.example", "timestamp": ago(hours=1)}])
    result = run(lumu, hours=24 * 20, window_days=7)
    assert values(result) == [(DOMAIN, "early.example"), (DOMAIN, "late.example")]
    assert lumu.counters()["incidents/all"] == 3


def test_the_cursor_picks_up_only_new_incidents(lumu: LumuControl) -> None:
    lumu.add_incidents([{"adversary": "old.example", "timestamp": ago(days=2)},
                        {"adversary": "new.example", "timestamp": ago(minutes=30)}])
    assert values(run(lumu)) == [(DOMAIN, "new.example"), (DOMAIN, "old.example")]
    assert values(run(lumu, since=ago(hours=1))) == [(DOMAIN, "new.example")]
    start: Dict[str, Any] = {"from": ago(days=3)}
    assert values(run(lumu, **start)) == [(DOMAIN, "new.example"), (DOMAIN, "old.example")]


def test_a_revoked_key_is_a_401_that_names_company_key_and_never_shows_it(lumu: LumuControl) -> None:
    old = lumu.info["key"]
    feed = source(lumu)
    lumu.rotate_key()
    with pytest.raises(AuthenticationError) as caught:
        feed.fetch(feed_client(feed, ca_path=lumu.info["ca_file"]))
    assert "revoked" in str(caught.value) and "company_key" in str(caught.value)
    assert old not in str(caught.value)


@pytest.mark.parametrize("kind, error, text", [("html", ReplyFormatError, "answered HTML instead of JSON"),
                                               ("truncated", ReplyFormatError, "is truncated")])
def test_html_and_truncated_json_are_named(lumu: LumuControl, kind: str, error: type, text: str) -> None:
    lumu.add_incidents([{"adversary": "evil.example", "triggers": ["https://evil.example/" + "x" * 200]}])
    lumu.inject_fault(kind, "incidents/all" if kind == "html" else "context")
    with pytest.raises(error) as caught:
        run(lumu)
    assert text in str(caught.value) and lumu.info["key"] not in str(caught.value)


def test_5xx_and_resets_are_retried(lumu: LumuControl) -> None:
    lumu.add_incidents([{"adversary": "evil.example"}])
    lumu.inject_fault("http503", "incidents/all")
    lumu.inject_fault("reset", "context")
    slept: List[float] = []
    assert values(run(lumu, slept=slept)) == [(DOMAIN, "evil.example")]
    assert slept == [1.0, 1.0]


def test_429_is_honoured_then_a_storm_is_reported(lumu: LumuControl) -> None:
    lumu.add_incidents([{"adversary": "evil.example"}])
    lumu.inject_fault("rate-limit", "incidents/all", count=2, retry_after=7)
    slept: List[float] = []
    assert values(run(lumu, slept=slept)) == [(DOMAIN, "evil.example")]
    assert slept == [7.0, 7.0]
    lumu.inject_fault("rate-limit", "any", count=50, retry_after=2)
    with pytest.raises(RateLimitError) as caught:
        run(lumu)
    assert "keeps answering HTTP 429" in str(caught.value) and lumu.info["key"] not in str(caught.value)
    assert lumu.counters()["total"] == 4 + 6  # first run 4 requests; the storm stops after 6 replies


def test_the_emulators_rate_limit_window_is_reported_with_its_wait(lumu: LumuControl) -> None:
    lumu.add_incidents([{"adversary": "evil%d.example" % n} for n in range(3)])
    lumu.set_rate_limit(2, period=3600)
    with pytest.raises(RateLimitError, match=r"asked to wait 3[56]\d\d s \(the bound is 60 s\)"):
        run(lumu)


def test_an_unexpected_document_is_one_error(lumu: LumuControl) -> None:
    feed = source(lumu, base_url=lumu.info["url"] + "/api/incidents/no")
    with pytest.raises(HttpsError, match="HTTP 404"):
        feed.fetch(feed_client(feed, ca_path=lumu.info["ca_file"]))
