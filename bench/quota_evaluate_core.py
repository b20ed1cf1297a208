"""Time the quota evaluation core on synthetic data: `python bench/quota_evaluate_core.py [rows]`.

1,000,000 rows from 100,000 users on 1-3 IPs each plus unknown-user IPs, 5,000 groups (each user
in 1-3), heavy-tailed (log-normal) byte counts, quotas at the 99th percentile of each scope so about
1% of IPs, users and groups are over, a full IP-user mapping, 1,000 exempt CIDRs and a block state
of 1,000 IPs. Prints a figure, asserts nothing about time. Other benchmarks reuse
`make_inputs()`, `time_evaluate()` and `measure()`.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Dict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "build" / "collections"))

from ansible_collections.tagwarden.panos.plugins.module_utils._quota_evaluate import evaluate  # noqa: E402

NOW = datetime(2026, 11, 22, 10, 0, 0)


def _percentile(values, fraction: float) -> int:
    ordered = sorted(values)
    return ordered[int(len(ordered) * fraction)]


def make_inputs(rows: int = 1_000_000, users: int = 100_000, groups: int = 5_000, seed: int = 7) -> Dict[str, Any]:
    """Keyword arguments for evaluate(), deterministic for a given seed."""
    rng = random.Random(seed)
    names = ["acme\\user%06d" % index for index in range(users)]
    user_ips = [["10.%d.%d.%d" % (index >> 14, (index >> 6) & 255, ((index & 63) << 2) + slot) for slot in range(rng.randint(1, 3))]
                for index in range(users)]
    unknown_ips = ["172.16.%d.%d" % (index >> 8, index & 255) for index in range(users // 10)]
    activity = [rng.paretovariate(1.5) for dummy in range(users)]  # a few users make most rows
    chosen = rng.choices(range(users), weights=activity, k=rows)
    data = []
    for index in chosen:
        if rng.random() < 0.05:
            data.append({"ip": rng.choice(unknown_ips), "user": None, "bytes": int(rng.lognormvariate(11, 1.5))})
        else:
            # a few rows spell the user differently: matching is case-insensitive
            name = names[index] if rng.random() < 0.99 else names[index].upper()
            data.append({"ip": rng.choice(user_ips[index]), "user": name, "bytes": int(rng.lognormvariate(11, 1.5))})
    group_names = ["cn=group%04d,ou=groups,dc=acme,dc=local" % index for index in range(groups)]
    sizes = [rng.paretovariate(1.2) for dummy in range(groups)]
    membership: Dict[str, list] = {group: [] for group in group_names}
    for name in names:
        for group in set(rng.choices(group_names, weights=sizes, k=rng.randint(1, 3))):
            membership[group].append(name)

    ip_totals: Dict[str, int] = {}
    user_totals: Dict[str, int] = {}
    for row in data:
        ip_totals[row["ip"]] = ip_totals.get(row["ip"], 0) + row["bytes"]
        if row["user"]:
            user_totals[row["user"].lower()] = user_totals.get(row["user"].lower(), 0) + row["bytes"]
    group_totals = [sum(user_totals.get(member.lower(), 0) for member in members) for members in membership.values()]
    return {
        "rows": data,
        "now": NOW,
        "quotas": {"ip": _percentile(ip_totals.values(), 0.99), "user": _percentile(user_totals.values(), 0.99),
                   "group": _percentile(group_totals, 0.99)},
        "overrides": {"user": {names[0]: 10 ** 12}},
        "exempt": {"ips": ["192.168.%d.0/24" % index for index in range(256)] + ["10.99.%d.%d/30" % (i >> 6, (i & 63) << 2) for i in range(744)],
                   "users": names[1:100]},
        "groups": membership,
        "ip_user_mapping": [{"ip": ip, "user": names[index]} for index in range(users) for ip in user_ips[index]],
        "blocked": {"ips": {user_ips[index][0]: NOW + timedelta(seconds=rng.randint(-300, 900)) for index in rng.sample(range(users), 1000)},
                    "groups": {}},
        "block_seconds": 900,
    }


def time_evaluate(inputs: Dict[str, Any], repeat: int = 3, clock=time.perf_counter) -> float:
    """Best time in seconds of evaluate(**inputs) over ``repeat`` runs (wall clock by default;
    pass ``clock=time.process_time`` for CPU time, steadier on a shared machine)."""
    best = float("inf")
    for dummy in range(repeat):
        start = clock()
        evaluate(**inputs)
        best = min(best, clock() - start)
    return best


def measure(rows: int = 1_000_000) -> float:
    """Seconds (best wall time) the core takes for ``rows`` synthetic rows."""
    return time_evaluate(make_inputs(rows))


def main() -> int:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    inputs = make_inputs(rows)
    result = evaluate(**inputs)
    seconds = time_evaluate(inputs)
    cpu = time_evaluate(inputs, clock=time.process_time)
    print("quota_evaluate core: %d rows in %.3f s wall, %.3f s CPU (%.0f rows/s, best of 3); %d IPs to block, %d groups to block, %d IPs to release"
          % (rows, seconds, cpu, rows / seconds, len(result.block_ips), len(result.block_groups), len(result.release_ips)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
