"""No module documents a return value under a key that Ansible reserves.

Ansible reads some top-level keys of every task result itself: a non-empty ``skipped`` marks the
task skipped (no ``changed`` in the recap, no diff, no handlers), ``failed`` fails it, ``results``
is a loop's items, ``ansible_facts`` become host variables. Sources: "Return Values" in the Ansible
docs (reference_appendices/common_return_values: the common and the internal-use keys) and the keys
ansible-core's executor and callbacks read from a result (``TaskResult``, ``TaskExecutor``, the
default callback). ``changed``, ``diff`` and ``msg`` may be documented only for what Ansible means
by them: a boolean, the before/after of diff mode, and a message string.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

MODULES = sorted((Path(__file__).resolve().parents[4] / "plugins" / "modules").glob("*.py"))

COMMON = {"backup_file", "changed", "diff", "failed", "invocation", "msg", "rc", "results", "skipped",
          "stderr", "stderr_lines", "stdout", "stdout_lines"}
INTERNAL = {"ansible_facts", "exception", "warnings", "deprecations"}
CORE = {"unreachable", "failed_when_result", "attempts", "retries", "skip_reason", "item", "censored",
        "add_host", "add_group", "started", "finished", "async_result", "module_stdout", "module_stderr"}
RESERVED_PREFIXES = ("_ansible_", "ansible_")
#: reserved keys a module may return, with the only type Ansible expects there
LEGITIMATE = {"changed": {"bool"}, "diff": {"dict", "list"}, "msg": {"str"}}


def reserved(key: str) -> bool:
    return key in COMMON | INTERNAL | CORE or key.startswith(RESERVED_PREFIXES)


def returns(path: Path) -> Dict[str, Any]:
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "RETURN" for t in node.targets):
            return yaml.safe_load(ast.literal_eval(node.value)) or {}
    raise AssertionError("%s has no RETURN" % path.name)


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_no_documented_return_value_uses_a_key_ansible_reserves(path: Path) -> None:
    wrong = ["%s (%s)" % (key, doc.get("type")) for key, doc in returns(path).items()
             if reserved(key) and doc.get("type") not in LEGITIMATE.get(key, set())]
    assert wrong == [], "%s documents keys Ansible reserves: %s" % (path.name, ", ".join(wrong))


def test_the_check_sees_every_module_and_knows_the_keys_that_broke_runs() -> None:
    assert len(MODULES) >= 15 and all(returns(p) for p in MODULES)
    assert reserved("skipped") and reserved("results") and reserved("_ansible_notify") and reserved("ansible_facts")
    assert not reserved("not_added") and not reserved("api_calls")
