"""Calls real clients make that the emulator answers as PAN-OS does: names-only reads, pending changes,
validation, HA/resources/session/routing op commands, the whole running config, type=version, rule uuids."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pan.commit
import pan.xapi
import pytest
from lxml import etree
from panos import objects, policies
from panos.firewall import Firewall

from panos_emulator.client import EmulatorControl

from .test_commit import running_tags

PANXAPI = Path(sys.executable).with_name("panxapi.py")
VSYS = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']"
RULES = f"{VSYS}/rulebase/security/rules"


def rulebase(firewall: Firewall) -> policies.Rulebase:
    base = policies.Rulebase()
    firewall.add(base)
    return base


def create_rules(firewall: Firewall, *names: str) -> list[policies.SecurityRule]:
    base = rulebase(firewall)
    rules = [policies.SecurityRule(name, fromzone=["trust"], tozone=["untrust"], action="allow") for name in names]
    for rule in rules:
        base.add(rule)
        rule.create()
    return rules


def panxapi(emu: EmulatorControl, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """pan-python's own command line, with a .panrc holding a key for the emulator."""
    info = emu.info
    panrc = tmp_path / ".panrc"
    if not panrc.exists():
        key = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                               api_password=info["password"], cafile=info["ca_file"]).keygen()
        panrc.write_text(f"hostname=127.0.0.1\nport={info['port']}\napi_key={key}\n")
    return subprocess.run([sys.executable, str(PANXAPI), "--cafile", info["ca_file"], *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False,
                          stdin=subprocess.DEVNULL,  # an in-process Ansible run earlier in the worker leaves fd 0 unusable
                          env={**os.environ, "HOME": str(tmp_path)})


# -- names-only reads ---------------------------------------------------------------------------
def test_refreshall_name_only_lists_rules_and_tags_in_order(emu: EmulatorControl, firewall: Firewall) -> None:
    create_rules(firewall, "b-rule", "a-rule", "it's")
    for name in ("quota", "z-tag"):
        tag = objects.Tag(name, color="color1")
        firewall.add(tag)
        tag.create()
    names = policies.SecurityRule.refreshall(rulebase(firewall), name_only=True)
    assert [r.name for r in names] == ["b-rule", "a-rule", "it's"]
    assert all(r.action is None for r in names)  # only the names came back
    assert [t.name for t in objects.Tag.refreshall(firewall, name_only=True)] == ["quota", "z-tag"]


def test_attribute_xpath_answers_bare_entries_with_counts(emu: EmulatorControl, xapi: pan.xapi.PanXapi, firewall: Firewall) -> None:
    create_rules(firewall, "r1", "r2")
    xapi.get(xpath=f"{RULES}/entry/@name")
    result = xapi.element_root.find("result")
    assert (xapi.status_code, result.get("total-count"), result.get("count")) == ("19", "2", "2")
    assert [(e.tag, e.attrib, len(e), e.text) for e in result] == [("entry", {"name": "r1"}, 0, None), ("entry", {"name": "r2"}, 0, None)]
    with pytest.raises(pan.xapi.PanXapiError, match="No such node"):
        xapi.show(xpath=f"{RULES}/entry/@name")  # not committed yet
    xapi.get(xpath=f"{VSYS}/tag/entry/@name")
    assert (xapi.status_code, len(xapi.element_root.find("result"))) == ("7", 0)
    with pytest.raises(pan.xapi.PanXapiError, match="Bad XPath"):
        xapi.set(xpath=f"{RULES}/entry/@name", element="<x/>")


def test_panxapi_cli_reads_names_only(emu: EmulatorControl, firewall: Firewall, tmp_path: Path) -> None:
    create_rules(firewall, "first", "second")
    done = panxapi(emu, tmp_path, "-g", "-x", f"{RULES}/entry/@name")
    assert done.returncode == 0, done.stderr
    assert [e.get("name") for e in etree.fromstring(done.stdout.encode()).iterfind("result/entry")] == ["first", "second"]


# -- pending changes and validation -------------------------------------------------------------
def test_pending_changes_follow_the_candidate(emu: EmulatorControl, firewall: Firewall, xapi: pan.xapi.PanXapi) -> None:
    assert firewall.pending_changes() is False
    xapi.op("<check><pending-changes></pending-changes></check>")
    assert xapi.element_root.findtext("result") == "no"
    tag = objects.Tag("quota")
    firewall.add(tag)
    tag.create()
    assert firewall.pending_changes() is True
    firewall.commit(sync=True)
    assert firewall.pending_changes() is False
    xapi.op("<check><full-commit-required/></check>")
    assert xapi.element_root.findtext("result") == "no"


def test_panxapi_validate_is_a_validate_job_and_changes_nothing(emu: EmulatorControl, xapi: pan.xapi.PanXapi, tmp_path: Path) -> None:
    xapi.set(xpath=f"{VSYS}/tag", element="<entry name='quota'/>")
    done = panxapi(emu, tmp_path, "-C", "", "--validate", "--sync")
    assert done.returncode == 0, done.stderr
    jobs = emu.config()
    assert "quota" not in jobs["running"] and "quota" in jobs["candidate"]
    xapi.op("<show><jobs><all/></jobs></show>")
    assert [(j.findtext("type"), j.findtext("status"), j.findtext("result"), j.findtext("details/line"))
            for j in xapi.element_root.iterfind("result/job")] == [("Validate", "FIN", "OK", "Configuration is valid")]
    xapi.op("<check><pending-changes/></check>")
    assert xapi.element_root.findtext("result") == "yes"
    assert running_tags(xapi) == []


def test_validate_full_op_and_a_validate_commit_leave_running_alone(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    xapi.set(xpath=f"{VSYS}/tag", element="<entry name='quota'/>")
    xapi.op("<validate><full></full></validate>")
    job_id = xapi.element_root.findtext("result/job")
    assert xapi.element_root.findtext("result/msg/line") == f"Validate job enqueued with jobid {job_id}"
    with pytest.raises(pan.xapi.PanXapiError, match="Another commit/validate is in progress"):
        xapi.commit(cmd="<commit/>")  # a validation runs, like a commit, one at a time
    xapi.op(f"<show><jobs><id>{job_id}</id></jobs></show>")
    xapi.op(f"<show><jobs><id>{job_id}</id></jobs></show>")
    assert xapi.element_root.findtext("result/job/status") == "FIN"
    xapi.commit(cmd=pan.commit.PanCommit(validate=True).cmd(), sync=True, interval=0.05)
    assert running_tags(xapi) == []
    xapi.commit(cmd="<commit/>", sync=True, interval=0.05)
    assert running_tags(xapi) == ["quota"]


# -- op commands ----------------------------------------------------------------------------------
def test_standalone_high_availability(emu: EmulatorControl, firewall: Firewall, xapi: pan.xapi.PanXapi) -> None:
    assert firewall.show_highavailability_state() == ("disabled", None)
    for form in ("<state/>", "<all/>"):
        xapi.op(f"<show><high-availability>{form}</high-availability></show>")
        assert [(e.tag, e.text) for e in xapi.element_root.find("result")] == [("enabled", "no")]


def test_system_resources_parse_with_pan_os_python(emu: EmulatorControl, firewall: Firewall) -> None:
    firewall.refresh_system_info()  # pan-os-python picks its parser by version
    resources = firewall.show_system_resources()
    assert resources["load"] > 0 and 0 < resources["cpu"] < 100
    assert resources["mem_total"] == resources["mem_free"] + resources["mem_used"] + resources["mem_buffer"]


def test_session_info_counts_the_last_minute_of_traffic(emu: EmulatorControl, firewall: Firewall) -> None:
    info = firewall.op("show session info").find("result")
    assert (info.findtext("num-max"), info.findtext("num-active")) == ("819200", "0")
    emu.simulate([{"src": "10.0.0.5", "dst": "203.0.113.10", "bytes_per_minute": 60_000}])
    emu.advance(60)
    info = firewall.op("show session info").find("result")
    assert (info.findtext("num-active"), info.findtext("num-tcp"), info.findtext("num-installed")) == ("1", "1", "1")


def test_routing_route_lists_connected_and_static_routes(emu: EmulatorControl, firewall: Firewall) -> None:
    result = firewall.op("show routing route").find("result")
    routes = [(e.findtext("destination"), e.findtext("nexthop"), e.findtext("flags"), e.findtext("interface"))
              for e in result.iterfind("entry")]
    assert routes == [("198.51.100.0/24", "0.0.0.0", "A C", "ethernet1/1"), ("10.0.0.0/16", "0.0.0.0", "A C", "ethernet1/2"),
                      ("0.0.0.0/0", "198.51.100.1", "A S", "ethernet1/1")]
    assert result.findtext("flags").startswith("flags: A:active")
    firewall.op("<show><routing><route><virtual-router>none</virtual-router></route></routing></show>", cmd_xml=False)
    assert firewall.xapi.element_root.find("result/entry") is None


# -- whole config, version, uuids -----------------------------------------------------------------
def test_config_show_without_xpath_is_the_whole_running_config(emu: EmulatorControl, xapi: pan.xapi.PanXapi, tmp_path: Path) -> None:
    xapi.set(xpath=f"{VSYS}/tag", element="<entry name='pending'/>")
    xapi.show()
    config = xapi.element_root.find("result/config")
    assert config is not None and config.find("devices/entry/vsys/entry[@name='vsys1']") is not None
    assert config.find(".//tag/entry") is None  # the running config, without the pending tag
    done = panxapi(emu, tmp_path, "-s", "-x")
    assert done.returncode == 0, done.stderr
    assert "<hostname>PA-EMU</hostname>" in done.stdout


def test_type_version(emu: EmulatorControl, xapi: pan.xapi.PanXapi) -> None:
    xapi.ad_hoc("type=version", modify_qs=True)
    assert [(e.tag, e.text) for e in xapi.element_root.find("result")] == [
        ("sw-version", "10.2.9"), ("multi-vsys", "off"), ("model", "PA-VM"), ("serial", "007951000123456")]
    assert emu.counters()["version"] == 1


def test_rules_get_a_uuid_that_survives_rename_move_edit_and_commit(emu: EmulatorControl, firewall: Firewall) -> None:
    second = create_rules(firewall, "first", "second")[1]
    base = rulebase(firewall)
    uuids = {r.name: r.uuid for r in policies.SecurityRule.refreshall(base)}
    assert len(set(uuids.values())) == 2 and all(len(u) == 36 for u in uuids.values())
    second.rename("renamed")
    second.move("top")
    second.action = "deny"
    second.apply()  # an edit of the whole entry, without the uuid pan-os-python never sends
    firewall.commit(sync=True)
    running = {r.name: (r.uuid, r.action) for r in policies.SecurityRule.refreshall(base, running_config=True)}
    assert running == {"renamed": (uuids["second"], "deny"), "first": (uuids["first"], "allow")}
    assert [r.name for r in policies.SecurityRule.refreshall(base, running_config=True)] == ["renamed", "first"]
