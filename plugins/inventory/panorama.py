# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


DOCUMENTATION = r"""
name: panorama
short_description: The firewalls that a Panorama manages, as inventory hosts
version_added: 0.1.0
description:
  - Lists the firewalls connected to one Panorama (C(show devices connected)) as hosts, with their
    serial number, model, software version, HA state, device group and template stack.
  - Every host is in the group C(firewalls) (the one the C(tagwarden.panos) playbooks run on) and
    gets a C(panos_provider) with Panorama's address and the firewall's serial number, so that
    every module reaches that firewall through Panorama.
  - Groups by device group (C(panos_dg_<name>)), model (C(panos_model_<model>)) and template
    stack (C(panos_stack_<name>)); C(keyed_groups), C(groups), C(compose) and O(filters) add more.
  - Three requests to Panorama per refresh (plus one key generation when only a password is
    given); with O(cache) on, none until the cache expires.
  - The file must end in C(panorama.yml) or C(panorama.yaml).
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin.
    type: str
    required: true
    choices: [tagwarden.panos.panorama]
  ip_address:
    description: Address or host name of Panorama's management interface.
    type: str
    required: true
    env:
      - name: PANOS_IP_ADDRESS
  port:
    description: HTTPS port of Panorama's management interface.
    type: int
    default: 443
    env:
      - name: PANOS_PORT
  username:
    description: Administrator whose API key is generated from O(password).
    type: str
    default: admin
    env:
      - name: PANOS_USERNAME
  password:
    description:
      - Password of O(username). Needed unless O(api_key) is given. Never put in host variables.
    type: str
    env:
      - name: PANOS_PASSWORD
  api_key:
    description: API key of the administrator, used instead of O(username) and O(password).
    type: str
    env:
      - name: PANOS_API_KEY
  validate_certs:
    description: Verify Panorama's TLS certificate. Give its CA in O(ca_path) rather than turning this off.
    type: bool
    default: true
    env:
      - name: PANOS_VALIDATE_CERTS
  ca_path:
    description: PEM file with the CA certificate(s) that signed Panorama's management certificate.
    type: path
    env:
      - name: PANOS_CA_PATH
  timeout:
    description: Seconds to wait for each reply from Panorama.
    type: int
    default: 30
    env:
      - name: PANOS_TIMEOUT
  connected_only:
    description:
      - List only the firewalls connected to Panorama now (C(show devices connected)); V(false)
        lists every managed firewall (C(show devices all)) with C(panos_connected) telling which.
    type: bool
    default: true
  hostnames:
    description:
      - Inventory name of each firewall, the first of these that it has. C(hostname) is the
        firewall's own host name, C(serial_number) its serial, C(ip_address) its management address.
    type: list
    elements: str
    default: [hostname, serial_number]
  filters:
    description:
      - Jinja2 conditionals over the host variables; a firewall is listed only when all are true,
        for example V(panos_device_group == "branches").
    type: list
    elements: str
    default: []
notes:
  - When Panorama cannot be reached or refuses the credentials (a password rotated), the plugin raises
    an inventory parse error naming Panorama and the option to fix. Ansible turns that into a warning
    and goes on with no hosts unless E(ANSIBLE_INVENTORY_UNPARSED_FAILED=true) (or
    E(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true), for several sources) is set; set it for cron and
    AWX jobs, so that such a run fails instead of doing nothing. AWX sets the first one for its own
    inventory syncs. The collection's playbooks stop by themselves when this inventory lists no firewall.
  - Credentials come from the same places as the modules' provider (the E(PANOS_*) environment
    variables, for example from an AWX credential), never from host variables.
  - Panorama itself is not a host; the hosts reach their firewall through it (C(target) parameter).
"""

EXAMPLES = r"""
# panorama.yml
plugin: tagwarden.panos.panorama
ip_address: panorama.example.net
username: automation            # the password comes from PANOS_PASSWORD
ca_path: /etc/tagwarden/panorama-ca.pem
filters:
  - panos_ha_state != "passive"
keyed_groups:
  - key: panos_sw_version.split('.')[0]
    prefix: panos_major
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /var/cache/tagwarden
cache_timeout: 3600

# then: ansible-playbook -i panorama.yml tagwarden.panos.quota_cycle -f 50
"""

import re
from typing import Any, Dict, List, Optional

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._panorama import managed_firewalls

#: The group the tagwarden.panos playbooks run on.
FIREWALLS_GROUP = "firewalls"
CONNECTION_OPTIONS = ("ip_address", "port", "username", "password", "api_key", "validate_certs", "ca_path", "timeout")


#: The connection's fix-it words for a module user (provider keys, the playbooks' variables) -> this
#: plugin's options, which a user of an inventory file sets.
PLUGIN_WORDS = (
    (re.compile(r"\bthe firewall's\b"), "Panorama's"),
    (re.compile(r"\bthe firewall\b"), "Panorama"),
    (re.compile(r"\bapi_timeout \(the playbooks' panos_api_timeout, or PANOS_TIMEOUT\)"), "timeout (PANOS_TIMEOUT)"),
    (re.compile(r" \(the playbooks' panos_ca_path, or PANOS_CA_PATH\)"), " (PANOS_CA_PATH)"),
    (re.compile(r"\bprovider\.(\w+) and provider\.(\w+)"), r"the options \1 and \2 of this inventory file"),
    (re.compile(r"\bprovider\.(\w+)"), r"the option \1 of this inventory file"),
)


def in_plugin_words(message: str) -> str:
    """A connection error as the user of this plugin reads it: Panorama, and the plugin's options."""
    for pattern, words in PLUGIN_WORDS:
        message = pattern.sub(words, message)
    return message


def _group_name(prefix: str, value: str) -> str:
    return prefix + re.sub(r"[^A-Za-z0-9_]", "_", value)


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """Hosts from ``show devices connected``, ``show devicegroups`` and Panorama's template stacks."""

    NAME = "tagwarden.panos.panorama"

    def verify_file(self, path: str) -> bool:
        return super(InventoryModule, self).verify_file(path) and path.endswith(("panorama.yml", "panorama.yaml"))

    def parse(self, inventory: Any, loader: Any, path: str, cache: bool = True) -> None:
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = bool(self.get_option("cache")) and cache
        firewalls = None  # type: Optional[List[Dict[str, Any]]]
        if use_cache:
            try:
                firewalls = self._cache[cache_key]
            except KeyError:
                firewalls = None
        if firewalls is None:
            firewalls = self._fetch()
            if bool(self.get_option("cache")):
                self._cache[cache_key] = firewalls
        self._populate(firewalls)

    def _fetch(self) -> List[Dict[str, Any]]:
        provider = dict((name, self.get_option(name)) for name in CONNECTION_OPTIONS)
        try:
            conn = FirewallConnection(provider)
            return managed_firewalls(conn, connected_only=bool(self.get_option("connected_only")))
        except FirewallError as exc:
            raise AnsibleParserError("tagwarden.panos.panorama: %s; no firewall is listed (set "
                                     "ANSIBLE_INVENTORY_UNPARSED_FAILED=true so that a run stops here)"
                                     % in_plugin_words(str(exc)))

    def _populate(self, firewalls: List[Dict[str, Any]]) -> None:
        strict = bool(self.get_option("strict"))
        self.inventory.add_group(FIREWALLS_GROUP)
        for firewall in firewalls:
            host_vars = self._host_vars(firewall)
            if not all(self._passes(condition, host_vars) for condition in self.get_option("filters") or []):
                continue
            name = self._host_name(firewall)
            self.inventory.add_host(name, group=FIREWALLS_GROUP)
            for key, value in host_vars.items():
                self.inventory.set_variable(name, key, value)
            for prefix, value in (("panos_dg_", firewall["device_group"]), ("panos_model_", firewall["model"]),
                                  ("panos_stack_", firewall["template_stack"])):
                if value:
                    group = self.inventory.add_group(_group_name(prefix, value))
                    self.inventory.add_child(group, name)
            self._set_composite_vars(self.get_option("compose"), host_vars, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), host_vars, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), host_vars, name, strict=strict)

    def _host_vars(self, firewall: Dict[str, Any]) -> Dict[str, Any]:
        host_vars = dict(("panos_" + key, value) for key, value in firewall.items())
        # Only keys paloaltonetworks.panos accepts too; credentials and TLS settings stay out of
        # host variables (PANOS_* or module_defaults give them).
        host_vars["panos_provider"] = {"ip_address": self.get_option("ip_address"), "port": self.get_option("port"),
                                       "serial_number": firewall["serial_number"]}
        return host_vars

    def _host_name(self, firewall: Dict[str, Any]) -> str:
        for source in self.get_option("hostnames"):
            if firewall.get(source):
                return str(firewall[source])
        return str(firewall["serial_number"])

    def _passes(self, condition: str, host_vars: Dict[str, Any]) -> bool:
        self.templar.available_variables = host_vars
        try:
            return bool(self._compose(condition, host_vars))
        except Exception as exc:
            raise AnsibleParserError("tagwarden.panos.panorama: the filter %r failed: %s" % (condition, exc))
