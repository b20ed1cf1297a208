"""The connection options every firewall module shares (doc fragment tagwarden.panos.connection):
top-level validate_certs / ca_path / api_timeout over the provider's, null keys falling back to the
environment, the validate_certs warning, Panorama refused without a serial."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from ansible.module_utils import basic

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible import _module
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import FirewallConnection
from tests.module_runner import load
from tests.unit.firewall import FakeFirewall

dag_info = load("dag_info")
# What paloaltonetworks.panos 3.4.1 accepts in a provider, and nothing else.
UPSTREAM_PROVIDER = {"ip_address": "192.0.2.1", "username": "admin", "password": "pw", "port": 443}
FIREWALL_OPS = {"show system info": '<response status="success"><result><system><model>PA-VM</model></system></result>'
                                    '</response>',
                "show object dynamic-address-group": '<response status="success"><result/></response>'}
PANORAMA_INFO = ('<response status="success"><result><system><model>Panorama</model></system></result>'
                 '</response>')


@pytest.fixture(autouse=True)
def warned(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """The module's warnings (ansible-core 2.19 keeps them in a process-wide registry)."""
    messages = []  # type: List[str]
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda module, warning, **kw: messages.append(warning))
    return messages


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> List[FirewallConnection]:
    """The connections the module made (over a fake firewall); the real constructor runs."""
    made = []  # type: List[FirewallConnection]

    def make(provider: Dict[str, Any], **kwargs: Any) -> FirewallConnection:
        firewall = FakeFirewall(op=FIREWALL_OPS)
        conn = FirewallConnection(provider, transport=firewall, sleep=lambda s: None, **kwargs)
        made.append(conn)
        return conn

    monkeypatch.setattr(_module, "FirewallConnection", make)
    return made


def test_top_level_options_with_an_upstream_provider(run_module, seen, warned, tmp_path) -> None:
    ca = tmp_path / "ca.pem"
    failed, result = run_module(dag_info.main, {"provider": UPSTREAM_PROVIDER, "validate_certs": True,
                                                "ca_path": str(ca), "api_timeout": 9})
    assert not failed, result
    conn = seen[0]
    assert (conn.validate_certs, conn.ca_path, conn.timeout) == (True, str(ca), 9)
    assert not warned


def test_the_top_level_option_wins_over_the_provider_key(run_module, seen, warned) -> None:
    provider = dict(UPSTREAM_PROVIDER, validate_certs=True, timeout=30)
    failed, result = run_module(dag_info.main, {"provider": provider, "validate_certs": False, "api_timeout": 5})
    assert not failed and (seen[0].validate_certs, seen[0].timeout) == (False, 5)
    assert any("validate_certs is false" in w and "ca_path" in w for w in warned)


def test_max_in_flight_defaults_to_five_and_comes_from_the_environment_or_the_task(run_module, seen, monkeypatch) -> None:
    failed, result = run_module(dag_info.main, {"provider": UPSTREAM_PROVIDER})
    assert not failed and seen[0].max_in_flight == 5
    monkeypatch.setenv("PANOS_MAX_IN_FLIGHT", "2")
    failed, result = run_module(dag_info.main, {"provider": UPSTREAM_PROVIDER})
    assert not failed and seen[-1].max_in_flight == 2
    failed, result = run_module(dag_info.main, {"provider": UPSTREAM_PROVIDER, "max_in_flight": 0})
    assert not failed and seen[-1].max_in_flight == 0


def test_validate_certs_false_in_the_provider_warns_too(run_module, seen, warned) -> None:
    failed, result = run_module(dag_info.main, {"provider": dict(UPSTREAM_PROVIDER, validate_certs=False)})
    assert not failed and any("192.0.2.1:443 is not checked" in w for w in warned)


@pytest.mark.parametrize("empty", [None, ""])
def test_a_null_or_empty_password_falls_back_to_panos_password(run_module, seen, monkeypatch, empty) -> None:
    monkeypatch.setenv("PANOS_PASSWORD", "from-env")
    failed, result = run_module(dag_info.main, {"provider": dict(UPSTREAM_PROVIDER, password=empty)})
    assert not failed, result
    assert seen[0]._password == "from-env"


def test_panorama_without_serial_number_fails_with_one_message(run_module, monkeypatch) -> None:
    firewall = FakeFirewall(op={"show system info": PANORAMA_INFO})
    monkeypatch.setattr(_module, "FirewallConnection", lambda provider, **kw: FirewallConnection(
        provider, transport=firewall, sleep=lambda s: None, **kw))
    failed, result = run_module(dag_info.main, {"provider": UPSTREAM_PROVIDER, "name": "blocked"})
    assert failed and result["error_kind"] == "settings"
    assert "is Panorama (model Panorama)" in result["msg"] and "provider.serial_number" in result["msg"]
    assert firewall.kinds() == ["keygen", "op"] and result["api_calls"] == 2
