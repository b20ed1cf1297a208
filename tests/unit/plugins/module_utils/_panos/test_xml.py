import xml.etree.ElementTree as ET

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos import _xml


def test_xpath_literal_plain_name_in_single_quotes():
    assert _xml.xpath_literal("quota") == "'quota'"


def test_xpath_literal_name_with_apostrophe_in_double_quotes():
    assert _xml.xpath_literal("bob's tag") == '"bob\'s tag"'


def test_xpath_literal_name_with_double_quote_in_single_quotes():
    assert _xml.xpath_literal('say "hi"') == "'say \"hi\"'"


def test_xpath_literal_refuses_both_quotes_with_a_clear_message():
    with pytest.raises(_xml.XPathQuoteError) as info:
        _xml.xpath_literal("a'b\"c")
    message = str(info.value)
    assert "`a'b\"c`" in message
    assert "concat" in message and "rename" in message


def test_xpath_literal_keeps_markup_literal():
    # xpath literals are not XML: < and & stay as they are
    assert _xml.xpath_literal("<x>&") == "'<x>&'"


def test_vsys_and_entry_xpath():
    assert _xml.vsys_xpath("vsys1") == (
        "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']")
    assert _xml.vsys_xpath(None) == "/config/shared"
    assert _xml.vsys_xpath("shared") == "/config/shared"
    base = _xml.vsys_xpath("vsys1") + "/tag"
    assert _xml.entry_xpath(base, "it's") == base + "/entry[@name=\"it's\"]"
    assert _xml.entry_xpath(base + "/", "q") == base + "/entry[@name='q']"


def test_cmd_builds_nested_elements():
    assert _xml.to_string(_xml.cmd("show", "clock")) == "<show><clock /></show>"
    node = _xml.cmd("show", "jobs", "id", text="12")
    assert _xml.to_string(node) == "<show><jobs><id>12</id></jobs></show>"
    assert _xml.innermost(node).tag == "id"


def test_element_builders_escape_values():
    entry = _xml.element("entry", name="a'b\"<c>&")
    _xml.sub(entry, "comments", "x < y & z")
    _xml.members(entry, "tag", ["t<1>", "t&2"])
    text = _xml.to_string(entry)
    assert "&lt;c&gt;&amp;" in text and "x &lt; y &amp; z" in text
    parsed = ET.fromstring(text)
    assert parsed.get("name") == "a'b\"<c>&"
    assert _xml.texts(parsed, "./tag/member") == ["t<1>", "t&2"]
    assert _xml.text(parsed, "comments") == "x < y & z"
    assert _xml.text(parsed, "missing", "d") == "d"


def test_to_string_of_siblings():
    assert _xml.to_string([_xml.element("a", "1"), _xml.element("b")]) == "<a>1</a><b />"
