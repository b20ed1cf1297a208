"""userid_info's main() in-process."""

from __future__ import annotations

from tests.module_runner import load
from tests.unit.firewall import PROVIDER, FakeFirewall

userid_info = load("userid_info")
LIST = '<response status="success"><result><![CDATA[cn=sales,dc=acme\n\nTotal: 1\n* : Custom Group\n]]></result></response>'
MEMBERS = '<response status="success"><result><![CDATA[short name: sales\n\n[1     ] acme\\bob\n]]></result></response>'
MAPPING = ('<response status="success"><result><entry><ip>10.0.0.5</ip><user>acme\\bob</user></entry>'
           '<count>1</count></result></response>')


def test_groups_and_mapping(run_module) -> None:
    firewall = FakeFirewall(op={"show user group list": LIST, "show user group name": MEMBERS,
                            "show user ip-user-mapping": MAPPING})
    failed, result = run_module(userid_info.main, {"provider": PROVIDER}, firewall)
    assert not failed and result["groups"] == {"cn=sales,dc=acme": ["acme\\bob"]}
    assert result["ip_user_mapping"] == [{"ip": "10.0.0.5", "user": "acme\\bob"}]
    assert firewall.kinds().count("op") == 3


def test_gather_choices_are_checked(run_module) -> None:
    failed, result = run_module(userid_info.main, {"provider": PROVIDER, "gather": ["everything"]})
    assert failed and "gather" in result["msg"]
