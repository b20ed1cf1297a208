"""Security policy match and DAG filters: evaluation on hand-built states, then through pan-python."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from panos_emulator.builders import VSYS, config, dag, make_state, members, rule
from panos_emulator.policy import dag_matches, first_matching_rule, security_policy_match
from panos_emulator.state import ApiError


@pytest.mark.parametrize(("filter_text", "tags", "expected"), [
    ("'quota'", {"quota"}, True),
    ("'quota'", {"other"}, False),
    ('"quota"', {"quota"}, True),
    ("'over quota'", {"over quota"}, True),
    ("'a' and 'b'", {"a"}, False),
    ("'a' and 'b'", {"a", "b"}, True),
    ("'a' or 'b'", {"b"}, True),
    ("'a' OR 'b'", {"b"}, True),
    ("'a' or 'b' and 'c'", {"a"}, True),  # and binds tighter than or
    ("('a' or 'b') and 'c'", {"a"}, False),
    ("('a' or 'b') and 'c'", {"b", "c"}, True),
    ("'a' and ('b' or ('c' and 'd'))", {"a", "c", "d"}, True),
])
def test_dag_filter(filter_text: str, tags: set[str], expected: bool) -> None:
    assert dag_matches(filter_text, tags) is expected


@pytest.mark.parametrize("filter_text", ["", "quota", "'a' and", "('a' or 'b'", "'a' 'b'", "'a' xor 'b'", "'unterminated", "''", "()"])
def test_invalid_dag_filter(filter_text: str) -> None:
    with pytest.raises(ValueError):
        dag_matches(filter_text, {"a"})


def match(state, show_all: bool = False, **fields: str) -> list[str]:
    """Names of the rules ``test security-policy-match`` reports for these query fields (tag: text),
    from trust to untrust unless given."""
    cmd = etree.Element("test")
    query = etree.SubElement(cmd, "security-policy-match")
    for tag, value in {"from": "trust", "to": "untrust", **fields}.items():
        etree.SubElement(query, tag).text = value
    if show_all:
        etree.SubElement(query, "show-all").text = "yes"
    return [entry.get("name") for entry in security_policy_match(state, cmd).iterfind("rules/entry")]


def address(name: str, kind: str, value: str) -> etree._Element:
    entry = etree.Element("entry", name=name)
    etree.SubElement(entry, kind).text = value
    return entry


def service(name: str, protocol: str, ports: str) -> etree._Element:
    entry = etree.Element("entry", name=name)
    etree.SubElement(etree.SubElement(etree.SubElement(entry, "protocol"), protocol), "port").text = ports
    return entry


@pytest.fixture(name="state")
def fixture_state():
    static = etree.Element("entry", name="servers")
    static.append(members("static", ["net-obj", "range-obj"]))
    tree = config(
        rules=(
            rule("off", "deny", extra={"disabled": "yes"}),
            rule("BlockQuota", "deny", source=["quota-dag"]),
            rule("BlockGroup", "reset-both", source_user=["cn=sales,dc=acme,dc=local"]),
            rule("NotServers", "drop", source=["servers"], extra={"negate-source": "yes"}, to=["dmz"]),
            rule("Web", source=["servers"], service=["service-http", "tcp-8443"], application=["web-browsing", "ssl"]),
            rule("Known", source_user=["known-user"], destination=["198.51.100.0/24", "192.0.2.1-192.0.2.9"]),
            rule("Unknown", "deny", source_user=["unknown"]),
        ),
        address=[address("net-obj", "ip-netmask", "10.1.0.0/16"), address("range-obj", "ip-range", "10.2.0.1-10.2.0.20")],
        address_group=[dag("quota-dag", "'quota'"), static],
        service=[service("tcp-8443", "tcp", "8000-8100,8443")],
    )
    return make_state(tree, tags={"10.0.0.9": {"quota"}}, users={"10.0.0.5": "acme\\bob", "10.0.0.6": "acme\\carol"},
                      groups={"cn=sales,dc=acme,dc=local": ["ACME\\Carol"]})


def test_first_match_and_show_all(state) -> None:
    assert match(state, source="10.0.0.9") == ["BlockQuota"]
    assert match(state, True, source="10.0.0.9", destination="192.0.2.5") == ["BlockQuota", "Unknown"]


def test_lookups_read_the_rulebase_once_per_commit(state, monkeypatch: pytest.MonkeyPatch) -> None:
    from panos_emulator import config as config_api
    from panos_emulator import policy

    read: list[str] = []
    original = policy.Rule.from_entry
    monkeypatch.setattr(policy.Rule, "from_entry", classmethod(lambda cls, entry, index: read.append(entry.get("name"))
                                                               or original(entry, index)))
    assert match(state, source="10.0.0.9") == ["BlockQuota"] and match(state, source="10.0.0.9") == ["BlockQuota"]
    assert len(read) == 7  # the seven rules, once for both lookups
    config_api.handle_config(state, {"action": "move", "xpath": VSYS + "/rulebase/security/rules/entry[@name='Unknown']",
                                     "where": "top"}, "admin")
    assert match(state, source="10.0.0.9") == ["BlockQuota"]  # the candidate changed, the running config not
    config_api.handle_commit(state, {"cmd": "<commit/>"}, "admin")
    for _poll in range(2):  # ACT, then FIN: the new running config is in place
        state.poll_job(max(state.jobs))
    assert match(state, source="10.0.0.9") == ["Unknown"] and len(read) == 14


def test_dag_membership_follows_registered_tags(state) -> None:
    assert match(state, source="10.0.0.8", destination="192.0.2.5") == ["Unknown"]
    state.registered_ips["vsys1"]["10.0.0.9"].tags.clear()
    assert match(state, source="10.0.0.9", destination="192.0.2.5") == ["Unknown"]


@pytest.mark.parametrize(("fields", "expected"), [
    ({"source": "10.1.7.7", "destination-port": "80", "protocol": "6"}, "Web"),  # ip-netmask object in a static group
    ({"source": "10.2.0.20", "destination-port": "8443", "protocol": "6"}, "Web"),  # ip-range object, service object
    ({"source": "10.2.0.21", "destination-port": "8443", "protocol": "6"}, "Unknown"),  # outside the range
    ({"source": "10.1.7.7", "destination-port": "8050", "protocol": "6", "application": "ssl"}, "Web"),
    ({"source": "10.1.7.7", "destination-port": "8050", "protocol": "17"}, "Unknown"),  # udp: no service matches
    ({"source": "10.1.7.7", "destination-port": "22", "protocol": "6"}, "Unknown"),
    ({"source": "10.1.7.7", "application": "dns"}, "Unknown"),
    ({"source": "10.0.0.5", "destination": "198.51.100.7"}, "Known"),  # user from the IP-user mapping
    ({"source": "10.0.0.5", "destination": "203.0.113.1"}, None),
    ({"source": "10.0.0.6"}, "BlockGroup"),  # group member, names compared without regard to case
    ({"source": "10.0.0.7", "source-user": "acme\\CAROL"}, "BlockGroup"),
    ({"source": "10.0.0.7", "destination": "192.0.2.1"}, "Unknown"),
    ({"source": "10.0.0.7", "to": "dmz"}, "NotServers"),  # negate-source
    ({"source": "10.1.0.1", "to": "dmz"}, None),
    ({"source": "10.0.0.7", "from": "dmz"}, None),
])
def test_rule_criteria(state, fields: dict[str, Any], expected: str | None) -> None:
    assert match(state, **fields) == ([expected] if expected else [])


def test_reply_shape(state) -> None:
    cmd = etree.fromstring("<test><security-policy-match><source>10.1.7.7</source><protocol>6</protocol>"
                           "<destination-port>80</destination-port></security-policy-match></test>")
    entry = security_policy_match(state, cmd).find("rules/entry")
    assert entry.get("name") == "Web"
    assert [child.tag for child in entry] == ["index", "from", "source", "to", "destination", "user", "category", "application_service", "action"]
    assert entry.findtext("index") == "5"
    assert entry.findtext("from") == "trust" and entry.findtext("action") == "allow"
    assert entry.findtext("source") == "servers"
    assert [m.text for m in entry.iterfind("application_service/member")] == [
        "0:web-browsing/any/any/service-http", "1:web-browsing/any/any/tcp-8443", "2:ssl/any/any/service-http", "3:ssl/any/any/tcp-8443"]


def test_no_match_is_an_empty_rules_element() -> None:
    result = security_policy_match(make_state(), etree.fromstring("<security-policy-match><source>10.0.0.1</source></security-policy-match>"))
    assert etree.tostring(result) == b"<result><rules/></result>"


@pytest.mark.parametrize("field", ["<source>10.0.0.300</source>", "<destination-port>https</destination-port>"])
def test_invalid_query(state, field: str) -> None:
    with pytest.raises(ApiError) as error:
        security_policy_match(state, etree.fromstring(f"<test><security-policy-match>{field}</security-policy-match></test>"))
    assert error.value.code == 17
    assert f"-> {etree.fromstring(field).tag} '" in error.value.message


def test_first_matching_rule_and_default_rules(state) -> None:
    assert first_matching_rule(state, "10.0.0.9", "1.1.1.1", None, "ssl", "trust", "untrust", 6, 443) == ("BlockQuota", "deny")
    assert first_matching_rule(state, "10.0.0.8", "1.1.1.1", "acme\\carol", "ssl", "trust", "untrust", 6, 443) == ("BlockGroup", "reset-both")
    assert first_matching_rule(state, "10.0.0.8", "10.0.0.1", None, "ssl", "dmz", "dmz", 6, 443) == ("intrazone-default", "allow")
    assert first_matching_rule(state, "10.0.0.8", "10.0.0.1", None, "ssl", "dmz", "trust", 6, 443) == ("interzone-default", "deny")


def test_policy_match_through_pan_python(xapi) -> None:
    """Rules configured with ``set`` and committed, the DAG fed with a tag, queried with ``op``."""
    xapi.set(xpath=f"{VSYS}/address-group", element=etree.tostring(dag("quota", "'quota'"), encoding="unicode"))
    for entry in (rule("BlockQuota", "deny", source=["quota"]), rule("allow-out")):
        xapi.set(xpath=f"{VSYS}/rulebase/security/rules", element=etree.tostring(entry, encoding="unicode"))
    xapi.commit(cmd="<commit></commit>", sync=True, interval=0.05)
    query = ("<test><security-policy-match><from>trust</from><to>untrust</to><source>10.0.0.9</source>"
             "<destination>1.1.1.1</destination><protocol>6</protocol><destination-port>443</destination-port>"
             "<application>ssl</application></security-policy-match></test>")

    xapi.op(cmd=query)
    assert [e.get("name") for e in xapi.element_root.iterfind("./result/rules/entry")] == ["allow-out"]

    xapi.user_id(cmd="<uid-message><type>update</type><payload><register><entry ip='10.0.0.9'><tag><member>quota</member></tag>"
                     "</entry></register></payload></uid-message>")
    xapi.op(cmd=query)
    entry = xapi.element_root.find("./result/rules/entry")
    assert (entry.get("name"), entry.findtext("action"), entry.findtext("index")) == ("BlockQuota", "deny", "1")
