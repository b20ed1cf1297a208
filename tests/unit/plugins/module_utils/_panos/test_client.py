import datetime
import socket
import ssl
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._http._secrets import MASK
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import PROVIDER_SPEC, FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._clock import parse_show_clock
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._transport import (
    HttpTransport,
    TransportError,
    classify_exception,
    classify_text,
    make_ssl_context,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import cmd
from tests.unit.firewall import KEY, OK, FakeFirewall

PASSWORD = "s3cr&t+pa ss"
PROVIDER = {"ip_address": "192.0.2.1", "username": "admin", "password": PASSWORD, "port": 443}


def connect(*script, provider=None, **kwargs):
    transport = FakeFirewall.scripted(*script)
    sleeps = []
    conn = FirewallConnection(provider or PROVIDER, transport=transport, sleep=sleeps.append, **kwargs)
    return conn, transport, sleeps


def test_keygen_once_then_key_used_for_every_request():
    conn, transport, _sleeps = connect(KEY, OK, OK)
    conn.op(cmd("show", "clock"))
    conn.op(cmd("show", "system", "info"))
    assert transport.types() == ["keygen", "op", "op"]
    assert transport.requests[0] == {"type": "keygen", "user": "admin", "password": PASSWORD}
    assert transport.key == "LUFRPT1abc123=="
    assert conn.api_calls == 3
    assert "key" not in transport.requests[1]  # the transport adds the key itself


def test_api_key_given_means_no_keygen():
    conn, transport, _sleeps = connect(OK, provider={"ip_address": "fw", "api_key": "K3Y"})
    conn.op(cmd("show", "clock"))
    assert transport.types() == ["op"] and transport.key == "K3Y"
    assert conn.api_calls == 1


def test_missing_credentials_and_address_are_settings_errors():
    with pytest.raises(FirewallError) as info:
        connect(provider={"ip_address": "fw"})
    assert info.value.kind == "settings" and "PANOS_PASSWORD" in str(info.value)
    with pytest.raises(FirewallError) as info:
        connect(provider={"password": "x"})
    assert "PANOS_IP_ADDRESS" in str(info.value)


def test_environment_fallbacks(monkeypatch):
    monkeypatch.setenv("PANOS_IP_ADDRESS", "198.51.100.7")
    monkeypatch.setenv("PANOS_API_KEY", "ENVKEY")
    monkeypatch.setenv("PANOS_PORT", "8443")
    monkeypatch.setenv("PANOS_TIMEOUT", "5")
    monkeypatch.setenv("PANOS_VALIDATE_CERTS", "false")
    conn = FirewallConnection({}, transport=FakeFirewall.scripted())
    assert (conn.host, conn.port, conn.timeout, conn.validate_certs) == ("198.51.100.7", 8443, 5, False)


def test_provider_spec_matches_paloaltonetworks_keys():
    assert set(PROVIDER_SPEC) == {"ip_address", "username", "password", "api_key", "port", "serial_number",
                                  "validate_certs", "ca_path", "timeout", "max_in_flight"}
    assert PROVIDER_SPEC["password"]["no_log"] and PROVIDER_SPEC["api_key"]["no_log"]
    assert PROVIDER_SPEC["username"]["default"] == "admin"
    assert PROVIDER_SPEC["port"]["default"] == 443 and PROVIDER_SPEC["timeout"]["default"] == 30


def test_transient_http_500_is_retried_with_backoff():
    err = TransportError("http", "HTTP 500 Internal Server Error", 500)
    conn, transport, sleeps = connect(KEY, err, err, OK)
    conn.op(cmd("show", "clock"))
    assert transport.types() == ["keygen", "op", "op", "op"]
    assert sleeps == [0.5, 1.0]
    assert conn.api_calls == 4


def test_retries_are_bounded_and_the_error_names_the_attempts():
    err = TransportError("http", "HTTP 503 Service Unavailable", 503)
    conn, transport, sleeps = connect(KEY, err, err, err, err, err)
    with pytest.raises(FirewallError) as info:
        conn.op(cmd("show", "clock"))
    assert "HTTP 503" in str(info.value) and "4 attempts" in str(info.value)
    assert info.value.kind == "transient"
    assert sleeps == [0.5, 1.0, 2.0]
    assert conn.api_calls == 5  # keygen + 4 attempts


def test_connection_reset_raw_exception_is_retried():
    conn, transport, sleeps = connect(KEY, ConnectionResetError(104, "Connection reset by peer"), OK)
    conn.op(cmd("show", "clock"))
    assert len(sleeps) == 1


def test_session_timed_out_code_22_is_retried():
    expired = '<response status="error" code="22"><msg><line>Session timed out</line></msg></response>'
    conn, transport, sleeps = connect(KEY, expired, OK)
    conn.op(cmd("show", "clock"))
    assert transport.types() == ["keygen", "op", "op"] and sleeps == [0.5]


def test_timeout_is_not_retried_and_names_host_port_and_option():
    conn, transport, sleeps = connect(KEY, socket.timeout("timed out"))
    with pytest.raises(FirewallError) as info:
        conn.op(cmd("show", "clock"))
    msg = str(info.value)
    assert "192.0.2.1:443" in msg and "raise api_timeout (the playbooks' panos_api_timeout" in msg and "30 s" in msg
    assert info.value.kind == "timeout" and sleeps == []


def test_unreachable_names_host_and_port():
    err = classify_exception(ConnectionRefusedError(111, "Connection refused"))
    assert err.kind == "unreachable"
    conn, transport, _sleeps = connect(err)
    with pytest.raises(FirewallError) as info:
        conn.op(cmd("show", "clock"))
    assert "192.0.2.1:443" in str(info.value) and "provider.port" in str(info.value)


def test_certificate_refused_says_how_to_pass_ca_path():
    err = classify_exception(ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
                                                             "failed: self-signed certificate (_ssl.c:1006)"))
    assert err.kind == "certificate"
    conn, transport, sleeps = connect(err)
    with pytest.raises(FirewallError) as info:
        conn.op(cmd("show", "clock"))
    msg = str(info.value)
    assert "ca_path" in msg and "validate_certs: false" in msg and info.value.kind == "certificate"
    assert sleeps == []


def test_bad_credentials_http_403_on_keygen():
    err = TransportError("http", "HTTP 403 Forbidden", 403)
    conn, transport, _sleeps = connect(err)
    with pytest.raises(FirewallError) as info:
        conn.op(cmd("show", "clock"))
    msg = str(info.value)
    assert info.value.kind == "auth" and "provider.password" in msg and "'admin'" in msg
    assert PASSWORD not in msg


def test_bad_credentials_403_reply_body():
    refused = '<response status="error" code="403"><result><msg>Invalid Credential</msg></result></response>'
    conn, transport, _sleeps = connect(refused)
    with pytest.raises(FirewallError) as info:
        conn.op(cmd("show", "clock"))
    assert info.value.kind == "auth" and "Invalid Credential" in str(info.value)


def test_bad_api_key_message_mentions_api_key():
    refused = '<response status="error" code="403"><result><msg>Invalid Credential</msg></result></response>'
    conn, transport, _sleeps = connect(refused, provider={"ip_address": "fw", "api_key": "BADKEY"})
    with pytest.raises(FirewallError) as info:
        conn.op(cmd("show", "clock"))
    assert "provider.api_key" in str(info.value) and "BADKEY" not in str(info.value)


def test_panos_error_code_and_text():
    bad = '<response status="error" code="17"><msg><line>show -> foo is unexpected</line></msg></response>'
    conn, transport, _sleeps = connect(KEY, bad)
    with pytest.raises(FirewallError) as info:
        conn.op(cmd("show", "foo"))
    msg = str(info.value)
    assert "code 17, invalid command" in msg and "foo is unexpected" in msg
    assert info.value.code == "17" and info.value.kind == "panos"


def test_malformed_reply_is_retried_then_reported():
    err = classify_text("ElementTree.fromstring ParseError: syntax error: line 1, column 0")
    assert err.kind == "malformed"
    conn, transport, sleeps = connect(KEY, err, err, err, err)
    with pytest.raises(FirewallError) as info:
        conn.op(cmd("show", "clock"))
    assert "not a PAN-OS XML API reply" in str(info.value) and len(sleeps) == 3


def test_secrets_are_scrubbed_from_every_message_including_url_encoded_forms():
    key = "LUFRPT1abc123=="
    leak = ("OSError: bad https://192.0.2.1/api/?type=op&key=%s&password=%s pw=%s k=%s"
            % (key, "s3cr%26t%2Bpa+ss", PASSWORD, "LUFRPT1abc123%3D%3D"))
    conn, transport, _sleeps = connect(KEY, TransportError("network", leak))
    with pytest.raises(FirewallError) as info:
        conn.op(cmd("show", "clock"))
    msg = str(info.value)
    assert key not in msg and PASSWORD not in msg and "s3cr%26t%2Bpa+ss" not in msg
    assert "LUFRPT1abc123%3D%3D" not in msg and MASK in msg
    assert conn.scrub("x %s y" % PASSWORD) == "x %s y" % MASK


def test_panos_error_text_echoing_a_secret_is_scrubbed():
    echo = '<response status="error" code="18"><msg><line>bad key LUFRPT1abc123== here</line></msg></response>'
    conn, transport, _sleeps = connect(KEY, echo)
    with pytest.raises(FirewallError) as info:
        conn.op(cmd("show", "clock"))
    assert "LUFRPT1abc123==" not in str(info.value)


def test_classify_exception_kinds():
    assert classify_exception(socket.timeout("timed out")).kind == "timeout"
    assert classify_exception(ConnectionRefusedError(111, "Connection refused")).kind == "unreachable"
    assert classify_exception(ssl.SSLCertVerificationError("certificate verify failed")).kind == "certificate"
    assert classify_exception(OSError("[Errno 101] Network is unreachable")).kind == "unreachable"
    assert classify_exception(OSError("something else")).kind == "network"
    assert classify_text("ssl: [SSL: WRONG_VERSION_NUMBER] wrong version number").kind == "tls"
    assert TransportError("http", "HTTP 502 Bad Gateway", 502).transient
    assert not TransportError("http", "HTTP 404 Not Found", 404).transient


def test_user_id_partial_failure_is_returned_not_raised():
    partial = ('<response status="error"><msg><line><uid-response><version>2.0</version><payload><register>'
               '<entry ip="1.1.2.2" message="Maximum tags exceeded"/></register></payload></uid-response>'
               '</line></msg></response>')
    conn, transport, _sleeps = connect(KEY, partial)
    root = conn.user_id(ET.Element("uid-message"), "vsys1")
    assert root.get("status") == "error"
    assert transport.requests[1] == {"type": "user-id", "cmd": "<uid-message />", "vsys": "vsys1"}


def test_user_id_plain_error_is_raised():
    conn, transport, _sleeps = connect(KEY, '<response status="error" code="18"><msg>malformed</msg></response>')
    with pytest.raises(FirewallError):
        conn.user_id(ET.Element("uid-message"))


def test_config_request_parameters():
    conn, transport, _sleeps = connect(KEY, OK)
    elem = ET.Element("color")
    elem.text = "color1"
    conn.config("set", "/config/x", [elem, ET.Element("comments")], newname=None, where="top")
    assert transport.requests[1] == {"type": "config", "action": "set", "xpath": "/config/x",
                                     "element": "<color>color1</color><comments />", "where": "top"}


def test_clock_parses_like_pan_os_python():
    clock = '<response status="success"><result>Sun Nov 22 10:00:00 UTC 2026\n</result></response>'
    conn, transport, _sleeps = connect(KEY, clock)
    assert conn.clock() == datetime.datetime(2026, 11, 22, 10, 0, 0)
    assert parse_show_clock("Mon Mar  2 08:05:09 PST 2026") == datetime.datetime(2026, 3, 2, 8, 5, 9)


COMMIT_QUEUED = ('<response status="success" code="19"><result><msg><line>Commit job enqueued with jobid 912'
                 '</line></msg><job>912</job></result></response>')


def job(status, result, details="Configuration committed successfully"):
    return ('<response status="success"><result><job><id>912</id><user>admin</user><type>Commit</type>'
            '<status>%s</status><result>%s</result><details><line>%s</line></details><warnings/></job>'
            '</result></response>' % (status, result, details))


def test_commit_partial_waits_for_the_job():
    conn, transport, sleeps = connect(KEY, COMMIT_QUEUED, job("ACT", "PEND"), job("FIN", "OK"))
    result = conn.commit_partial("automation", description="quota <block>")
    assert result["changed"] and result["job_id"] == "912" and result["result"] == "OK"
    sent = ET.fromstring(transport.requests[1]["cmd"])
    assert sent.findtext("./partial/admin/member") == "automation"
    assert sent.findtext("description") == "quota <block>"
    assert transport.requests[2]["type"] == "op" and "<id>912</id>" in transport.requests[2]["cmd"]


def test_commit_partial_nothing_to_commit():
    nothing = '<response status="success" code="19"><msg>There are no changes to commit.</msg></response>'
    conn, transport, _sleeps = connect(KEY, nothing)
    result = conn.commit_partial("automation")
    assert result["changed"] is False and result["job_id"] is None


def test_commit_partial_retries_commit_in_progress():
    busy = ('<response status="error"><msg><line>Another commit/validate is in progress. Please try again later'
            '</line></msg></response>')
    conn, transport, sleeps = connect(KEY, busy, busy, COMMIT_QUEUED, job("FIN", "OK"))
    assert conn.commit_partial("automation")["changed"]
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0]


def test_commit_partial_gives_up_when_busy_past_the_timeout():
    busy = '<response status="error"><msg><line>A commit is in progress.</line></msg></response>'
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    transport = FakeFirewall.scripted(KEY, default=busy)
    conn = FirewallConnection(PROVIDER, transport=transport, sleep=sleep, monotonic=lambda: now[0])
    with pytest.raises(FirewallError) as info:
        conn.commit_partial("automation", timeout=60)
    assert info.value.kind == "transient" and "try again later" in str(info.value)
    assert now[0] >= 60


def test_commit_partial_reports_a_lock_clearly():
    locked = ('<response status="error"><msg><line>Configuration is locked by bob (since 2026/11/22 10:00:00)'
              '</line></msg></response>')
    conn, transport, _sleeps = connect(KEY, locked)
    with pytest.raises(FirewallError) as info:
        conn.commit_partial("automation")
    assert info.value.kind == "locked" and "locked by bob" in str(info.value) and "lock" in str(info.value)


def test_commit_partial_failed_job_raises_with_details():
    conn, transport, _sleeps = connect(KEY, COMMIT_QUEUED, job("FIN", "FAIL", "rule X is invalid"))
    with pytest.raises(FirewallError) as info:
        conn.commit_partial("automation")
    assert "rule X is invalid" in str(info.value) and info.value.kind == "job"


def test_run_job_polls_report_until_fin():
    enq = ('<response status="success"><result><msg><line>Report job enqueued with jobid 116</line></msg>'
           '<job>116</job></result></response>')
    act = '<response status="success"><result><job><id>116</id><status>ACT</status></job></result></response>'
    fin = ('<response status="success"><result><job><id>116</id><status>FIN</status></job>'
           '<report name="Quota"><entry><src>10.0.0.5</src></entry></report></result></response>')
    conn, transport, sleeps = connect(KEY, enq, act, fin)
    root = conn.run_job({"type": "report", "reporttype": "custom", "reportname": "Quota", "async": "yes"},
                        interval=0.1)
    assert root.findtext("./result/report/entry/src") == "10.0.0.5"
    assert transport.requests[2] == {"type": "report", "action": "get", "job-id": "116"}
    assert sleeps == [0.1] and conn.api_calls == 4


def test_run_job_times_out():
    enq = '<response status="success"><result><job>18</job></result></response>'
    act = '<response status="success"><result><job><id>18</id><status>ACT</status></job></result></response>'
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    transport = FakeFirewall.scripted(KEY, enq, default=act)
    conn = FirewallConnection(PROVIDER, transport=transport, sleep=sleep, monotonic=lambda: now[0])
    with pytest.raises(FirewallError) as info:
        conn.run_job({"type": "log", "log-type": "traffic"}, timeout=5, interval=1)
    assert "did not finish within 5 s" in str(info.value)


def test_ssl_context_verifies_by_default_and_loads_ca(tmp_path):
    context = make_ssl_context(True, None)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    unverified = make_ssl_context(False, None)
    assert unverified.verify_mode == ssl.CERT_NONE
    with pytest.raises(FirewallError) as info:
        make_ssl_context(True, str(tmp_path / "missing.pem"))
    assert "ca_path" in str(info.value)
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    with pytest.raises(FirewallError):
        make_ssl_context(True, str(bad))


def test_http_transport_uses_the_ssl_context():
    context = make_ssl_context(True, None)
    transport = HttpTransport("192.0.2.1", 443, 5, context)
    assert transport._connect().__dict__["_context"] is context


def test_http_transport_real_unreachable_port_is_classified():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    conn = FirewallConnection({"ip_address": "127.0.0.1", "port": port, "password": PASSWORD, "timeout": 3},
                              sleep=lambda s: None)
    with pytest.raises(FirewallError) as info:
        conn.clock()
    assert info.value.kind == "unreachable" and "127.0.0.1:%d" % port in str(info.value)
    assert PASSWORD not in str(info.value)
    assert conn.api_calls == 1


@pytest.mark.parametrize("empty", [None, ""])
def test_null_or_empty_provider_keys_fall_back_to_the_environment(monkeypatch, empty):
    monkeypatch.setenv("PANOS_PASSWORD", "from-env")
    monkeypatch.setenv("PANOS_TIMEOUT", "7")
    conn, transport, _sleeps = connect(KEY, OK, provider={"ip_address": "fw", "password": empty, "timeout": empty})
    conn.op(cmd("show", "clock"))
    assert transport.requests[0]["password"] == "from-env" and conn.timeout == 7


BUSY = ('<response status="error" code="13"><msg><line>Another commit/validate is in progress. Please try again later'
        '</line></msg></response>')


@pytest.mark.parametrize("send", [
    lambda conn: conn.op(cmd("show", "clock")),
    lambda conn: conn.config("set", "/config/x", ET.Element("x")),
    lambda conn: conn.user_id(ET.Element("uid-message")),
])
def test_commit_in_progress_on_other_requests_is_retried(send):
    conn, transport, sleeps = connect(KEY, BUSY, BUSY, OK)
    assert send(conn).get("status") == "success"
    assert conn.api_calls == 4 and len(sleeps) == 2 and sleeps[1] > sleeps[0]


def test_commit_in_progress_on_other_requests_is_retried_within_bounds():
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    transport = FakeFirewall.scripted(KEY, default=BUSY)
    conn = FirewallConnection(PROVIDER, transport=transport, sleep=sleep, monotonic=lambda: now[0])
    with pytest.raises(FirewallError) as info:
        conn.config("set", "/config/x", ET.Element("x"))
    assert info.value.kind == "transient" and "object not found" not in str(info.value)
    assert "a commit kept 192.0.2.1:443 busy for 60 s, the config set request was refused" in str(info.value)
    assert 60 <= now[0] < 70 and conn.api_calls < 15


def jobs_all(*jobs):
    return '<response status="success"><result>%s</result></response>' % "".join(
        '<job><id>%s</id><user>%s</user><type>Commit</type><status>%s</status><result>%s</result></job>' % job
        for job in jobs)


PENDING_NO = '<response status="success"><result>no</result></response>'
PENDING_YES = '<response status="success"><result>yes</result></response>'
CUT = TransportError("malformed", "ParseError: no element found")


def test_commit_with_a_malformed_reply_that_went_through_is_found_and_waited_for():
    conn, transport, _sleeps = connect(KEY, CUT, jobs_all(("911", "automation", "FIN", "OK"),
                                                          ("912", "automation", "ACT", "PEND")),
                                       job("FIN", "OK"))
    result = conn.commit_partial("automation")
    assert result["changed"] and result["job_id"] == "912" and result["result"] == "OK"
    assert transport.types() == ["keygen", "commit", "op", "op"]  # the commit was not sent twice


def test_commit_with_a_lost_reply_and_finished_job_counts_when_nothing_is_pending():
    conn, transport, _sleeps = connect(KEY, CUT, jobs_all(("912", "automation", "FIN", "OK")), PENDING_NO,
                                       job("FIN", "OK"))
    assert conn.commit_partial("automation")["changed"]
    assert transport.types() == ["keygen", "commit", "op", "op", "op"]


def test_commit_with_a_lost_reply_that_did_not_go_through_is_sent_again():
    conn, transport, _sleeps = connect(KEY, CUT, jobs_all(("900", "automation", "FIN", "OK"),
                                                          ("901", "other", "ACT", "PEND")), PENDING_YES,
                                       COMMIT_QUEUED, job("FIN", "OK"))
    assert conn.commit_partial("automation")["job_id"] == "912"
    assert transport.types() == ["keygen", "commit", "op", "op", "commit", "op"]


def test_commit_with_two_lost_replies_is_reported():
    conn, _transport, _sleeps = connect(KEY, CUT, jobs_all(), CUT)
    with pytest.raises(FirewallError) as info:
        conn.commit_partial("automation")
    assert info.value.kind == "malformed" and "commit request" in str(info.value)


def test_commit_http_500_is_still_retried_by_the_connection():
    conn, transport, _sleeps = connect(KEY, TransportError("http", "HTTP 500 Internal Server Error", 500), COMMIT_QUEUED,
                                       job("FIN", "OK"))
    assert conn.commit_partial("automation")["changed"]
    assert transport.types() == ["keygen", "commit", "commit", "op"]


def test_commit_connection_reset_is_looked_up_not_resent():
    conn, transport, _sleeps = connect(KEY, ConnectionResetError("reset by peer"),
                                       jobs_all(("912", "automation", "ACT", "PEND")), job("FIN", "OK"))
    assert conn.commit_partial("automation")["job_id"] == "912"
    assert transport.types() == ["keygen", "commit", "op", "op"]
