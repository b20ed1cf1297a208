"""Traffic log queries: jobs, paging, order, the query language, errors; then through pan-python."""

from __future__ import annotations

import pan.xapi
import pytest
from lxml import etree

from panos_emulator.builders import config, make_state, rule
from panos_emulator.state import ApiError
from panos_emulator.traffic import handle_log

BOB = "acme\\bob"
FIELDS = ["receive_time", "time_generated", "type", "subtype", "src", "dst", "srcuser", "rule", "app", "from", "to", "vsys",
          "proto", "dport", "sessionid", "bytes", "bytes_sent", "bytes_received", "action"]


def run(state, **params: str) -> etree._Element:
    """The FIN reply of a traffic log query job."""
    enqueued = handle_log(state, {"type": "log", "log-type": "traffic", **params})
    assert (enqueued.get("status"), enqueued.get("code")) == ("success", "19"), etree.tostring(enqueued)
    job_id = enqueued.findtext("result/job")
    assert enqueued.findtext("result/msg/line") == f"query job enqueued with jobid {job_id}"
    while (reply := handle_log(state, {"type": "log", "action": "get", "job-id": job_id})).findtext("result/job/status") != "FIN":
        assert reply.find("result/log") is None
    return reply


def logids(reply: etree._Element) -> list[int]:
    logs = reply.find("result/log/logs")
    assert logs.get("progress") == "100" and int(logs.get("count")) == len(logs)
    return [int(entry.get("logid")) for entry in logs]


@pytest.fixture(name="state")
def fixture_state():
    """Six sessions a minute apart, oldest first: bob's on 10.0.0.5, the others from unknown users."""
    state = make_state(config(rules=(rule("allow-out", source=["10.0.0.0/24"]),)), users={"10.0.0.5": BOB})
    start = int(state.clock.now()) // 60 * 60 - 600
    state.traffic.add([{"src": f"10.0.{n // 4}.{5 + n % 2}", "bytes": 100 * n, "time": start + 60 * n} for n in range(6)], state)
    return state


def test_entry_fields_and_default_order(state) -> None:
    reply = run(state)
    assert logids(reply) == [6, 5, 4, 3, 2, 1]  # newest first
    entry = reply.find("result/log/logs/entry")
    assert [child.tag for child in entry] == FIELDS
    record = state.traffic.records[-1]
    assert {child.tag: child.text for child in entry} == {
        "receive_time": state.local_time(record.time), "time_generated": state.local_time(record.time), "type": "TRAFFIC",
        "subtype": "deny", "src": "10.0.1.6", "dst": "203.0.113.10", "srcuser": None, "rule": "interzone-default", "app": "ssl",
        "from": "trust", "to": "untrust", "vsys": "vsys1", "proto": "tcp", "dport": "443", "sessionid": "6", "bytes": "500",
        "bytes_sent": "250", "bytes_received": "250", "action": "deny"}
    assert reply.find("result/log/logs/entry[4]").findtext("srcuser") == BOB
    assert logids(run(state, dir="forward", nlogs="2")) == [1, 2]


@pytest.mark.parametrize(("query", "expected"), [
    ("(addr.src in 10.0.0.5)", [3, 1]),
    ("(addr.src in 10.0.1.0/24)", [6, 5]),
    ("(addr.src notin 10.0.0.0/24)", [6, 5]),
    ("(user.src eq 'acme\\bob')", [3, 1]),  # 10.0.1.5 is not bob's
    ("(user.src eq 'ACME\\Bob') or (addr.dst eq 10.9.9.9)", [3, 1]),
    ("(action eq allow)", [4, 3, 2, 1]),
    ("(action eq deny) and (bytes geq 500)", [6]),
    ("(rule eq allow-out) and ((bytes leq 100) or (addr.src in 10.0.0.6))", [4, 2, 1]),
    ("addr.src in 10.0.0.6 and app eq ssl", [4, 2]),
])
def test_query_language(state, query: str, expected: list[int]) -> None:
    assert logids(run(state, query=query)) == expected


def test_time_range(state) -> None:
    times = [state.local_time(r.time) for r in state.traffic.records]
    assert logids(run(state, query=f"(receive_time geq '{times[2]}') and (receive_time leq '{times[4]}')")) == [5, 4, 3]
    assert logids(run(state, query=f"(receive_time eq '{times[0]}')")) == [1]


def test_paging_over_5000_records() -> None:
    state = make_state()
    start = int(state.clock.now()) - 20000
    state.traffic.add([{"src": "10.0.0.1", "bytes": n, "time": start + n} for n in range(12001)], state)
    pages = [logids(run(state, nlogs="5000", skip=str(skip))) for skip in range(0, 15000, 5000)]
    assert [len(page) for page in pages] == [5000, 5000, 2001]
    assert sum(pages, []) == list(range(12001, 0, -1))
    assert logids(run(state, skip="12001")) == []
    assert len(logids(run(state))) == 20


@pytest.mark.parametrize(("params", "message"), [
    ({"nlogs": "5001"}, "nlogs must be an integer from 1 to 5000"),
    ({"nlogs": "0"}, "nlogs"),
    ({"skip": "-1"}, "skip"),
    ({"dir": "sideways"}, "dir"),
    ({"query": "(addr.src in 10.0.0.5"}, "Invalid query"),
    ({"query": "(colour eq red)"}, "Invalid query"),
    ({"query": "(bytes geq lots)"}, "Invalid query"),
    ({"query": "(receive_time geq 'yesterday')"}, "Invalid query"),
    ({"log-type": "nonsense"}, "log-type"),
    ({"action": "get", "job-id": "999"}, "No such query job: 999"),
    ({"action": "finish", "job-id": "999"}, "No such query job: 999"),
])
def test_errors(state, params: dict[str, str], message: str) -> None:
    with pytest.raises(ApiError) as error:
        handle_log(state, {"type": "log", "log-type": "traffic", **params})
    reply = error.value.reply()
    assert reply.get("status") == "error"
    assert message in reply.findtext("msg/line")


def test_other_log_types_are_empty_and_finish_drops_the_job(state) -> None:
    assert logids(run(state, **{"log-type": "threat"})) == []
    job_id = handle_log(state, {"type": "log", "log-type": "traffic"}).findtext("result/job")
    assert handle_log(state, {"type": "log", "action": "finish", "job-id": job_id}).get("status") == "success"
    with pytest.raises(ApiError, match="No such query job"):
        handle_log(state, {"type": "log", "action": "get", "job-id": job_id})


def test_logs_through_pan_python(emu, xapi) -> None:
    emu.add_mappings([{"ip": "10.0.0.5", "user": BOB}])
    start = int(emu.now()["epoch"]) - 7000
    emu.add_traffic([{"src": f"10.0.0.{5 + n % 2}", "bytes": n, "time": start + n} for n in range(6000)])
    seen = []
    for skip in (0, 2000, 4000):
        xapi.log(log_type="traffic", nlogs=2000, skip=skip, filter="(user.src eq 'acme\\bob')", interval=0.05, timeout=10)
        seen += [int(e.findtext("bytes")) for e in xapi.element_root.iterfind("./result/log/logs/entry")]
    assert seen == list(range(5998, -1, -2))

    since = emu.now()["local"]
    emu.add_traffic([{"src": "10.0.0.6", "bytes": 42}])
    xapi.log(log_type="traffic", filter=f"(receive_time geq '{since}')", interval=0.05)
    assert [e.findtext("bytes") for e in xapi.element_root.iterfind("./result/log/logs/entry")] == ["42"]

    with pytest.raises(pan.xapi.PanXapiError, match="nlogs"):
        xapi.log(log_type="traffic", nlogs=5001, interval=0.05)
