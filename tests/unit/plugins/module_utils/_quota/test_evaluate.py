"""The quota evaluation core and its option validation (quota_evaluate through Ansible: tests/integration)."""

import json
from datetime import datetime, timedelta

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._quota._evaluate import AddressSet, QuotaPolicy, evaluate
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._options import options_to_inputs
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._summary import summary_lines

NOW = datetime(2026, 11, 22, 10, 0, 0)
MB = 1_000_000
QUOTAS = {"ip": 20 * MB, "user": 20 * MB, "group": 50 * MB}
SALES = "cn=sales,dc=acme,dc=local"
ENG = "cn=eng,dc=acme,dc=local"


def row(ip, user, megabytes):
    return {"ip": ip, "user": user, "bytes": int(megabytes * MB)}


def run(rows, **kwargs):
    kwargs.setdefault("quotas", QUOTAS)
    policy = QuotaPolicy(**{name: kwargs.pop(name) for name in QuotaPolicy.__dataclass_fields__ if name in kwargs})
    return evaluate(rows, now=kwargs.pop("now", NOW), policy=policy, **kwargs)


def blocked_ips(result):
    return {entry["ip"]: entry for entry in result.block_ips}


def next_state(result, previous=None):
    """The block state the firewall holds after the cycle was applied (what the next cycle reads)."""
    state = {"ips": dict((previous or {}).get("ips", {})), "groups": dict(result.groups_after)}
    for entry in result.release_ips:
        del state["ips"][entry["ip"]]
    state["ips"].update((entry["ip"], entry["until"]) for entry in result.block_ips)
    return state


# -- the seed script's behaviour ---------------------------------------------------------------------

def test_an_ip_over_quota_is_blocked_for_the_block_duration():
    result = run([row("10.0.0.5", None, 25), row("10.0.0.6", None, 19)])
    assert result.block_ips == [{
        "ip": "10.0.0.5", "reason": "address over quota", "user": None, "bytes": 25 * MB, "quota": 20 * MB,
        "until": NOW + timedelta(minutes=15), "timeout": 900, "tags": ["quota", "quota.until.20261122101500"],
    }]
    assert result.release_ips == [] and result.block_groups == [] and result.groups_after == {}


def test_blocks_are_listed_in_address_order_ipv4_first():
    result = run([row("2001:db8::10", None, 30), row("10.0.0.10", None, 30), row("2001:db8::9", None, 30), row("10.0.0.9", None, 30)])
    assert [entry["ip"] for entry in result.block_ips] == ["10.0.0.9", "10.0.0.10", "2001:db8::9", "2001:db8::10"]


def test_exactly_the_quota_is_not_over():
    assert run([row("10.0.0.5", None, 20)]).block_ips == []


def test_a_user_over_quota_has_all_ips_blocked_including_one_only_in_the_mapping():
    rows = [row("10.0.0.5", "acme\\bob", 8), row("10.0.0.6", "ACME\\Bob", 8), row("10.0.0.7", "acme\\carol", 1)]
    mapping = [{"ip": "10.0.0.9", "user": "Acme\\BOB"}, {"ip": "10.0.0.7", "user": "acme\\carol"}]
    result = run(rows + [row("10.0.0.5", "acme\\bob", 5)], ip_user_mapping=mapping)
    blocks = blocked_ips(result)
    assert sorted(blocks) == ["10.0.0.5", "10.0.0.6", "10.0.0.9"]
    for entry in blocks.values():
        assert entry["reason"] == "user over quota"
        assert entry["user"] == "acme\\bob"  # the first spelling in the rows
        assert entry["bytes"] == 21 * MB and entry["quota"] == 20 * MB
        assert entry["until"] == NOW + timedelta(minutes=15)


def test_an_ip_over_both_quotas_is_blocked_once_as_an_address():
    result = run([row("10.0.0.5", "acme\\bob", 30)])
    assert [(entry["ip"], entry["reason"], entry["user"]) for entry in result.block_ips] == [("10.0.0.5", "address over quota", "acme\\bob")]


def test_an_addresses_user_comes_from_the_mapping_else_the_report():
    rows = [row("10.0.0.5", None, 30), row("10.0.0.6", None, 25), row("10.0.0.6", "acme\\eve", 1), row("10.0.0.7", None, 30)]
    result = run((entry for entry in rows), ip_user_mapping=[{"ip": "10.0.0.5", "user": "acme\\mallory"}])  # a generator is fine too
    assert [(entry["ip"], entry["user"]) for entry in result.block_ips] == [
        ("10.0.0.5", "acme\\mallory"), ("10.0.0.6", "acme\\eve"), ("10.0.0.7", None)]


def test_block_seconds_must_fit_a_tag_timeout():
    with pytest.raises(ValueError, match="block_seconds 2592001 is out of range"):
        run([], block_seconds=2592001)
    assert run([row("10.0.0.5", None, 30)], block_seconds=2592000).block_ips[0]["timeout"] == 2592000


def test_a_group_over_quota_is_blocked_and_a_user_counts_toward_each_of_its_groups():
    rows = [row("10.0.0.5", "acme\\bob", 19), row("10.0.0.6", "acme\\carol", 19), row("10.0.0.7", "acme\\dave", 19)]
    groups = {SALES: ["acme\\bob", "acme\\carol", "ACME\\BOB"], ENG: ["Acme\\Bob", "acme\\dave", "acme\\nobody"]}
    result = run(rows, groups=groups, quotas={"group": 37 * MB})
    assert result.block_groups == [
        {"group": ENG, "reason": "group over quota", "bytes": 38 * MB, "quota": 37 * MB, "until": NOW + timedelta(minutes=15)},
        {"group": SALES, "reason": "group over quota", "bytes": 38 * MB, "quota": 37 * MB, "until": NOW + timedelta(minutes=15)},
    ]  # bob is listed twice in sales but counted once
    assert result.groups_after == {ENG: NOW + timedelta(minutes=15), SALES: NOW + timedelta(minutes=15)}
    assert result.block_ips == []  # a group block is the rule, not the members' IPs


def test_overrides_replace_the_scope_quota_and_work_without_one():
    rows = [row("10.0.0.5", "acme\\bob", 30), row("10.0.0.6", "acme\\carol", 6), row("10.0.0.7", None, 30)]
    result = run(rows, quotas={"user": 20 * MB},
                 overrides={"user": {"ACME\\BOB": 50 * MB, "acme\\carol": 5 * MB}, "ip": {"10.0.0.7": 10 * MB}, "group": {"CN=Sales,DC=acme,DC=local": 1}},
                 groups={SALES: ["acme\\carol"]})
    blocks = blocked_ips(result)
    assert sorted(blocks) == ["10.0.0.6", "10.0.0.7"]
    assert blocks["10.0.0.6"]["quota"] == 5 * MB and blocks["10.0.0.7"]["reason"] == "address over quota"
    assert [entry["group"] for entry in result.block_groups] == [SALES]  # group override matched case-insensitively
    bob = [entry for entry in result.usage["user"] if entry["name"] == "acme\\bob"][0]
    assert bob == {"name": "acme\\bob", "bytes": 30 * MB, "quota": 50 * MB, "percent": 60.0, "over": False, "exempt": False}


def test_an_override_can_lower_a_name_below_the_scope_quota_and_raise_one_above_it():
    result = run([row("10.0.0.5", None, 15), row("10.0.0.6", None, 25)], overrides={"ip": {"10.0.0.5": 10 * MB, "10.0.0.6": 30 * MB}})
    assert sorted(blocked_ips(result)) == ["10.0.0.5"]


def test_exemptions_never_block_ips_cidrs_users_or_groups():
    rows = [row("10.0.0.5", None, 30), row("10.9.1.2", None, 30), row("2001:db8::5", None, 30),
            row("10.0.0.20", "acme\\ceo", 30), row("10.0.0.21", "acme\\guest", 30), row("10.0.0.22", None, 30)]
    mapping = [{"ip": "10.0.0.22", "user": "ACME\\CEO"}]
    result = run(rows, ip_user_mapping=mapping, groups={SALES: ["acme\\guest"]},
                 exempt={"ips": ["10.0.0.5", "10.9.0.0/16", "2001:db8::/64"], "users": ["Acme\\Ceo"], "groups": ["CN=SALES,dc=acme,dc=local"]})
    assert sorted(blocked_ips(result)) == ["10.0.0.21"]  # the ceo's report IP and mapped IP are exempt
    assert result.block_groups == []
    # issue 15, section 3: an exempt name over its quota reads as exempt, not as a block forgotten
    usage = {entry["name"]: entry for scope in ("ip", "user", "group") for entry in result.usage[scope]}
    assert usage["10.0.0.5"]["exempt"] and usage["acme\\ceo"]["exempt"] and usage[SALES]["exempt"]
    assert not usage["10.0.0.21"]["exempt"]
    text = summary_lines(result)
    assert "usage ip    10.0.0.5: 30MB of 20MB (150.0%) OVER, exempt (never blocked)" in text
    assert "usage ip    10.0.0.21: 30MB of 20MB (150.0%) OVER" in text


def test_exempt_group_does_not_exempt_its_members():
    result = run([row("10.0.0.5", "acme\\bob", 30)], groups={SALES: ["acme\\bob"]}, exempt={"groups": [SALES]})
    assert sorted(blocked_ips(result)) == ["10.0.0.5"] and result.block_groups == []


def test_many_cidrs():
    networks = ["10.%d.%d.0/24" % (a, b) for a in range(4) for b in range(256)] + ["172.16.0.0/12", "2001:db8:%x::/48" % 7, "192.0.2.7/32"]
    addresses = AddressSet(networks)
    assert "10.3.255.9" in addresses and "172.31.1.1" in addresses and "2001:db8:7::1" in addresses and "192.0.2.7" in addresses
    assert "10.4.0.1" not in addresses and "172.32.0.1" not in addresses and "2001:db8:8::1" not in addresses and "192.0.2.8" not in addresses
    assert "fe80::1%eth0" in AddressSet(["fe80::/64"])  # a scoped address (inet_pton refuses those)
    with pytest.raises(ValueError, match="'10.0.0.5/24' is not an IP address or network"):
        AddressSet(["10.0.0.5/24"])


# -- block life cycle ---------------------------------------------------------------------------------

def test_release_after_15_minutes_and_no_extension_meanwhile():
    rows = [row("10.0.0.5", None, 25)]
    first = run(rows)
    state = next_state(first)
    until = NOW + timedelta(minutes=15)
    for minutes in (1, 5, 14):  # still over quota in the report: no re-block, no extension
        later = run(rows, blocked=state, now=NOW + timedelta(minutes=minutes))
        assert later.block_ips == [] and later.release_ips == []
        assert later.currently_blocked == [{"kind": "ip", "name": "10.0.0.5", "until": until, "ours": True, "new": False,
                                            "seconds_left": (15 - minutes) * 60}]
    at_end = run([row("10.0.0.5", None, 0.1)], blocked=state, now=NOW + timedelta(minutes=15))
    assert at_end.release_ips == [{"ip": "10.0.0.5", "until": until, "reason": "block ended", "tags": ["quota", "quota.until.20261122101500"],
                                   "ended_by": "cycle"}]
    assert at_end.block_ips == [] and at_end.currently_blocked == []


def test_an_ended_block_is_not_renewed_in_the_same_cycle():
    state = {"ips": {"10.0.0.5": NOW - timedelta(seconds=1)}}
    result = run([row("10.0.0.5", None, 25)], blocked=state)
    assert [entry["ip"] for entry in result.release_ips] == ["10.0.0.5"] and result.block_ips == []


def test_a_released_ip_is_not_blocked_again_once_its_usage_dropped():
    state = next_state(run([row("10.0.0.5", None, 25)]))
    at_end = run([row("10.0.0.5", None, 0)], blocked=state, now=NOW + timedelta(minutes=15))
    after = run([row("10.0.0.5", None, 3)], blocked=next_state(at_end, state), now=NOW + timedelta(minutes=16))
    assert after.block_ips == [] and after.release_ips == [] and after.currently_blocked == []


def test_a_users_new_ip_joins_the_running_block():
    first = run([row("10.0.0.5", "acme\\bob", 25)], quotas={"user": 20 * MB})
    state = next_state(first)
    later = run([row("10.0.0.5", "acme\\bob", 25)], quotas={"user": 20 * MB}, blocked=state,
                ip_user_mapping=[{"ip": "10.0.0.8", "user": "acme\\bob"}], now=NOW + timedelta(minutes=10))
    assert [(entry["ip"], entry["until"], entry["timeout"]) for entry in later.block_ips] == [
        ("10.0.0.8", NOW + timedelta(minutes=15), 300)]
    assert later.block_ips[0]["tags"] == ["quota", "quota.until.20261122101500"]


def test_the_latest_running_block_of_the_user_wins():
    state = {"ips": {"10.0.0.5": NOW + timedelta(minutes=3), "10.0.0.6": NOW + timedelta(minutes=9)}}
    result = run([row("10.0.0.5", "u", 10), row("10.0.0.6", "u", 10), row("10.0.0.7", "u", 10)], blocked=state)
    assert [(entry["ip"], entry["until"]) for entry in result.block_ips] == [("10.0.0.7", NOW + timedelta(minutes=9))]


def test_blocks_that_are_not_ours_are_left_alone():
    state = {"ips": {"10.0.0.5": None}, "groups": {"cn=manual": None}}
    result = run([row("10.0.0.5", None, 25)], blocked=state, exempt={"ips": ["10.0.0.5"], "groups": ["cn=manual"]})
    assert result.block_ips == [] and result.release_ips == [] and result.release_groups == []
    assert result.groups_after == {"cn=manual": None}
    assert {(entry["kind"], entry["name"], entry["ours"], entry["seconds_left"]) for entry in result.currently_blocked} == {
        ("ip", "10.0.0.5", False, None), ("group", "cn=manual", False, None)}


def test_our_blocks_on_names_now_exempt_are_released():
    until = NOW + timedelta(minutes=5)
    state = {"ips": {"10.0.0.5": until, "10.0.0.6": until, "10.0.0.7": until}, "groups": {SALES: until, ENG: until}}
    result = run([row("10.0.0.6", "acme\\ceo", 1)], blocked=state, ip_user_mapping=[{"ip": "10.0.0.7", "user": "acme\\CEO"}],
                 exempt={"ips": ["10.0.0.5/32"], "users": ["acme\\ceo"], "groups": [SALES]})
    assert [(entry["ip"], entry["reason"]) for entry in result.release_ips] == [("10.0.0.5", "exempt"), ("10.0.0.6", "exempt"), ("10.0.0.7", "exempt")]
    assert result.release_groups == [{"group": SALES, "until": until, "reason": "exempt", "ended_by": "cycle"}]
    assert result.groups_after == {ENG: until}


def test_group_blocks_end_and_the_rule_empties():
    until = NOW + timedelta(minutes=15)
    rows = [row("10.0.0.5", "acme\\bob", 60)]
    state = next_state(run(rows, quotas={"group": 50 * MB}, groups={SALES: ["acme\\bob"]}))
    assert state["groups"] == {SALES: until}
    still = run(rows, quotas={"group": 50 * MB}, groups={SALES: ["acme\\bob"]}, blocked=state, now=NOW + timedelta(minutes=7))
    assert still.block_groups == [] and still.groups_after == {SALES: until}  # not extended
    ended = run(rows, quotas={"group": 50 * MB}, groups={SALES: ["acme\\bob"]}, blocked=state, now=until)
    assert ended.release_groups == [{"group": SALES, "until": until, "reason": "block ended", "ended_by": "cycle"}]
    assert ended.groups_after == {} and ended.block_groups == []


def test_blocks_the_firewall_ended_are_released_and_not_blocked_again_in_that_cycle():
    until = NOW - timedelta(minutes=2)
    rows = [row("10.0.0.5", "acme\\bob", 60)]  # still over every quota
    result = run(rows, quotas={"ip": 20 * MB, "group": 50 * MB}, groups={SALES: ["acme\\bob"]},
                 ended={"ips": {"10.0.0.5": until}, "groups": {SALES: until}})
    assert result.release_ips == [{"ip": "10.0.0.5", "until": until, "reason": "block ended",
                                   "tags": ["quota.until.20261122095800", "quota.until"], "ended_by": "firewall"}]
    assert result.release_groups == [{"group": SALES, "until": until, "reason": "block ended", "ended_by": "firewall"}]
    assert result.block_ips == [] and result.block_groups == [] and result.currently_blocked == []
    lines = summary_lines(result, applied=True)
    assert "RELEASE ip 10.0.0.5: block ended on the firewall by its timeout (was until 2026/11/22 09:58:00)" in lines
    assert "RELEASE group %s: block ended on the firewall by its timeout (was until 2026/11/22 09:58:00)" % SALES in lines
    assert "would release ip 10.0.0.5: block ended on the firewall by its timeout (was until 2026/11/22 09:58:00)" in (
        summary_lines(result, applied=False))
    removed = run([], ended={"ips": {"10.0.0.6": NOW + timedelta(minutes=5)}})  # someone unregistered the tag early
    assert [(entry["reason"], entry["ended_by"]) for entry in removed.release_ips] == [("block removed on the firewall", "firewall")]
    assert "RELEASE ip 10.0.0.6: block removed on the firewall (was until 2026/11/22 10:05:00)" in summary_lines(removed, applied=True)


# -- output ---------------------------------------------------------------------------------------------

def test_usage_tables_top_n_with_percent():
    rows = [row("10.0.0.%d" % index, "acme\\u%d" % index, index) for index in range(1, 31)]
    result = run(rows, top=3, groups={SALES: ["acme\\u1", "acme\\u2"]}, quotas={"ip": 25 * MB})
    assert [entry["name"] for entry in result.usage["ip"]] == ["10.0.0.30", "10.0.0.29", "10.0.0.28"]
    assert result.usage["ip"][0] == {"name": "10.0.0.30", "bytes": 30 * MB, "quota": 25 * MB, "percent": 120.0, "over": True, "exempt": False}
    assert result.usage["user"][0] == {"name": "acme\\u30", "bytes": 30 * MB, "quota": None, "percent": None, "over": False, "exempt": False}
    assert result.usage["group"] == [{"name": SALES, "bytes": 3 * MB, "quota": None, "percent": None, "over": False, "exempt": False}]


def test_summary_lines_read_at_a_glance():
    state = {"ips": {"10.0.0.1": NOW - timedelta(minutes=1), "10.0.0.2": NOW + timedelta(minutes=4, seconds=30)}}
    rows = [row("10.0.0.5", None, 25), row("10.0.0.6", "acme\\bob", 21), row("10.0.0.7", "acme\\carol", 60)]
    overrides = {"ip": {"10.0.0.6": 100 * MB, "10.0.0.7": 100 * MB}, "user": {"acme\\carol": 100 * MB}}
    result = run(rows, blocked=state, groups={SALES: ["acme\\carol"]}, overrides=overrides)
    lines = summary_lines(result, applied=True)
    text = "\n".join(lines)
    assert lines[0] == "quota cycle at 2026/11/22 10:00:00"
    assert "usage ip    10.0.0.5: 25MB of 20MB (125.0%) OVER" in text
    assert "usage user  acme\\bob: 21MB of 20MB (105.0%) OVER" in text
    assert "usage group cn=sales,dc=acme,dc=local: 60MB of 50MB (120.0%) OVER" in text
    assert "BLOCK ip 10.0.0.5 until 2026/11/22 10:15:00: address over quota, 25MB of 20MB (125.0%)" in text
    assert "BLOCK ip 10.0.0.6 (user acme\\bob) until 2026/11/22 10:15:00: user over quota" in text
    assert "BLOCK group cn=sales,dc=acme,dc=local until 2026/11/22 10:15:00: group over quota" in text
    assert "RELEASE ip 10.0.0.1: block ended (was until 2026/11/22 09:59:00)" in text
    assert "blocked ip 10.0.0.2: 4m 30s left" in text
    assert "blocked group cn=sales,dc=acme,dc=local: 15m 00s left" in text
    assert summary_lines(run([])) == ["quota cycle at 2026/11/22 10:00:00", "no usage, nothing blocked"]


def test_summary_puts_the_decisions_first_and_names_the_firewall_on_each_line():
    rows = [row("10.0.0.%d" % index, None, index) for index in range(1, 31)]
    state = {"ips": {"10.9.0.1": NOW - timedelta(seconds=1)}}
    lines = summary_lines(run(rows, blocked=state, top=30), 30, firewall="fw-branch-01", applied=True, outcome="firewall: unchanged")
    assert all(line.startswith("fw-branch-01: ") for line in lines)
    kinds = [line.split(": ", 1)[1].split(" ")[0] for line in lines]
    first_usage = kinds.index("usage")
    assert set(kinds[1:first_usage]) == {"BLOCK", "RELEASE"} and kinds[1:first_usage].count("BLOCK") == 10
    assert lines[first_usage - 1] == "fw-branch-01: RELEASE ip 10.9.0.1: block ended (was until 2026/11/22 09:59:59)"
    assert kinds.count("usage") == 30 and "RELEASE" not in kinds[first_usage:] and "BLOCK" not in kinds[first_usage:]
    assert lines[-1] == "fw-branch-01: firewall: unchanged"


def test_check_mode_shows_new_blocks_as_would_block_not_as_in_force():
    state = {"ips": {"10.0.0.2": NOW + timedelta(minutes=4, seconds=30)}}
    result = run([row("10.0.0.5", None, 25), row("10.0.0.6", "acme\\carol", 1)], blocked=state,
                 groups={SALES: ["acme\\carol"]}, quotas={"ip": 20 * MB, "group": 0})
    planned = "\n".join(summary_lines(result, applied=False))
    assert "would block ip 10.0.0.5 for 15m 00s" in planned and "blocked ip 10.0.0.5" not in planned
    assert "would block group cn=sales,dc=acme,dc=local for 15m 00s" in planned
    assert "blocked ip 10.0.0.2: 4m 30s left" in planned  # in force already
    done = "\n".join(summary_lines(result, applied=True))
    assert "blocked ip 10.0.0.5: 15m 00s left" in done and "would block" not in done


@pytest.mark.parametrize("now, window, expected", [
    (NOW.replace(minute=7), (datetime(2026, 11, 22, 9, 45), datetime(2026, 11, 22, 9, 59, 59)),
     ", usage 2026/11/22 09:45:00 to 2026/11/22 09:59:59 (15-minute buckets: traffic after 2026/11/22 09:59:59"
     " counts from 2026/11/22 10:15:00)"),
    (NOW, (datetime(2026, 11, 22, 9, 45), datetime(2026, 11, 22, 9, 59, 59)),
     ", usage 2026/11/22 09:45:00 to 2026/11/22 09:59:59 (15-minute buckets: traffic after 2026/11/22 09:59:59"
     " counts from 2026/11/22 10:15:00)"),
    (NOW, (datetime(2026, 11, 22, 9, 45), NOW), ", usage 2026/11/22 09:45:00 to 2026/11/22 10:00:00"),
    (NOW, (None, None), ", usage window not given by the firewall"),
])
def test_the_heading_shows_the_usage_window_and_the_bucket_in_progress(now, window, expected):
    heading = summary_lines(run([], now=now), window=window)[0]
    assert heading == "quota cycle at %s%s" % (now.strftime("%Y/%m/%d %H:%M:%S"), expected)


def test_hostile_names_are_kept_literally():
    names = ["acme\\o'brien", 'acme\\"q"', "acme\\<b>", "acme\\a&b", "acme\\x</member>"]
    rows = [row("10.0.1.%d" % index, name, 30) for index, name in enumerate(names, 1)]
    group = "cn=</member><member>any'\"&"
    result = run(rows, quotas={"user": 20 * MB, "group": 20 * MB}, groups={group: names})
    assert sorted(entry["user"] for entry in result.block_ips) == sorted(names)
    assert list(result.groups_after) == [group]
    assert json.loads(json.dumps(result.as_dict()))["groups_after"] == {group: "2026/11/22 10:15:00"}


def scenario():
    """A cycle that exercises every output, for the hash-seed test."""
    rows = [row("10.0.%d.%d" % (index % 7, index), "acme\\u%d" % (index % 13), index % 9) for index in range(200)]
    mapping = [{"ip": "10.1.0.%d" % index, "user": "acme\\u%d" % index} for index in range(13)]
    groups = {"cn=g%d" % index: ["acme\\u%d" % user for user in range(index, 13, 3)] for index in range(3)}
    state = {"ips": {"10.0.1.1": NOW + timedelta(minutes=3), "10.0.2.2": NOW - timedelta(minutes=1), "10.0.3.3": None}, "groups": {"cn=g9": NOW}}
    return run(rows, ip_user_mapping=mapping, groups=groups, blocked=state, quotas={"ip": 50 * MB, "user": 60 * MB, "group": 200 * MB},
               exempt={"users": ["acme\\u4"], "ips": ["10.0.6.0/24"]})


# -- module options -----------------------------------------------------------------------------------

def test_options_become_evaluate_arguments():
    inputs = options_to_inputs({
        "rows": [{"ip": "10.0.0.5", "user": "acme\\bob", "bytes": "25000000"}, {"ip": "2001:DB8::1", "user": "", "bytes": 3}],
        "quotas": {"ip": "20MB", "user": "1.5GiB"}, "overrides": {"user": {"acme\\bob": "50MB"}, "ip": {"10.0.0.05".replace("05", "5"): 7}},
        "exempt": {"ips": ["10.9.0.0/16"]}, "groups": {SALES: ["acme\\bob"]},
        "ip_user_mapping": [{"ip": "10.0.0.9", "user": "acme\\bob"}],
        "blocked": {"ips": {"10.0.0.7": "2026/11/22 10:05:00", "10.0.0.8": None, "10.0.0.9": ["quota", "quota.until.20261122100700"]},
                    "groups": {ENG: "2026/11/22 10:10:00"}},
        "block_duration": "1h", "now": "2026/11/22 10:00:00", "top": 5, "tag": "quota",
    })
    assert inputs["rows"] == [{"ip": "10.0.0.5", "user": "acme\\bob", "bytes": 25 * MB}, {"ip": "2001:db8::1", "user": None, "bytes": 3}]
    assert inputs["policy"].quotas == {"ip": 20 * MB, "user": 1536 * 1024 ** 2}
    assert inputs["blocked"] == {"ips": {"10.0.0.7": datetime(2026, 11, 22, 10, 5), "10.0.0.8": None, "10.0.0.9": datetime(2026, 11, 22, 10, 7)},
                                 "groups": {ENG: datetime(2026, 11, 22, 10, 10)}}
    assert inputs["policy"].block_seconds == 3600 and inputs["now"] == NOW
    assert evaluate(**inputs).block_ips[0]["until"] == NOW + timedelta(hours=1)


def test_bad_options_are_reported_together_naming_value_and_fix():
    with pytest.raises(ValueError) as error:
        options_to_inputs({
            "rows": [{"ip": "10.0.0.0/24", "user": "u", "bytes": 1}, {"ip": "10.0.0.5", "bytes": "lots"}],
            "quotas": {"ip": "20Mb", "users": "20MB"}, "overrides": {"user": {"bob": "20 MBs"}},
            "exempt": {"ips": ["10.0.0.300"]}, "block_duration": "15 minutes", "now": "22/11/2026 10:00",
        })
    message = str(error.value)
    for part in ["rows[0]: '10.0.0.0/24' is not a single IP address", "rows[1]: bytes 'lots' is not a whole number",
                 "quotas has unknown key 'users'; use ip, user, group", "quotas['ip']: '20Mb' is not a size: a lower-case b means bits",
                 "overrides.user['bob']: '20 MBs' is not a size", "exempt.ips: '10.0.0.300' is not an IP address or network",
                 "block_duration: '15 minutes' is not a duration", "now: '22/11/2026 10:00' is not a firewall time; use YYYY/MM/DD HH:MM:SS"]:
        assert part in message


def test_many_bad_rows_are_summarised():
    with pytest.raises(ValueError, match=r"rows\[4\]: .*; and 5 more bad rows$"):
        options_to_inputs({"rows": [{"ip": "x", "bytes": 1}] * 10, "now": "2026/11/22 10:00:00"})
