# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each shared option group is the argument spec of the doc fragment of the same name: same
options, types, defaults, choices and aliases, so that a module that merges the group and
extends the fragment documents exactly what it takes."""

from __future__ import annotations

import importlib
from typing import Any, Dict

import pytest
import yaml

from ansible_collections.tagwarden.panos.plugins.module_utils._ansible import _options
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._specs import EDL_URL_OPTIONS
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._options import QUOTA_POLICY
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._rule import GROUP_RULE

GROUPS = {
    "vsys": _options.VSYS,
    "commit": _options.COMMIT,
    "tag_color": _options.TAG_COLOR,
    "rule_placement": _options.RULE_PLACEMENT,
    "rule_shape": _options.RULE_SHAPE,
    "rule_zones": _options.RULE_ZONES,
    "userid_batch": _options.USERID_BATCH,
    "quota_policy": QUOTA_POLICY,
    "quota_rule": GROUP_RULE,
    "edl_url": EDL_URL_OPTIONS,
}
KEYS = ("type", "elements", "default", "choices", "aliases")


def documented(fragment: str) -> Dict[str, Dict[str, Any]]:
    module = importlib.import_module("ansible_collections.tagwarden.panos.plugins.doc_fragments." + fragment)
    return yaml.safe_load(module.ModuleDocFragment.DOCUMENTATION)["options"]


@pytest.mark.parametrize("fragment", sorted(GROUPS))
def test_the_group_is_what_its_fragment_documents(fragment: str) -> None:
    docs = documented(fragment)
    group = GROUPS[fragment]
    assert set(docs) == set(group)
    for name, option in group.items():
        assert {key: option.get(key) for key in KEYS} == {key: docs[name].get(key) for key in KEYS}, name


def test_merge_refuses_an_option_declared_twice() -> None:
    assert set(_options.merge(_options.VSYS, _options.COMMIT, tag=dict(type="str"))) == {"vsys", "commit", "commit_admin", "tag"}
    with pytest.raises(ValueError, match="vsys"):
        _options.merge(_options.VSYS, vsys=dict(type="str"))


def test_with_default_leaves_the_group_as_declared() -> None:
    bottom = _options.with_default(_options.RULE_PLACEMENT, location="bottom")
    assert bottom["location"]["default"] == "bottom" and _options.RULE_PLACEMENT["location"]["default"] == "top"
