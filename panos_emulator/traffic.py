"""Traffic records, the traffic simulation, custom reports and traffic log queries.

What is emulated and how is described in panos_emulator/README.md ("Traffic, reports and logs").
"""

from __future__ import annotations

import bisect
import functools
import ipaddress
import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from typing import Any

from lxml import etree

from . import policy
from .state import LOCAL_FORMAT, ApiError, job_enqueued, success

BUCKET = 900  # trsum aggregation interval
DAY = 86400
ROLLING_PERIODS = {
    "last-15-minutes": 900, "last-hour": 3600, "last-6-hrs": 6 * 3600, "last-12-hrs": 12 * 3600,
    "last-24-hrs": DAY, "last-7-days": 7 * DAY, "last-30-days": 30 * DAY,
}
SUMMARY_DATABASES = ("trsum", "traffic")
DEFAULT_TOPN = 10
DEFAULT_NLOGS = 20
MAX_NLOGS = 5000
LOG_TYPES = frozenset({"traffic", "threat", "config", "system", "hipmatch", "wildfire", "url", "data", "userid", "auth", "iptag"})
RECORD_DEFAULTS: dict[str, Any] = {"dst": "203.0.113.10", "app": "ssl", "from": "trust", "to": "untrust", "port": 443, "protocol": "tcp"}


@dataclass(slots=True)
class TrafficRecord:  # pylint: disable=too-many-instance-attributes
    """One traffic log entry (a finished session)."""

    time: float
    src: str
    dst: str
    srcuser: str  # "" when User-ID does not know the source
    app: str
    from_zone: str
    to_zone: str
    protocol: str
    port: int
    total_bytes: int
    bytes_sent: int
    action: str
    rule: str
    vsys: str = "vsys1"
    logid: int = 0

    @property
    def bytes_received(self) -> int:
        return self.total_bytes - self.bytes_sent


_TIME = operator.attrgetter("time")
# Report columns and log fields, by PAN-OS name.
COLUMNS: dict[str, Callable[[TrafficRecord], str]] = {
    "src": operator.attrgetter("src"), "dst": operator.attrgetter("dst"), "srcuser": operator.attrgetter("srcuser"),
    "app": operator.attrgetter("app"), "from": operator.attrgetter("from_zone"), "to": operator.attrgetter("to_zone"),
    "rule": operator.attrgetter("rule"), "action": operator.attrgetter("action"), "vsys": operator.attrgetter("vsys"),
    "proto": operator.attrgetter("protocol"), "dport": lambda r: str(r.port),
}
VALUES: dict[str, Callable[[TrafficRecord], int]] = {
    "bytes": operator.attrgetter("total_bytes"), "bytes_sent": operator.attrgetter("bytes_sent"),
    "bytes_received": operator.attrgetter("bytes_received"), "sessions": lambda r: 1, "repeatcnt": lambda r: 1,
}


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise ValueError(f"{name} must be a non-negative integer, not {value!r}")
    return int(value)


def _session_spec(item: dict[str, Any]) -> dict[str, Any]:
    """A record or source with defaults filled in; ValueError for a bad address, port or protocol."""
    if not item.get("src"):
        raise ValueError("src is required")
    spec = {**RECORD_DEFAULTS, **{key: value for key, value in item.items() if value is not None}}
    spec["src"], spec["dst"] = (str(policy.parse_ip(spec[key])) for key in ("src", "dst"))
    protocol = str(spec["protocol"]).lower()
    names = {str(number): name for name, number in policy.PROTOCOLS.items()}
    spec["protocol"] = names.get(protocol, protocol)
    if spec["protocol"] not in policy.PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}")
    spec["port"] = _count(spec["port"], "port")
    return spec


def _decide(rules: policy.RuleBase, spec: dict[str, Any], user: str | None) -> tuple[str, str]:
    url = spec.get("url")
    flow = policy.Flow(spec["from"], spec["to"], policy.parse_ip(spec["src"]), policy.parse_ip(spec["dst"]),
                       user or None, spec["app"], policy.PROTOCOLS[spec["protocol"]], spec["port"],
                       frozenset() if url is None else rules.url_categories(str(url)))  # not web: no URL category
    return rules.first_match(flow)


def _record(spec: dict[str, Any], when: float, user: str | None, total: int, decision: tuple[str, str]) -> TrafficRecord:
    sent = _count(spec.get("bytes_sent", total // 2), "bytes_sent") if total else 0
    if sent > total:
        raise ValueError("bytes_sent is larger than bytes")
    return TrafficRecord(when, spec["src"], spec["dst"], user or "", spec["app"], spec["from"], spec["to"],
                         spec["protocol"], spec["port"], total, sent, decision[1], decision[0])


class TrafficStore:
    """Traffic records sorted by time."""

    def __init__(self) -> None:
        self.records: list[TrafficRecord] = []
        self._last_id = 0

    def __len__(self) -> int:
        return len(self.records)

    def add(self, records: list[dict[str, Any]], state: Any) -> None:
        """Records from the control plane (see the module notes); all or none are added."""
        now = state.clock.now()
        rules = policy.RuleBase(state)
        new = []
        for item in records:
            spec = _session_spec(item)
            user = item["user"] if item.get("user") is not None else state.user_for_ip(spec["src"])
            rule, action = _decide(rules, spec, user)
            when = float(item["time"]) if item.get("time") is not None else now
            new.append(_record(spec, when, user, _count(item.get("bytes"), "bytes"), (spec.get("rule", rule), spec.get("action", action))))
        self.insert(new)

    def insert(self, records: list[TrafficRecord]) -> None:
        records.sort(key=_TIME)
        for record in records:
            self._last_id += 1
            record.logid = self._last_id
        in_order = not self.records or not records or records[0].time >= self.records[-1].time
        self.records.extend(records)
        if not in_order:
            self.records.sort(key=_TIME)

    def between(self, start: float, end: float) -> list[TrafficRecord]:
        """Records with start <= time < end."""
        low = bisect.bisect_left(self.records, start, key=_TIME)
        return self.records[low:bisect.bisect_left(self.records, end, lo=low, key=_TIME)]


@dataclass
class Source:
    spec: dict[str, Any]
    user: str | None
    bytes_per_minute: int


class Simulation:
    """Sources that each make one session a minute, judged by the running rulebase."""

    def __init__(self) -> None:
        self.sources: list[Source] = []

    def set_sources(self, sources: list[dict[str, Any]]) -> None:
        self.sources = [Source(_session_spec(s), s.get("user") or None, _count(s.get("bytes_per_minute"), "bytes_per_minute")) for s in sources]

    def run_minute(self, state: Any, minute_epoch: float) -> None:
        if not self.sources:
            return
        rules = policy.RuleBase(state)
        sessions = []
        for source in self.sources:
            user = state.user_for_ip(source.spec["src"]) or source.user
            decision = _decide(rules, source.spec, user)
            # A blocked source moves no data: its sessions count nothing toward usage.
            sessions.append(_record(source.spec, minute_epoch, user, source.bytes_per_minute if decision[1] == policy.ALLOW else 0, decision))
        state.traffic.insert(sessions)


# -- the log query language -------------------------------------------------------------------------
def _parse_time(text: str, zone: tzinfo) -> int:
    """A query's local time (in the firewall's timezone) as epoch seconds."""
    return int(datetime.strptime(text, LOCAL_FORMAT).replace(tzinfo=zone).timestamp())


def _folded(getter: Callable[[TrafficRecord], str]) -> Callable[[TrafficRecord], str]:
    return lambda record: getter(record).casefold()


# field -> (value parser, record getter)
# (time fields' parsers also take the firewall's zone: the query gives local times)
QUERY_FIELDS: dict[str, tuple[Callable[..., Any], Callable[[TrafficRecord], Any]]] = {
    "receive_time": (_parse_time, lambda r: int(r.time)),
    "time_generated": (_parse_time, lambda r: int(r.time)),
    "addr.src": (lambda v: str(ipaddress.ip_address(v)), COLUMNS["src"]),
    "addr.dst": (lambda v: str(ipaddress.ip_address(v)), COLUMNS["dst"]),
    **{field: (str.casefold, _folded(COLUMNS[column])) for field, column in (
        ("user.src", "srcuser"), ("app", "app"), ("action", "action"), ("rule", "rule"),
        ("zone.src", "from"), ("zone.dst", "to"), ("vsys", "vsys"), ("proto", "proto"))},
    **{field: (int, VALUES[field]) for field in ("bytes", "bytes_sent", "bytes_received")},
    "port.dst": (int, operator.attrgetter("port")),
}
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {"eq": operator.eq, "neq": operator.ne, "geq": operator.ge, "leq": operator.le}


def _query_atom(parser: policy.ExpressionParser, zone: tzinfo) -> policy.Predicate:
    field, op, value = parser.next(), parser.next(), parser.next()
    if field.kind != "word" or field.text.lower() not in QUERY_FIELDS:
        raise ValueError(f"unknown field {field.text!r}")
    if op.kind != "word" or value.kind not in ("word", "quoted"):
        raise ValueError(f"expected an operator and a value after {field.text!r}")
    parse, getter = QUERY_FIELDS[field.text.lower()]
    op_name = op.text.lower()
    if op_name in ("in", "notin") and field.text.lower().startswith("addr."):
        network = ipaddress.ip_network(value.text, strict=False)
        wanted = op_name == "in"
        if network.num_addresses == 1:  # the common case, without parsing every record's address
            single = str(network.network_address)
            return lambda record: (getter(record) == single) == wanted
        return lambda record: (ipaddress.ip_address(getter(record)) in network) == wanted
    if op_name not in COMPARISONS:
        raise ValueError(f"unknown operator {op.text!r} for {field.text!r}")
    target = parse(value.text, zone) if parse is _parse_time else parse(value.text)
    compare = COMPARISONS[op_name]
    return lambda record: compare(getter(record), target)


@functools.lru_cache(maxsize=256)
def compile_query(text: str, zone: tzinfo = timezone.utc) -> policy.Predicate:
    """A predicate on TrafficRecord for a log query (its times local in ``zone``); ValueError when it does not parse."""
    return policy.ExpressionParser(text, functools.partial(_query_atom, zone=zone)).parse()


# -- replies ----------------------------------------------------------------------------------------
def _find_job(state: Any, params: dict[str, str], job_type: str, missing: str) -> Any:
    """The job named by ``job-id``; ApiError when there is none of this type."""
    text = params.get("job-id", "").strip()
    job = state.jobs.get(int(text)) if text.isdigit() else None
    if job is None or job.type != job_type:
        raise ApiError(None, f"{missing}: {text}")
    return job


def _job_reply(state: Any, params: dict[str, str], job_type: str, missing: str) -> etree._Element:
    """``action=get``: the job's status and, once FIN, its payload."""
    job = state.poll_job(_find_job(state, params, job_type, missing).id)
    reply = success()
    result = reply.find("result")
    summary = etree.SubElement(result, "job")
    clock = state.local_time(job.tenq)[11:]
    for tag, value in (("tenq", clock), ("tdeq", clock), ("tlast", state.local_time(job.tfin or state.clock.now())[11:]),
                       ("status", job.status), ("id", str(job.id))):
        etree.SubElement(summary, tag).text = value
    if job.status == "FIN" and job.payload is not None:
        result.append(job.payload)
    return reply


# -- reports ----------------------------------------------------------------------------------------
def _saved_report(state: Any, name: str, vsys: str) -> etree._Element | None:
    scopes = [state.vsys_root(state.running, vsys), state.running.find("shared")]
    return next((e for scope in scopes if scope is not None for e in scope.iterfind("reports/entry") if e.get("name") == name), None)


def _period(period: str, now: float, bucketed: bool) -> tuple[int, int]:
    """[start, end) of a report period; summary data ends at the last complete bucket."""
    if period == "last-calendar-day":
        end = int(now) // DAY * DAY
        return end - DAY, end
    if period not in ROLLING_PERIODS:
        raise ValueError(f"period {period} is not supported")
    end = int(now) // BUCKET * BUCKET if bucketed else int(now)
    return end - ROLLING_PERIODS[period], end


def _members(parent: etree._Element, tag: str) -> list[str]:
    return [m.text.strip() for m in parent.iterfind(f"{tag}/member") if m.text and m.text.strip()]


def _aggregate(records: list[TrafficRecord], keys: list[str], values: list[str]) -> dict[tuple[str, ...], list[int]]:
    key_getters = [COLUMNS[k] for k in keys]
    value_getters = list(enumerate(VALUES[v] for v in values))
    groups: dict[tuple[str, ...], list[int]] = {}
    for record in records:
        key = tuple(get(record) for get in key_getters)
        sums = groups.get(key)
        if sums is None:
            sums = groups[key] = [0] * len(values)
        for index, get in value_getters:
            sums[index] += get(record)
    return groups


def build_report(state: Any, definition: etree._Element, vsys: str) -> etree._Element:
    """The ``<report>`` a saved custom report gives now; ValueError for what is not supported."""
    database = definition.find("type/*")
    if database is None:
        raise ValueError(f"report {definition.get('name')} has no type")
    keys, values = _members(database, "aggregate-by"), _members(database, "values")
    unknown = [c for c in keys if c not in COLUMNS] + [v for v in values if v not in VALUES]
    if unknown:
        raise ValueError(f"report column {unknown[0]} is not supported")
    sortby = database.findtext("sortby") or (values[0] if values else "")
    if sortby and sortby not in keys + values:
        raise ValueError(f"sortby {sortby} is not a column of the report")
    topn = _count(definition.findtext("topn") or DEFAULT_TOPN, "topn")
    now = state.clock.now()
    start, end = _period(definition.findtext("period") or "last-24-hrs", now, bucketed=database.tag != "traffic")
    query = definition.findtext("query")
    predicate = compile_query(query, state.zone()) if query and query.strip() else None

    rows: list[tuple[tuple[str, ...], list[int]]] = []
    if database.tag in SUMMARY_DATABASES:
        records = [r for r in state.traffic.between(start, end) if r.vsys == vsys and (predicate is None or predicate(r))]
        rows = list(_aggregate(records, keys, values).items())
    if sortby in values:
        column = values.index(sortby)
        rows.sort(key=lambda row: (-row[1][column], row[0]))
    elif sortby:
        column = keys.index(sortby)
        rows.sort(key=lambda row: (row[0][column], row[0]))

    report = etree.Element("report", name=definition.get("name", ""), logtype=database.tag)
    for attr, epoch in (("start", start), ("end", end - 1), ("generated-at", int(now))):
        report.set(attr, state.local_time(epoch))
        report.set(f"{attr}-epoch", str(epoch))
    for key, sums in rows[:topn]:
        entry = etree.SubElement(report, "entry")
        for name, text in zip(keys + values, list(key) + [str(s) for s in sums]):
            etree.SubElement(entry, name).text = text or None  # an unknown user is an empty element
    return report


def handle_report(state: Any, params: dict[str, str], admin: str = "admin") -> etree._Element:
    """``type=report``: enqueue a custom report, or ``action=get`` a report job."""
    if params.get("action") == "get":
        return _job_reply(state, params, "Report", "No such report job")
    reporttype, name = params.get("reporttype"), params.get("reportname")
    if reporttype != "custom":
        raise ApiError(None, f"reporttype {reporttype} is not supported by the emulator (only custom)")
    if not name:
        raise ApiError(None, "reportname is missing")
    vsys = params.get("vsys") or "vsys1"
    try:
        definition = _saved_report(state, name, vsys)
        if definition is None:
            raise ApiError(None, f"Report {name} not found")
        report = build_report(state, definition, vsys)
    except ValueError as exc:
        raise ApiError(None, str(exc)) from None
    return job_enqueued("Report", state.add_job("Report", admin, report))


# -- logs -------------------------------------------------------------------------------------------
def _int_param(params: dict[str, str], name: str, default: int, low: int, high: int | None) -> int:
    text = params.get(name, "").strip() or str(default)
    if not text.isdigit() or int(text) < low or (high is not None and int(text) > high):
        raise ValueError(f"{name} must be an integer from {low}" + (f" to {high}" if high is not None else ""))
    return int(text)


def _log_entry(state: Any, record: TrafficRecord) -> etree._Element:
    entry = etree.Element("entry", logid=str(record.logid))
    stamp = state.local_time(record.time)
    fields = (
        ("receive_time", stamp), ("time_generated", stamp), ("type", "TRAFFIC"),
        ("subtype", "end" if record.action == policy.ALLOW else "deny"), ("src", record.src), ("dst", record.dst),
        ("srcuser", record.srcuser), ("rule", record.rule), ("app", record.app), ("from", record.from_zone),
        ("to", record.to_zone), ("vsys", record.vsys), ("proto", record.protocol), ("dport", str(record.port)),
        ("sessionid", str(record.logid)), ("bytes", str(record.total_bytes)), ("bytes_sent", str(record.bytes_sent)),
        ("bytes_received", str(record.bytes_received)), ("action", record.action),
    )
    for tag, text in fields:
        etree.SubElement(entry, tag).text = text or None
    return entry


def handle_log(state: Any, params: dict[str, str], admin: str = "admin") -> etree._Element:
    """``type=log``: enqueue a log query, ``action=get`` its page or ``action=finish`` it."""
    action = params.get("action")
    if action == "get":
        return _job_reply(state, params, "Log", "No such query job")
    if action == "finish":
        job = _find_job(state, params, "Log", "No such query job")
        del state.jobs[job.id]
        msg = etree.Element("msg")
        msg.text = f"Job {job.id} finished"
        return success(msg)
    log_type = params.get("log-type", "")
    if log_type not in LOG_TYPES:
        raise ApiError(None, f"Invalid log-type {log_type}")
    direction = params.get("dir", "backward")
    if direction not in ("backward", "forward"):
        raise ApiError(None, "dir must be backward or forward")
    try:
        nlogs = _int_param(params, "nlogs", DEFAULT_NLOGS, 1, MAX_NLOGS)
        skip = _int_param(params, "skip", 0, 0, None)
    except ValueError as exc:
        raise ApiError(None, str(exc)) from None
    query = params.get("query", "").strip()
    try:
        predicate = compile_query(query, state.zone()) if query else None
    except ValueError as exc:
        raise ApiError(None, f"Invalid query: {exc}") from None
    records = state.traffic.records if log_type == "traffic" else []
    matching = [r for r in records if predicate is None or predicate(r)]
    if direction == "backward":
        matching.reverse()
    page = matching[skip:skip + nlogs]
    log = etree.Element("log")
    logs = etree.SubElement(log, "logs", count=str(len(page)), progress="100")
    logs.extend(_log_entry(state, record) for record in page)
    return job_enqueued("query", state.add_job("Log", admin, log), code=19)
