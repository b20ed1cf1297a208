"""Run this collection's modules in-process (a pytest plugin, loaded by tests/conftest.py).

``run_module`` runs a module's main() against a fake firewall (unit tests) or a double (integration tests);
``module_call`` runs a module by name as ``ansible localhost -m`` would, against the double its options name.
The module's behaviour through Ansible itself is proven by the playbook and role tests (tests/integration).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Dict, Optional, Tuple

import pytest

from tests.unit.firewall import FakeFirewall

MODULES = Path(__file__).resolve().parents[1] / "plugins" / "modules"


def load(name: str) -> ModuleType:
    """A module file, loaded by path: its imports of module_utils are the collection's, but the
    plugins.modules package is not imported (pytest-ansible's collection finder routes it)."""
    spec = importlib.util.spec_from_file_location("tagwarden_panos_module_" + name, MODULES / (name + ".py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def run_module(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Tuple[bool, Dict[str, Any]]]:
    """``run_module(main, args, firewall, check=False, diff=False) -> (failed, result)``."""
    from ansible.module_utils import basic
    from ansible_collections.tagwarden.panos.plugins.module_utils._ansible import _module
    from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection

    for name in ("PANOS_IP_ADDRESS", "PANOS_USERNAME", "PANOS_PASSWORD", "PANOS_API_KEY", "PANOS_PORT",
                 "PANOS_VALIDATE_CERTS", "PANOS_CA_PATH", "PANOS_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)

    def run(main: Callable[[], None], args: Dict[str, Any], firewall: Optional[FakeFirewall] = None,
            check: bool = False, diff: bool = False) -> Tuple[bool, Dict[str, Any]]:
        if firewall is not None:
            monkeypatch.setattr(_module, "FirewallConnection", lambda provider, **kw: FirewallConnection(
                provider, transport=firewall, sleep=lambda seconds: None))
        payload = dict(args, _ansible_check_mode=check, _ansible_diff=diff)
        monkeypatch.setattr(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": payload}).encode())
        monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy", raising=False)
        with pytest.raises(SystemExit):
            main()
        result = json.loads(capsys.readouterr().out)
        # ansible-core 2.22 hands the module's no_log values to the controller under this key, which
        # the controller takes out to mask them; a user never sees it.
        result.pop("_ansible_new_secrets", None)
        return bool(result.get("failed")), result

    return run


@pytest.fixture
def module_call(run_module: Callable[..., Tuple[bool, Dict[str, Any]]]) -> Callable[..., Dict[str, Any]]:  # pylint: disable=redefined-outer-name
    """``module_call(name, args, *flags) -> result``: ``flags`` among ``--check`` and ``--diff``; ``failed`` always set."""
    loaded: Dict[str, ModuleType] = {}

    def call(name: str, args: Dict[str, Any], *flags: str) -> Dict[str, Any]:
        assert set(flags) <= {"--check", "--diff"}, flags
        module = loaded.setdefault(name, load(name))
        failed, result = run_module(module.main, args, check="--check" in flags, diff="--diff" in flags)
        result["failed"] = failed
        return result

    return call
