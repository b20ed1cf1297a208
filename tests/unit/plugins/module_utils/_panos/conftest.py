"""No PANOS_* variable of the caller's environment reaches the client tests."""

import pytest


@pytest.fixture(autouse=True)
def no_panos_env(monkeypatch):
    for name in ("PANOS_IP_ADDRESS", "PANOS_USERNAME", "PANOS_PASSWORD", "PANOS_API_KEY", "PANOS_PORT",
                 "PANOS_VALIDATE_CERTS", "PANOS_CA_PATH", "PANOS_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
