"""Everything the emulated firewall knows, behind one lock.

The server holds ``state.lock`` around every request; helpers here assume the caller does.
Times are epoch seconds on the emulator clock; local times follow the timezone of the running config
(``deviceconfig/system/timezone``, as a firewall's do), UTC when none is set.
"""

from __future__ import annotations

import copy
import functools
import ipaddress
import math
import threading
import time
import uuid
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timezone, tzinfo
from typing import Any, Callable

from lxml import etree

from .models import Device

DEVICE = "devices/entry[@name='localhost.localdomain']"
LOCAL_FORMAT = "%Y/%m/%d %H:%M:%S"
# A job stays ACT until it has been polled once, or for this long in wall-clock time.
JOB_WALL_SECONDS = 0.5
# Attributes the candidate config carries on changed nodes; never part of the running config.
DIRTY_ATTRIBUTES = ("admin", "dirtyId", "time")
# A node's location in a config tree: (tag, name attribute or None) from the root <config> down.
ConfigPath = tuple[tuple[str, str | None], ...]
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)


CONFIG_LOCKED = "Configuration is locked by"
# The detail line of a job that ended OK, by job type (the Validate text is the emulator's).
DONE_DETAILS = {"Commit": "Configuration committed successfully", "Validate": "Configuration is valid"}
# The emulator's text for a request whose vsys does not exist (not confirmed on a firewall).
NO_SUCH_VSYS = "Invalid vsys name:"


class ApiError(Exception):
    """An XML API error reply; handlers raise it and the server answers with ``reply()``.

    Most errors read ``<response status="error" code="N"><msg><line>TEXT</line></msg></response>``;
    authentication and bad-request errors (``in_result``) put ``<msg>`` inside ``<result>``.
    """

    def __init__(self, code: int | None, message: str, http_status: int = 200, in_result: bool = False,
                 cdata: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.http_status = http_status
        self.in_result = in_result
        self.cdata = cdata

    def reply(self) -> etree._Element:
        root = response("error", self.code)
        text: Any = etree.CDATA(self.message) if self.cdata else self.message
        if self.in_result:
            etree.SubElement(etree.SubElement(root, "result"), "msg").text = text
        else:
            etree.SubElement(etree.SubElement(root, "msg"), "line").text = text
        return root


def response(status: str = "success", code: int | None = None) -> etree._Element:
    """A bare ``<response>`` root; ``status`` comes first, as PAN-OS writes it."""
    root = etree.Element("response", status=status)
    if code is not None:
        root.set("code", str(code))
    return root


def success(*children: etree._Element, code: int | None = None) -> etree._Element:
    """``<response status="success"><result>children</result></response>``."""
    root = response("success", code)
    result = etree.SubElement(root, "result")
    result.extend(children)
    return root


def job_enqueued(kind: str, job_id: int, code: int | None = None) -> etree._Element:
    """``<result><msg><line>KIND job enqueued with jobid N</line></msg><job>N</job></result>``."""
    msg = etree.Element("msg")
    etree.SubElement(msg, "line").text = f"{kind} job enqueued with jobid {job_id}"
    job = etree.Element("job")
    job.text = str(job_id)
    return success(msg, job, code=code)


def parse_xml(text: str | bytes, what: str = "cmd") -> etree._Element:
    """Parse a request parameter; clients may send an XML declaration, so parse bytes.

    Malformed XML is the API's code 18."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ApiError(18, f"Malformed Request: {what}: {exc}") from None


class Clock:
    """Real time plus an offset that only grows."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@functools.lru_cache(maxsize=64)
def zone_named(name: str | None) -> tzinfo:
    """A timezone setting as a zone: UTC for none, or for a name this machine's zone database lacks."""
    try:
        return zoneinfo.ZoneInfo(name.strip()) if name and name.strip() else timezone.utc
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.utc


@functools.lru_cache(maxsize=1 << 16)
def address_range(key: str) -> tuple[int, int, int]:
    """(IP version, first, last address as integers) of a registered-IP key: an address, ``a.b.c.d/n`` or ``a-b``."""
    if "-" in key:
        low, high = (ipaddress.ip_address(part) for part in key.split("-", 1))
        return low.version, int(low), int(high)
    if "/" in key:
        network = ipaddress.ip_network(key)
        return network.version, int(network.network_address), int(network.broadcast_address)
    address = ipaddress.ip_address(key)
    return address.version, int(address), int(address)


@dataclass
class IPRegistration:
    """The tags of one registered IP: tag -> expiry epoch (None = never)."""

    tags: dict[str, float | None] = field(default_factory=dict)
    persistent: bool = True
    from_agent: bool = False  # learnt from a redistribution agent (panorama.py), not registered here


@dataclass
class Mapping:
    """One IP-user mapping learnt through the XML API (login)."""

    user: str
    expiry: float | None
    vsys: str = "vsys1"
    timeout: int = 0  # minutes, as sent; 0 = never


class JobFailed(Exception):
    """Raised by a job's producer: the job ends FAIL with these detail lines."""

    def __init__(self, *lines: str) -> None:
        super().__init__("; ".join(lines))
        self.lines = list(lines)


@dataclass
class Job:
    """An asynchronous job (commit, report, log query)."""

    id: int
    type: str
    user: str
    tenq: float
    producer: Callable[[], etree._Element | None] | None
    payload: etree._Element | None = None
    description: str = ""
    details: list[str] = field(default_factory=list)
    result: str = "PEND"
    tfin: float | None = None
    polls: int = 0
    wall_enqueued: float = field(default_factory=time.monotonic)

    @property
    def status(self) -> str:
        return "ACT" if self.tfin is None else "FIN"

    @property
    def due(self) -> bool:
        return self.polls > 0 or time.monotonic() - self.wall_enqueued >= JOB_WALL_SECONDS


class EmulatorState:  # pylint: disable=too-many-instance-attributes
    """The firewall: config trees, User-ID data, jobs, traffic."""

    def __init__(self, hostname: str = "PA-EMU", lock: threading.RLock | None = None, device: Device | None = None) -> None:
        # The server passes its own lock so that a reset (a new state) keeps serialising requests.
        self.lock = lock or threading.RLock()
        self.clock = Clock()
        self._zone: tuple[etree._Element | None, tzinfo] = (None, timezone.utc)
        self.hostname = hostname
        self.device = device or Device()
        self.candidate: etree._Element = default_config(hostname)
        self.running: etree._Element = copy.deepcopy(self.candidate)
        # vsys -> (the running tree it was read from, its policy read for lookups): a firewall compiles
        # its policy at commit, so a lookup does not read every rule again (policy.RuleBase)
        self.compiled_policy: dict[str, tuple[etree._Element, Any]] = {}
        # vsys -> ip -> registration
        self.registered_ips: dict[str, dict[str, IPRegistration]] = {}
        # vsys -> user -> tag -> expiry epoch (None = never)
        self.registered_users: dict[str, dict[str, dict[str, float | None]]] = {}
        # ip -> mapping
        self.mappings: dict[str, Mapping] = {}
        # The earliest expiry of a tag or mapping that expire() has not dropped yet: until then
        # expire() has nothing to do, which keeps requests cheap with 100,000 registrations.
        # Everything that sets an expiry goes through will_expire().
        self.next_expiry = math.inf
        # Bumped by every User-ID message and every expiry scan: listings cached under an older
        # value are stale (see ops.show_registered_ip, which pages through a cached listing).
        self.registrations_changed = 0
        self.listing_cache: dict[tuple[object, ...], tuple[list[str], dict[str, set[str]]]] = {}
        # Registered IP sets (ranges, networks; PAN-OS 10.0+) per vsys, rebuilt when registrations change.
        self._ip_sets: tuple[tuple[object, ...], dict[str, list[tuple[int, int, str]]]] = ((), {})
        # group DN -> member user names
        self.groups: dict[str, list[str]] = {}
        self.jobs: dict[int, Job] = {}
        self._next_job = 1
        # Config change journal for partial commits: (admin, path of the changed node).
        self.changes: list[tuple[str, ConfigPath]] = []
        # Configuration locks (request config-lock add): admin -> comment. While another admin
        # holds one, an admin can neither change the candidate nor commit.
        self.config_locks: dict[str, str] = {}
        self.dirty_id = 0
        # On Panorama: serial -> the managed firewall's node (panorama.Node); None on a firewall.
        self.managed: dict[str, Any] | None = None
        # On a managed firewall: vsys -> the devices whose own IP-tag registrations it takes as a
        # redistribution client (panorama.redistribution_sources); None: it takes none.
        self.redistribution_sources: Callable[[str], list[EmulatorState]] | None = None
        self._view: tuple[tuple[object, ...], dict[str, IPRegistration]] = ((), {})
        # traffic.py imports this module, hence the late import.
        from . import traffic  # pylint: disable=import-outside-toplevel
        self.traffic = traffic.TrafficStore()
        self.simulation = traffic.Simulation()
        from .edl import EdlStore  # pylint: disable=import-outside-toplevel
        self.edl = EdlStore()

    # -- time -------------------------------------------------------------------------------
    def now(self) -> float:
        return self.clock.now()

    def zone(self) -> tzinfo:
        """The running config's timezone (``deviceconfig/system/timezone``); UTC when none is set or the
        name is unknown here (a real firewall accepts only the zones it knows)."""
        running = self.running
        if self._zone[0] is not running:  # the running config is replaced by each commit
            self._zone = (running, zone_named(running.findtext("devices/entry/deviceconfig/system/timezone")))
        return self._zone[1]

    def local(self, epoch: float | None = None) -> datetime:
        """The firewall's local time (aware, in :meth:`zone`)."""
        return datetime.fromtimestamp(self.now() if epoch is None else epoch, self.zone())

    def local_time(self, epoch: float | None = None) -> str:
        """PAN-OS local time text, ``YYYY/MM/DD HH:MM:SS``."""
        return self.local(epoch).strftime(LOCAL_FORMAT)

    def local_epoch(self, text: str) -> float:
        """The epoch of a local ``YYYY/MM/DD HH:MM:SS`` (how log queries and schedules give times)."""
        return datetime.strptime(text, LOCAL_FORMAT).replace(tzinfo=self.zone()).timestamp()

    def advance(self, seconds: float) -> None:
        """Move the clock forward, running the traffic simulation at every minute boundary."""
        if seconds < 0:
            raise ValueError("the emulator clock cannot go back")
        start = self.now()
        end = start + seconds
        minute = (int(start) // 60 + 1) * 60
        while minute <= end:
            self.clock.advance(minute - self.now())
            self.expire()
            self.edl.tick(self, float(minute))
            self.simulation.run_minute(self, float(minute))
            minute += 60
        self.clock.advance(end - self.now())
        self.expire()
        self.edl.tick(self, end)

    # -- User-ID ------------------------------------------------------------------------------
    @staticmethod
    def _alive(expiry: float | None, now: float) -> bool:
        return expiry is None or expiry > now

    def will_expire(self, expiry: float | None) -> float | None:
        """Note a new expiry (None = never) for :meth:`expire`; returns it."""
        if expiry is not None:
            self.next_expiry = min(self.next_expiry, expiry)
        return expiry

    def expire(self) -> None:
        """Drop tags, user tags and mappings whose time is up."""
        now = self.now()
        if now < self.next_expiry:
            return
        self.registrations_changed += 1
        for ips in self.registered_ips.values():
            for ip in list(ips):
                reg = ips[ip]
                reg.tags = {tag: exp for tag, exp in reg.tags.items() if self._alive(exp, now)}
                if not reg.tags:
                    del ips[ip]
        for users in self.registered_users.values():
            for user in list(users):
                users[user] = {tag: exp for tag, exp in users[user].items() if self._alive(exp, now)}
                if not users[user]:
                    del users[user]
        for ip in [ip for ip, m in self.mappings.items() if not self._alive(m.expiry, now)]:
            del self.mappings[ip]
        self.next_expiry = min(
            [exp for ips in self.registered_ips.values() for reg in ips.values() for exp in reg.tags.values() if exp is not None]
            + [exp for users in self.registered_users.values() for tags in users.values() for exp in tags.values() if exp is not None]
            + [m.expiry for m in self.mappings.values() if m.expiry is not None], default=math.inf)

    def own_tags(self, key: str, vsys: str = "vsys1") -> set[str]:
        """Current (unexpired) tags registered on this very key (an address or an IP set)."""
        return self._alive_tags(self.registered_ips.get(vsys, {}).get(key))

    def _alive_tags(self, reg: IPRegistration | None) -> set[str]:
        if reg is None:
            return set()
        now = self.now()
        return {tag for tag, exp in reg.tags.items() if self._alive(exp, now)}

    def registrations_version(self, vsys: str = "vsys1") -> tuple[object, ...]:
        """Changes whenever :meth:`registrations` may answer differently: a User-ID message or an expiry here
        or on a redistribution source, or a commit here (which may add or drop a source)."""
        sources = self.redistribution_sources(vsys) if self.redistribution_sources else []
        for source in sources:
            source.expire()
        return (vsys, self.registrations_changed, id(self.running), *(s.registrations_changed for s in sources))

    def registrations(self, vsys: str = "vsys1") -> dict[str, IPRegistration]:
        """The IP-tag registrations this device enforces in a vsys: its own, and on a redistribution client
        those registered on each source (their own only: IP-tag mappings travel one hop), tags merged."""
        own = self.registered_ips.get(vsys, {})
        if self.redistribution_sources is None:
            return own
        version = self.registrations_version(vsys)
        if self._view[0] != version:
            merged: dict[str, IPRegistration] = {}
            for source in self.redistribution_sources(vsys):
                for ip, reg in source.registered_ips.get("vsys1", {}).items():
                    alive = {tag: reg.tags[tag] for tag in source._alive_tags(reg)}  # expiry on the source's clock
                    if alive:
                        mine = merged.setdefault(ip, IPRegistration(persistent=reg.persistent, from_agent=True))
                        mine.tags.update(alive)
            for ip, reg in own.items():
                mine = merged.setdefault(ip, IPRegistration(persistent=reg.persistent))
                mine.from_agent = False
                mine.tags.update(reg.tags)
            self._view = (version, merged)
        return self._view[1]

    def registered_count(self) -> int:
        """Registered IP objects on the device; an IP set counts as one (as PAN-OS counts against capacity)."""
        return sum(len(ips) for ips in self.registered_ips.values())

    def _sets(self, vsys: str) -> list[tuple[int, int, str]]:
        stamp = self.registrations_version(vsys)
        if self._ip_sets[0] != stamp:
            found = [(*address_range(key)[1:], key) for key in self.registrations(vsys) if "/" in key or "-" in key]
            self._ip_sets = (stamp, {vsys: found})
        return self._ip_sets[1][vsys]

    def ip_tags(self, key: str, vsys: str = "vsys1") -> set[str]:
        """Current tags of an address (or IP set): its own and those inherited from registered IP sets holding it."""
        registrations = self.registrations(vsys)
        tags = self._alive_tags(registrations.get(key))
        sets = self._sets(vsys)
        if sets:
            version, low, high = address_range(key)
            for first, last, other in sets:
                if other != key and version == 4 and first <= low and high <= last:
                    tags |= self._alive_tags(registrations.get(other))
        return tags

    def tagged_ips(self, vsys: str = "vsys1", tag: str | None = None) -> dict[str, set[str]]:
        """ip -> current tags, for every registered IP of a vsys (only those holding ``tag`` when given)."""
        now = self.now()
        result = {}
        for ip, reg in self.registrations(vsys).items():
            if tag is not None and not self._alive(reg.tags.get(tag, 0.0), now):
                continue
            tags = {name for name, exp in reg.tags.items() if self._alive(exp, now)}
            if tags:
                result[ip] = tags
        return result

    def user_tags(self, user: str, vsys: str = "vsys1") -> set[str]:
        """Current (unexpired) User-ID tags of a user (register-user); user names compare without regard to case."""
        users = self.registered_users.get(vsys, {})
        tags = users.get(user)
        if tags is None:
            wanted = user.casefold()
            tags = next((t for name, t in users.items() if name.casefold() == wanted), {})
        now = self.now()
        return {tag for tag, exp in tags.items() if self._alive(exp, now)}

    def user_for_ip(self, ip: str) -> str | None:
        mapping = self.mappings.get(ip)
        if mapping is None or not self._alive(mapping.expiry, self.now()):
            return None
        return mapping.user

    def groups_for_user(self, user: str) -> set[str]:
        """Groups listing the user; PAN-OS compares user names without regard to case."""
        wanted = user.lower()
        return {group for group, members in self.groups.items() if wanted in (m.lower() for m in members)}

    # -- jobs ---------------------------------------------------------------------------------
    def add_job(self, job_type: str, user: str, result: etree._Element | Callable[[], etree._Element | None] | None,
                description: str = "") -> int:
        """Enqueue a job. ``result`` is the payload, or a callable run when the job finishes
        that returns the payload (or None) and may raise JobFailed."""
        job_id = self._next_job
        self._next_job += 1
        if callable(result):
            job = Job(job_id, job_type, user, self.now(), result, description=description)
        else:
            job = Job(job_id, job_type, user, self.now(), None, payload=result, description=description)
        self.jobs[job_id] = job
        return job_id

    def _finish(self, job: Job) -> None:
        try:
            if job.producer is not None:
                job.payload = job.producer()
            job.result = "OK"
        except JobFailed as exc:
            job.result = "FAIL"
            job.details = exc.lines
        if job.result == "OK" and not job.details and job.type in DONE_DETAILS:
            job.details = [DONE_DETAILS[job.type]]
        job.tfin = self.now()

    def poll_job(self, job_id: int) -> Job | None:
        """The job as a client polling it sees it: ACT on the first poll, then FIN."""
        job = self.jobs.get(job_id)
        if job is None:
            return None
        if job.tfin is None and job.due:
            self._finish(job)
        job.polls += 1
        return job

    def settle_jobs(self) -> None:
        """Finish jobs whose wall time is up, so that a stale commit does not block the next."""
        for job in self.jobs.values():
            if job.tfin is None and time.monotonic() - job.wall_enqueued >= JOB_WALL_SECONDS:
                self._finish(job)

    def active_job(self, job_type: str) -> Job | None:
        self.settle_jobs()
        return next((j for j in self.jobs.values() if j.type == job_type and j.tfin is None), None)

    def job_element(self, job: Job) -> etree._Element:
        """``<job>`` as ``show jobs id`` answers it."""
        elem = etree.Element("job")
        done = job.tfin is not None
        fields = [
            ("tenq", self.local_time(job.tenq)),
            ("tdeq", self.local_time(job.tenq)[11:]),
            ("id", str(job.id)),
            ("user", job.user),
            ("type", job.type),
            ("status", job.status),
            ("queued", "NO"),
            ("stoppable", "no"),
            ("result", job.result),
            ("tfin", self.local_time(job.tfin)[11:] if job.tfin is not None else "Still Active"),
            ("description", job.description),
            ("positionInQ", "0"),
            ("progress", "100" if done else "10"),
        ]
        for tag, text in fields:
            etree.SubElement(elem, tag).text = text
        details = etree.SubElement(elem, "details")
        for line in job.details:
            etree.SubElement(details, "line").text = line
        etree.SubElement(elem, "warnings")
        return elem

    # -- config -------------------------------------------------------------------------------
    @staticmethod
    def vsys_root(tree: etree._Element, vsys: str = "vsys1") -> etree._Element:
        """The vsys entry of that name; a name is compared, never put into an xpath."""
        for entry in tree.iterfind(f"{DEVICE}/vsys/entry"):
            if entry.get("name") == vsys:
                return entry
        raise KeyError(f"no vsys {vsys}")

    def check_vsys(self, vsys: str) -> None:
        """Refuse a request's ``vsys`` that names no vsys of the running config (any text, taken literally)."""
        try:
            self.vsys_root(self.running, vsys)
        except KeyError:
            raise ApiError(None, f"{NO_SUCH_VSYS} {vsys}") from None

    def check_config_lock(self, admin: str) -> None:
        """Refuse a change or a commit by ``admin`` while another admin holds a config lock."""
        holders = sorted(holder for holder in self.config_locks if holder != admin)
        if holders:
            raise ApiError(13, f"{CONFIG_LOCKED} {holders[0]}")

    def load_config(self, config: etree._Element) -> None:
        """Replace candidate and running (test set-up), forgetting pending changes; rules without a uuid get one."""
        self.running = strip_dirty(copy.deepcopy(config))
        for rule in self.running.iterfind(".//rules/entry"):
            if not rule.get("uuid"):
                rule.set("uuid", str(uuid.uuid4()))
        self.candidate = copy.deepcopy(self.running)
        self.edl.after_commit(self)
        self.changes.clear()


def strip_dirty(tree: etree._Element) -> etree._Element:
    """Remove the change marks that only the candidate shows; returns the tree."""
    for elem in tree.iter():
        for name in DIRTY_ATTRIBUTES:
            elem.attrib.pop(name, None)
    return tree


def default_config(hostname: str = "PA-EMU") -> etree._Element:
    """A fresh firewall: one vsys with zones trust and untrust and an empty rulebase."""
    config = etree.Element("config", version="10.2.0", urldb="paloaltonetworks")
    etree.SubElement(config, "mgt-config")
    etree.SubElement(config, "shared")
    device = etree.SubElement(etree.SubElement(config, "devices"), "entry", name="localhost.localdomain")
    device.append(_network())
    system = etree.SubElement(etree.SubElement(device, "deviceconfig"), "system")
    etree.SubElement(system, "hostname").text = hostname
    vsys = etree.SubElement(etree.SubElement(device, "vsys"), "entry", name="vsys1")
    zones = etree.SubElement(vsys, "zone")
    for zone in ("trust", "untrust"):
        etree.SubElement(etree.SubElement(etree.SubElement(zones, "entry", name=zone), "network"), "layer3")
    rulebase = etree.SubElement(vsys, "rulebase")
    etree.SubElement(etree.SubElement(rulebase, "security"), "rules")
    for name in ("address", "address-group", "tag", "reports"):
        etree.SubElement(vsys, name)
    return config


def _network() -> etree._Element:
    """Two layer-3 interfaces (trust and untrust sides) in the default virtual router, with a default route."""
    return etree.fromstring(
        "<network><interface><ethernet>"
        "<entry name='ethernet1/1'><layer3><ip><entry name='198.51.100.2/24'/></ip></layer3></entry>"
        "<entry name='ethernet1/2'><layer3><ip><entry name='10.0.0.1/16'/></ip></layer3></entry>"
        "</ethernet></interface><virtual-router><entry name='default'>"
        "<interface><member>ethernet1/1</member><member>ethernet1/2</member></interface>"
        "<routing-table><ip><static-route><entry name='default-route'><destination>0.0.0.0/0</destination>"
        "<nexthop><ip-address>198.51.100.1</ip-address></nexthop><interface>ethernet1/1</interface>"
        "<metric>10</metric></entry></static-route></ip></routing-table></entry></virtual-router></network>")
