"""Commits: jobs, "no changes", partial commits per admin, a commit already in progress."""

from __future__ import annotations

import ssl
import time
from typing import Iterator

import pan.xapi
import pytest
from panos import objects
from panos.firewall import Firewall

from panos_emulator.server import EmulatorServer
from panos_emulator.state import JOB_WALL_SECONDS

VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"


def running_tags(xapi: pan.xapi.PanXapi) -> list[str]:
    xapi.show(xpath=f"{VSYS}/tag")
    return [e.get("name") for e in xapi.element_root.findall("result/tag/entry")]


def test_commit_job_goes_act_then_fin(xapi: pan.xapi.PanXapi) -> None:
    xapi.set(xpath=f"{VSYS}/tag", element="<entry name='quota'/>")
    xapi.commit(cmd="<commit></commit>")
    assert xapi.status_code == "19"
    job_id = xapi.element_root.findtext("result/job")
    assert xapi.element_root.findtext("result/msg/line") == f"Commit job enqueued with jobid {job_id}"
    xapi.op(f"<show><jobs><id>{job_id}</id></jobs></show>")
    job = xapi.element_root.find("result/job")
    assert (job.findtext("status"), job.findtext("result"), job.findtext("tfin")) == ("ACT", "PEND", "Still Active")
    xapi.op(f"<show><jobs><id>{job_id}</id></jobs></show>")
    job = xapi.element_root.find("result/job")
    assert (job.findtext("status"), job.findtext("result"), job.findtext("details/line")) == (
        "FIN", "OK", "Configuration committed successfully")
    assert running_tags(xapi) == ["quota"]


def test_nothing_to_commit(xapi: pan.xapi.PanXapi) -> None:
    xapi.commit(cmd="<commit></commit>")
    assert (xapi.status_code, xapi.status_detail) == ("19", "There are no changes to commit.")
    assert xapi.element_root.find("result/job") is None


def test_commit_in_progress_is_refused(xapi: pan.xapi.PanXapi) -> None:
    xapi.set(xpath=f"{VSYS}/tag", element="<entry name='a'/>")
    xapi.commit(cmd="<commit></commit>")
    xapi.set(xpath=f"{VSYS}/tag", element="<entry name='b'/>")
    with pytest.raises(pan.xapi.PanXapiError, match="Another commit/validate is in progress"):
        xapi.commit(cmd="<commit></commit>")
    time.sleep(JOB_WALL_SECONDS)  # an unpolled job finishes after a short wall time
    xapi.commit(cmd="<commit></commit>", sync=True, interval=0.05)
    assert running_tags(xapi) == ["a", "b"]


def test_pan_os_python_commit_sync(firewall: Firewall) -> None:
    firewall.add(objects.Tag("quota", color="red")).create()
    result = firewall.commit(sync=True)
    assert result["success"] and result["result"] == "OK"
    assert result["messages"] == ["Configuration committed successfully"]
    assert firewall.commit(sync=True) is None  # nothing left to commit


@pytest.fixture(scope="module")
def two_admins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    with EmulatorServer(password="pw1", admins={"automation": "pw2"}, state_dir=tmp_path_factory.mktemp("emu")) as server:
        yield server


def _api(server: EmulatorServer, user: str, password: str) -> pan.xapi.PanXapi:
    api = pan.xapi.PanXapi(hostname="127.0.0.1", port=server.port, api_username=user, api_password=password,
                           ssl_context=ssl.create_default_context(cafile=str(server.state_dir / "ca.pem")))
    api.keygen()
    return api


def test_partial_commit_takes_only_that_admins_changes(two_admins: EmulatorServer) -> None:
    two_admins.reset()
    admin, automation = _api(two_admins, "admin", "pw1"), _api(two_admins, "automation", "pw2")
    admin.set(xpath=f"{VSYS}/tag", element="<entry name='by-admin'/>")
    automation.set(xpath=f"{VSYS}/tag", element="<entry name='by-automation'/>")
    automation.set(xpath=f"{VSYS}/rulebase/security/rules/entry[@name='BlockQuota']",
                   element="<from><member>trust</member></from><action>deny</action>")
    automation.get(xpath=f"{VSYS}/tag/entry[@name='by-automation']")
    assert automation.element_root.find("result/entry").get("admin") == "automation"

    partial = "<commit><partial><admin><member>automation</member></admin></partial></commit>"
    automation.commit(cmd=partial, sync=True, interval=0.05)
    assert running_tags(admin) == ["by-automation"]
    admin.show(xpath=f"{VSYS}/rulebase/security/rules/entry[@name='BlockQuota']")
    assert admin.element_root.findtext("result/entry/action") == "deny"
    # The other admin's change is still pending, and still marked as theirs.
    admin.get(xpath=f"{VSYS}/tag/entry[@name='by-admin']")
    assert admin.element_root.find("result/entry").get("admin") == "admin"
    automation.commit(cmd=partial)
    assert automation.status_detail == "There are no changes to commit."
    admin.commit(cmd="<commit><partial><admin><member>admin</member></admin></partial></commit>", sync=True, interval=0.05)
    assert running_tags(admin) == ["by-admin", "by-automation"]  # candidate order


def test_partial_commit_of_a_delete_and_a_move(two_admins: EmulatorServer) -> None:
    two_admins.reset()
    admin, automation = _api(two_admins, "admin", "pw1"), _api(two_admins, "automation", "pw2")
    for name in ("r1", "r2"):
        admin.set(xpath=f"{VSYS}/rulebase/security/rules/entry[@name='{name}']", element="<action>allow</action>")
    admin.set(xpath=f"{VSYS}/tag", element="<entry name='old'/>")
    admin.commit(cmd="<commit></commit>", sync=True, interval=0.05)
    automation.delete(xpath=f"{VSYS}/tag/entry[@name='old']")
    automation.move(xpath=f"{VSYS}/rulebase/security/rules/entry[@name='r2']", where="top")
    admin.set(xpath=f"{VSYS}/rulebase/security/rules/entry[@name='r3']", element="<action>deny</action>")
    automation.commit(cmd="<commit><partial><admin><member>automation</member></admin></partial></commit>",
                      sync=True, interval=0.05)
    assert running_tags(admin) == []
    admin.show(xpath=f"{VSYS}/rulebase/security/rules")
    assert [e.get("name") for e in admin.element_root.findall("result/rules/entry")] == ["r2", "r1"]
