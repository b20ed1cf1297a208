import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._dag import _register as d
from ansible_collections.tagwarden.panos.plugins.module_utils._desired._engine import applied
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._registrations import failure_message
from tests.unit.firewall import FakeFirewall, TagStore


def conn_for(store):
    transport = FakeFirewall.scripted(default=store)
    return FirewallConnection({"ip_address": "fw", "api_key": "K"}, transport=transport, sleep=lambda s: None), \
        transport


def test_validation_lists_every_bad_value_in_one_message():
    with pytest.raises(ValidationError) as info:
        d.validate(["10.0.0.1", "10.0.0.0/24", "10.0.0.1-10.0.0.9", "fw.example.com", "", None, "300.1.1.1",
                    "10.0.0.5/32"],
                   ["ok", "", "x" * 128] + ["t%d" % i for i in range(40)], timeout=2592001, chunk_size=0)
    msg = str(info.value)
    assert msg.startswith("invalid input, nothing was sent to the firewall")
    for needle in ("'10.0.0.0/24' is a CIDR network", "'10.0.0.1-10.0.0.9' is an address range",
                   "'fw.example.com' is not an IP address", "dig lookup", "item 5: an empty entry",
                   "item 6: an empty entry", "'300.1.1.1' is not a valid", "without the prefix (10.0.0.5)",
                   "item 2: an empty tag", "128 characters long", "at most 127", "41 tags given", "at most 32",
                   "timeout: 2592001", "chunk_size: 0"):
        assert needle in msg, needle


def test_validation_normalizes_and_deduplicates():
    ips, tags = d.validate(["2001:DB8::1", "2001:db8:0::1", " 10.0.0.1 ", "10.0.0.1"], ["b", "a", "b"])
    assert ips == ["2001:db8::1", "10.0.0.1"] and tags == ["b", "a"]


def test_validation_needs_tags():
    with pytest.raises(ValidationError) as info:
        d.validate(["10.0.0.1"], [])
    assert "no tags given" in str(info.value)


def test_hostile_tag_is_valid():
    assert d.validate(["10.0.0.1"], ["a'b\"<c>&"])[1] == ["a'b\"<c>&"]


CURRENT = {"10.0.0.1": {"q", "other"}, "10.0.0.2": {"q"}, "10.0.0.3": {"other"}}


def after(p):
    return applied(CURRENT, p.add, p.remove)


def test_plan_present():
    p = d.plan(CURRENT, ["10.0.0.1", "10.0.0.3", "10.0.0.4"], ["q"], "present")
    assert p.add == {"10.0.0.3": {"q": None}, "10.0.0.4": {"q": None}} and p.remove == {}
    assert p.unchanged == 1 and p.changed
    assert d.by_tag(CURRENT, ["q"]) == {"q": ["10.0.0.1", "10.0.0.2"]}
    assert d.by_tag(after(p), ["q"]) == {"q": ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]}


def test_plan_absent():
    p = d.plan(CURRENT, ["10.0.0.1", "10.0.0.3"], ["q"], "absent")
    assert p.add == {} and p.remove == {"10.0.0.1": ["q"]} and p.unchanged == 1
    assert d.by_tag(after(p), ["q"]) == {"q": ["10.0.0.2"]}


def test_plan_exact():
    p = d.plan(CURRENT, ["10.0.0.1", "10.0.0.4"], ["q", "other"], "exact")
    assert p.add == {"10.0.0.4": {"q": None, "other": None}}
    assert p.remove == {"10.0.0.2": ["q"], "10.0.0.3": ["other"]}
    assert p.unchanged == 1
    assert d.by_tag(after(p), ["q", "other"]) == {"q": ["10.0.0.1", "10.0.0.4"], "other": ["10.0.0.1", "10.0.0.4"]}


def test_plan_unchanged():
    assert not d.plan(CURRENT, ["10.0.0.2"], ["q"], "present").changed
    assert not d.plan(CURRENT, ["10.0.0.9"], ["q"], "absent").changed


def test_run_present_then_idempotent():
    store = TagStore()
    conn, transport = conn_for(store)
    result = d.run(conn, d.Registration(["10.0.0.1", "10.0.0.2"], ["quota"], timeout=60))
    assert result["changed"] and result["registered"] == ["10.0.0.1", "10.0.0.2"]
    assert result["api_calls"] == 2 and result["uid_messages"] == 1  # one read, one write
    assert store.timeouts[("10.0.0.1", "quota")] == "60"
    conn2, _transport2 = conn_for(store)
    again = d.run(conn2, d.Registration(["10.0.0.1", "10.0.0.2"], ["quota"], timeout=60))
    assert not again["changed"] and again["unchanged"] == 2 and again["api_calls"] == 1


def test_run_check_mode_sends_nothing():
    store = TagStore({"10.0.0.9": {"quota"}})
    conn, transport = conn_for(store)
    result = d.run(conn, d.Registration(["10.0.0.1"], ["quota"], state="exact"), check_mode=True)
    assert result["changed"] and result["registered"] == ["10.0.0.1"] and result["unregistered"] == ["10.0.0.9"]
    assert transport.types() == ["op"] and store.messages == []
    assert result["diff"] == {"before": {"quota": ["10.0.0.9"]}, "after": {"quota": ["10.0.0.1"]}}


def test_run_validation_error_sends_nothing():
    store = TagStore()
    conn, transport = conn_for(store)
    with pytest.raises(ValidationError):
        d.run(conn, d.Registration(["10.0.0.0/8"], ["quota"]))
    assert transport.requests == [] and conn.api_calls == 0


def test_run_partial_failure_is_reported_per_ip():
    store = TagStore(reject={"10.0.0.2": "Maximum number of tags exceeded"})
    conn, transport = conn_for(store)
    result = d.run(conn, d.Registration(["10.0.0.1", "10.0.0.2"], ["quota"]))
    assert result["failed_entries"] == [{"ip": "10.0.0.2", "section": "register",
                                         "message": "Maximum number of tags exceeded"}]
    assert result["registered"] == ["10.0.0.1"] and result["changed"]
    assert result["diff"]["after"] == {"quota": ["10.0.0.1"]}
    msg = failure_message(result["failed_entries"])
    assert "10.0.0.2 (register): Maximum number of tags exceeded" in msg and "1 entry" in msg


def test_run_exact_chunks_register_and_unregister_together():
    store = TagStore({"10.0.1.%d" % i: {"feed"} for i in range(1, 4)})
    conn, transport = conn_for(store)
    result = d.run(conn, d.Registration(["10.0.0.%d" % i for i in range(1, 4)], ["feed"], state="exact"), chunk_size=4)
    assert result["uid_messages"] == 2
    assert sorted(store.tags[ip] and ip for ip in store.tags if store.tags[ip]) == [
        "10.0.0.1", "10.0.0.2", "10.0.0.3"]
    assert result["unchanged"] == 0 and len(result["unregistered"]) == 3


def test_exact_with_no_address_is_refused_before_any_request_unless_allowed():
    store = TagStore({"10.0.0.9": {"feed"}, "10.0.0.8": {"other"}})
    conn, transport = conn_for(store)
    with pytest.raises(ValidationError) as info:
        d.run(conn, d.Registration([], ["feed"], state="exact"))
    assert "set allow_empty: true" in str(info.value) and str(info.value).count("allow_empty") == 1
    assert transport.requests == [] and store.tags["10.0.0.9"] == {"feed"}
    result = d.run(conn, d.Registration([], ["feed"], state="exact", allow_empty=True))
    assert result["unregistered"] == ["10.0.0.9"] and store.tags["10.0.0.9"] == set()
    assert store.tags["10.0.0.8"] == {"other"}


def test_an_empty_list_is_fine_for_present_and_absent():
    for state in ("present", "absent"):
        assert d.validate([], ["feed"], state=state) == ([], ["feed"])
