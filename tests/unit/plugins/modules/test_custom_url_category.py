"""custom_url_category's main() in-process: argument spec, result, check mode, ownership, error mapping."""

from __future__ import annotations

from tests.module_runner import load
from tests.unit.firewall import PROVIDER, FakeFirewall

custom_url_category = load("custom_url_category")

OURS = ('<response status="success"><result><entry name="c"><list><member>evil.example/</member></list>'
        '<type>URL List</type><description>Managed by tagwarden.panos: x</description></entry></result></response>')
THEIRS = ('<response status="success"><result><entry name="c"><list><member>a.example/</member></list>'
          '<type>URL List</type><description>the web team</description></entry></result></response>')


def test_creates_the_category_normalised_with_one_partial_commit(run_module) -> None:
    firewall = FakeFirewall()
    failed, result = run_module(custom_url_category.main, {"provider": PROVIDER, "name": "c",
                                                           "members": ["HTTP://Evil.Example/", "evil.example/"]},
                                firewall, diff=True)
    assert not failed and result["changed"] and result["created"] and result["committed"]
    assert result["members"] == ["evil.example/"] and result["diff"]["after"]["custom-url-category c"]["list"] == [
        "evil.example/"]
    assert firewall.kinds() == ["keygen", "config get", "config set", "commit", "op"]


def test_unchanged_sends_no_write(run_module) -> None:
    firewall = FakeFirewall(config={"get": OURS})
    failed, result = run_module(custom_url_category.main, {"provider": PROVIDER, "name": "c",
                                                           "members": ["evil.example/"]}, firewall)
    assert not failed and not result["changed"] and firewall.kinds() == ["keygen", "config get"]


def test_check_mode_reads_only(run_module) -> None:
    firewall = FakeFirewall(config={"get": OURS})
    failed, result = run_module(custom_url_category.main, {"provider": PROVIDER, "name": "c", "members": ["b.example/"]},
                                firewall, check=True)
    assert not failed and result["changed"] and result["added"] == ["b.example/"]
    assert firewall.kinds() == ["keygen", "config get"]


def test_someone_elses_category_is_refused_unless_adopted(run_module) -> None:
    failed, result = run_module(custom_url_category.main, {"provider": PROVIDER, "name": "c", "members": ["b.example/"]},
                                FakeFirewall(config={"get": THEIRS}))
    assert failed and "not managed by tagwarden.panos" in result["msg"] and "take_ownership" in result["msg"]
    firewall = FakeFirewall(config={"get": THEIRS})
    failed, result = run_module(custom_url_category.main, {"provider": PROVIDER, "name": "c", "members": ["b.example/"],
                                                           "take_ownership": True}, firewall)
    assert not failed and result["members"] == ["a.example/", "b.example/"] and "config edit" in firewall.kinds()


def test_exact_mode_is_bounded_before_any_write(run_module) -> None:
    firewall = FakeFirewall(config={"get": OURS})
    failed, result = run_module(custom_url_category.main, {"provider": PROVIDER, "name": "c", "members": [],
                                                           "state": "exact"}, firewall)
    assert failed and "would lose 1 of its 1 entries" in result["msg"] and firewall.kinds() == ["keygen", "config get"]


def test_bad_entries_and_names_fail_before_any_request(run_module) -> None:
    firewall = FakeFirewall()
    failed, result = run_module(custom_url_category.main, {"provider": PROVIDER, "name": "a'b\"c",
                                                           "members": ["ftp://x.example/", "ev*il.example"]}, firewall)
    assert failed and "both ' and" in result["msg"] and "item 1" in result["msg"] and "item 2" in result["msg"]
    assert firewall.requests == [] and PROVIDER["password"] not in str(result)
