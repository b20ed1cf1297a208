"""quota_objects logic without a firewall: the objects it writes and the checks of its options."""

from __future__ import annotations

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._quota import _bootstrap as qo
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._ownership import OWNER_TAG
from ansible_collections.tagwarden.panos.plugins.module_utils._rulebase._rule import SECURITY_RULE, SecurityRule


def test_objects_filter_quotes_any_tag_and_report_shape() -> None:
    objects = qo.desired_objects("it's", "quota", "Quota", "last-15-minutes", 10000,
                                 qo.validate("it's", "quota", "Quota", "last-15-minutes", 10000, [{"name": "R"}]))
    labels = [obj.label for obj, _placement in objects]
    assert labels == ["tag tagwarden.panos", "tag it's", "address-group quota", "report Quota", "rule R"]
    assert objects[2][0].element.findtext("dynamic/filter") == '"it\'s"'
    assert [m.text for m in objects[2][0].element.findall("tag/member")] == [OWNER_TAG]
    report = objects[3][0].element
    assert [m.text for m in report.findall("type/trsum/aggregate-by/member")] == ["src", "srcuser"]
    assert report.findtext("topn") == "10000" and report.findtext("period") == "last-15-minutes"
    assert [m.text for m in objects[4][0].element.findall("source/member")] == ["quota"]
    assert [m.text for m in objects[4][0].element.findall("tag/member")] == [OWNER_TAG]
    assert objects[4][1] is not None and objects[4][1].where == "top"


def test_rules_carry_log_settings_and_extra_tags() -> None:
    [(model, _placement)] = qo.validate("quota", "quota", "Quota", "last-15-minutes", 10,
                                        [{"name": "R", "log_setting": "siem", "log_end": False, "tags": ["x"]}])
    assert model.log_setting == "siem" and model.log_end is False and model.tags == ("x", OWNER_TAG)


def test_a_rule_name_held_by_a_rule_that_is_not_ours_is_refused() -> None:
    rules = qo.validate("quota", "quota", "Quota", "last-15-minutes", 10, [{"name": "Allow-Outbound"}, {"name": "Old"}])
    current = {(SECURITY_RULE, "Allow-Outbound"): SecurityRule("Allow-Outbound").to_element(),
               (SECURITY_RULE, "Old"): SecurityRule("Old", sources=("quota",), action="deny").to_element()}
    problems = qo.foreign_rule_problems(current, rules)
    assert len(problems) == 2 and "'Allow-Outbound' exists and is not managed" in problems[0]
    assert "'Old' exists and is not managed" in problems[1]  # even with the DAG as its source


def test_objects_validation() -> None:
    with pytest.raises(ValidationError) as info:
        qo.validate("a'\"b", "", "Quota", "yesterday", 0, [{"name": "R", "location": "after"}, {"name": "R"},
                                                           {"name": ""}, {"name": "a/b"}])
    message = str(info.value)
    for part in ("tag:", "dag_name:", "report_period", "report_topn", "needs the name", "once",
                 "rules item 3: name: a name is required", "rules item 4: name: 'a/b' holds '/'"):
        assert part in message
