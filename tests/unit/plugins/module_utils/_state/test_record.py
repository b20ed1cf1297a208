"""A JSON record at the end of a description, within the PAN-OS limit."""

from __future__ import annotations

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._state._record import DescriptionRecord, RecordTooLong

CURSOR = DescriptionRecord("cursor", "Managed by tagwarden.panos feeds: where the last poll ended.")


def test_round_trip_of_another_record_kind() -> None:
    text = CURSOR.encode({"since": "2026-11-22T10:00:00Z", "page": "ab'c"})
    assert text.startswith("Managed by tagwarden.panos feeds") and CURSOR.decode(text) == {"since": "2026-11-22T10:00:00Z", "page": "ab'c"}


def test_no_record_is_none_and_damage_is_an_error() -> None:
    assert CURSOR.decode(None) is None and CURSOR.decode("written by hand") is None
    with pytest.raises(ValueError, match="'cursor' record"):
        CURSOR.decode('x {"cursor": {broken')


def test_too_long_says_how_long() -> None:
    with pytest.raises(RecordTooLong) as info:
        CURSOR.encode({"page": "x" * 1024})
    assert info.value.length > info.value.limit == 1024
