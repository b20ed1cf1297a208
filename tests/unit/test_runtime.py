# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""meta/runtime.yml: the old names of the renamed modules still resolve, with a deprecation."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
RUNTIME = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
MODULES = {path.stem for path in (ROOT / "plugins" / "modules").glob("*.py")}


def test_old_names_redirect_to_modules_that_exist_and_are_deprecated() -> None:
    routing = RUNTIME["plugin_routing"]["modules"]
    assert set(routing) == {"aws_security_rules_facts", "quota_block_facts", "quota_report_facts", "userid_facts"}
    for old, route in routing.items():
        assert old not in MODULES
        assert route["redirect"] == "tagwarden.panos." + old.replace("_facts", "_info")
        assert route["redirect"].split(".")[-1] in MODULES
        assert route["deprecation"]["removal_version"] and route["deprecation"]["warning_text"]


def test_no_module_named_facts_returns_no_facts() -> None:
    for name in MODULES:
        if name.endswith("_facts"):
            assert "ansible_facts" in (ROOT / "plugins" / "modules" / (name + ".py")).read_text(encoding="utf-8")


def test_the_firewall_group_holds_every_firewall_module_and_no_old_name() -> None:
    """module_defaults reach a task under an old name through its redirect (ansible-core resolves the
    task's action first); an old name listed in the group made ansible-core 2.16 print its deprecation
    in every play that sets the group's defaults, whichever modules the play runs."""
    group = set(RUNTIME["action_groups"]["firewall"])
    firewall_modules = {name for name in MODULES
                        if "firewall_module(" in (ROOT / "plugins" / "modules" / (name + ".py")).read_text(encoding="utf-8")}
    assert firewall_modules <= group
    assert not group & set(RUNTIME["plugin_routing"]["modules"])
