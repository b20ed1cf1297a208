"""playbooks/quota_bootstrap.yml and playbooks/quota_cycle.yml (roles quota_bootstrap, quota_enforce)
through ``ansible-playbook`` against the emulator.

Simulated users send traffic every emulated minute; the report sums it in 15-minute buckets, so
each scenario first moves the clock to a bucket boundary, lets 15 minutes of traffic pass and then
runs a cycle. The playbooks run without an inventory: they add the firewall from PANOS_IP_ADDRESS.
"""

from __future__ import annotations

import json
import re
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pan.xapi
import pytest
from lxml import etree

from panos_emulator.builders import config, dag, report, rule
from panos_emulator.client import EmulatorControl
from panos_emulator.process import provider_for
from tests.integration import ansible_cli

pytestmark = pytest.mark.playbook

ROOT = Path(__file__).resolve().parents[2]
QUOTAS = {"quota_ip": "20MB", "quota_user": "30MB", "quota_group": "50MB"}
GUEST = "10.1.9.50"
ALICE = ["10.1.1.11", "10.1.1.12", "10.1.1.13"]
SALES = "cn=sales,ou=groups,dc=acme,dc=local"
SALES_IPS = {"10.1.2.21": "acme\\bob", "10.1.2.22": "acme\\carol", "10.1.2.23": "acme\\erin"}
DAVE = "10.1.3.31"
RULE = "BlockQuota"
DUG = "quota-users"
DIRTY = ("admin", "dirtyId", "time")
# Per minute, 14 minutes of each bucket: guest 42MB > 20MB (IP), alice 3 x 11.2MB = 33.6MB > 30MB
# (user) with each IP under 20MB, sales 3 x 18.2MB = 54.6MB > 50MB (group), dave far below.
TRAFFIC = ([(GUEST, 3_000_000)] + [(ip, 800_000) for ip in ALICE] + [(ip, 1_300_000) for ip in SALES_IPS]
           + [(DAVE, 200_000)])
BLOCKED_IPS = {GUEST, *ALICE}


@dataclass
class Run:
    returncode: int
    output: str

    def recap(self) -> dict[str, dict[str, int]]:
        """PLAY RECAP counters per host (ansible-core ships no JSON stdout callback)."""
        rows = re.findall(r"^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$", self.output, re.MULTILINE)
        return {host: {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", counts)} for host, counts in rows}

    def changed(self) -> int:
        return sum(counts["changed"] for counts in self.recap().values())


class Firewall:
    """The emulator as the tests see it: control plane, XML API reads, and ansible-playbook runs."""

    def __init__(self, info: dict[str, Any]) -> None:
        self.info = info
        self.control = EmulatorControl(info)
        self.xapi = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                                     api_password=info["password"],
                                     ssl_context=ssl.create_default_context(cafile=info["ca_file"]))

    def playbook(self, name: str, *flags: str, **extra_vars: Any) -> Run:
        proc = ansible_cli.playbook(ROOT / "playbooks" / name, "-e", json.dumps({**QUOTAS, **extra_vars}), *flags,
                                    env=ansible_cli.panos_env(provider_for(self.info)), timeout=300)
        return Run(proc.returncode, proc.stdout + proc.stderr)

    def cycle(self, *flags: str) -> Run:
        return self.playbook("quota_cycle.yml", *flags)

    def start(self, bootstrapped: bool) -> None:
        """A reset firewall with an allow rule (plus the quota objects when ``bootstrapped``),
        users, groups and traffic, the clock at a bucket boundary."""
        self.control.reset()
        objects: dict[str, Any] = {}
        rules = [rule("Allow-Outbound", application=["any"], service=["any"])]
        if bootstrapped:
            objects = {"reports": (report(),), "address_group": [dag("quota", "'quota'")]}
            rules.insert(0, rule("BlockQuotaDAG", action="deny", source=["quota"], **{"from": ["any"], "to": ["any"]}))
        self.control.set_config(etree.tostring(config(rules=tuple(rules), **objects)).decode())
        self.control.set_groups({SALES: list(SALES_IPS.values()), "cn=engineering,ou=groups,dc=acme,dc=local": ["acme\\alice", "acme\\dave"]})
        self.control.add_mappings([{"ip": ip, "user": "acme\\alice"} for ip in ALICE]
                                  + [{"ip": ip, "user": user} for ip, user in SALES_IPS.items()]
                                  + [{"ip": DAVE, "user": "acme\\dave"}])
        self.control.advance(900 - self.control.now()["epoch"] % 900)
        self.traffic(TRAFFIC)

    def traffic(self, sources: list[tuple[str, int]]) -> None:
        self.control.simulate([{"src": src, "dst": "203.0.113.10", "bytes_per_minute": rate} for src, rate in sources])

    def registered(self) -> dict[str, set[str]]:
        self.xapi.op(cmd="<show><object><registered-ip><all/></registered-ip></object></show>")
        return {entry.get("ip"): {member.text for member in entry.findall("./tag/member")}
                for entry in self.xapi.element_root.findall("./result/entry")}

    def configs(self) -> dict[str, etree._Element]:
        """Candidate and running config, without the candidate's change markers."""
        trees = {}
        for name, text in self.control.config().items():
            tree = etree.fromstring(text.encode())
            for element in tree.iter():
                for attribute in DIRTY:
                    element.attrib.pop(attribute, None)
            trees[name] = tree
        return trees

    def rule_users(self, tree: str = "running") -> list[str] | None:
        """Source users of the group rule, None when it does not exist."""
        entry = self.configs()[tree].find(f".//rulebase/security/rules/entry[@name='{RULE}']")
        return None if entry is None else [member.text for member in entry.findall("source-user/member")]

    def blocked_users(self) -> set[str]:
        """The users tagged ``quota`` (members of the dynamic user group), read with pan-python."""
        self.xapi.op(cmd="<show><object><registered-user><all/></registered-user></object></show>")
        return {entry.get("user") for entry in self.xapi.element_root.findall("./result/entry")
                if "quota" in {member.text for member in entry.findall("./tag/member")}}

    def pending(self) -> bool:
        trees = self.configs()
        return etree.tostring(trees["candidate"]) != etree.tostring(trees["running"])

    def assert_consistent(self) -> None:
        """Every quota registration carries its end; the group rule names the DUG; the quota tag is
        on blocked IPs and blocked group members only."""
        for ip, tags in self.registered().items():
            if "quota" in tags:
                assert ip in BLOCKED_IPS and any(tag.startswith("quota.until.") for tag in tags), (ip, tags)
        assert self.rule_users() in (None, [DUG])
        assert self.blocked_users() <= set(SALES_IPS.values())

    def assert_converged(self) -> None:
        registered = self.registered()
        assert set(registered) == BLOCKED_IPS
        assert all(len(tags) == 3 and {"quota", "quota.until"} <= tags for tags in registered.values()), registered
        assert self.rule_users() == [DUG] and self.blocked_users() == set(SALES_IPS.values())
        assert not self.pending()


def passed(run: Run) -> Run:
    assert run.returncode == 0, run.output[-3000:]
    return run


@pytest.fixture(scope="module")
def firewall(emulator: dict[str, Any]) -> Iterator[Firewall]:
    """One emulator for the module; each test starts it over with Firewall.start()."""
    yield Firewall(emulator)


def test_quota_story(firewall: Firewall) -> None:
    """Bootstrap twice, a check-mode cycle, blocks by IP, user and group, an idle cycle, release
    after 15 minutes without a re-block, and a new block when the traffic comes back."""
    firewall.start(bootstrapped=False)
    firewall.control.reset_counters()
    first = passed(firewall.playbook("quota_bootstrap.yml"))
    assert first.changed() == 2  # the objects (not committed), then the DUG and the permanent group rule
    assert firewall.control.counters()["commit"] == 1  # one partial commit of both tasks' changes
    assert firewall.rule_users() == [DUG] and firewall.blocked_users() == set()
    second = passed(firewall.playbook("quota_bootstrap.yml"))
    assert second.changed() == 0 and "unchanged" in second.output and firewall.control.counters()["commit"] == 1
    assert not firewall.pending()
    firewall.control.advance(900)

    before = firewall.configs()
    firewall.control.reset_counters()
    check = passed(firewall.cycle("--check"))
    assert check.changed() == 1 and "check mode, nothing written" in check.output
    counters = firewall.control.counters()
    assert counters["user-id"] == counters["commit"] == 0
    assert firewall.registered() == {}
    assert {name: etree.tostring(tree) for name, tree in firewall.configs().items()} == {
        name: etree.tostring(tree) for name, tree in before.items()}

    blocking = passed(firewall.cycle())
    assert blocking.changed() == 1
    firewall.assert_converged()
    assert f"BLOCK group {SALES}" in blocking.output and "user over quota" in blocking.output
    assert passed(firewall.cycle()).changed() == 0

    firewall.control.advance(900)  # the blocks time out on the firewall by themselves; denied traffic counted nothing
    assert not any("quota" in tags for tags in firewall.registered().values())  # before any cycle runs
    assert firewall.blocked_users() == set()
    releasing = passed(firewall.cycle())
    assert releasing.changed() == 1  # the releases reported and their bookkeeping removed; no commit
    assert f"RELEASE ip {GUEST}: block ended on the firewall by its timeout" in releasing.output
    assert f"RELEASE group {SALES}: block ended on the firewall by its timeout" in releasing.output
    assert firewall.registered() == {} and firewall.rule_users() == [DUG] and not firewall.pending()

    firewall.traffic([(GUEST, 3_000_000)])
    firewall.control.advance(900)
    passed(firewall.cycle())
    assert set(firewall.registered()) == {GUEST}
    assert firewall.blocked_users() == set()


def inject(firewall: Firewall, request_type: str) -> None:
    # The first op of a run is the Panorama check (show system info), which an error reply does not
    # stop; the second is the cycle's own.
    count = 2 if request_type == "op" else 1
    firewall.control.inject_fault(request_type, "panos-error", count=count, code=2, message="injected internal error")


def test_a_fault_fails_the_role_clearly_then_a_clean_cycle_converges(firewall: Firewall) -> None:
    firewall.start(bootstrapped=True)
    firewall.control.advance(900)
    inject(firewall, "commit")
    faulted = firewall.cycle()
    assert faulted.returncode != 0 and "injected internal error" in faulted.output
    firewall.assert_consistent()
    passed(firewall.cycle())
    firewall.assert_converged()


@pytest.mark.parametrize("request_type", ["op", "report", "user-id", "config", "commit"])
def test_fault_at_each_step_then_a_clean_cycle_converges(firewall: Firewall, module_call: Any, request_type: str) -> None:
    """The role's module in-process, with the role's quotas: the role fails as its module does (above)."""
    firewall.start(bootstrapped=True)
    firewall.control.advance(900)
    args = {"provider": provider_for(firewall.info), "firewall_name": "fw1",
            "quotas": {key.split("_")[1]: value for key, value in QUOTAS.items()}}
    inject(firewall, request_type)
    faulted = module_call("quota_cycle", args)
    assert faulted["failed"] and "injected internal error" in faulted["msg"], faulted
    firewall.assert_consistent()
    assert not module_call("quota_cycle", args)["failed"]
    firewall.assert_converged()


def test_status_lines_and_events_file(firewall: Firewall, tmp_path: Path) -> None:
    """The role prints one result per firewall, the host named once, what changed first, as it is
    (no doubled backslash) under the default callback, one line when nothing changed; it appends
    one JSON line per block and release to quota_events_file, and nothing in check mode or on a
    quiet cycle."""
    events_file = tmp_path / "quota-events.jsonl"
    firewall.start(bootstrapped=True)
    firewall.control.advance(900)

    check = passed(firewall.playbook("quota_cycle.yml", "--check", quota_events_file=str(events_file)))
    assert "=> (item=firewall (check mode, nothing written): " in check.output
    assert f"\n    would block ip {GUEST} for 15m 00s" in check.output and not events_file.exists()

    blocking = passed(firewall.playbook("quota_cycle.yml", quota_events_file=str(events_file)))
    shown = re.findall(r"^ok: \[([^]]+)\] => \(item=(firewall: .*?)\)$(?!\n    )", blocking.output, re.MULTILINE | re.DOTALL)
    assert len(shown) == 1, blocking.output
    host, lines = shown[0][0], shown[0][1].split("\n    ")
    assert lines[0].startswith("firewall: IPs registered ") and lines[0].endswith("committed")
    assert re.match(r"quota cycle at \S+ \S+, usage \S+ \S+ to \S+ \S+", lines[1])
    assert lines[2].startswith("BLOCK ") and "(user acme\\alice)" in blocking.output
    assert "acme\\\\alice" not in blocking.output and not any(line.startswith(host + ":") for line in lines)
    events = [json.loads(line) for line in events_file.read_text().splitlines()]
    assert [(event["action"], event["kind"], event["subject"]) for event in events] == [
        ("block", "user", "acme\\alice"), ("block", "ip", GUEST), ("block", "group", SALES)]
    assert events[0]["addresses"] == ALICE and {event["firewall"] for event in events} == {host}

    quiet = passed(firewall.playbook("quota_cycle.yml", quota_events_file=str(events_file)))
    assert len(events_file.read_text().splitlines()) == 3  # a quiet cycle writes nothing
    assert re.search(rf"^ok: \[{re.escape(host)}\] => \(item=firewall: unchanged, \d+ blocks in force\)$", quiet.output, re.MULTILINE)


def test_a_mistyped_role_variable_is_named_with_the_closest_known_one(firewall: Firewall) -> None:
    """Issue 15, section 2: quota_ipp would be ignored and the default 20MB enforced, silently."""
    firewall.start(bootstrapped=True)
    run = passed(firewall.playbook("quota_cycle.yml", "--check", quota_ipp="1MB", quota_events_file=""))
    said = " ".join(re.findall(r"^\[WARNING\]: (.*)$", run.output, re.MULTILINE))
    assert ("quota_ipp is not a variable of tagwarden.panos.quota_enforce (nor of another role of tagwarden.panos) "
            "and is ignored: did you mean quota_ip?") in said
    assert "quota_events_file" not in said and "quota_hosts" not in said
