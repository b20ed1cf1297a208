import xml.etree.ElementTree as ET

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._userid import _registrations as u
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from tests.unit.firewall import FakeFirewall, TagStore

HOSTILE = "a'b\"<c>&"


def conn_for(store):
    transport = FakeFirewall.scripted(default=store)
    return FirewallConnection({"ip_address": "fw", "api_key": "K"}, transport=transport, sleep=lambda s: None), \
        transport


def test_message_structure_with_timeout_and_persistent():
    [msg] = u.build_uid_messages({"10.0.0.1": ["quota", "b"]}, {"10.0.0.2": ["quota"]}, timeout=900,
                                 persistent=False)
    assert msg.tag == "uid-message"
    assert msg.findtext("version") == "1.0" and msg.findtext("type") == "update"
    assert [s.tag for s in msg.find("payload")] == ["unregister", "register"]
    entry = msg.find("./payload/register/entry")
    assert entry.get("ip") == "10.0.0.1" and entry.get("persistent") == "0"
    assert [(m.text, m.get("timeout")) for m in entry.findall("./tag/member")] == [("b", "900"), ("quota", "900")]
    unreg = msg.find("./payload/unregister/entry")
    assert unreg.get("persistent") is None
    assert [(m.text, m.get("timeout")) for m in unreg.findall("./tag/member")] == [("quota", None)]


def test_no_timeout_or_persistent_attributes_unless_asked():
    [msg] = u.build_uid_messages({"10.0.0.1": ["q"]})
    entry = msg.find("./payload/register/entry")
    assert entry.get("persistent") is None and entry.find("./tag/member").get("timeout") is None
    [msg] = u.build_uid_messages({"10.0.0.1": ["q"]}, timeout=0, persistent=True)
    entry = msg.find("./payload/register/entry")
    assert entry.get("persistent") == "1" and entry.find("./tag/member").get("timeout") == "0"


def test_per_tag_timeouts_from_a_mapping():
    [msg] = u.build_uid_messages({"10.0.0.1": {"quota": 600, "quota-group": None}}, timeout=60)
    members = {m.text: m.get("timeout") for m in msg.findall(".//member")}
    assert members == {"quota": "600", "quota-group": "60"}


def test_hostile_tag_names_are_escaped_and_round_trip():
    [msg] = u.build_uid_messages({"10.0.0.1": [HOSTILE]}, {"10.0.0.2": [HOSTILE]})
    text = ET.tostring(msg, encoding="unicode")
    assert "&lt;c&gt;&amp;" in text and "<c>" not in text
    parsed = ET.fromstring(text)
    assert [m.text for m in parsed.findall(".//member")] == [HOSTILE, HOSTILE]


def test_chunking_counts_register_and_unregister_entries_together():
    register = {"10.0.0.%d" % i: ["t"] for i in range(1, 6)}
    unregister = {"10.0.1.%d" % i: ["t"] for i in range(1, 5)}
    msgs = u.build_uid_messages(register, unregister, chunk_size=3)
    assert [u.count_entries(m) for m in msgs] == [3, 3, 3]
    # unregister entries come first; the second message mixes both sections
    assert [s.tag for s in msgs[1].find("payload")] == ["unregister", "register"]
    all_ips = [e.get("ip") for m in msgs for e in m.findall("./payload/*/entry")]
    assert sorted(all_ips) == sorted(list(register) + list(unregister))


def apply_message(held, message, users=False):
    """What a firewall holds after one uid-message, sections in document order (as PAN-OS applies them)."""
    key = "user" if users else "ip"
    for section in message.find("payload"):
        for entry in section.findall("entry"):
            tags = {m.text for m in entry.findall("./tag/member")}
            if section.tag.startswith("unregister"):
                held[entry.get(key)] = held.get(entry.get(key), set()) - tags
            else:
                held[entry.get(key)] = held.get(entry.get(key), set()) | tags


@pytest.mark.parametrize("users", [False, True])
def test_a_renewed_holder_keeps_its_block_tag_after_every_message(users):
    # 1,200 holders in two groups whose block end moves: each loses quota + its old until-tag and
    # gets quota (new timeout) + the new until-tag. No message may leave one without "quota".
    holders = ["acme\\u%d" % n if users else "10.1.%d.%d" % (n >> 8, n & 255) for n in range(1200)]
    group = {h: "g%d" % (n % 2) for n, h in enumerate(holders)}
    held = {h: {"quota", "quota-%s-until-1" % group[h]} for h in holders}
    unregister = {h: sorted(held[h]) for h in holders}
    register = {h: {"quota": 900, "quota-%s-until-2" % group[h]: 900} for h in holders}
    messages = u.build_uid_messages(register, unregister, users=users)
    assert len(messages) == 3  # 2,400 entries, 1,000 a message at most, never split per holder
    for message in messages:
        assert u.count_entries(message) <= 1000
        sections = [s.tag for s in message.find("payload")]
        assert sections == (["unregister-user", "register-user"] if users else ["unregister", "register"])
        apply_message(held, message, users)
        assert [h for h in holders if "quota" not in held[h]] == []
    assert held == {h: {"quota", "quota-%s-until-2" % group[h]} for h in holders}


def test_a_holder_that_does_not_fit_starts_the_next_message():
    unregister = {"10.0.0.%d" % i: ["quota"] for i in range(1, 4)}
    register = {"10.0.0.%d" % i: ["quota"] for i in range(1, 4)}
    msgs = u.build_uid_messages(register, unregister, chunk_size=3)
    assert [u.count_entries(m) for m in msgs] == [2, 2, 2]
    for msg in msgs:
        assert {e.get("ip") for e in msg.findall("./payload/unregister/entry")} == \
            {e.get("ip") for e in msg.findall("./payload/register/entry")}
    # a holder with more entries than chunk_size still goes out whole, in a message of its own
    assert [u.count_entries(m) for m in u.build_uid_messages(register, unregister, chunk_size=1)] == [2, 2, 2]


def test_sections_keep_their_order_whichever_holder_comes_first():
    [msg] = u.build_uid_messages({"10.0.0.1": ["a"], "10.0.0.2": ["a"]}, {"10.0.0.2": ["b"]})
    assert [s.tag for s in msg.find("payload")] == ["unregister", "register"]


def test_chunking_10000_entries_in_10_messages():
    register = {"10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255): ["quota"] for i in range(10000)}
    msgs = u.build_uid_messages(register, chunk_size=1000, timeout=60)
    assert len(msgs) == 10 and all(u.count_entries(m) == 1000 for m in msgs)


def test_chunking_respects_the_byte_limit():
    register = {"10.0.0.%d" % i: ["x" * 100] for i in range(1, 11)}
    msgs = u.build_uid_messages(register, chunk_size=1000, max_bytes=700)
    assert len(msgs) > 1
    assert all(len(ET.tostring(m)) < 1000 for m in msgs)


def test_empty_input_builds_no_message_and_bad_chunk_size_is_refused():
    assert u.build_uid_messages({}, {}) == []
    assert u.build_uid_messages({"10.0.0.1": []}) == []
    with pytest.raises(ValueError):
        u.build_uid_messages({"10.0.0.1": ["t"]}, chunk_size=0)


def test_parse_uid_failures_and_ignorable_ones():
    root = ET.fromstring(
        '<response status="error"><msg><line><uid-response><version>2.0</version><payload>'
        '<register><entry ip="1.1.2.2" message="tag quota already exists, ignore"/>'
        '<entry ip="1.1.2.3" message="Maximum number of tags exceeded"/></register>'
        '<unregister><entry ip="1.2.3.4" message="ip 1.2.3.4 does not exist, ignore unreg"/></unregister>'
        '</payload></uid-response></line></msg></response>')
    failures = u.parse_uid_failures(root)
    assert [(f.section, f.ip, f.ignorable) for f in failures] == [
        ("register", "1.1.2.2", True), ("register", "1.1.2.3", False), ("unregister", "1.2.3.4", True)]


def test_registered_ip_command_shape():
    cmd = u.registered_ip_command(tag=HOSTILE, limit=500, start=501)
    text = ET.tostring(cmd, encoding="unicode")
    assert text.startswith("<show><object><registered-ip><limit>500</limit><start-point>501</start-point>")
    assert ET.fromstring(text).find(".//tag/entry").get("name") == HOSTILE


def test_read_registered_pages_per_tag_and_merges():
    store = TagStore({"10.0.0.%d" % i: {"a"} for i in range(1, 8)})
    store.tags["10.0.0.1"].add("b")
    store.tags["2001:db8::1"] = {"b"}
    conn, transport = conn_for(store)
    found = u.read_registered(conn, ["b", "a"], "vsys1", page_size=3)
    assert found["10.0.0.1"] == {"a", "b"} and found["2001:db8::1"] == {"b"}
    assert len(found) == 8
    # tag a: 7 IPs in pages of 3 -> 3 reads; tag b: 2 IPs -> 1 read
    assert transport.types() == ["op"] * 4
    assert all(r["vsys"] == "vsys1" for r in transport.requests)


def test_read_registered_stops_when_the_firewall_ignores_start_point():
    page = ET.fromstring('<response status="success"><result><entry ip="10.0.0.1"><tag><member>a</member></tag>'
                         '</entry><entry ip="10.0.0.2"><tag><member>a</member></tag></entry></result></response>')
    transport = FakeFirewall.scripted(default=page)
    conn = FirewallConnection({"ip_address": "fw", "api_key": "K"}, transport=transport)
    assert len(u.read_registered(conn, ["a"], page_size=2)) == 2
    assert len(transport.requests) == 2


def test_update_sends_messages_and_sorts_failures():
    store = TagStore({"10.0.0.1": {"q"}}, reject={"10.0.0.3": "Invalid ip"})
    conn, transport = conn_for(store)
    result = u.update(conn, register={"10.0.0.1": ["q"], "10.0.0.2": ["q"], "10.0.0.3": ["q"]}, timeout=30,
                      chunk_size=2)
    assert result.messages == 2
    assert [(f.ip, f.message) for f in result.failures] == [("10.0.0.3", "Invalid ip")]
    assert [f.ip for f in result.ignored] == ["10.0.0.1"]
    assert store.tags["10.0.0.2"] == {"q"} and store.timeouts[("10.0.0.2", "q")] == "30"


def test_user_tags_go_in_register_user_sections_keyed_by_user() -> None:
    from ansible_collections.tagwarden.panos.plugins.module_utils._userid._registrations import build_uid_messages
    [message] = build_uid_messages({"acme\\bob": {"quota": 60}}, {"acme\\eve": ["quota"]}, users=True)
    payload = message.find("payload")
    assert [section.tag for section in payload] == ["unregister-user", "register-user"]
    entry = payload.find("register-user/entry")
    assert entry.get("user") == "acme\\bob" and entry.get("ip") is None and entry.get("persistent") is None
    assert entry.find("tag/member").get("timeout") == "60"


def test_read_registered_users_pages_until_a_short_page() -> None:
    import xml.etree.ElementTree as ET
    from ansible_collections.tagwarden.panos.plugins.module_utils._userid._registrations import read_registered_users

    class Conn:
        calls = []

        def op(self, cmd, vsys=None):
            start = int(cmd.findtext(".//start-point"))
            self.calls.append(start)
            users = ["u%d" % n for n in range(3)][start - 1:start + 1]
            return ET.fromstring("<response><result>%s</result></response>" % "".join(
                "<entry user='%s'><tag><member>quota</member></tag></entry>" % u for u in users))

    conn = Conn()
    assert read_registered_users(conn, page_size=2) == {"u0": {"quota"}, "u1": {"quota"}, "u2": {"quota"}}
    assert conn.calls == [1, 3]
