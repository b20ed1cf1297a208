"""The action plugins' stand-in for AnsibleModule: the module's argument spec, check and diff mode,
warnings, deprecations and failures, and no value of a no_log option in the result."""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

from ansible_collections.tagwarden.panos.plugins.plugin_utils._in_process import module_action

SECRET = "s3cret-password"


def action(args: dict[str, Any], run: Any, options: dict[str, Any] | None = None, check_mode: bool = False) -> Any:
    task = MagicMock(args=args, check_mode=check_mode, diff=False, async_val=0, no_log=False)
    cls = module_action(options or {"name": dict(type="str", aliases=["old_name"],
                                                 deprecated_aliases=[dict(name="old_name", version="2.0.0",
                                                                          collection_name="tagwarden.panos")])}, run)
    return cls(task, MagicMock(), MagicMock(), MagicMock(), MagicMock(), MagicMock())


def test_the_module_runs_with_its_validated_options_and_check_mode() -> None:
    seen = {}

    def run(module: Any) -> None:
        seen.update(params=module.params, check_mode=module.check_mode)
        module.warn("careful")
        module.exit_json(changed=True, name=module.params["name"])

    result = action({"provider": {"ip_address": "192.0.2.1", "password": SECRET}, "old_name": "x"}, run,
                    check_mode=True).run(task_vars={})
    assert seen["check_mode"] and seen["params"]["name"] == "x" and seen["params"]["provider"]["port"] == 443
    assert result["changed"] and result["name"] == "x" and result["warnings"] == ["careful"]
    assert result["deprecations"][0]["msg"].startswith("Alias 'old_name' is deprecated")


def test_a_failure_keeps_no_secret() -> None:
    def run(module: Any) -> None:
        module.fail_json(msg="refused %s" % module.params["provider"]["password"])

    result = action({"provider": {"ip_address": "192.0.2.1", "password": SECRET}}, run).run(task_vars={})
    assert result["failed"] and SECRET not in str(result) and "refused" in result["msg"]
