"""Reading usage and identity out of PAN-OS replies."""

import xml.etree.ElementTree as ET
from datetime import datetime

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._address import strict_ip as normalize_ip
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._report import parse_report, parse_traffic_log, sum_traffic
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._identity import parse_group_list, parse_group_members, parse_ip_user_mapping, result_text


def report_reply(entries, status="FIN"):
    return ET.fromstring(
        '<response status="success"><result><job><status>%s</status><id>116</id></job>'
        '<report name="Quota" logtype="trsum" start="2026/11/22 10:00:00" end="2026/11/22 10:14:59">%s</report>'
        "</result></response>" % (status, entries))


def entry(src, user, count):
    element = ET.Element("entry")
    ET.SubElement(element, "src").text = src
    ET.SubElement(element, "srcuser").text = user
    ET.SubElement(element, "bytes").text = count
    return ET.tostring(element, encoding="unicode")


def test_report_rows_and_window():
    parsed = parse_report(report_reply(
        entry("10.0.0.5", "acme\\bob", "123456") + "<entry><src>10.0.0.9</src><srcuser/><bytes>7</bytes></entry>"))
    assert parsed["rows"] == [{"ip": "10.0.0.5", "user": "acme\\bob", "bytes": 123456}, {"ip": "10.0.0.9", "user": None, "bytes": 7}]
    assert parsed["window"] == {"start": datetime(2026, 11, 22, 10, 0), "end": datetime(2026, 11, 22, 10, 14, 59)}


def test_report_keeps_hostile_user_names_literally():
    names = ["acme\\o'brien", 'acme\\"q"', "acme\\<b>", "acme\\a&b", "acme\\x</member>", " acme\\spaced "]
    parsed = parse_report(report_reply("".join(entry("10.0.0.%d" % index, name, "1") for index, name in enumerate(names, 1))))
    assert [row["user"] for row in parsed["rows"]] == names


def test_report_normalises_ipv6():
    assert parse_report(report_reply(entry("2001:DB8:0::5", "u", "1")))["rows"][0]["ip"] == "2001:db8::5"


def test_empty_report():
    assert parse_report(report_reply(""))["rows"] == []


@pytest.mark.parametrize("body, message", [
    (entry("10.0.0.5", "bob", "12x"), r"bytes '12x', not a whole number: <entry> src='10.0.0.5', srcuser='bob', bytes='12x'"),
    (entry("10.0.0.5", "bob", "-1"), "bytes '-1'"),
    ("<entry><src>10.0.0.5</src><srcuser>bob</srcuser></entry>", "bytes None"),
    ("<entry><srcuser>bob</srcuser><bytes>5</bytes></entry>", r"without a source address \(src\): <entry> srcuser='bob', bytes='5'"),
    (entry("10.0.0.0/24", "bob", "5"), "not a single IP address.*src='10.0.0.0/24'"),
])
def test_report_bad_rows_raise_with_the_row(body, message):
    with pytest.raises(ValueError, match=message):
        parse_report(report_reply(body))


def test_report_errors():
    with pytest.raises(ValueError, match="not finished"):
        parse_report(report_reply("", status="ACT"))
    with pytest.raises(ValueError, match="No such report"):
        parse_report(ET.fromstring("<response status='success'><result><msg>No such report</msg></result></response>"))
    with pytest.raises(ValueError, match="status 'error': Invalid credential"):
        parse_report(ET.fromstring("<response status='error' code='403'><result><msg>Invalid credential</msg></result></response>"))


def test_report_accepts_lxml():
    etree = pytest.importorskip("lxml.etree")
    reply = etree.fromstring(ET.tostring(report_reply(entry("10.0.0.5", "acme\\bob", "3"))))
    assert parse_report(reply)["rows"] == [{"ip": "10.0.0.5", "user": "acme\\bob", "bytes": 3}]
    with pytest.raises(ValueError, match="<entry> src='10.0.0.5'"):
        parse_report(etree.fromstring(ET.tostring(report_reply(entry("10.0.0.5", "b", "x")))))


def test_traffic_log_entries_and_sum():
    reply = ET.fromstring(
        '<response status="success"><result><job><status>FIN</status><id>18</id></job><log><logs count="3" progress="100">'
        "<entry logid='1'><src>10.0.0.5</src><srcuser>acme\\bob</srcuser><bytes>300</bytes></entry>"
        "<entry logid='2'><src>10.0.0.6</src><srcuser></srcuser><bytes>5</bytes></entry>"
        "<entry logid='3'><src>10.0.0.5</src><srcuser>acme\\bob</srcuser><bytes>92</bytes></entry>"
        "</logs></log></result></response>")
    entries = parse_traffic_log(reply)
    assert len(entries) == 3
    assert sum_traffic(entries) == [{"ip": "10.0.0.5", "user": "acme\\bob", "bytes": 392}, {"ip": "10.0.0.6", "user": None, "bytes": 5}]


def test_sum_traffic_takes_log_field_names():
    assert sum_traffic([{"src": "10.0.0.5", "srcuser": "", "bytes": "4"}, {"src": "10.0.0.5", "srcuser": None, "bytes": 6},
                        {"src": "10.0.0.5", "srcuser": "u", "bytes": 1}]) == [
        {"ip": "10.0.0.5", "user": None, "bytes": 10}, {"ip": "10.0.0.5", "user": "u", "bytes": 1}]


def test_sum_traffic_names_a_bad_entry():
    with pytest.raises(ValueError, match="log entry without a whole number of bytes: .*'src': '10.0.0.5'"):
        sum_traffic([{"src": "10.0.0.5", "srcuser": "u", "bytes": "12x"}])


def test_group_list():
    text = "\ncn=sales,dc=acme,dc=local \ncn=eng,dc=acme,dc=local \ncn=domain users,dc=acme,dc=local\n\nTotal: 3\n* : Custom Group\n\n"
    assert parse_group_list(text) == ["cn=sales,dc=acme,dc=local", "cn=eng,dc=acme,dc=local", "cn=domain users,dc=acme,dc=local"]
    assert parse_group_list("\n\nTotal: 0\n* : Custom Group\n") == []


def test_group_members():
    text = "\n\nsource type: ldap\nGroup type: Normal\n\n[1     ] acme\\bob\n[2     ] acme\\o'brien </member>\n[10    ] acme\\carol\n\n"
    assert parse_group_members(text) == ["acme\\bob", "acme\\o'brien </member>", "acme\\carol"]
    assert parse_group_members("\nUser group 'cn=x' does not exist or does not have members\n") == []


def test_result_text_reads_cdata():
    reply = ET.fromstring("<response status='success'><result><![CDATA[\n[1     ] acme\\bob\n]]></result></response>")
    assert parse_group_members(result_text(reply)) == ["acme\\bob"]


def test_ip_user_mapping():
    reply = ET.fromstring(
        "<response status='success'><result><entry><ip>172.16.101.99</ip><vsys>vsys1</vsys><type>XMLAPI</type>"
        "<user>acme\\bob</user><idle_timeout>8747</idle_timeout><timeout>8747</timeout></entry>"
        "<entry><ip>172.16.101.100</ip><user></user></entry><count>2</count></result></response>")
    assert parse_ip_user_mapping(reply) == [{"ip": "172.16.101.99", "user": "acme\\bob"}]
    assert parse_ip_user_mapping(ET.fromstring("<response status='success'><result></result></response>")) == []
    with pytest.raises(ValueError, match="without an ip"):
        parse_ip_user_mapping(ET.fromstring("<response status='success'><result><entry><user>u</user></entry></result></response>"))


@pytest.mark.parametrize("text", ["10.0.0.0/24", "10.0.0.1-10.0.0.9", "host.example", "", None])
def test_normalize_ip_refuses_non_addresses(text):
    with pytest.raises(ValueError, match="not a single IP address"):
        normalize_ip(text)


def test_malformed_xml_is_the_parsers_error():
    with pytest.raises(ET.ParseError):
        ET.fromstring("<response status='success'><result><report><entry>")
