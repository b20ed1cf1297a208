"""External Dynamic Lists: the firewall fetches each list from its source and enforces the last good copy.

What the emulator does, with its public sources:

- Objects: ``external-list/entry`` of a vsys or ``shared``, PAN-OS 8.0+ layout ``type/<ip|domain|url>/``
  with ``url``, ``certificate-profile``, ``auth/username``, ``auth/password``, ``recurring/<five-minute|
  hourly|daily|weekly|monthly>``, ``exception-list`` (pan-os-python ``objects.Edl``).
- Fetching: after a commit that adds or changes a list, at its recurring interval on the emulator's
  clock, and on ``request system external-list refresh type <t> name <n>`` (XSOAR ``pan-os-refresh-edl``;
  PowerPAN). An HTTPS source is verified against the CA certificates of its certificate profile
  (``certificate-profile/entry/CA/entry`` naming ``certificate/entry`` whose ``public-key`` holds the
  PEM); without a profile the server is not verified (PAN-OS 8.0 new features, "Authentication for
  External Dynamic Lists"). ``auth`` is sent as HTTP basic authentication.
- Outcomes (PAN-OS 11.1 admin guide, "External Dynamic List"): an unreachable server or a failed
  fetch keeps the last good copy ("Unable to fetch external list. Using old copy for refresh."); an
  authentication failure (HTTP 401/403) stops enforcing the list.
- Lines (formatting guidelines): IP lists take an address, network or range then a blank and an
  optional comment; domain and URL lists one entry per line. Invalid lines are counted, not enforced.
- ``request system external-list show type <t> name <n> [anchor] [num-records]`` answers as a device
  was measured to answer (public collector code citing the reply): ``<result total-count count>``
  holding ``<external-list>`` with ``vsys``, ``name``, ``total-valid``, ``total-ignored``,
  ``total-invalid`` and ``valid-members/member`` (100 by default, ``anchor`` 1-based).
  The emulator adds ``last-fetch`` and ``status`` (``ok``, ``fetch-failed``, ``auth-failed``,
  ``never``), and ``message``: a real device reports these in its System log and web interface.
"""

from __future__ import annotations

import base64
import ipaddress
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from .state import ApiError, success

TYPES = ("ip", "domain", "url")
INTERVALS = {"five-minute": 300, "hourly": 3600, "daily": 86400, "weekly": 7 * 86400, "monthly": 30 * 86400}
DEFAULT_RECORDS = 100
FETCH_TIMEOUT = 10.0
OLD_COPY = "Unable to fetch external list. Using old copy for refresh."


@dataclass
class ListCopy:
    """One list as the firewall holds it."""

    source: str
    entries: list[str] = field(default_factory=list)
    invalid: int = 0
    fetched: float | None = None  # the last successful fetch (emulator clock)
    status: str = "never"
    message: str = ""
    due: float = 0.0

    @property
    def enforced(self) -> list[str]:
        return [] if self.status == "auth-failed" else self.entries


def configured(state: Any, vsys: str) -> dict[str, etree._Element]:
    """name -> ``type/<t>`` element of the lists in the running config (a vsys list hides a shared one)."""
    lists: dict[str, etree._Element] = {}
    scopes = [state.running.find("shared"), state.vsys_root(state.running, vsys)]
    for scope in scopes:
        if scope is None:
            continue
        for entry in scope.iterfind("external-list/entry"):
            kind = entry.find("type")
            if kind is not None and len(kind) and kind[0].tag in TYPES:
                lists[entry.get("name", "")] = kind[0]
    return lists


def _interval(kind: etree._Element) -> float:
    recurring = kind.find("recurring")
    if recurring is None or not len(recurring):
        return INTERVALS["hourly"]
    return INTERVALS.get(recurring[0].tag, INTERVALS["hourly"])


def _ca_pems(state: Any, vsys: str, profile_name: str) -> str | None:
    scopes = [s for s in (state.running.find("shared"), state.vsys_root(state.running, vsys)) if s is not None]
    profile = next((p for s in scopes for p in s.iterfind("certificate-profile/entry") if p.get("name") == profile_name),
                   None)
    if profile is None:
        return None
    names = {ca.get("name") for ca in profile.iterfind("CA/entry")}
    pems = [c.findtext("public-key") or "" for s in scopes for c in s.iterfind("certificate/entry")
            if c.get("name") in names]
    return "\n".join(pems) if pems else None


def _context(state: Any, vsys: str, kind: etree._Element) -> ssl.SSLContext:
    profile = kind.findtext("certificate-profile")
    if not profile:
        return ssl._create_unverified_context()  # pylint: disable=protected-access  # PAN-OS: no profile, no check
    pems = _ca_pems(state, vsys, profile)
    if not pems:  # a profile without CA certificates trusts nobody: every server fails verification
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return ssl.create_default_context(cadata=pems)


def _read(state: Any, vsys: str, kind: etree._Element) -> bytes:
    source = kind.findtext("url") or ""
    request = urllib.request.Request(source, headers={"User-Agent": "PAN-OS"})
    username = kind.findtext("auth/username")
    if username:
        token = base64.b64encode(f"{username}:{kind.findtext('auth/password') or ''}".encode()).decode()
        request.add_header("Authorization", "Basic " + token)
    context = _context(state, vsys, kind) if source.lower().startswith("https://") else None
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT, context=context) as reply:  # noqa: S310
        return reply.read()


def valid_line(list_type: str, word: str) -> bool:
    if list_type == "ip":
        try:
            if "-" in word:
                low, high = (ipaddress.ip_address(part) for part in word.split("-", 1))
                return low.version == high.version and low <= high  # type: ignore[operator]
            ipaddress.ip_network(word, strict=False)
            return True
        except ValueError:
            return False
    from . import urlcat  # pylint: disable=import-outside-toplevel
    if list_type == "domain" and ("/" in word or "*" in word[1:]):
        return False
    return urlcat.entry_error(word) is None


def parse(list_type: str, text: str) -> tuple[list[str], int]:
    entries, invalid = [], 0
    for line in text.splitlines():
        words = line.split() if list_type == "ip" else [line.strip()] if line.strip() else []
        if not words:
            continue
        if valid_line(list_type, words[0]):
            entries.append(words[0] if list_type == "ip" else words[0].lower())
        else:
            invalid += 1
    return entries, invalid


def domain_listed(host: str, entries: list[str] | None) -> bool:
    """A domain list entry matches its domain; ``*.d`` its subdomains; ``^`` one label (formatting guidelines)."""
    labels = host.lower().split(".")
    for entry in entries or []:
        tokens = entry.split(".")
        if tokens[0] == "*":
            if len(labels) > len(tokens) - 1 and labels[-(len(tokens) - 1):] == tokens[1:]:
                return True
        elif len(tokens) == len(labels) and all(t in ("^", label) for t, label in zip(tokens, labels)):
            return True
    return False


class EdlStore:
    """(vsys, name) -> ListCopy; fetched on commit, when due on the clock, and on refresh."""

    def __init__(self) -> None:
        self.copies: dict[tuple[str, str], ListCopy] = {}
        self.fetches = 0

    def fetch(self, state: Any, vsys: str, name: str, kind: etree._Element) -> ListCopy:
        copy = self.copies.get((vsys, name))
        source = kind.findtext("url") or ""
        if copy is None or copy.source != source:
            copy = self.copies[(vsys, name)] = ListCopy(source)
        now = state.now()
        copy.due = now + _interval(kind)
        self.fetches += 1
        try:
            body = _read(state, vsys, kind)
        except urllib.error.HTTPError as exc:
            copy.status, copy.message = ("auth-failed", f"authentication failed (HTTP {exc.code}): the list is not "
                                         "enforced") if exc.code in (401, 403) else ("fetch-failed", f"{OLD_COPY} "
                                                                                     f"(HTTP {exc.code})")
            return copy
        except (OSError, ValueError) as exc:  # unreachable, TLS not verified, timeout
            copy.status, copy.message = "fetch-failed", f"{OLD_COPY} ({exc})"
            return copy
        copy.entries, copy.invalid = parse(kind.tag, body.decode("utf-8", errors="replace"))
        copy.fetched, copy.status, copy.message = now, "ok", ""
        return copy

    def after_commit(self, state: Any) -> None:
        """Fetch the lists a commit added or pointed elsewhere; forget the removed ones."""
        for vsys in [e.get("name", "") for e in state.running.iterfind("devices/entry/vsys/entry")]:
            lists = configured(state, vsys)
            for key in [k for k in self.copies if k[0] == vsys and k[1] not in lists]:
                del self.copies[key]
            for name, kind in lists.items():
                copy = self.copies.get((vsys, name))
                if copy is None or copy.source != (kind.findtext("url") or ""):
                    self.fetch(state, vsys, name, kind)

    def tick(self, state: Any, now: float) -> None:
        """Fetch every list whose interval has passed on the emulator's clock."""
        for (vsys, name), copy in list(self.copies.items()):
            if copy.due <= now:
                kind = configured(state, vsys).get(name)
                if kind is not None:
                    self.fetch(state, vsys, name, kind)

    def entries(self, state: Any, vsys: str, name: str, list_type: str) -> list[str] | None:
        """The enforced entries of list ``name`` of ``list_type`` (None: no such list)."""
        kind = configured(state, vsys).get(name)
        if kind is None or kind.tag != list_type:
            return None
        self.tick(state, state.now())
        copy = self.copies.get((vsys, name))
        return copy.enforced if copy is not None else []


def _target(cmd: etree._Element) -> tuple[str, str]:
    kind = cmd.find("type")
    if kind is None or not len(kind) or kind[0].tag not in TYPES:
        raise ApiError(17, f" {cmd.tag} -> type is incomplete", cdata=True)
    name = kind[0].findtext("name")
    if not name:
        raise ApiError(17, f" {kind[0].tag} -> name is incomplete", cdata=True)
    return kind[0].tag, name


def _known(state: Any, vsys: str, list_type: str, name: str) -> etree._Element:
    kind = configured(state, vsys).get(name)
    if kind is None or kind.tag != list_type:
        raise ApiError(17, f"{name} is invalid name.Current target-vsys is {vsys}", cdata=True)
    return kind


def show(state: Any, cmd: etree._Element, vsys: str) -> etree._Element:
    list_type, name = _target(cmd)
    _known(state, vsys, list_type, name)
    state.edl.tick(state, state.now())
    copy = state.edl.copies.get((vsys, name)) or ListCopy("")
    options = cmd.find("type")[0]
    anchor = int(options.findtext("anchor") or 1)
    records = int(options.findtext("num-records") or DEFAULT_RECORDS)
    result = etree.Element("result", {"total-count": str(len(copy.enforced)), "count": str(records)})
    listing = etree.SubElement(result, "external-list")
    fields = {"vsys": vsys, "name": name, "total-valid": str(len(copy.enforced)), "total-ignored": "0",
              "total-invalid": str(copy.invalid), "status": copy.status, "message": copy.message,
              "last-fetch": state.local_time(copy.fetched) if copy.fetched is not None else ""}
    for tag, text in fields.items():
        etree.SubElement(listing, tag).text = text
    members = etree.SubElement(listing, "valid-members")
    for entry in copy.enforced[anchor - 1:anchor - 1 + records]:
        etree.SubElement(members, "member").text = entry
    root = success()
    root.append(result)
    return root


def refresh(state: Any, cmd: etree._Element, vsys: str) -> etree._Element:
    list_type, name = _target(cmd)
    state.edl.fetch(state, vsys, name, _known(state, vsys, list_type, name))
    root = success()
    etree.SubElement(root, "result").text = "EDL refresh job enqueued"
    return root
