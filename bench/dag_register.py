"""Tag 10,000 IPs two ways against a fresh emulator: `python bench/dag_register.py [ips] [baseline_ips]`.

1. tagwarden.panos.dag_register through `ansible-playbook` (the whole module path: Ansible, keygen,
   one paged read of the tag, the difference in uid-messages of 1,000 entries), and the same code
   path in this process (``_dag_register.run`` on a FirewallConnection whose key is ready), timed
   like the baseline: the work only, no Ansible start-up, no key generation;
2. the way paloaltonetworks.panos' panos_registered_ip is used in a loop: one pan-os-python
   `fw.userid.register(ip, tags)` call per IP (one HTTP request each, key generated once).

Prints each one's API calls (from the emulator's counters) and wall time, and the ratios: like
for like (in-process against the per-IP loop) and as a user runs it (the whole playbook). With
`baseline_ips` smaller than `ips` the per-IP baseline is measured on that many IPs and scaled
linearly (said so in the output). Asserts nothing about time.
"""

from __future__ import annotations

import json
import ssl
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from panos_emulator.client import EmulatorControl  # noqa: E402
from panos_emulator.process import provider_for, start_emulator, stop_emulator  # noqa: E402
from tests.integration.ansible_cli import link_collection, panos_env, playbook  # noqa: E402

TAG = "quota"
TIMEOUT = 3600

PLAYBOOK = """\
---
- name: Bench dag_register
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Register every address
      tagwarden.panos.dag_register:
        ips: "{{ ips }}"
        tags: [quota]
        timeout: 3600
        chunk_size: 1000
      register: result

    - name: Report
      ansible.builtin.debug:
        msg: "BENCH {{ result.registered | length }} {{ result.api_calls }} {{ result.uid_messages }}"
"""


def addresses(count: int) -> list[str]:
    return ["10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255) for i in range(1, count + 1)]


def registered_count(emu: EmulatorControl, info: dict) -> int:
    import pan.xapi

    api = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                           api_password=info["password"], ssl_context=ssl.create_default_context(cafile=info["ca_file"]))
    api.op(cmd="<show><object><registered-ip><tag><entry name=\"%s\"/></tag></registered-ip></object></show>" % TAG)
    return len(api.element_root.findall("./result/entry"))


def run_module(info: dict, ips: list[str]) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "bench.yml"
        book.write_text(PLAYBOOK)
        extra = Path(tmp) / "ips.json"
        extra.write_text(json.dumps({"ips": ips}))
        start = time.perf_counter()
        proc = playbook(book, "-e", "@%s" % extra, env=panos_env(provider_for(info)))
        elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit("the dag_register playbook failed")
    line = next(line for line in proc.stdout.splitlines() if "BENCH " in line)
    return elapsed, line.split("BENCH ", 1)[1].strip('" ')


def run_in_process(info: dict, ips: list[str]) -> float:
    """dag_register's code path, timed from a ready key to the last message."""
    sys.path.insert(0, str(link_collection()))
    from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
    from ansible_collections.tagwarden.panos.plugins.module_utils._dag._register import Registration, run

    conn = FirewallConnection(provider_for(info))
    conn.clock()  # generates the key
    start = time.perf_counter()
    run(conn, Registration(ips, [TAG], state="present", timeout=TIMEOUT))
    return time.perf_counter() - start


def run_per_ip(info: dict, ips: list[str]) -> float:
    from panos.firewall import Firewall

    context = ssl.create_default_context(cafile=info["ca_file"])
    fw = Firewall(info["host"], port=info["port"], api_key="pending")
    # pan-os-python generates the key with its own xapi object, which never gets an ssl_context:
    # generate it on a verified connection instead and hand it over.
    import pan.xapi

    keygen = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                              api_password=info["password"], ssl_context=context)
    fw._api_key = keygen.keygen()  # pylint: disable=protected-access
    fw.xapi.ssl_context = context
    start = time.perf_counter()
    for ip in ips:
        fw.userid.register(ip, tags=[TAG], timeout=TIMEOUT)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    count = int(argv[1]) if len(argv) > 1 else 10_000
    baseline_count = int(argv[2]) if len(argv) > 2 else count
    ips = addresses(count)
    process, info = start_emulator()
    try:
        emu = EmulatorControl(info)

        emu.reset()
        module_time, module_line = run_module(info, ips)
        module_counters = emu.counters()
        module_registered = registered_count(emu, info)

        emu.reset()
        in_process_time = run_in_process(info, ips)

        emu.reset()
        emu.reset_counters()
        baseline_ips = ips[:baseline_count]
        baseline_time = run_per_ip(info, baseline_ips)
        baseline_counters = emu.counters()
        baseline_registered = registered_count(emu, info)
    finally:
        stop_emulator(process)

    scale = count / baseline_count
    keygens = baseline_counters["keygen"]
    baseline_calls = keygens + (baseline_counters["total"] - keygens) * scale
    print("dag_register benchmark: %d IPs, tag %r, timeout %d s, emulator at %s:%s"
          % (count, TAG, TIMEOUT, info["host"], info["port"]))
    print("  tagwarden.panos.dag_register (ansible-playbook): %6d API calls %s, %7.2f s wall (whole playbook), "
          "%d registered [module: registered api_calls uid_messages = %s]"
          % (module_counters["total"], json.dumps({k: v for k, v in module_counters.items() if v and k != "total"}),
             module_time, module_registered, module_line))
    print("  tagwarden.panos.dag_register (its code in-process, work only):        %7.2f s wall" % in_process_time)
    note = "" if scale == 1 else " (measured on %d IPs, scaled x%.1f)" % (baseline_count, scale)
    print("  per-IP fw.userid.register (pan-os-python):     %6d API calls, %7.2f s wall%s, %d registered"
          % (round(baseline_calls), baseline_time * scale, note, baseline_registered))
    ratio_calls = baseline_calls / max(1, module_counters["total"])
    ratio_time = baseline_time * scale / in_process_time
    print("  ratio: %.0fx fewer API calls; %.1fx faster like for like (in-process), %.1fx counting the whole playbook"
          % (ratio_calls, ratio_time, baseline_time * scale / module_time))
    print("  targets: <= 25 API calls: %s; >= 20x faster (like for like): %s"
          % ("met" if module_counters["total"] <= 25 else "NOT met", "met" if ratio_time >= 20 else "NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
