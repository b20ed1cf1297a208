"""The Ansible glue: the provider argument spec and the commit options."""

from __future__ import annotations

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible import _module, _options
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._client import PROVIDER_SPEC


def test_provider_options_carry_environment_fallbacks_and_no_private_keys() -> None:
    options = _module.provider_options()
    assert set(options) == set(PROVIDER_SPEC)
    assert all("env" not in option for option in options.values())
    assert options["password"]["no_log"] and options["api_key"]["no_log"]
    assert options["ip_address"]["fallback"][1] == ["PANOS_IP_ADDRESS"]
    assert "fallback" not in options["serial_number"]


def test_provider_applies_defaults_without_a_provider_and_commit_defaults_on() -> None:
    spec = _module.provider_argument_spec()["provider"]
    assert spec["apply_defaults"] is True and spec["type"] == "dict"
    assert _options.COMMIT == {"commit": {"type": "bool", "default": True}, "commit_admin": {"type": "str"}}
