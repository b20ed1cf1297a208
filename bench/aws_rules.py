"""AWS security rules at scale: `python bench/aws_rules.py [instances] [permissions]` (default 500 x 5).

Builds one VPC on moto (real boto3) whose default route goes through the firewall instance,
`instances` instances sharing a security group with `permissions` ingress permissions from outside
the VPC, and a PAN-OS emulator with a clean-up rule. Then runs the role's two steps in this process
(aws_security_rules_info's core, then security_rule_set's core) twice: the first reconcile creates
every rule, the second is steady. Prints, for each: AWS calls, firewall API calls (reads, writes,
policy matches, commits, from the emulator's counters and the result) and wall time. Asserts nothing
about time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, Dict

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# pylint: disable=wrong-import-position
from aws_double.server import CREDENTIALS, REGION, MotoServer  # noqa: E402
from aws_double.world import AwsWorld, tcp  # noqa: E402
from panos_emulator import builders  # noqa: E402
from panos_emulator.client import EmulatorControl  # noqa: E402
from panos_emulator.process import provider_for, start_emulator, stop_emulator  # noqa: E402
from tests.integration.ansible_cli import link_collection  # noqa: E402

link_collection()
sys.path.insert(0, str(ROOT / "build" / "collections"))

from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._facts import rules_facts  # noqa: E402
from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet  # noqa: E402
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection  # noqa: E402
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement  # noqa: E402
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ruleset import reconcile  # noqa: E402


def run_once(endpoint: str, world: AwsWorld, emu: EmulatorControl, provider: Dict[str, Any]) -> Dict[str, Any]:
    emu.reset_counters()
    started = time.monotonic()
    facts = rules_facts(dict(region=REGION, endpoint_url=endpoint, firewall_instance_ids=[world.firewall_id],
                             **CREDENTIALS))
    aws_done = time.monotonic()
    result = reconcile(ChangeSet(FirewallConnection(provider), admin="admin"), facts["rules"], facts["services"],
                       owner=facts["owner_tag"], scope=facts["name_prefixes"], placement=Placement("above", "deny-all"))
    done = time.monotonic()
    counters = emu.counters()
    return {"rules": len(facts["rules"]), "aws_calls": facts["aws_calls"], "aws_s": aws_done - started,
            "firewall_calls": counters["total"], "config": counters["config"], "op": counters["op"],
            "commits": counters["commit"], "policy_matches": result["policy_matches"],
            "created": len(result["created"]), "firewall_s": done - aws_done, "wall_s": done - started}


def main() -> None:
    instances = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    permissions = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    process, info = start_emulator()
    try:
        emu = EmulatorControl(info)
        emu.set_config(etree.tostring(builders.config(rules=(
            builders.rule("deny-all", "deny", **{"from": ["any"], "to": ["any"]}),))).decode())
        with MotoServer() as aws_double:
            endpoint = aws_double.endpoint
            world = AwsWorld(endpoint)
            subnet = world.subnet("10.0.16.0/20")
            world.route_table([subnet])
            group = world.group(permissions=[tcp(9000 + n, "203.0.%d.0/24" % n) for n in range(permissions)])
            for start in range(0, instances, 100):
                world.instance(subnet, [group], count=min(100, instances - start))
            print("%d instances x %d ingress permissions" % (instances, permissions))
            for label in ("first reconcile", "steady second"):
                figures = run_once(endpoint, world, emu, provider_for(info))
                print(("%-16s " % label) + (
                    "rules %(rules)d, created %(created)d | AWS calls %(aws_calls)d (%(aws_s).1fs) | firewall API "
                    "calls %(firewall_calls)d: config %(config)d, op %(op)d (policy matches %(policy_matches)d), "
                    "commits %(commits)d (%(firewall_s).1fs) | wall %(wall_s).1fs") % figures)
    finally:
        stop_emulator(process)


if __name__ == "__main__":
    main()
