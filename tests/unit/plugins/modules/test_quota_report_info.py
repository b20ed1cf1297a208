"""quota_report_info's main() in-process."""

from __future__ import annotations

from tests.module_runner import load
from tests.unit.firewall import PROVIDER, FakeFirewall

quota_report_info = load("quota_report_info")
ENQUEUED = '<response status="success"><result><job>7</job></result></response>'
REPORT = ('<response status="success"><result><job><id>7</id><status>FIN</status></job>'
          '<report name="Quota" start="2026/11/22 09:45:00" end="2026/11/22 10:00:00">'
          '<entry><src>10.0.0.5</src><srcuser>acme\\bob</srcuser><bytes>1200</bytes></entry></report></result></response>')
MISSING = '<response status="error"><msg><line>Report Quota not found</line></msg></response>'


def test_report_rows_and_window(run_module) -> None:
    firewall = FakeFirewall(jobs={"report": [ENQUEUED, REPORT]})
    failed, result = run_module(quota_report_info.main, {"provider": PROVIDER}, firewall)
    assert not failed and result["rows"] == [{"ip": "10.0.0.5", "user": "acme\\bob", "bytes": 1200}]
    assert result["window"] == {"start": "2026/11/22 09:45:00", "end": "2026/11/22 10:00:00"}
    assert result["firewall_time"] == "2026/11/22 10:00:00"


def test_a_missing_report_says_how_to_create_it(run_module) -> None:
    firewall = FakeFirewall(jobs={"report": [MISSING]})
    failed, result = run_module(quota_report_info.main, {"provider": PROVIDER}, firewall)
    assert failed and result["error_kind"] == "settings" and "quota_bootstrap" in result["msg"]
