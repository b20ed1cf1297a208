"""The removal bound: parsing, and the message naming the counts."""

from __future__ import annotations

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._guard import (
    Removal,
    RemovalBound,
    check_removals,
    parse_bound,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError


@pytest.mark.parametrize("value, bound", [
    ("50%", RemovalBound(None, 50.0)), (1000, RemovalBound(1000, None)), ("1000", RemovalBound(1000, None)),
    (["10%", 5000], RemovalBound(5000, 10.0)), ("100%", RemovalBound(None, 100.0)), ("0", RemovalBound(0, None))])
def test_bounds(value: object, bound: RemovalBound) -> None:
    assert parse_bound(value) == bound


@pytest.mark.parametrize("value", ["half", "150%", "-1", "2.5", True, ""])
def test_a_bad_bound_is_named(value: object) -> None:
    with pytest.raises(ValidationError, match="max_removals=%s" % repr(value).replace("[", r"\[")):
        parse_bound(value)


def test_both_bounds_hold() -> None:
    assert parse_bound(["10%", 5]).allowed(1000) == 5 and parse_bound(["10%", 500]).allowed(1000) == 100
    assert parse_bound("50%").allowed(3) == 1


def test_every_target_over_its_bound_is_named_with_the_counts() -> None:
    with pytest.raises(ValidationError) as raised:
        check_removals(parse_bound("50%"), [Removal("tag t", 10, 10), Removal("custom URL category c", 4, 2),
                                            Removal("custom URL category d", 4, 3)])
    message = str(raised.value)
    assert "tag t would lose 10 of its 10 entries, more than max_removals=50% allows (5)" in message
    assert "category d would lose 3 of its 4" in message and "category c" not in message
    assert "nothing was written" in message and "raise max_removals" in message


def test_within_the_bound_passes() -> None:
    check_removals(parse_bound(1), [Removal("tag t", 0, 0), Removal("tag u", 5, 1)])
