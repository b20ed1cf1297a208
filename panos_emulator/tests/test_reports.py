"""Custom reports: 15-minute buckets, columns, topn/sortby, errors; then through pan-python."""

from __future__ import annotations

import pan.xapi
import pytest
from lxml import etree

from panos_emulator.builders import config, make_state, report
from panos_emulator.state import ApiError
from panos_emulator.traffic import BUCKET, handle_report

BOB = "acme\\bob"


def to_bucket_offset(state, seconds: float) -> int:
    """Advance the clock to ``seconds`` past the next 15-minute boundary; returns that boundary."""
    boundary = (int(state.clock.now()) // BUCKET + 1) * BUCKET
    state.advance(boundary + seconds - state.clock.now())
    return boundary


def run(state, **params: str) -> etree._Element:
    """The reply to polling a report job until FIN (the report job enqueued with ``params``)."""
    enqueued = handle_report(state, {"type": "report", "reporttype": "custom", "reportname": "Quota", **params})
    assert enqueued.get("status") == "success", etree.tostring(enqueued)
    job_id = enqueued.findtext("result/job")
    assert enqueued.findtext("result/msg/line") == f"Report job enqueued with jobid {job_id}"
    while (reply := handle_report(state, {"type": "report", "action": "get", "job-id": job_id})).findtext("result/job/status") != "FIN":
        assert reply.findtext("result/job/status") == "ACT"
    return reply


def rows(reply: etree._Element) -> list[tuple[str | None, ...]]:
    return [tuple(child.text for child in entry) for entry in reply.iterfind("result/report/entry")]


@pytest.fixture(name="state")
def fixture_state():
    return make_state(config(reports=(report(),)), users={"10.0.0.5": BOB})


def test_last_15_minutes_is_the_last_complete_bucket(state) -> None:
    boundary = to_bucket_offset(state, 300)
    state.traffic.add([
        {"src": "10.0.0.5", "bytes": 100, "time": boundary - BUCKET - 1},  # the bucket before
        {"src": "10.0.0.5", "bytes": 200, "time": boundary - BUCKET},
        {"src": "10.0.0.5", "bytes": 300, "time": boundary - 1},
        {"src": "10.0.0.5", "bytes": 400, "time": boundary},  # the current, incomplete bucket
        {"src": "10.0.0.5", "bytes": 500},
    ], state)
    reply = run(state)
    assert rows(reply) == [("10.0.0.5", BOB, "500")]
    attrs = reply.find("result/report").attrib
    assert (attrs["name"], attrs["logtype"]) == ("Quota", "trsum")
    assert (int(attrs["start-epoch"]), int(attrs["end-epoch"])) == (boundary - BUCKET, boundary - 1)
    assert (attrs["start"], attrs["end"]) == (state.local_time(boundary - BUCKET), state.local_time(boundary - 1))
    assert attrs["generated-at"] == state.local_time()

    state.advance(BUCKET - 301)  # one second before the next boundary: nothing new is visible
    assert rows(run(state)) == [("10.0.0.5", BOB, "500")]
    state.advance(1)
    assert rows(run(state)) == [("10.0.0.5", BOB, "900")]


def test_aggregation_and_unknown_users(state) -> None:
    boundary = to_bucket_offset(state, 0)
    when = boundary - 60
    state.traffic.add([
        {"src": "10.0.0.5", "bytes": 10, "time": when},
        {"src": "10.0.0.5", "bytes": 20, "time": when, "user": "acme\\carol"},  # another user on the same IP: another row
        {"src": "10.0.0.5", "bytes": 30, "time": when},
        {"src": "10.0.0.7", "bytes": 5, "time": when},
    ], state)
    reply = run(state)
    assert rows(reply) == [("10.0.0.5", BOB, "40"), ("10.0.0.5", "acme\\carol", "20"), ("10.0.0.7", None, "5")]
    assert etree.tostring(reply.find("result/report/entry[3]/srcuser")) == b"<srcuser/>"


def test_topn_sortby_values_and_query() -> None:
    reports = (
        report("Top", topn=3),
        report("BySource", keys=("src",), values=("bytes", "sessions"), sortby="src"),
        report("Filtered", keys=("src",), query="(addr.src in 10.0.1.0/24) and (bytes geq 3000)"),
        report("Apps", keys=("app", "dst"), values=("bytes_sent", "repeatcnt"), sortby="bytes_sent"),
    )
    state = make_state(config(reports=reports))
    boundary = to_bucket_offset(state, 0)
    state.traffic.add([{"src": f"10.0.{n % 2}.{n}", "bytes": n * 1000, "time": boundary - n, "app": "dns" if n == 4 else "ssl",
                        "bytes_sent": n * 100} for n in range(1, 6)], state)
    assert rows(run(state, reportname="Top")) == [("10.0.1.5", None, "5000"), ("10.0.0.4", None, "4000"), ("10.0.1.3", None, "3000")]
    assert rows(run(state, reportname="BySource")) == sorted((f"10.0.{n % 2}.{n}", str(n * 1000), "1") for n in range(1, 6))
    assert rows(run(state, reportname="Filtered")) == [("10.0.1.5", "5000"), ("10.0.1.3", "3000")]
    assert rows(run(state, reportname="Apps")) == [("ssl", "203.0.113.10", "1100", "4"), ("dns", "203.0.113.10", "400", "1")]


def test_periods() -> None:
    reports = (report("Hour", period="last-hour"), report("Day", period="last-calendar-day"),
               report("Logs", period="last-15-minutes", database="traffic"))
    state = make_state(config(reports=reports))
    boundary = to_bucket_offset(state, 600)
    state.traffic.add([{"src": "10.0.0.1", "bytes": 1, "time": boundary - 3600},
                       {"src": "10.0.0.1", "bytes": 2, "time": boundary - 3601},
                       {"src": "10.0.0.1", "bytes": 4, "time": boundary + 1}], state)
    assert rows(run(state, reportname="Hour")) == [("10.0.0.1", None, "1")]
    # The traffic log database is not bucketed: the last 15 minutes up to now.
    assert rows(run(state, reportname="Logs")) == [("10.0.0.1", None, "4")]
    day = run(state, reportname="Day").find("result/report")
    midnight = int(state.clock.now()) // 86400 * 86400
    assert (int(day.get("start-epoch")), int(day.get("end-epoch"))) == (midnight - 86400, midnight - 1)


def test_empty_report_and_shared_report() -> None:
    tree = config()
    etree.SubElement(tree.find("shared"), "reports").append(report())
    reply = run(make_state(tree), vsys="vsys1")
    assert reply.find("result/report") is not None and rows(reply) == []


@pytest.mark.parametrize(("params", "message"), [
    ({"reportname": "Missing"}, "Report Missing not found"),
    ({"action": "get", "job-id": "999"}, "No such report job: 999"),
    ({"reporttype": "dynamic"}, "reporttype dynamic"),
])
def test_errors(state, params: dict[str, str], message: str) -> None:
    with pytest.raises(ApiError) as error:
        handle_report(state, {"type": "report", "reporttype": "custom", "reportname": "Quota", **params})
    reply = error.value.reply()
    assert reply.get("status") == "error"
    assert message in reply.findtext("msg/line")


def test_quota_report_through_pan_python(emu, xapi) -> None:
    emu.set_config(etree.tostring(config(reports=(report(),)), encoding="unicode"))
    emu.add_mappings([{"ip": "10.0.0.5", "user": BOB}])
    now = emu.now()["epoch"]
    emu.advance((int(now) // BUCKET + 1) * BUCKET + 60 - now)  # one minute into a bucket
    epoch = emu.now()["epoch"]
    emu.add_traffic([{"src": "10.0.0.5", "bytes": 7000, "time": epoch - 120}, {"src": "10.0.0.6", "bytes": 9000, "time": epoch - 90},
                     {"src": "10.0.0.5", "bytes": 1, "time": epoch}])
    xapi.report(reporttype="custom", reportname="Quota", interval=0.05, timeout=10)
    found = xapi.element_root.find("./result/report")
    assert [(e.findtext("src"), e.findtext("srcuser"), e.findtext("bytes")) for e in found.iterfind("entry")] == [
        ("10.0.0.6", "", "9000"), ("10.0.0.5", BOB, "7000")]

    with pytest.raises(pan.xapi.PanXapiError, match="Report Nope not found"):
        xapi.report(reporttype="custom", reportname="Nope", interval=0.05)
    with pytest.raises(pan.xapi.PanXapiError, match="No such report job"):
        xapi.report(extra_qs="action=get&job-id=424242", interval=0.05)
