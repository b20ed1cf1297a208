"""The ``run_module`` fixture: a module's main() in-process against a fake firewall."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Optional, Tuple

import pytest

from tests.unit.plugins.modules.firewall import Firewall


@pytest.fixture
def run_module(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Tuple[bool, Dict[str, Any]]]:
    """``run_module(main, args, firewall, check=False, diff=False) -> (failed, result)``."""
    from ansible.module_utils import basic
    from ansible_collections.tagwarden.panos.plugins.module_utils._ansible import _module
    from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection

    for name in ("PANOS_IP_ADDRESS", "PANOS_USERNAME", "PANOS_PASSWORD", "PANOS_API_KEY", "PANOS_PORT",
                 "PANOS_VALIDATE_CERTS", "PANOS_CA_PATH", "PANOS_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)

    def run(main: Callable[[], None], args: Dict[str, Any], firewall: Optional[Firewall] = None,
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
