# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Glue between AnsibleModule and FirewallConnection (the only module_utils file importing Ansible)."""

from __future__ import annotations


from typing import Any, Callable, Dict, Optional

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.tagwarden.panos.plugins.module_utils._config._changeset import ChangeSet, commit_admin_for
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import (
    PROVIDER_SPEC,
    TOP_LEVEL_OPTIONS,
    FirewallConnection,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ApplyFailed, FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._protocol import Connection
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._registrations import failure_message


def provider_options() -> Dict[str, Dict[str, Any]]:
    """The suboptions of ``provider`` as an Ansible argument spec (env fallbacks included)."""
    options = {}  # type: Dict[str, Dict[str, Any]]
    for name, spec in PROVIDER_SPEC.items():
        option = dict((key, value) for key, value in spec.items() if key != "env")
        if "env" in spec:
            option["fallback"] = (env_fallback, [spec["env"]])
        options[name] = option
    return options


def provider_argument_spec() -> Dict[str, Dict[str, Any]]:
    """``{"provider": {...}}`` and the top-level connection options, to merge into a module's
    argument spec (doc fragment tagwarden.panos.connection).

    ``apply_defaults`` makes the suboptions (and their environment fallbacks) apply when the task
    gives no ``provider`` at all. The top-level options have no default, so that a value given
    there is told apart from the provider's default and wins over the provider key.
    """
    spec = {"provider": {"type": "dict", "options": provider_options(), "apply_defaults": True}}
    for option, key in TOP_LEVEL_OPTIONS.items():
        spec[option] = {"type": PROVIDER_SPEC[key]["type"]}
    return spec


def provider_of(params: Dict[str, Any]) -> Dict[str, Any]:
    """The provider with the top-level connection options given in ``params`` put over its keys."""
    provider = dict(params.get("provider") or {})
    for option, key in TOP_LEVEL_OPTIONS.items():
        if params.get(option) is not None:
            provider[key] = params[option]
    return provider


def connect(module: Any, **kwargs: Any) -> FirewallConnection:
    """A FirewallConnection from the module's provider and top-level connection options; fails the
    module on bad settings. It refuses Panorama unless the provider names a managed firewall."""
    kwargs.setdefault("require_firewall", True)
    try:
        conn = FirewallConnection(provider_of(module.params), **kwargs)
    except FirewallError as exc:
        module.fail_json(msg=str(exc), error_kind=exc.kind)
        raise  # not reached: fail_json exits
    if not conn.validate_certs:
        module.warn("validate_certs is false: the TLS certificate of %s is not checked, so anyone on the path can "
                    "read the credentials and change the firewall; give its CA in ca_path instead" % conn.where)
    return conn


def fail(module: Any, error: FirewallError, conn: Optional[FirewallConnection] = None, **result: Any) -> None:
    """Fail the module with a FirewallError's message (already scrubbed) and ``api_calls``."""
    if conn is not None:
        result.setdefault("api_calls", conn.api_calls)
    module.fail_json(msg=str(error), error_kind=error.kind, **result)


def firewall_module(options: Dict[str, Dict[str, Any]], **kwargs: Any) -> AnsibleModule:
    """An AnsibleModule with ``provider`` besides ``options``; every firewall module supports check mode."""
    argument_spec = provider_argument_spec()
    argument_spec.update(options)
    return AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, **kwargs)


def run_task(module: Any, task: Callable[[FirewallConnection], Dict[str, Any]], require_firewall: bool = True) -> None:
    """Run ``task(connection)`` and exit the module with its result (``require_firewall=False`` for a
    task that may address Panorama itself: ``_panos._panorama.registration_point`` checks it).

    The one place that turns errors into a failed task: bad input (a ValueError such as
    ValidationError, raised before anything is sent), a firewall error, or one after changes
    began (ApplyFailed, whose partial result is returned). It also adds ``api_calls``, drops
    ``diff`` unless diff mode is on, turns ``warnings`` into Ansible warnings, and fails the task
    when the firewall rejected entries (``failed_entries``).
    """
    conn = connect(module, require_firewall=require_firewall)
    try:
        result = task(conn)
    except ApplyFailed as exc:
        fail(module, exc.error, conn, **_tidy(module, exc.result))
    except FirewallError as exc:
        fail(module, exc, conn)
    except ValueError as exc:
        module.fail_json(msg=str(exc), api_calls=conn.api_calls)
    else:
        result = _tidy(module, result)
        result.setdefault("changed", False)
        result["api_calls"] = conn.api_calls
        for warning in result.pop("warnings", None) or []:
            module.warn(warning)
        if result.get("failed_entries"):
            module.fail_json(msg=failure_message(result["failed_entries"]), **result)
        module.exit_json(**result)


def change_set(module: Any, conn: Connection, description: str, panorama: bool = False) -> ChangeSet:
    """The run's ChangeSet: the module's vsys (VSYS group; none on Panorama, whose objects are
    ``shared``), check mode, and commit options (COMMIT)."""
    params = module.params
    return ChangeSet(conn, vsys=None if panorama else params["vsys"], check_mode=module.check_mode, commit=params["commit"],
                     admin=commit_admin_for(params["commit_admin"], params["provider"]), description=description)


def run_changes(module: Any, description: str, task: Callable[[ChangeSet], Dict[str, Any]]) -> None:
    """:func:`run_task` for a module that writes configuration: ``task`` gets the run context, the
    connection and its ChangeSet (:func:`change_set`) with the commit ``description``, built once."""
    run_task(module, lambda conn: task(change_set(module, conn, description)))


def _tidy(module: Any, result: Dict[str, Any]) -> Dict[str, Any]:
    if not module._diff:
        result.pop("diff", None)
    return result
