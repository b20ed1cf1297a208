"""Security policy evaluation and dynamic address group (DAG) filters.

DAG filters are quoted tag names ('quota' or "quota") combined with ``and``, ``or`` and
parentheses. PAN-OS does not document the precedence of ``and`` and ``or`` in a filter that mixes
them without parentheses; the emulator binds ``and`` tighter than ``or``, as boolean algebra does.
Unquoted tag names are refused (the web interface always quotes them).

Rules are read from the RUNNING config, first match wins, as on the firewall. The query fields of
``test security-policy-match`` that are left out match any value of the rule. A source user is matched
against user names, groups, the ``any``/``known-user``/``unknown`` keywords and dynamic user groups (DUGs:
users whose User-ID tags satisfy the DUG's filter; a DUG without members matches no user). A rule with a
``schedule`` applies only while the schedule is in force. ``category`` matches the session's URL categories:
the query's ``category`` (a query without one matches any), or the custom URL categories of a simulated
session's ``url`` (a session without a URL is not web traffic: only ``any`` matches it). Simplifications: the destination user is not evaluated,
``application-default`` accepts any port, and ``application_service`` in the reply names the application
and the service without expanding ports.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from . import edl
from . import schedule as schedules
from . import urlcat
from .state import ApiError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Predicate = Callable[[Any], bool]

PROTOCOLS = {"tcp": 6, "udp": 17, "sctp": 132}
# Services every firewall has without configuring them.
PREDEFINED_SERVICES = {"service-http": ("tcp", "80,8080"), "service-https": ("tcp", "443")}
ALLOW = "allow"
# Sessions repeat the same few addresses; parsing them is the bulk of the cost of 100k records.
parse_ip: Callable[[str], IPAddress] = functools.lru_cache(maxsize=1 << 16)(ipaddress.ip_address)


# -- boolean expressions, shared with the log query language --------------------------------------
@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "(", ")", "word" or "quoted"
    text: str  # quotes removed


_TOKEN = re.compile(r"""\s*(?:'(?P<sq>[^']*)'|"(?P<dq>[^"]*)"|(?P<paren>[()])|(?P<word>[^\s()'"]+))""")


def tokenize(text: str) -> list[Token]:
    """Split an expression into parentheses, quoted strings and bare words."""
    tokens: list[Token] = []
    pos, text = 0, text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ValueError(f"cannot parse {text[pos:].strip()!r}")
        if match["paren"]:
            tokens.append(Token(match["paren"], match["paren"]))
        elif match["word"] is not None:
            tokens.append(Token("word", match["word"]))
        else:
            tokens.append(Token("quoted", match["sq"] if match["sq"] is not None else match["dq"]))
        pos = match.end()
    return tokens


class ExpressionParser:
    """``or`` of ``and`` of atoms or parenthesised expressions; ``and`` binds tighter.

    ``atom(parser)`` reads one atom at ``parser.pos`` (advancing it) and returns its predicate.
    """

    LEVELS: tuple[tuple[str, Callable[[Iterator[bool]], bool]], ...] = (("or", any), ("and", all))

    def __init__(self, text: str, atom: Callable[[ExpressionParser], Predicate]) -> None:
        self.tokens = tokenize(text)
        self.pos = 0
        self.atom = atom

    def parse(self) -> Predicate:
        if not self.tokens:
            raise ValueError("empty expression")
        predicate = self._level(0)
        if self.pos != len(self.tokens):
            raise ValueError(f"unexpected {self.tokens[self.pos].text!r}")
        return predicate

    def next(self) -> Token:
        if self.pos >= len(self.tokens):
            raise ValueError("unexpected end of expression")
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def _at_word(self, word: str) -> bool:
        return self.pos < len(self.tokens) and self.tokens[self.pos].kind == "word" and self.tokens[self.pos].text.lower() == word

    def _level(self, depth: int) -> Predicate:
        if depth == len(self.LEVELS):
            return self._primary()
        word, combine = self.LEVELS[depth]
        parts = [self._level(depth + 1)]
        while self._at_word(word):
            self.pos += 1
            parts.append(self._level(depth + 1))
        if len(parts) == 1:
            return parts[0]
        return lambda item: combine(part(item) for part in parts)

    def _primary(self) -> Predicate:
        if self.pos < len(self.tokens) and self.tokens[self.pos].kind == "(":
            self.pos += 1
            predicate = self._level(0)
            if self.next().kind != ")":
                raise ValueError("missing ')'")
            return predicate
        return self.atom(self)


def _dag_atom(parser: ExpressionParser) -> Predicate:
    token = parser.next()
    if token.kind != "quoted" or not token.text:
        raise ValueError(f"expected a quoted tag name, not {token.text!r}")
    return lambda tags: token.text in tags


@functools.lru_cache(maxsize=4096)
def _dag_predicate(filter_text: str) -> Predicate:
    return ExpressionParser(filter_text, _dag_atom).parse()


def dag_matches(filter_text: str, tags: set[str]) -> bool:
    """Whether an IP with these tags is a member of a DAG with this filter (ValueError if invalid)."""
    return _dag_predicate(filter_text)(tags)


# -- rules ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Flow:
    """What is known of a session; None matches any value of the rule."""

    from_zone: str | None = None
    to_zone: str | None = None
    source: IPAddress | None = None
    destination: IPAddress | None = None
    user: str | None = None  # None: unknown user
    application: str | None = None
    protocol: int | None = None
    port: int | None = None
    categories: frozenset[str] | None = None  # None: not known (matches any category)


@dataclass(frozen=True, slots=True)
class Rule:  # pylint: disable=too-many-instance-attributes
    name: str
    index: int  # 1-based position in the rulebase
    disabled: bool
    from_zones: list[str]
    to_zones: list[str]
    sources: list[str]
    destinations: list[str]
    negate_source: bool
    negate_destination: bool
    users: list[str]
    categories: list[str]
    applications: list[str]
    services: list[str]
    action: str
    schedule: str | None

    @classmethod
    def from_entry(cls, entry: etree._Element, index: int) -> Rule:
        def members(tag: str) -> list[str]:
            return [m.text.strip() for m in entry.iterfind(f"{tag}/member") if m.text and m.text.strip()] or ["any"]

        return cls(
            name=entry.get("name", ""), index=index, disabled=entry.findtext("disabled") == "yes",
            from_zones=members("from"), to_zones=members("to"), sources=members("source"),
            destinations=members("destination"), negate_source=entry.findtext("negate-source") == "yes",
            negate_destination=entry.findtext("negate-destination") == "yes", users=members("source-user"),
            categories=members("category"), applications=members("application"), services=members("service"),
            action=(entry.findtext("action") or ALLOW).strip(), schedule=(entry.findtext("schedule") or "").strip() or None,
        )


def _in_literal(text: str, ip: IPAddress) -> bool:
    """``ip`` against an IP, CIDR or ``a-b`` range written in a rule or an address object."""
    try:
        if "-" in text:
            low, high = (ipaddress.ip_address(part.strip()) for part in text.split("-", 1))
            return low.version == ip.version and low <= ip <= high  # type: ignore[operator]
        return ip in ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return False


def _port_in(ports: str, port: int) -> bool:
    for part in ports.split(","):
        low, high = (part.strip().split("-", 1) + [part.strip()])[:2]
        if low.isdigit() and high.isdigit() and int(low) <= port <= int(high):
            return True
    return False


class RuleBase:
    """The running security rulebase of one vsys with its objects, read once for many lookups."""

    def __init__(self, state: Any, vsys: str = "vsys1") -> None:
        self.state = state
        self.vsys = vsys
        compiled = state.compiled_policy.get(vsys)
        if compiled is None or compiled[0] is not state.running:  # read again after each commit only
            compiled = (state.running, self._read(state, vsys))
            state.compiled_policy[vsys] = compiled
        self.rules, self.objects, self.dug_filters, self.url_lists = compiled[1]
        self.now = state.now()

    @staticmethod
    def _read(state: Any, vsys: str) -> tuple[list[Rule], dict[str, dict[str, etree._Element]], dict[str, str],
                                              dict[str, list[str]]]:
        root = state.vsys_root(state.running, vsys)
        rules = [Rule.from_entry(entry, index) for index, entry in enumerate(root.iterfind("rulebase/security/rules/entry"), 1)]
        # Objects by kind and name; a vsys object hides a shared one of the same name.
        objects: dict[str, dict[str, etree._Element]] = {}
        scopes = [scope for scope in (state.running.find("shared"), root) if scope is not None]
        for kind in ("address", "address-group", "service", "service-group", "dynamic-user-group", "schedule",
                     "profiles/custom-url-category"):
            objects[kind] = {e.get("name", ""): e for scope in scopes for e in scope.iterfind(f"{kind}/entry")}
        dug_filters = {name.casefold(): e.findtext("filter") or "" for name, e in objects["dynamic-user-group"].items()}
        url_lists = {name: [m.text or "" for m in e.iterfind("list/member")]
                     for name, e in objects["profiles/custom-url-category"].items()
                     if (e.findtext("type") or "URL List") == "URL List"}
        return rules, objects, dug_filters, url_lists

    def url_categories(self, url: str) -> frozenset[str]:
        """The custom URL categories a URL falls in, by this firewall's version rules, and the URL and
        domain External Dynamic Lists listing it (their last good copy, see edl.py)."""
        lists = dict(self.url_lists)
        for name, kind in edl.configured(self.state, self.vsys).items():
            if kind.tag == "url":
                lists[name] = self.state.edl.entries(self.state, self.vsys, name, "url") or []
        found = urlcat.categories_of(url, lists, self.state.device.version)
        host = urlcat.normalize_url(url).split("/", 1)[0].split(":", 1)[0]
        domains = frozenset(name for name, kind in edl.configured(self.state, self.vsys).items() if kind.tag == "domain"
                            and edl.domain_listed(host, self.state.edl.entries(self.state, self.vsys, name, "domain")))
        return found | domains

    def matches(self, flow: Flow) -> Iterator[Rule]:
        """Enabled rules in force matching the flow, in rulebase order."""
        identity = _Identity(flow.user, self.state, self.vsys) if flow.user else None
        for rule in self.rules:
            if not rule.disabled and self._rule_matches(rule, flow, identity):
                yield rule

    def first_match(self, flow: Flow) -> tuple[str, str]:
        """(rule name, action); with no match the predefined intrazone/interzone default rule."""
        rule = next(self.matches(flow), None)
        if rule is not None:
            return rule.name, rule.action
        if flow.from_zone == flow.to_zone:
            return "intrazone-default", ALLOW
        return "interzone-default", "deny"

    def _rule_matches(self, rule: Rule, flow: Flow, identity: _Identity | None) -> bool:
        return (
            _listed(rule.from_zones, flow.from_zone)
            and _listed(rule.to_zones, flow.to_zone)
            and _listed(rule.applications, flow.application)
            and self._addresses_match(rule.sources, flow.source, rule.negate_source)
            and self._addresses_match(rule.destinations, flow.destination, rule.negate_destination)
            and self._users_match(rule.users, identity)
            and (flow.protocol is None and flow.port is None or any(self._service_matches(s, flow, set()) for s in rule.services))
            and (flow.categories is None or "any" in rule.categories or not flow.categories.isdisjoint(rule.categories))
            and (rule.schedule is None
                 or schedules.in_force(self.objects["schedule"].get(rule.schedule), self.now, self.state.zone()))
        )

    def _users_match(self, members: list[str], identity: _Identity | None) -> bool:
        """``any``, ``known-user``, ``unknown``, DUGs, user and group names; names without regard to case."""
        for member in members:
            folded = member.casefold()
            if member == "any" or (member == "known-user" and identity) or (member == "unknown" and not identity):
                return True
            if identity is None:
                continue
            if folded in self.dug_filters:
                if identity.in_dug(self.dug_filters[folded]):
                    return True
            elif folded in (identity.user, *identity.groups):
                return True
        return False

    def _addresses_match(self, members: list[str], ip: IPAddress | None, negate: bool) -> bool:
        if ip is None:
            return True
        return any(self._address_matches(m, ip, set()) for m in members) != negate

    def _address_matches(self, member: str, ip: IPAddress, seen: set[str]) -> bool:
        if member == "any":
            return True
        address = self.objects["address"].get(member)
        if address is not None:
            text = address.findtext("ip-netmask") or address.findtext("ip-range")
            return text is not None and _in_literal(text, ip)  # fqdn and wildcard objects: not resolved
        group = self.objects["address-group"].get(member)
        if group is None:
            listed = self.state.edl.entries(self.state, self.vsys, member, "ip")
            if listed is not None:  # an IP External Dynamic List: its last good copy
                return any(_in_literal(entry, ip) for entry in listed)
            return _in_literal(member, ip)
        if member in seen:
            return False
        seen.add(member)
        dynamic = group.findtext("dynamic/filter")
        if dynamic is not None:
            try:
                return dag_matches(dynamic, self.state.ip_tags(str(ip), self.vsys))
            except ValueError:  # a filter that commit would have refused: the group is empty
                return False
        return any(self._address_matches(m.text or "", ip, seen) for m in group.iterfind("static/member"))

    def _service_matches(self, member: str, flow: Flow, seen: set[str]) -> bool:
        if member in ("any", "application-default"):
            return True
        group = self.objects["service-group"].get(member)
        if group is not None:
            if member in seen:
                return False
            seen.add(member)
            return any(self._service_matches(m.text or "", flow, seen) for m in group.iterfind("members/member"))
        service = self.objects["service"].get(member)
        if service is not None:
            protocol = service.find("protocol")
            if protocol is None or len(protocol) == 0:
                return False
            definition = (protocol[0].tag, protocol[0].findtext("port") or "")
        elif member in PREDEFINED_SERVICES:
            definition = PREDEFINED_SERVICES[member]
        else:
            return False
        protocol_name, ports = definition
        return (flow.protocol is None or PROTOCOLS.get(protocol_name) == flow.protocol) and (flow.port is None or _port_in(ports, flow.port))


def _listed(members: list[str], value: str | None) -> bool:
    return value is None or "any" in members or value in members


def dynamic_user_groups(state: Any, vsys: str = "vsys1") -> dict[str, list[str]]:
    """DUG name -> members (registered users whose current tags satisfy its filter), vsys and shared."""
    root = state.vsys_root(state.running, vsys)
    groups = {}
    for scope in (state.running.find("shared"), root):
        for entry in scope.iterfind("dynamic-user-group/entry") if scope is not None else ():
            filter_text = entry.findtext("filter") or ""
            members = []
            for user in state.registered_users.get(vsys, {}):
                try:
                    if dag_matches(filter_text, state.user_tags(user, vsys)):
                        members.append(user)
                except ValueError:
                    break
            groups[entry.get("name", "")] = members
    return groups


class _Identity:
    """A known source user: its name and groups (case-folded) and, on demand, its User-ID tags."""

    def __init__(self, user: str, state: Any, vsys: str) -> None:
        self.user = user.casefold()
        self.groups = {g.casefold() for g in state.groups_for_user(user)}
        self._tags: set[str] | None = None
        self._source = (user, state, vsys)

    def in_dug(self, filter_text: str) -> bool:
        """Whether the user's tags satisfy a DUG filter (a filter that does not parse matches no one)."""
        if self._tags is None:
            user, state, vsys = self._source
            self._tags = state.user_tags(user, vsys)
        try:
            return bool(self._tags) and dag_matches(filter_text, self._tags)
        except ValueError:
            return False


def first_matching_rule(  # pylint: disable=too-many-arguments,too-many-positional-arguments
    state: Any, src: str, dst: str, user: str | None, app: str | None, from_zone: str, to_zone: str,
    protocol: int | None, port: int | None,
) -> tuple[str, str]:
    """(rule name, action) the running rulebase gives this session (see RuleBase.first_match)."""
    flow = Flow(from_zone, to_zone, parse_ip(src), parse_ip(dst), user or None, app, protocol, port)
    return RuleBase(state).first_match(flow)


# -- test security-policy-match ---------------------------------------------------------------------
def _query_flow(state: Any, query: etree._Element) -> Flow:
    def text(tag: str) -> str | None:
        value = query.findtext(tag)
        return value.strip() if value and value.strip() else None

    def invalid(tag: str, value: str) -> ApiError:
        return ApiError(17, f" test -> security-policy-match -> {tag} '{value}' is invalid", cdata=True)

    def number(tag: str) -> int | None:
        value = text(tag)
        if value is not None and not value.isdigit():
            raise invalid(tag, value)
        return None if value is None else int(value)

    def address(tag: str) -> IPAddress | None:
        value = text(tag)
        try:
            return None if value is None else ipaddress.ip_address(value)
        except ValueError:
            raise invalid(tag, value or "") from None

    source = address("source")
    user = text("source-user")
    if user is None and source is not None:
        user = state.user_for_ip(str(source))
    category = text("category")
    return Flow(text("from"), text("to"), source, address("destination"), user, text("application"), number("protocol"),
                number("destination-port"), None if category is None else frozenset({category}))


def _add_list(parent: etree._Element, tag: str, values: list[str]) -> None:
    """One value as text, several as ``<member>`` children."""
    elem = etree.SubElement(parent, tag)
    if len(values) == 1:
        elem.text = values[0]
    else:
        for value in values:
            etree.SubElement(elem, "member").text = value


def _rule_element(rule: Rule) -> etree._Element:
    entry = etree.Element("entry", name=rule.name)
    etree.SubElement(entry, "index").text = str(rule.index)
    for tag, values in (("from", rule.from_zones), ("source", rule.sources), ("to", rule.to_zones),
                        ("destination", rule.destinations), ("user", rule.users), ("category", rule.categories)):
        _add_list(entry, tag, values)
    combos = [f"{n}:{app}/any/any/{'app-default' if svc == 'application-default' else svc}"
              for n, (app, svc) in enumerate((a, s) for a in rule.applications for s in rule.services)]
    _add_list(entry, "application_service", combos)
    etree.SubElement(entry, "action").text = rule.action
    return entry


def security_policy_match(state: Any, cmd: etree._Element, vsys: str = "vsys1") -> etree._Element:
    """``<result>`` for ``<test><security-policy-match>``: the first match, or all with show-all yes.

    Raises ApiError (code 17) for a query field that is not valid (not an IP, not a number).
    """
    query = cmd if cmd.tag == "security-policy-match" else cmd.find("security-policy-match")
    if query is None:
        raise ApiError(17, " test is incomplete", cdata=True)
    matches = RuleBase(state, vsys).matches(_query_flow(state, query))
    chosen = list(matches) if query.findtext("show-all") == "yes" else list(filter(None, [next(matches, None)]))
    result = etree.Element("result")
    rules = etree.SubElement(result, "rules")
    rules.extend(_rule_element(rule) for rule in chosen)
    return result
