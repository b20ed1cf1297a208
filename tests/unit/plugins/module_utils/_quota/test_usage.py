"""quota_report_info / userid_info logic against scripted replies (no emulator)."""

from __future__ import annotations

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._identity import userid_info
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._usage import usage

from tests.unit.firewall import FakeFirewall

CLOCK = '<response status="success"><result>Sun Nov 22 10:00:00 UTC 2026</result></response>'
ENQUEUED = '<response status="success"><result><job>7</job></result></response>'
NOT_FOUND = '<response status="error"><msg><line>Report Quota not found</line></msg></response>'
NO_ENTRY = '<response status="success" code="7"><result/></response>'


def connect(*script: str) -> tuple[FirewallConnection, FakeFirewall]:
    transport = FakeFirewall.scripted(*script)
    conn = FirewallConnection({"ip_address": "fw", "api_key": "k"}, transport=transport, sleep=lambda s: None)
    return conn, transport


def report(entries: str) -> str:
    return ('<response status="success"><result><job><status>FIN</status><id>7</id></job>'
            '<report name="Quota" start="2026/11/22 09:45:00" end="2026/11/22 09:59:59">%s</report></result></response>' % entries)


def test_report_rows_window_and_unknown_user() -> None:
    conn, _t = connect(CLOCK, ENQUEUED, report("<entry><src>10.0.0.5</src><srcuser>acme\\bob</srcuser><bytes>5</bytes></entry>"
                                               "<entry><src>10.0.0.6</src><srcuser/><bytes>7</bytes></entry>"))
    result = usage(conn)
    assert result["rows"] == [{"ip": "10.0.0.5", "user": "acme\\bob", "bytes": 5}, {"ip": "10.0.0.6", "user": None, "bytes": 7}]
    assert result["window"] == {"start": "2026/11/22 09:45:00", "end": "2026/11/22 09:59:59"}
    assert result["firewall_time"] == "2026/11/22 10:00:00"


def test_missing_report_names_the_bootstrap_after_one_config_read() -> None:
    conn, transport = connect(CLOCK, NOT_FOUND, NO_ENTRY)
    with pytest.raises(FirewallError, match=r"ansible-playbook -i inventory.yml tagwarden\.panos\.quota_bootstrap") as info:
        usage(conn)
    assert "playbooks/quota_bootstrap.yml" not in str(info.value)  # a path only a source checkout has
    assert transport.requests[-1]["action"] == "get" and "|" in transport.requests[-1]["xpath"]


def test_non_numeric_bytes_name_the_row() -> None:
    conn, _t = connect(CLOCK, ENQUEUED, report("<entry><src>10.0.0.5</src><srcuser/><bytes>12x</bytes></entry>"))
    with pytest.raises(FirewallError, match="12x"):
        usage(conn)


def test_failed_job_is_a_clear_failure() -> None:
    failed = ('<response status="success"><result><job><status>FIN</status><id>7</id><result>FAIL</result>'
              '<details><line>disk full</line></details></job></result></response>')
    conn, _t = connect(CLOCK, ENQUEUED, failed)
    with pytest.raises(FirewallError, match="failed: disk full"):
        usage(conn)


def test_traffic_log_pages_with_skip_and_sums() -> None:
    def page(count: int) -> str:
        entry = "<entry><src>10.0.0.5</src><srcuser>bob</srcuser><bytes>2</bytes></entry>"
        return ('<response status="success"><result><job><status>FIN</status></job><log><logs count="%d">%s</logs></log>'
                '</result></response>' % (count, entry * count))

    conn, transport = connect(CLOCK, ENQUEUED, page(5000), ENQUEUED, page(3))
    result = usage(conn, source="traffic_log", minutes=5)
    assert result["rows"] == [{"ip": "10.0.0.5", "user": "bob", "bytes": 10006}]
    assert result["window"] == {"start": "2026/11/22 09:55:00", "end": "2026/11/22 10:00:00"}
    starts = [r for r in transport.requests if r.get("type") == "log" and "action" not in r]
    assert [r["skip"] for r in starts] == ["0", "5000"]
    assert starts[0]["query"].startswith("(receive_time geq '2026/11/22 09:55:00')")


def test_userid_groups_one_call_per_group_and_restricted_groups_skip_the_list() -> None:
    listing = '<response status="success"><result><![CDATA[\ncn=a \ncn=b \n\nTotal: 2\n* : Custom Group\n\n]]></result></response>'
    members = '<response status="success"><result><![CDATA[\n\nsource type: ldap\n\n[1     ] acme\\bob\n\n]]></result></response>'
    conn, transport = connect(listing, members, members)
    assert userid_info(conn, gather=["groups"])["groups"] == {"cn=a": ["acme\\bob"], "cn=b": ["acme\\bob"]}
    assert len(transport.requests) == 3
    conn, transport = connect(members)
    assert userid_info(conn, gather=["groups"], groups=["cn=x"])["groups"] == {"cn=x": ["acme\\bob"]}
    assert len(transport.requests) == 1


def test_truncated_mapping_warns() -> None:
    mapping = ('<response status="success"><result><entry><ip>10.0.0.5</ip><user>bob</user></entry>'
               '<count>3</count></result></response>')
    conn, _t = connect(mapping)
    result = userid_info(conn, gather=["ip_user_mapping"])
    assert result["ip_user_mapping"] == [{"ip": "10.0.0.5", "user": "bob"}]
    assert "1 of 3" in result["warnings"][0]
