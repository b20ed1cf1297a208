"""The AWS option specs agree with their doc fragments and give the settings they document."""

from typing import Any, Callable, Dict

import pytest
import yaml

from ansible_collections.tagwarden.panos.plugins.doc_fragments import aws, aws_rules
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._options import (
    aws_argument_spec, aws_settings, rule_argument_spec, rule_settings,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._rules import (
    DEFAULT_APPLICATIONS, SettingsError, derive_rules,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._cloud._ec2 import AwsState


@pytest.mark.parametrize("spec, fragment", [(aws_argument_spec, aws), (rule_argument_spec, aws_rules)])
def test_spec_matches_fragment(spec: Callable[[], Dict[str, Dict[str, Any]]], fragment: Any) -> None:
    documented = yaml.safe_load(fragment.ModuleDocFragment.DOCUMENTATION)["options"]
    argument_spec = spec()
    assert set(documented) == set(argument_spec)
    for name, option in argument_spec.items():
        doc = documented[name]
        assert (doc["type"], doc.get("default"), doc.get("aliases", []), doc.get("elements")) == (
            option["type"], option.get("default"), option.get("aliases", []), option.get("elements")), name


def test_secrets_are_no_log() -> None:
    assert {n for n, o in aws_argument_spec().items() if o.get("no_log")} == {"secret_key", "session_token"}


def defaults(spec: Dict[str, Dict[str, Any]], **given: Any) -> Dict[str, Any]:
    params = {name: option.get("default") for name, option in spec.items()}
    params.update(given)
    return params


def test_settings_from_module_params() -> None:
    settings = aws_settings(defaults(aws_argument_spec(), region="eu-west-1", profile="audit"))
    assert (settings.region, settings.profile, settings.validate_certs, settings.attempts) == (
        "eu-west-1", "audit", True, 5)
    rules = rule_settings(defaults(rule_argument_spec(), firewall_instance_ids=["i-0abc"]))
    assert (rules.firewall_instance_ids, rules.from_zones, rules.owner_tag, dict(rules.applications)) == (
        ("i-0abc",), ("any",), "tagwarden-aws", DEFAULT_APPLICATIONS)


def test_an_empty_zone_list_is_refused_not_widened_to_any() -> None:
    settings = rule_settings(defaults(rule_argument_spec(), firewall_instance_ids=["i-0abc"], to_zones=[]))
    with pytest.raises(SettingsError, match="to_zones must list at least one zone"):
        derive_rules(AwsState([], {}, {}, {}), settings)
