# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A managed set of security rules and the service objects they use, reconciled as one.

Generic (any source of desired rules, AWS being the first): the rules carrying the owner tag are
ours; of those, the ones in ``scope`` (name prefixes; None: all of ours) are replaced by the desired
ones: created, updated, moved into place, deleted. A rule without the owner tag is never touched,
even when its name shares the prefix; a desired name held by such a rule is refused before any write.

The rulebase is read once (the whole ``rules`` container), the services once. Before a new rule is
added, ``test security-policy-match`` probes each (source, destination) pair it would allow (one
address for each CIDR; at most ``PROBES_PER_RULE`` per rule, ``match_limit`` per run): when every
probe hits an allow rule that is not ours and holds that pair, the rule is not added and the result
names those rules (``not_added``); a deny above the new rule's position that a probe hits shadows it
(a warning) when it matches all of the rule's traffic, not only a URL category, application or port.
Plain Python, no Ansible imports.
"""

from __future__ import annotations


import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet
from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import ConfigObject, ObjectType, tag_object
from ansible_collections.tagwarden.panos.plugins.module_utils._config._store import differences
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import invalid_input
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._xml import XPathQuoteError, element, members, sub, xpath_literal
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._match import PolicyQuery, policy_match
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._moves import Order, moves, resolve
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._probes import covers, match_queries, matches_all_of, worth_probing
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ownership import is_owned, mark
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement, place
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SECURITY_RULE, SecurityRule

SERVICE = ObjectType("service", "service", ("protocol", "description", "tag"))
SERVICE_PROTOCOLS = ("tcp", "udp", "sctp")
DEFAULT_MATCH_LIMIT = 50
#: policy-match probes for one new rule; a rule with more (source, destination) pairs is checked in part
PROBES_PER_RULE = 8
COMMIT_DESCRIPTION = "tagwarden.panos managed security rules"
OWNER_COMMENT = "security rules managed by tagwarden.panos; it touches no rule without this tag"
_PORT = re.compile(r"^\d{1,5}(-\d{1,5})?$")


@dataclass(frozen=True)
class ServiceSpec:
    """A service object: protocol tcp, udp or sctp and a destination port or range ("22", "500-600")."""

    name: str
    protocol: str
    port: str

    def problems(self, what: str) -> List[str]:
        found = []
        try:
            xpath_literal(self.name or "")
            if not self.name:
                raise XPathQuoteError("a name is required")
        except XPathQuoteError as exc:
            found.append("%s: %s" % (what, exc))
        if self.protocol not in SERVICE_PROTOCOLS:
            found.append("%s: protocol %r is not one of %s" % (what, self.protocol, ", ".join(SERVICE_PROTOCOLS)))
        if not _PORT.match(self.port or "") or not all(0 <= int(p) <= 65535 for p in self.port.split("-")):
            found.append("%s: port %r is not a port (0-65535) or a range such as 500-600" % (what, self.port))
        return found

    def as_object(self, owner: str) -> ConfigObject:
        entry = element("entry", name=self.name)
        sub(sub(sub(entry, "protocol"), self.protocol), "port", self.port)
        members(entry, "tag", [owner])
        return ConfigObject(SERVICE, self.name, entry)

    @classmethod
    def from_entry(cls, entry: ET.Element) -> Optional["ServiceSpec"]:
        """The service an entry read from the firewall describes; None when it is not one port service."""
        for protocol in SERVICE_PROTOCOLS:
            port = entry.findtext("protocol/%s/port" % protocol)
            if port is not None:
                return cls(entry.get("name") or "", protocol, port.strip())
        return None


@dataclass
class RuleSetPlan:
    """What one reconcile does. ``rules``: (desired rule, current entry or None, move or None) in the
    desired order; a move is a Placement resolved against the rulebase as it will be."""

    rules: List[Tuple[SecurityRule, Optional[ET.Element], Optional[Placement]]] = field(default_factory=list)
    delete_rules: List[str] = field(default_factory=list)
    services: List[ServiceSpec] = field(default_factory=list)
    delete_services: List[str] = field(default_factory=list)
    reused_services: List[str] = field(default_factory=list)
    service_conflicts: List[Dict[str, str]] = field(default_factory=list)
    not_added: List[Dict[str, str]] = field(default_factory=list)
    shadowed: List[Dict[str, str]] = field(default_factory=list)
    partial_checks: List[Dict[str, Any]] = field(default_factory=list)
    policy_matches: int = 0


#: A policy-match question -> the name of the rule the firewall hits (None: no rule)
Matcher = Callable[[PolicyQuery], Optional[str]]


def in_scope(name: str, scope: Optional[Sequence[str]]) -> bool:
    return scope is None or any(name.startswith(prefix) for prefix in scope)


def validate(rules: Sequence[Mapping[str, Any]], services: Sequence[Mapping[str, Any]], owner: str,
             scope: Optional[Sequence[str]], placement: Placement) -> Tuple[List[SecurityRule], List[ServiceSpec]]:
    """The desired rules (marked as ours) and services; every problem in one ValidationError."""
    problems = []  # type: List[str]
    models = []  # type: List[SecurityRule]
    for index, values in enumerate(rules):
        what = "rules item %d" % (index + 1)
        try:
            model = mark(SecurityRule.from_dict(values), owner)
        except (TypeError, ValueError) as exc:
            problems.append("%s: %s" % (what, exc))
            continue
        problems.extend(model.problems("%s (%s)" % (what, model.name)))
        if not in_scope(model.name, scope):
            problems.append("%s: %r is outside scope (%s): it would never be removed; give a name starting with "
                            "one of the scope prefixes" % (what, model.name, ", ".join(scope or ())))
        models.append(model)
    specs = []  # type: List[ServiceSpec]
    for index, values in enumerate(services):
        spec = ServiceSpec(str(values.get("name") or ""), str(values.get("protocol") or ""), str(values.get("port") or ""))
        problems.extend(spec.problems("services item %d (%s)" % (index + 1, spec.name)))
        specs.append(spec)
    for what, names in (("rules", [m.name for m in models]), ("services", [s.name for s in specs])):
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            problems.append("%s: each name may appear once (repeated: %s)" % (what, ", ".join(repeated)))
    try:
        xpath_literal(owner or "")
        if not owner:
            raise XPathQuoteError("it is empty")
    except XPathQuoteError as exc:
        problems.append("owner_tag: %s" % exc)
    problems.extend(placement.problems("", "placement"))
    if problems:
        raise invalid_input(problems)
    return models, specs


def plan(rulebase: Sequence[ET.Element], service_entries: Sequence[ET.Element], rules: Sequence[SecurityRule],
         services: Sequence[ServiceSpec], *, owner: str, scope: Optional[Sequence[str]], placement: Placement,
         matcher: Optional[Matcher] = None, match_limit: int = DEFAULT_MATCH_LIMIT) -> RuleSetPlan:
    """The changes that turn the owned rules in scope into ``rules``. ValidationError (nothing written)
    when a desired name is held by a rule that is not ours."""
    current = {entry.get("name") or "": entry for entry in rulebase}
    taken = ["%s (rules: %r is an existing rule without the owner tag %r: rename one of them)" % (r.name, r.name, owner)
             for r in rules if r.name in current and not is_owned(current[r.name], owner)]
    if taken:
        raise invalid_input(taken)
    result = RuleSetPlan()
    by_service = {entry.get("name") or "": entry for entry in service_entries}
    conflicting = set()
    for spec in services:
        entry = by_service.get(spec.name)
        if entry is not None and owner not in [m.text for m in entry.findall("tag/member")]:
            found = ServiceSpec.from_entry(entry)
            if found is not None and (found.protocol, found.port) == (spec.protocol, spec.port):
                result.reused_services.append(spec.name)
                continue
            conflicting.add(spec.name)
            result.service_conflicts.append({
                "service": spec.name, "wanted": "%s/%s" % (spec.protocol, spec.port),
                "found": "%s/%s" % (found.protocol, found.port) if found else "not a single-port service"})
            continue
        result.services.append(spec)
    ports = {s.name: s for s in services}
    desired = {r.name for r in rules}
    result.delete_rules = [name for name, entry in current.items()
                           if is_owned(entry, owner) and in_scope(name, scope) and name not in desired]
    order = Order([name for name in current if name not in result.delete_rules])
    bottom = placement.rule if placement.where == "above" else None
    previous = None  # type: Optional[str]
    theirs = {name: SecurityRule.from_entry(entry) for name, entry in current.items()
              if matcher is not None and not is_owned(entry, owner)}
    for rule in rules:
        clash = sorted(set(rule.services) & conflicting)
        if clash:
            result.not_added.append({"rule": rule.name, "reason": "service %s is an administrator's object with "
                                     "another port (see service_conflicts)" % ", ".join(clash), "allowed_by": ""})
            continue
        entry = current.get(rule.name)
        if entry is None:
            move = Placement("after", previous) if previous else _first_place(rules, current, placement, order)
            if matcher is not None and not _allowed_elsewhere(rule, move, order, theirs, matcher, match_limit,
                                                              ports, result):
                continue
            order.put(rule.name, move)
            result.rules.append((rule, None, move))
        else:
            at, before, bottom_at = order.index(rule.name), order.index(previous), order.index(bottom)
            misplaced = (before is not None and at is not None and at < before) or (
                bottom_at is not None and at is not None and at > bottom_at)
            move = None
            if misplaced:
                move = Placement("after", previous) if previous else resolve(placement, order)
                order.put(rule.name, move)
            result.rules.append((rule, entry, move))
        previous = rule.name
    used = {s for entry in current.values() if entry.get("name") not in result.delete_rules
            for s in (m.text for m in entry.findall("service/member"))}
    used.update(s for rule, _entry, _move in result.rules for s in rule.services)
    result.delete_services = [name for name, entry in by_service.items()
                              if owner in [m.text for m in entry.findall("tag/member")] and name not in used
                              and name not in ports]
    return result


def _first_place(rules: Sequence[SecurityRule], current: Mapping[str, ET.Element], placement: Placement,
                 order: Order) -> Placement:
    """A new rule with no desired rule before it: before the first desired rule that exists above the
    bottom rule of ``above`` (the relative order stays; one below it moves up), else where
    ``placement`` says."""
    bottom = order.index(placement.rule) if placement.where == "above" else None
    for rule in rules:
        at = order.index(rule.name) if rule.name in current else None
        if at is not None and (bottom is None or at < bottom):
            return Placement("before", rule.name)
    return resolve(placement, order)


def _allowed_elsewhere(rule: SecurityRule, move: Placement, order: Order, theirs: Mapping[str, SecurityRule],
                       matcher: Matcher, limit: int, services: Mapping[str, ServiceSpec], result: RuleSetPlan) -> bool:
    """Whether to add ``rule`` (False: rules that are not ours, ``theirs``, allow every pair of it
    already; recorded). Probes only when the answer can matter (:func:`_worth_probing`)."""
    probes = match_queries(rule, services)
    probe = Order(order.names)
    probe.put(rule.name, move)
    at = probe.index(rule.name)
    if not probes or not worth_probing(rule, probes, probe.names[:at], theirs):
        return True
    allowed_by = []  # type: List[str]
    checked = 0
    for source, destination, query in probes[:PROBES_PER_RULE]:
        if result.policy_matches >= limit:
            break
        result.policy_matches += 1
        checked += 1
        other = theirs.get(matcher(query) or "")
        if other is None:  # no rule, or one of ours
            continue
        if other.action == "allow":
            if covers(other, rule, (source, destination)):
                allowed_by.append(other.name)
            continue
        hit_at = probe.index(other.name)
        shadow = {"rule": rule.name, "denied_by": other.name}
        if (hit_at is not None and at is not None and hit_at < at and shadow not in result.shadowed
                and matches_all_of(other, rule)):
            result.shadowed.append(shadow)
    if checked < len(probes):
        result.partial_checks.append({"rule": rule.name, "probed": checked, "pairs": len(probes)})
        return True
    if len(allowed_by) < len(probes):
        return True
    result.not_added.append({"rule": rule.name, "reason": "the traffic is allowed already",
                             "allowed_by": ", ".join(dict.fromkeys(allowed_by))})
    return False


def reconcile(changes: ChangeSet, rules: Sequence[Mapping[str, Any]], services: Sequence[Mapping[str, Any]] = (), *,
              owner: str, scope: Optional[Sequence[str]] = None, placement: Placement = Placement("bottom"),
              match: bool = True, match_limit: int = DEFAULT_MATCH_LIMIT) -> Dict[str, Any]:
    """The security_rule_set module, on the run's ``changes``. ValidationError before any request,
    FirewallError while reading, ApplyFailed (with what was done) once writing has begun."""
    if match_limit < 0:
        raise invalid_input(["match_limit: %d is negative; give 0 (no check) or more" % match_limit])
    conn, vsys, check_mode = changes.conn, changes.vsys, changes.check_mode
    models, specs = validate(rules, services, owner, scope, placement)
    rulebase = read_all(conn, SECURITY_RULE, vsys)
    service_entries = read_all(conn, SERVICE, vsys)
    matcher = (lambda query: policy_match(conn, query, vsys)) if match else None
    result_plan = plan(rulebase, service_entries, models, specs, owner=owner, scope=scope, placement=placement,
                       matcher=matcher, match_limit=match_limit)
    for kind, entries, wanted in ((SECURITY_RULE, rulebase, [m.name for m in models]),
                                  (SERVICE, service_entries, [s.name for s in specs])):
        found = {entry.get("name") or "": entry for entry in entries}
        for name in set(found) | set(wanted):  # the containers were read whole: a name not found is missing
            changes.known(kind, name, found.get(name))
    service_objects = [spec.as_object(owner) for spec in result_plan.services]
    rule_objects = [rule.as_object() for rule, _entry, _move in result_plan.rules]
    if any(differences(changes.current(obj.type, obj.name), obj.element, obj.type) for obj in service_objects + rule_objects):
        changes.present(tag_object(owner, comments=OWNER_COMMENT))  # read only when a rule or service is written
    for obj in service_objects:
        changes.present(obj, together=True)
    for name in result_plan.delete_rules:
        changes.absent(SECURITY_RULE, name)
    for obj in rule_objects:
        changes.present(obj, together=True)
    ours = {rule.name for rule, entry, _move in result_plan.rules if entry is not None}
    for name, move in moves([entry.get("name") or "" for entry in rulebase], result_plan.rules,
                            result_plan.delete_rules, placement):
        changes.step("moved" if name in ours else "placed", SECURITY_RULE, name, _mover(conn, name, move, vsys))
    for name in result_plan.delete_services:
        changes.absent(SERVICE, name)
    result = {
        "changed": changes.changed, "created": changes.labels("created"), "updated": changes.labels("updated"),
        "moved": changes.labels("moved"), "deleted": changes.labels("deleted"),
        "reused_services": result_plan.reused_services, "service_conflicts": result_plan.service_conflicts,
        "not_added": result_plan.not_added, "shadowed": result_plan.shadowed, "partial_checks": result_plan.partial_checks,
        "policy_matches": result_plan.policy_matches,
        "committed": False, "diff": changes.diff(),
        "warnings": ["rule %s %s shadowed by deny rule %s above it, which matches all of its traffic"
                     % (s["rule"], "would be" if check_mode else "is", s["denied_by"]) for s in result_plan.shadowed] + [
            "rule %s: policy match probed %d of its %d (source, destination) pairs (at most %d a rule, match_limit %d "
            "a run), so it %s added even if rules that are not ours allow it" % (
                c["rule"], c["probed"], c["pairs"], PROBES_PER_RULE, match_limit, "would be" if check_mode else "is")
            for c in result_plan.partial_checks] + [
            "service %s exists as an administrator's object with %s, not %s: not overwritten, its rules not added"
            % (c["service"], c["found"], c["wanted"]) for c in result_plan.service_conflicts],
    }  # type: Dict[str, Any]
    return changes.apply_into(result)


def read_all(conn: Connection, kind: ObjectType, vsys: Optional[str]) -> List[ET.Element]:
    """Every entry of a container, in order: one ``get``."""
    root = conn.config("get", kind.parent_xpath(vsys))
    container = root.find("./result/" + kind.container.rsplit("/", 1)[-1])
    return [] if container is None else container.findall("entry")


def _mover(conn: Connection, name: str, placement: Placement, vsys: Optional[str]) -> Callable[[], None]:
    return lambda: place(conn, name, placement, vsys)
