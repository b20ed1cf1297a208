"""uid-messages against the emulator: a renewal never leaves a blocked holder without its tag.

The firewall's state is read after every message with pan-python (independently of our code).
"""

from __future__ import annotations

from typing import Any

import pan.xapi
from panos_emulator.client import EmulatorControl

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._registrations import (
    build_uid_messages,
    send_uid_messages,
)

USERS = ["acme\\u%d" % n for n in range(1200)]


def user_tags(xapi: pan.xapi.PanXapi) -> dict[str, set[str]]:
    xapi.op(cmd="<show><object><registered-user><all/></registered-user></object></show>")
    return {e.get("user"): {m.text for m in e.findall("./tag/member")} for e in xapi.element_root.findall("./result/entry")}


def test_renewing_1200_users_in_two_groups_keeps_every_one_blocked_after_each_message(
        emu: EmulatorControl, provider: dict[str, Any], xapi: pan.xapi.PanXapi) -> None:
    conn = FirewallConnection(provider)
    group = {user: "g%d" % (n % 2) for n, user in enumerate(USERS)}
    first = {user: {"quota": 600, "quota-%s-until-1" % group[user]: 600} for user in USERS}
    assert send_uid_messages(conn, build_uid_messages(first, users=True)).failures == []

    # both groups' block end moves: every user gets quota with a new timeout and a new until-tag
    renewal = build_uid_messages({user: {"quota": 1800, "quota-%s-until-2" % group[user]: 1800} for user in USERS},
                                 {user: sorted(first[user]) for user in USERS}, users=True)
    assert len(renewal) == 3
    for message in renewal:
        sent = send_uid_messages(conn, [message])
        assert sent.failures == [] and sent.ignored == []
        held = user_tags(xapi)
        assert [user for user in USERS if "quota" not in held.get(user, set())] == []

    emu.advance(900)  # past the old timeout: the renewed tags hold
    assert user_tags(xapi) == {user: {"quota", "quota-%s-until-2" % group[user]} for user in USERS}


def test_registering_a_held_tag_again_keeps_its_old_timeout(
        emu: EmulatorControl, provider: dict[str, Any], xapi: pan.xapi.PanXapi) -> None:
    """Why a renewal unregisters the tag first: PAN-OS ignores a register of a tag already held."""
    conn = FirewallConnection(provider)
    send_uid_messages(conn, build_uid_messages({"acme\\bob": {"quota": 600}}, users=True))
    again = send_uid_messages(conn, build_uid_messages({"acme\\bob": {"quota": 1800}}, users=True))
    assert [(f.ip, f.message) for f in again.ignored] == [("acme\\bob", "tag quota already exists, ignore")]
    emu.advance(900)
    assert user_tags(xapi) == {}
