"""quota_objects logic without a firewall: the objects it writes and the checks of its options."""

from __future__ import annotations

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._errors import ValidationError
from ansible_collections.tagwarden.panos.plugins.module_utils._quota import _bootstrap as qo


def test_objects_filter_quotes_any_tag_and_report_shape() -> None:
    objects = qo.desired_objects("it's", "quota", "Quota", "last-15-minutes", 10000,
                                 qo.validate("it's", "quota", "Quota", "last-15-minutes", 10000, [{"name": "R"}]))
    labels = [obj.label for obj, _placement in objects]
    assert labels == ["tag it's", "address-group quota", "report Quota", "rule R"]
    assert objects[1][0].element.findtext("dynamic/filter") == '"it\'s"'
    report = objects[2][0].element
    assert [m.text for m in report.findall("type/trsum/aggregate-by/member")] == ["src", "srcuser"]
    assert report.findtext("topn") == "10000" and report.findtext("period") == "last-15-minutes"
    assert [m.text for m in objects[3][0].element.findall("source/member")] == ["quota"]
    assert objects[3][1] is not None and objects[3][1].where == "top"


def test_objects_validation() -> None:
    with pytest.raises(ValidationError) as info:
        qo.validate("a'\"b", "", "Quota", "yesterday", 0, [{"name": "R", "location": "after"}, {"name": "R"}])
    message = str(info.value)
    for part in ("tag:", "dag_name:", "report_period", "report_topn", "needs the name", "once"):
        assert part in message
