# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a firewall module inside the controller's worker process, from its action plugin.

A module runs in a new Python process that imports Ansible's module_utils from the AnsiballZ zip,
compiled afresh each time (zipimport keeps no bytecode): about 0.3 s of controller CPU per host and
task, more than a quota cycle's own work. The collection's modules always run on the controller
(connection local), so the action plugin runs the module's code in the worker Ansible has already
forked, with the module's own argument spec, check mode, diff mode, warnings and failures.
"""

from __future__ import annotations


from typing import Any, Callable, Dict, Iterable, List

from ansible.plugins.action import ActionBase

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible._module import provider_argument_spec


def masked(value: Any, secrets: Iterable[str]) -> Any:
    """``value`` with every no_log value in its strings replaced by ``********``, as AnsibleModule
    does for a module's result (ansible-core's remove_values() is deprecated from 2.22 on)."""
    found = sorted((secret for secret in secrets if secret), key=len, reverse=True)
    if isinstance(value, str):
        for secret in found:
            value = value.replace(secret, "********")
        return value
    if isinstance(value, dict):
        return {masked(key, found): masked(item, found) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [masked(item, found) for item in value]
    return value


class _Exit(Exception):
    """exit_json or fail_json was called: the module's result."""

    def __init__(self, result: Dict[str, Any]) -> None:
        super(_Exit, self).__init__("module exited")
        self.result = result


class InProcessModule:
    """What the collection's module glue (``_ansible._module.run_task``) uses of an AnsibleModule."""

    def __init__(self, params: Dict[str, Any], check_mode: bool, diff: bool) -> None:
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []  # type: List[str]

    def warn(self, warning: str) -> None:
        self.warnings.append(warning)

    def exit_json(self, **result: Any) -> None:
        raise _Exit(result)

    def fail_json(self, **result: Any) -> None:
        result["failed"] = True
        raise _Exit(result)


class FirewallAction(ActionBase):
    """Base of an action plugin that runs a firewall module's ``run(module)`` in this process."""

    TRANSFERS_FILES = False
    _requires_connection = False
    #: The module's options besides the connection's (its argument spec).
    OPTIONS = {}  # type: Dict[str, Dict[str, Any]]

    def module_run(self, module: InProcessModule) -> None:
        """The module's work: ends with ``module.exit_json`` or ``module.fail_json``."""
        raise NotImplementedError

    def run(self, tmp: Any = None, task_vars: Any = None) -> Dict[str, Any]:
        result = super(FirewallAction, self).run(tmp, task_vars)
        validation, params = self.validate_argument_spec(argument_spec=dict(provider_argument_spec(), **self.OPTIONS))
        module = InProcessModule(params, bool(self._task.check_mode), bool(self._task.diff))
        try:
            self.module_run(module)
            outcome = {}  # type: Dict[str, Any]
        except _Exit as exc:
            outcome = exc.result
        # as AnsibleModule does: no value of a no_log option (the password, the API key) in the result
        outcome = masked(outcome, validation._no_log_values)  # pylint: disable=protected-access
        # as AnsibleModule does: an option given under two names, an old name that is deprecated
        for alias in validation._warnings:  # pylint: disable=protected-access
            module.warn("Both option %s and its alias %s are set." % (alias["option"], alias["alias"]))
        deprecations = [dict((key, value) for key, value in old.items() if value)
                        for old in validation._deprecations]  # pylint: disable=protected-access
        if deprecations:
            outcome["deprecations"] = deprecations
        if module.warnings:
            outcome["warnings"] = module.warnings
        result.update(outcome)
        return result


def module_action(options: Dict[str, Dict[str, Any]], run: Callable[[Any], None]) -> type:
    """The ActionModule class of a module whose options are ``options`` and whose work is ``run``."""

    class ActionModule(FirewallAction):
        OPTIONS = options

        def module_run(self, module: InProcessModule) -> None:
            run(module)

    return ActionModule
