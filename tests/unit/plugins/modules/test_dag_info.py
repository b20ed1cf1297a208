"""dag_info's main() in-process."""

from __future__ import annotations

from tests.module_runner import load
from tests.unit.firewall import PROVIDER, FakeFirewall

dag_info = load("dag_info")

MEMBERS = ('<response status="success"><result><dyn-addr-grp><entry><vsys>vsys1</vsys><group-name>blocked</group-name>'
           "<filter>'quota'</filter><member-list><entry name=\"10.0.0.1\" type=\"registered-ip\"/></member-list>"
           '</entry></dyn-addr-grp></result></response>')


def test_reads_members_in_one_request(run_module) -> None:
    firewall = FakeFirewall(op={"show object dynamic-address-group": MEMBERS})
    failed, result = run_module(dag_info.main, {"provider": PROVIDER, "name": "blocked"}, firewall)
    assert not failed and result["members"] == {"blocked": ["10.0.0.1"]} and not result["changed"]
    assert firewall.kinds() == ["keygen", "op"]


def test_refused_credentials_map_to_an_auth_error(run_module) -> None:
    class Refusing(FakeFirewall):
        def request(self, params):  # type: ignore[no-untyped-def]
            from tests.unit.firewall import reply
            return reply('<response status="error" code="403"><result><msg>Invalid Credential</msg></result></response>')

    failed, result = run_module(dag_info.main, {"provider": PROVIDER}, Refusing())
    assert failed and result["error_kind"] == "auth" and "provider.password" in result["msg"]
    assert PROVIDER["password"] not in str(result)
