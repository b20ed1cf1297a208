"""The feeds' HTTPS client: retries, 429 and RateLimit-* within bounds, clear errors, secrets masked."""

from __future__ import annotations

import http.client
import json
import traceback
from typing import Dict, List, Mapping, Optional, Tuple

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import (
    AuthenticationError,
    HttpsClient,
    HttpsSettings,
    HttpsError,
    RateLimitError,
    Reply,
    ReplyFormatError,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._http._tls import TlsSettingsError

SECRET = "s3cr3t+key/with=chars"
URL = "https://feed.example/api/incidents/all"
Outcome = object  # a Reply to give, or an exception to raise


class Script:
    """An opener that plays replies in order and records what was sent; a fake clock and sleep."""

    def __init__(self, *outcomes: Outcome) -> None:
        self.outcomes = list(outcomes)
        self.sent: List[Tuple[str, str, Dict[str, str], Optional[bytes]]] = []
        self.now = 1_000_000_000.0
        self.slept: List[float] = []

    def __call__(self, method: str, url: str, headers: Mapping[str, str], body: Optional[bytes],
                 timeout: float) -> Reply:
        assert timeout == 7.0
        self.sent.append((method, url, dict(headers), body))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        assert isinstance(outcome, Reply)
        return outcome

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now

    def client(self, **settings: object) -> HttpsClient:
        return HttpsClient(HttpsSettings(timeout=7.0, auth_option="company_key", peer="the lumu feed",
                                         **settings),  # type: ignore[arg-type]
                           opener=self, sleep=self.sleep, clock=self.clock, secrets=[SECRET])


def ok(document: object = None, headers: Optional[Dict[str, str]] = None) -> Reply:
    return Reply(200, {"content-type": "application/json", **(headers or {})},
                 json.dumps({"items": []} if document is None else document).encode())


def status(code: int, body: bytes = b"{}", headers: Optional[Dict[str, str]] = None) -> Reply:
    return Reply(code, {"content-type": "application/json", **(headers or {})}, body)


def assert_no_secret(text: str) -> None:
    assert SECRET not in text and "s3cr3t%2Bkey" not in text and "s3cr3t" not in text


def test_json_post_sends_params_body_and_headers() -> None:
    script = Script(ok({"items": [1]}))
    assert script.client().post_json(URL, {"fromDate": "x"}, {"key": SECRET, "page": 2}) == {"items": [1]}
    method, url, headers, body = script.sent[0]
    assert (method, body) == ("POST", b'{"fromDate": "x"}')
    assert url == URL + "?key=s3cr3t%2Bkey%2Fwith%3Dchars&page=2"
    assert headers["Content-Type"] == "application/json" and headers["User-Agent"] == "tagwarden.panos"


@pytest.mark.parametrize("failure", [ConnectionResetError("reset by peer"), http.client.RemoteDisconnected("gone"),
                                     TimeoutError("timed out"), status(503), status(502)])
def test_resets_timeouts_and_5xx_are_retried_with_backoff(failure: Outcome) -> None:
    script = Script(failure, failure, ok())
    client = script.client(backoff=0.5)
    assert client.get_json(URL) == {"items": []}
    assert script.slept == [0.5, 1.0] and client.requests == 3


def test_retries_are_bounded_and_the_error_names_the_cause_without_the_key() -> None:
    script = Script(*[ConnectionResetError("reset")] * 4)
    with pytest.raises(HttpsError) as caught:
        script.client(retries=3).get_json(URL, {"key": SECRET})
    assert len(script.sent) == 4
    assert "failed after 4 attempts: ConnectionResetError" in str(caught.value)
    assert_no_secret(str(caught.value))


def test_tracebacks_do_not_chain_the_unscrubbed_exception() -> None:
    script = Script(*[OSError("connect to https://feed.example/?key=%s refused" % SECRET)] * 2)
    with pytest.raises(HttpsError) as caught:
        script.client(retries=1).get_json(URL, {"key": SECRET})
    text = "".join(traceback.format_exception(caught.type, caught.value, caught.tb))
    assert "refused" in text
    assert_no_secret(text)


def test_persistent_5xx_reports_status_and_body() -> None:
    script = Script(*[status(500, b"<html>Internal Error</html>", {"content-type": "text/html"})] * 3)
    with pytest.raises(HttpsError) as caught:
        script.client(retries=2).get_json(URL)
    assert caught.value.status == 500 and "HTTP 500" in str(caught.value) and "Internal Error" in str(caught.value)


def test_401_says_the_key_may_be_revoked_and_names_the_option() -> None:
    script = Script(status(401, b'{"error":"Unauthorized"}'))
    with pytest.raises(AuthenticationError) as caught:
        script.client().post_json(URL + "?key=" + SECRET, {}, {"key": SECRET})
    message = str(caught.value)
    assert "HTTP 401" in message and "revoked" in message and "company_key" in message
    assert_no_secret(message)
    assert len(script.sent) == 1  # never retried


def test_other_4xx_is_one_error_with_the_body() -> None:
    script = Script(status(400, b'{"error":"the date range must not exceed 90 days"}'))
    with pytest.raises(HttpsError, match="HTTP 400 to POST https://feed.example/api/incidents/all: .*90 days"):
        script.client().post_json(URL, {})


def test_429_waits_as_retry_after_says() -> None:
    script = Script(status(429, headers={"retry-after": "3"}), status(429, headers={"ratelimit-reset": "5"}), ok())
    assert script.client().get_json(URL) == {"items": []}
    assert script.slept == [3.0, 5.0]


def test_429_with_an_http_date_and_epoch_reset() -> None:
    script = Script(status(429, headers={"retry-after": "Sun, 09 Sep 2001 01:46:50 GMT"}),
                    status(429, headers={"x-ratelimit-reset": str(1_000_000_000 + 10 + 4)}), ok())
    script.client().get_json(URL)
    assert script.slept == [10.0, 4.0]


def test_429_storm_is_bounded_and_reported_without_the_key() -> None:
    script = Script(*[status(429, headers={"retry-after": "1"})] * 10)
    with pytest.raises(RateLimitError) as caught:
        script.client(rate_limit_retries=4).get_json(URL, {"key": SECRET})
    assert len(script.sent) == 5 and script.slept == [1.0] * 4
    assert "keeps answering HTTP 429" in str(caught.value) and "after 5 replies" in str(caught.value)
    assert_no_secret(str(caught.value))


def test_a_429_asking_for_more_than_the_bound_fails_at_once() -> None:
    script = Script(status(429, headers={"retry-after": "3600"}))
    with pytest.raises(RateLimitError, match="asked to wait 3600 s .the bound is 60 s."):
        script.client(max_wait=60).get_json(URL)
    assert script.slept == []


def test_an_exhausted_budget_delays_the_next_request_until_the_reset() -> None:
    script = Script(ok(headers={"ratelimit-remaining": "0", "ratelimit-reset": "12"}), ok(), ok())
    client = script.client()
    client.get_json(URL)
    assert script.slept == []
    client.get_json(URL)
    client.get_json(URL)
    assert script.slept == [12.0]


def test_html_instead_of_json_is_named() -> None:
    page = b"<!DOCTYPE html><html><body>Sign in to the hotel wifi</body></html>"
    for reply in (Reply(200, {"content-type": "text/html"}, page), Reply(200, {}, page)):
        with pytest.raises(ReplyFormatError, match="answered HTML instead of JSON .*check the base URL"):
            Script(reply).client().get_json(URL + "?key=" + SECRET)


def test_truncated_and_malformed_json_are_told_apart() -> None:
    with pytest.raises(ReplyFormatError, match=r"is truncated at character \d+ of 23"):
        Script(Reply(200, {}, b'{"items": [{"id": "a"},')).client().get_json(URL)
    with pytest.raises(ReplyFormatError, match="is malformed"):
        Script(Reply(200, {}, b'{"items": nope}')).client().get_json(URL)


def test_a_tls_verification_failure_is_not_retried() -> None:
    import ssl  # pylint: disable=import-outside-toplevel

    script = Script(ssl.SSLCertVerificationError("certificate verify failed: self-signed certificate"))
    with pytest.raises(HttpsError, match="cannot verify the TLS certificate of https://feed.example/api/incidents/all"):
        script.client().get_json(URL)
    assert len(script.sent) == 1


def test_the_ca_option_is_checked_before_anything_is_sent() -> None:
    with pytest.raises(TlsSettingsError, match="ca_path=/no/such/ca.pem does not exist"):
        HttpsClient(HttpsSettings(ca_path="/no/such/ca.pem"))


def test_every_message_is_scrubbed_of_secrets_added_later() -> None:
    client = Script(status(404, ("no incident for key " + SECRET).encode())).client()
    client.add_secret("another-secret")
    with pytest.raises(HttpsError) as caught:
        client.get_json("https://feed.example/another-secret/x", {"key": SECRET})
    assert_no_secret(str(caught.value))
    assert "another-secret" not in str(caught.value)
    assert "********" in str(caught.value)
