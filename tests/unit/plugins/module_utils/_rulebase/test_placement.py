"""Rule placement: top, bottom, before/after a rule, above a named bottom rule."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import FirewallError
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import Placement, place


class Moves:
    def __init__(self, existing: tuple[str, ...] = (), code: str | None = None) -> None:
        self.existing = existing
        self.code = code
        self.moves: list[dict[str, Any]] = []

    def config(self, action: str, xpath: str, element: Any = None, **extra: Any) -> ET.Element:
        root = ET.fromstring('<response status="success"><result/></response>')
        if action == "get":
            for name in self.existing:
                if "'%s'" % name in xpath:
                    ET.SubElement(root[0], "entry", name=name)
            return root
        if self.code:
            raise FirewallError("move refused", code=self.code)
        self.moves.append({k: v for k, v in dict(extra, xpath=xpath).items() if v is not None})
        return root


@pytest.mark.parametrize("placement, expected", [
    (Placement("top"), {"where": "top"}),
    (Placement("bottom"), {"where": "bottom"}),
    (Placement("before", "allow-web"), {"where": "before", "dst": "allow-web"}),
    (Placement("after", "allow-web"), {"where": "after", "dst": "allow-web"}),
])
def test_moves(placement: Placement, expected: dict[str, str]) -> None:
    conn = Moves()
    place(conn, "ours", placement)  # type: ignore[arg-type]
    assert conn.moves == [dict(expected, xpath=conn.moves[0]["xpath"])]
    assert conn.moves[0]["xpath"].endswith("/rulebase/security/rules/entry[@name='ours']")


def test_above_a_bottom_rule_that_exists_and_one_that_does_not() -> None:
    conn = Moves(existing=("deny-all",))
    place(conn, "ours", Placement("above", "deny-all"))  # type: ignore[arg-type]
    assert conn.moves[0]["where"] == "before" and conn.moves[0]["dst"] == "deny-all"
    conn = Moves()
    place(conn, "ours", Placement("above", "deny-all"))  # type: ignore[arg-type]
    assert conn.moves[0]["where"] == "bottom" and "dst" not in conn.moves[0]


def test_already_in_place_is_fine_other_refusals_raise() -> None:
    place(Moves(code="14"), "ours", Placement("top"))  # type: ignore[arg-type]
    with pytest.raises(FirewallError):
        place(Moves(code="12"), "ours", Placement("top"))  # type: ignore[arg-type]


def test_problems() -> None:
    assert Placement("top").problems("r", "loc") == []
    assert "needs the name" in Placement("before").problems("r", "loc")[0]
    assert "itself" in Placement("above", "r").problems("r", "loc")[0]
    assert "not one of" in Placement("middle").problems("r", "loc")[0]
