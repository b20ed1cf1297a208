# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The option groups modules share, each the argument spec of the doc fragment of the same name
(plugins/doc_fragments/<name>.py), and :func:`merge`, which puts a module's groups together.

The feature-specific groups live with their feature: ``_quota._options.QUOTA_POLICY``
(quota_policy), ``_feeds._specs`` (feed_http, feed_list, feed_lumu, feed_taxii) and
``_cloud._options`` (aws, aws_rules). Old option names stay as aliases.
"""

from __future__ import annotations


from typing import Any, Dict, Mapping

from ansible_collections.tagwarden.panos.plugins.module_utils._config._objects import DEFAULT_TAG_COLOR
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._placement import RULE_LOCATIONS
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import RULE_ACTIONS
from ansible_collections.tagwarden.panos.plugins.module_utils._userid._registrations import DEFAULT_CHUNK_SIZE

Spec = Dict[str, Dict[str, Any]]

# tagwarden.panos.vsys
VSYS = dict(
    vsys=dict(type="str", default="vsys1"),
)  # type: Spec

# tagwarden.panos.commit
COMMIT = dict(
    commit=dict(type="bool", default=True),
    commit_admin=dict(type="str"),
)  # type: Spec

# tagwarden.panos.tag_color
TAG_COLOR = dict(
    tag_color=dict(type="str", default=DEFAULT_TAG_COLOR),
)  # type: Spec

# tagwarden.panos.rule_placement (``_rulebase._placement.Placement``)
RULE_PLACEMENT = dict(
    location=dict(type="str", choices=list(RULE_LOCATIONS) + ["above"], default="top", aliases=["rule_location"]),
    existing_rule=dict(type="str", aliases=["rule_existing"]),
)  # type: Spec

# tagwarden.panos.rule_zones (with RULE_SHAPE: ``_rulebase._shape.RuleShape``)
RULE_ZONES = dict(
    from_zones=dict(type="list", elements="str", default=["any"], aliases=["rule_from", "source_zone"]),
    to_zones=dict(type="list", elements="str", default=["any"], aliases=["rule_to", "destination_zone"]),
    action=dict(type="str", choices=[action for action in RULE_ACTIONS if action != "allow"], default="deny",
                aliases=["rule_action"]),
)  # type: Spec

# tagwarden.panos.rule_shape: the rest of the shape (``_rulebase._shape.RuleShape``)
RULE_SHAPE = dict(
    destination=dict(type="list", elements="str", default=["any"], aliases=["rule_destination"]),
    log_setting=dict(type="str", aliases=["rule_log_setting"]),
    log_end=dict(type="bool", default=True, aliases=["rule_log_end"]),
    rule_tags=dict(type="list", elements="str", default=[]),
)  # type: Spec

# tagwarden.panos.userid_batch
USERID_BATCH = dict(
    chunk_size=dict(type="int", default=DEFAULT_CHUNK_SIZE),
)  # type: Spec


def merge(*groups: Mapping[str, Dict[str, Any]], **options: Dict[str, Any]) -> Spec:
    """One argument spec of ``groups`` and the module's own ``options``; an option given twice is a
    programming error (two meanings for one name)."""
    spec = {}  # type: Spec
    for group in groups + (options,):
        for name, option in group.items():
            if name in spec:
                raise ValueError("option %s is declared twice" % name)
            spec[name] = dict(option)
    return spec


def with_default(group: Mapping[str, Dict[str, Any]], **defaults: Any) -> Spec:
    """``group`` with other defaults (a module whose doc sets them, such as security_rule_set's
    ``location: bottom``)."""
    return {name: dict(option, **({"default": defaults[name]} if name in defaults else {}))
            for name, option in group.items()}
