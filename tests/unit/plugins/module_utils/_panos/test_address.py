"""The IP address helpers every layer shares."""

from __future__ import annotations

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos import _address


def test_normalize_ip_and_sort_key() -> None:
    assert _address.normalize_ip(" 2001:DB8:0::1 ") == "2001:db8::1"
    assert _address.normalize_ip("nonsense") == "nonsense"
    assert sorted(["10.0.0.10", "2001:db8::1", "10.0.0.9"], key=_address.ip_sort_key) == [
        "10.0.0.9", "10.0.0.10", "2001:db8::1"]


@pytest.mark.parametrize("text", ["10.0.0.0/24", "fw.example.com", "fe80::1%eth0", "", None])
def test_strict_ip_refuses_what_is_not_one_address(text: object) -> None:
    with pytest.raises(ValueError, match="not a single IP address"):
        _address.strict_ip(text)


def test_ip_int_orders_within_a_family() -> None:
    assert _address.ip_int("10.0.0.1") == (4, 0x0A000001) and _address.ip_int("::1") == (6, 1)


def test_check_ip_names_the_fix() -> None:
    assert _address.check_ip(" 10.0.0.1 ") == ("10.0.0.1", None)
    assert "CIDR network" in (_address.check_ip("10.0.0.0/24")[1] or "")
    assert "zone index" in (_address.check_ip("fe80::1%eth0")[1] or "")
