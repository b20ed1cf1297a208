"""Dynamic user groups, user tags with timeouts and schedules, through pan-os-python and pan-python:
policy match and the traffic simulation both follow them, and an empty DUG matches no user."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pan.xapi
import pytest
from lxml import etree
from panos import objects, policies
from panos.firewall import Firewall

from panos_emulator import schedule
from panos_emulator.client import EmulatorControl

from .test_userid import section, uid

BOB, CAROL = "acme\\bob", "acme\\carol"
DUG = "quota-blocked"


def match(firewall: Firewall, user: str | None = None, source: str = "10.0.0.5") -> str | None:
    """The first rule ``test security-policy-match`` names for a session from ``source``."""
    query = "<from>trust</from><to>untrust</to><source>" + source + "</source><destination>203.0.113.10</destination>" \
            "<protocol>6</protocol><destination-port>443</destination-port><application>ssl</application>"
    if user is not None:
        query += f"<source-user>{user}</source-user>"
    reply = firewall.op(f"<test><security-policy-match>{query}</security-policy-match></test>", cmd_xml=False)
    entry = reply.find("result/rules/entry")
    return None if entry is None else entry.get("name")


@pytest.fixture
def blocking(emu: EmulatorControl, firewall: Firewall) -> Firewall:
    """A committed DUG matching tag ``quota-block`` and a deny rule (tagged ``tagwarden``) for it, then an allow rule."""
    firewall.add(objects.Tag("tagwarden")).create()
    firewall.add(objects.DynamicUserGroup(DUG, filter="'quota-block'", description="users over quota")).create()
    base = firewall.add(policies.Rulebase())
    base.add(policies.SecurityRule("BlockQuota", fromzone=["trust"], tozone=["untrust"], source_user=[DUG],
                                   action="deny", tag=["tagwarden"])).create()
    base.add(policies.SecurityRule("Allow-Outbound", fromzone=["trust"], tozone=["untrust"], action="allow")).create()
    firewall.commit(sync=True)
    return firewall


def test_empty_dug_matches_no_user(blocking: Firewall) -> None:
    assert match(blocking, BOB) == "Allow-Outbound"
    assert match(blocking) == "Allow-Outbound"  # an unknown user is not a member either
    assert blocking.userid.get_group_members(DUG) == []


def test_tagged_user_is_a_member_until_the_tag_times_out(emu: EmulatorControl, blocking: Firewall) -> None:
    blocking.userid.tag_user(BOB, ["quota-block"], timeout=600)
    assert blocking.userid.get_user_tags() == {BOB: ["quota-block"]}
    assert blocking.userid.get_user_tags(user=BOB) == {BOB: ["quota-block"]}
    assert match(blocking, BOB) == "BlockQuota"
    assert match(blocking, "ACME\\Bob") == "BlockQuota"  # user names compare without regard to case
    assert match(blocking, CAROL) == "Allow-Outbound"
    assert blocking.userid.get_group_members(DUG) == [BOB]
    emu.add_mappings([{"ip": "10.0.0.5", "user": BOB}])
    assert match(blocking) == "BlockQuota"  # the user comes from the IP-user mapping
    emu.advance(601)
    assert blocking.userid.get_user_tags() == {}
    assert match(blocking, BOB) == "Allow-Outbound"


def test_untag_user_ends_membership(blocking: Firewall) -> None:
    blocking.userid.tag_user(BOB, ["quota-block", "other"])
    blocking.userid.untag_user(BOB, ["quota-block"])
    assert blocking.userid.get_user_tags() == {BOB: ["other"]}
    assert match(blocking, BOB) == "Allow-Outbound"


def test_simulated_traffic_of_a_dug_member_is_denied_then_flows_again(emu: EmulatorControl, blocking: Firewall,
                                                                      xapi: pan.xapi.PanXapi) -> None:
    emu.add_mappings([{"ip": "10.0.0.5", "user": BOB}, {"ip": "10.0.0.6", "user": CAROL}])
    emu.simulate([{"src": "10.0.0.5", "bytes_per_minute": 1000}, {"src": "10.0.0.6", "bytes_per_minute": 1000}])
    blocking.userid.tag_user(BOB, ["quota-block"], timeout=120)
    emu.advance(60)
    emu.advance(120)
    xapi.log(log_type="traffic", nlogs=10, extra_qs={"dir": "forward"}, interval=0.05)
    sessions = [(e.findtext("srcuser"), e.findtext("rule"), e.findtext("bytes"))
                for e in xapi.element_root.iterfind("result/log/logs/entry")]
    assert sessions[:2] == [(BOB, "BlockQuota", "0"), (CAROL, "Allow-Outbound", "1000")]
    assert sessions[-2:] == [(BOB, "Allow-Outbound", "1000"), (CAROL, "Allow-Outbound", "1000")]


def test_registered_users_page_with_limit_and_start_point(emu: EmulatorControl, firewall: Firewall, xapi: pan.xapi.PanXapi) -> None:
    users = [f"acme\\u{i:04d}" for i in range(620)]
    xapi.user_id(cmd=uid(section("register-user", *({"user": u} for u in users), tags={"t1": "3600"})))
    assert sorted(firewall.userid.get_user_tags()) == users  # pan-os-python pages by 500
    xapi.op("<show><object><registered-user><all><limit>2</limit><start-point>3</start-point></all></registered-user></object></show>")
    assert [e.get("user") for e in xapi.element_root.iterfind("result/entry")] == users[2:4]
    xapi.op("<show><object><registered-user><user>acme\\u0007</user></registered-user></object></show>")
    assert [(e.get("user"), [m.text for m in e.iterfind("tag/member")]) for e in xapi.element_root.iterfind("result/entry")] == [
        ("acme\\u0007", ["t1"])]


def test_dugs_are_listed_with_the_user_groups(blocking: Firewall, xapi: pan.xapi.PanXapi, emu: EmulatorControl) -> None:
    emu.set_groups({"cn=sales,dc=acme,dc=local": [CAROL]})
    assert blocking.userid.get_groups() == ["cn=sales,dc=acme,dc=local", DUG]
    blocking.userid.tag_user(BOB, ["quota-block"])
    xapi.op(f"<show><user><group><name>{DUG}</name></group></user></show>")
    assert "source type: xmlapi\nGroup type: Dynamic" in xapi.element_root.findtext("result")


def test_invalid_dug_filter_is_refused(firewall: Firewall) -> None:
    with pytest.raises(Exception, match="filter 'quota-block' is invalid"):
        firewall.add(objects.DynamicUserGroup("bad", filter="quota-block")).create()


def _at(epoch: float, minutes: int) -> str:
    return (datetime.fromtimestamp(epoch, timezone.utc) + timedelta(minutes=minutes)).strftime("%Y/%m/%d@%H:%M")


def test_rule_with_a_non_recurring_schedule_applies_only_inside_it(
        emu: EmulatorControl, firewall: Firewall, xapi: pan.xapi.PanXapi) -> None:
    now = emu.now()["epoch"]
    window = f"{_at(now, 10)}-{_at(now, 25)}"
    firewall.add(objects.ScheduleObject("release", type="non-recurring", non_recurring_date_time=[window])).create()
    base = firewall.add(policies.Rulebase())
    base.add(policies.SecurityRule("Timed", fromzone=["trust"], tozone=["untrust"], action="deny", schedule="release")).create()
    base.add(policies.SecurityRule("Allow-Outbound", fromzone=["trust"], tozone=["untrust"], action="allow")).create()
    firewall.commit(sync=True)
    emu.simulate([{"src": "10.0.0.5", "bytes_per_minute": 1}])
    assert match(firewall) == "Allow-Outbound"
    emu.advance(11 * 60)
    assert match(firewall) == "Timed"
    emu.advance(15 * 60)
    assert match(firewall) == "Allow-Outbound"
    xapi.log(log_type="traffic", nlogs=100, interval=0.05)
    assert {e.findtext("rule") for e in xapi.element_root.iterfind("result/log/logs/entry")} == {"Timed", "Allow-Outbound"}


def test_malformed_schedule_is_refused(xapi: pan.xapi.PanXapi) -> None:
    vsys = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"
    with pytest.raises(pan.xapi.PanXapiError, match="'2026/13/01@00:00-x' is invalid"):
        xapi.set(xpath=f"{vsys}/schedule",
                 element="<entry name='s'><schedule-type><non-recurring><member>2026/13/01@00:00-x</member>"
                         "</non-recurring></schedule-type></entry>")


@pytest.mark.parametrize(("members", "moment", "expected"), [
    ("<daily><member>08:00-17:00</member></daily>", "2026/11/23 16:59", True),
    ("<daily><member>08:00-17:00</member></daily>", "2026/11/23 17:00", False),
    ("<daily><member>22:00-06:00</member></daily>", "2026/11/23 02:30", True),  # past midnight
    ("<weekly><monday><member>00:00-23:59</member></monday></weekly>", "2026/11/23 12:00", True),  # a Monday
    ("<weekly><monday><member>00:00-23:59</member></monday></weekly>", "2026/11/24 12:00", False),
])
def test_recurring_schedules(members: str, moment: str, expected: bool) -> None:
    entry = etree.fromstring(f"<entry name='s'><schedule-type><recurring>{members}</recurring></schedule-type></entry>")
    epoch = datetime.strptime(moment, "%Y/%m/%d %H:%M").replace(tzinfo=timezone.utc).timestamp()
    assert schedule.in_force(entry, epoch) is expected
    assert schedule.in_force(None, epoch) is False  # a rule naming a missing schedule never applies
