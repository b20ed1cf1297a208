"""The quota rule's release times, kept in its description."""

import json
from datetime import datetime

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._panos._limits import MAX_DESCRIPTION
from ansible_collections.tagwarden.panos.plugins.module_utils._quota._release import decode_rule_description, encode_rule_description

T = datetime(2026, 11, 22, 10, 30, 0)
HOSTILE = ["cn=o'brien,dc=acme", 'cn="quoted"', "cn=<b>&amp;</b>", "cn=x</member><member>any", "cn=ünïcode,dc=acme"]


def test_rule_description_round_trip_with_hostile_names():
    releases = {name: T for name in HOSTILE}
    text = encode_rule_description(releases)
    assert len(text) <= MAX_DESCRIPTION
    assert text.startswith("Managed by tagwarden.panos quota")
    assert decode_rule_description(text) == releases
    assert json.loads(text[text.index('{"release"'):]) == {"release": {name: "2026/11/22 10:30:00" for name in HOSTILE}}


def test_rule_description_leaves_out_groups_that_are_not_ours():
    text = encode_rule_description({"cn=a": T, "cn=manual": None})
    assert decode_rule_description(text) == {"cn=a": T}


def test_rule_description_overflow_is_a_clear_error():
    releases = {"cn=group%03d,ou=some long organisational unit,dc=acme,dc=local" % index: T for index in range(20)}
    with pytest.raises(ValueError, match=r"20 blocked groups need \d+ characters .* more than the 1024 PAN-OS allows"):
        encode_rule_description(releases)


@pytest.mark.parametrize("text", [None, "", "written by hand"])
def test_description_without_release_times_is_empty(text):
    assert decode_rule_description(text) == {}


@pytest.mark.parametrize("text", ['x {"release": {"cn=a": "tomorrow"}}', 'x {"release": [1]}', 'x {"release": {"cn=a": "2026/11/22 10:30:00"'])
def test_damaged_description_raises(text):
    with pytest.raises(ValueError, match="does not end in valid release times"):
        decode_rule_description(text)
