"""Registered-IP capacity per platform and the check made before writing."""

from __future__ import annotations

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._capacity import (
    CapacityError,
    check_capacity,
    platform_key,
)


@pytest.mark.parametrize("model, key, figure", [
    ("PA-VM-50", "VM-50", 1000), ("vm-300", "VM-300", 200000), ("PA-5220", "PA-5200", 500000),
    ("PA-5450", "PA-5450", 100000), ("PA-5430", "PA-5400", 500000), ("PA-3260", "PA-3200", 200000),
    ("PA-3410", "PA-3410", 150000), ("PA-7080", "PA-7000", 100000), ("PA-440", "PA-440", 50000),
    ("PA-850", "PA-850", 2500), ("Panorama", "PANORAMA", 500000), ("M-600", "M-SERIES", 500000),
    ("PA-9999", "PA-9999", None), ("PA-VM", "PA-VM", None),
])
def test_models_map_to_the_published_figures(model: str, key: str, figure: object) -> None:
    assert platform_key(model) == (key, figure)


def test_the_check_names_the_numbers() -> None:
    with pytest.raises(CapacityError) as caught:
        check_capacity(120000, model="PA-VM-50")
    assert str(caught.value).startswith(
        "120,000 registered IP entries are wanted but VM-50 holds at most 1,000 (each address, network or range is "
        "one entry): remove 119,000 indicators from the feed, or set max_registered_ips")


def test_a_configured_limit_wins_and_fits_pass() -> None:
    assert check_capacity(1000, model="PA-VM-50") == 1000
    assert check_capacity(5000, model="PA-VM-50", limit=10000) == 10000
    with pytest.raises(CapacityError, match="but the limit max_registered_ips=10 holds at most 10"):
        check_capacity(11, limit=10)
    assert check_capacity(10 ** 9, model="PA-VM") is None  # unknown figure: nothing to compare with
