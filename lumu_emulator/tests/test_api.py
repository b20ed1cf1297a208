"""The emulated API: key auth, paging, date and type filters, context, windows, rate limits, faults."""

from __future__ import annotations

import http.client
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from lumu_emulator.client import LumuControl
from lumu_emulator.server import format_date


def call(control: LumuControl, method: str, path: str, params: dict[str, Any] | None = None,
         body: dict[str, Any] | None = None, key: str | None = None) -> tuple[int, dict[str, str], bytes]:
    query = urllib.parse.urlencode({"key": control.info["key"] if key is None else key, **(params or {})})
    request = urllib.request.Request(f"{control.info['base_url']}{path}?{query}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    context = ssl.create_default_context(cafile=control.info["ca_file"])
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as reply:
            return reply.status, dict(reply.headers.items()), reply.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, dict(exc.headers.items()), exc.read()


def now() -> datetime:
    return datetime.now(timezone.utc)


def window(days: float = 1) -> dict[str, str]:
    """From ``days`` ago to a minute from now (read when called: tests may run long after collection)."""
    return {"fromDate": format_date(now() - timedelta(days=days)), "toDate": format_date(now() + timedelta(minutes=1))}


def list_incidents(control: LumuControl, page: int = 1, items: int = 50,
                   body: dict[str, Any] | None = None) -> dict[str, Any]:
    status, _headers, reply = call(control, "POST", "/incidents/all", {"page": page, "items": items},
                                   {**window(), **(body or {})})
    assert status == 200, reply
    return json.loads(reply)


def test_a_bad_or_revoked_key_gets_401(lumu: LumuControl) -> None:
    assert call(lumu, "POST", "/incidents/all", body=window(), key="wrong")[0] == 401
    old = lumu.info["key"]
    lumu.rotate_key()
    assert call(lumu, "POST", "/incidents/all", body=window(), key=old)[0] == 401
    assert call(lumu, "POST", "/incidents/all", body=window())[0] == 200


def test_incidents_have_the_api_shape_and_pages_end_without_next(lumu: LumuControl) -> None:
    lumu.add_incidents([{"adversary": f"evil{n}.example", "types": ["C2C"]} for n in range(5)])
    first = list_incidents(lumu, page=1, items=2)
    assert first["paginationInfo"] == {"page": 1, "items": 2, "next": 2}
    assert {"id", "timestamp", "status", "adversaries", "adversaryId", "adversaryTypes", "lastContact"} <= set(
        first["items"][0])
    assert first["items"][0]["adversaries"] == ["evil0.example"]
    last = list_incidents(lumu, page=3, items=2)
    assert last["paginationInfo"] == {"page": 3, "items": 2, "prev": 2}
    assert [i["adversaryId"] for i in last["items"]] == ["evil4.example"]


def test_dates_status_and_adversary_types_filter(lumu: LumuControl) -> None:
    lumu.add_incidents([
        {"adversary": "old.example", "timestamp": format_date(now() - timedelta(days=3))},
        {"adversary": "c2.example", "types": ["C2C", "Malware"]},
        {"adversary": "spam.example", "types": ["Spam"], "status": "closed"},
    ])
    assert [i["adversaryId"] for i in list_incidents(lumu)["items"]] == ["c2.example", "spam.example"]
    assert [i["adversaryId"] for i in list_incidents(lumu, body={"adversary-types": ["C2C"]})["items"]] == ["c2.example"]
    assert [i["adversaryId"] for i in list_incidents(lumu, body={"status": ["closed"]})["items"]] == ["spam.example"]


@pytest.mark.parametrize("case", ["bad date format", "misspelt adversary type", "window over 90 days"])
def test_bad_dates_types_and_too_long_windows_get_400(lumu: LumuControl, case: str) -> None:
    bodies: dict[str, dict[str, Any]] = {
        "bad date format": {"fromDate": "2024-01-01", "toDate": "2024-01-02"},
        "misspelt adversary type": {**window(), "adversary-types": ["c2c"]},
        "window over 90 days": window(days=91)}
    assert call(lumu, "POST", "/incidents/all", body=bodies[case])[0] == 400


def test_context_gives_the_triggers_of_the_incident_adversary(lumu: LumuControl) -> None:
    incident = lumu.add_incidents([{"adversary": "jits.example", "triggers": ["https://jits.example/TS.php"]}])[0]
    status, _headers, body = call(lumu, "GET", f"/incidents/{incident['id']}/context", {"hash": "sha256"})
    context = json.loads(body)
    assert status == 200 and context["threat_triggers"] == ["https://jits.example/TS.php"]
    assert context["adversary_id"] == "jits.example" and context["currently_active"] is True
    assert call(lumu, "GET", "/incidents/no-such-id/context")[0] == 404
    assert lumu.counters() == {"incidents/all": 0, "context": 2, "total": 2}


def test_rate_limit_headers_then_429_with_retry_after(lumu: LumuControl) -> None:
    lumu.set_rate_limit(2, period=3600)
    status, headers, _body = call(lumu, "POST", "/incidents/all", body=window())
    assert status == 200 and headers["RateLimit-Limit"] == "2" and headers["RateLimit-Remaining"] == "1"
    call(lumu, "POST", "/incidents/all", body=window())
    status, headers, _body = call(lumu, "POST", "/incidents/all", body=window())
    assert status == 429 and headers["RateLimit-Remaining"] == "0" and 3500 < int(headers["Retry-After"]) <= 3600


@pytest.mark.parametrize("kind, status, content_type", [("html", 200, "text/html"), ("http500", 500, "text/html"),
                                                        ("http503", 503, "text/html"),
                                                        ("rate-limit", 429, "application/json")])
def test_faults_answer_the_next_requests_only(lumu: LumuControl, kind: str, status: int,
                                              content_type: str) -> None:
    lumu.inject_fault(kind, "incidents/all", count=1)
    got, headers, _body = call(lumu, "POST", "/incidents/all", body=window())
    assert got == status and headers["Content-Type"].startswith(content_type)
    assert call(lumu, "POST", "/incidents/all", body=window())[0] == 200


def test_truncated_and_reset_faults(lumu: LumuControl) -> None:
    lumu.add_incidents([{"adversary": "evil.example"}])
    lumu.inject_fault("truncated", "incidents/all")
    status, _headers, body = call(lumu, "POST", "/incidents/all", body=window())
    with pytest.raises(ValueError):
        json.loads(body)
    assert status == 200
    lumu.inject_fault("reset", "any")
    with pytest.raises((http.client.RemoteDisconnected, urllib.error.URLError, ConnectionError)):
        call(lumu, "POST", "/incidents/all", body=window())


def test_control_plane_rejects_bad_specs(lumu: LumuControl) -> None:
    for path, body in (("incidents", {"incidents": [{"adversary": "x.example", "types": ["c2c"]}]}),
                       ("faults", {"kind": "meteor"}), ("nothing", {})):
        with pytest.raises(urllib.error.HTTPError) as caught:
            lumu._call("POST", path, body)  # pylint: disable=protected-access
        assert caught.value.code in (400, 404)
