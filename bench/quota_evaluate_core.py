"""Time the quota evaluation core on synthetic data: `python bench/quota_evaluate_core.py [rows]`.

The rows look like the Quota report's: one per (source IP, source user), 1,000,000 of them.
100,000 users hold 60% of the rows (at least one IP each, heavy-tailed beyond that, a few
terminal-server IPs shared by many users, 1% of rows spelling the user in capitals); the rest are
IPs User-ID does not know. Bytes are log-normal times a heavy-tailed per-user activity. 5,000
groups (each user in 1-3, heavy-tailed sizes). Quotas sit at the 99th percentile of each scope,
so about 1% of IPs, users and groups are over. Also an IP-user mapping (each user's last IPs plus,
for one in ten, an IP missing from the report), 1,000 exempt CIDRs, 99 exempt users and a block
state of 1,000 IPs. Prints a figure, asserts nothing about time. Other benchmarks reuse
`make_inputs()`, `time_evaluate()` and `measure()`.
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Dict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "build" / "collections"))

from ansible_collections.tagwarden.panos.plugins.module_utils._quota._evaluate import QuotaPolicy, evaluate  # noqa: E402

NOW = datetime(2026, 11, 22, 10, 0, 0)


def _percentile(values, fraction: float) -> int:
    ordered = sorted(values)
    return ordered[int(len(ordered) * fraction)]


def _ip(prefix: int, number: int) -> str:
    return "%d.%d.%d.%d" % (prefix + (number >> 24), (number >> 16) & 255, (number >> 8) & 255, number & 255)


def make_inputs(rows: int = 1_000_000, users: int = 100_000, groups: int = 5_000, known_share: float = 0.6, seed: int = 7) -> Dict[str, Any]:
    """Keyword arguments for evaluate(), deterministic for a given seed."""
    rng = random.Random(seed)
    names = ["acme\\user%06d" % index for index in range(users)]
    activity = [rng.paretovariate(1.5) for dummy in range(users)]
    ips_per_user = [1] * users
    for index in rng.choices(range(users), weights=[rng.paretovariate(2.0) for dummy in range(users)], k=max(0, int(rows * known_share) - users)):
        ips_per_user[index] += 1
    shared = [_ip(192, 168 << 16 | index) for index in range(100)]  # terminal servers: many users each
    data = []
    user_ips = []
    next_ip = 0
    for index, count in enumerate(ips_per_user):
        name = names[index]
        mine = []
        for dummy in range(count):
            if rng.random() < 0.005:
                ip = rng.choice(shared)
                if ip in mine:
                    continue
            else:
                ip = _ip(10, next_ip)
                next_ip += 1
            mine.append(ip)
            data.append({"ip": ip, "user": name if rng.random() < 0.99 else name.upper(), "bytes": int(rng.lognormvariate(10, 1.5) * activity[index])})
        user_ips.append(mine)
    data.extend({"ip": _ip(172, 16 << 16 | index), "user": None, "bytes": int(rng.lognormvariate(12, 2))} for index in range(rows - len(data)))
    # As the module gets them: sorted by bytes like the report, every row a fresh object from JSON
    # (allocation order = row order, which matters for a memory-bound loop).
    data = json.loads(json.dumps(sorted(data, key=lambda row: -row["bytes"])))

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
    mapping = [{"ip": ip, "user": names[index]} for index in range(users) for ip in user_ips[index][-2:]]
    mapping.extend({"ip": _ip(10, next_ip + index), "user": names[index * 10]} for index in range(users // 10))
    return {
        "rows": data,
        "now": NOW,
        "policy": QuotaPolicy(
            quotas={"ip": _percentile(ip_totals.values(), 0.99), "user": _percentile(user_totals.values(), 0.99),
                    "group": _percentile(group_totals, 0.99)},
            overrides={"user": {names[0]: 10 ** 12}},
            exempt={"ips": ["192.0.%d.0/24" % index for index in range(256)] + ["10.99.%d.%d/30" % (i >> 6, (i & 63) << 2) for i in range(744)],
                    "users": names[1:100]},
            block_seconds=900),
        "groups": membership,
        "ip_user_mapping": mapping,
        "blocked": {"ips": {user_ips[index][0]: NOW + timedelta(seconds=rng.randint(-300, 900)) for index in rng.sample(range(users), 1000)},
                    "groups": {}},
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
