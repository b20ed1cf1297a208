"""Custom URL categories (URL List): entry syntax, the wildcard rules and the PAN-OS 10.2 ending token,
in test security-policy-match (``category``) and in simulated web sessions (``url``)."""

from __future__ import annotations

import ssl

import pan.xapi
import pytest
from panos import objects, policies
from panos.firewall import Firewall

from panos_emulator.client import EmulatorControl
from panos_emulator.server import EmulatorServer
from panos_emulator.urlcat import entry_matches, normalize_url

CATEGORY = "Lumu-URLs"


@pytest.mark.parametrize(("entry", "url", "from_10_2", "before_10_2"), [
    ("example.com", "example.com/", True, True),
    ("example.com", "example.com/login/x", True, True),
    ("example.com", "www.example.com/", False, False),
    ("example.com", "example.com.evil.xyz/", False, True),  # the implicit * before 10.2
    ("example.com/", "example.com.evil.xyz/", False, False),
    ("*.example.com", "www.example.com/", True, True),
    ("*.example.com", "a.b.example.com/x", True, True),
    ("*.example.com", "example.com/", False, False),
    ("^.example.com", "a.b.example.com/", False, False),  # ^ is exactly one token
    ("^.example.com", "a.example.com/", True, True),
    ("jits.ac.in/TS.php", "jits.ac.in/ts.php", True, True),
    ("jits.ac.in/ts.php", "jits.ac.in/ts.php5", False, False),
    ("example.*", "example.org/", True, True),
])
def test_entry_matching_rules(entry: str, url: str, from_10_2: bool, before_10_2: bool) -> None:
    assert entry_matches(entry, url, ending_token=True) is from_10_2
    assert entry_matches(entry, url, ending_token=False) is before_10_2


def test_urls_are_normalized_as_the_firewall_sees_them() -> None:
    assert normalize_url("HTTPS://User@Example.COM:8443/A?b=1") == "example.com/a?b=1"
    assert normalize_url("example.com") == "example.com/"


def _category_and_rule(firewall: Firewall, members: list[str]) -> None:
    firewall.refresh_system_info()  # pan-os-python sends <type> only to 9.0 and later
    firewall.add(objects.CustomUrlCategory(CATEGORY, url_value=members, type="URL List")).create()
    base = firewall.add(policies.Rulebase())
    base.add(policies.SecurityRule("Block-Lumu", fromzone=["trust"], tozone=["untrust"], category=[CATEGORY],
                                   action="deny")).create()
    base.add(policies.SecurityRule("Allow-Outbound", fromzone=["trust"], tozone=["untrust"], action="allow")).create()
    firewall.commit(sync=True)


def test_policy_match_by_category(emu: EmulatorControl, firewall: Firewall, xapi: pan.xapi.PanXapi) -> None:
    _category_and_rule(firewall, ["evil.example/", "*.evil.example/"])

    def first(category: str) -> str:
        xapi.op("<test><security-policy-match><from>trust</from><to>untrust</to><source>10.0.0.5</source>"
                f"<category>{category}</category></security-policy-match></test>")
        return xapi.element_root.find("result/rules/entry").get("name")
    assert first(CATEGORY) == "Block-Lumu"
    assert first("news") == "Allow-Outbound"


def test_simulated_web_sessions_are_categorised_by_url(emu: EmulatorControl, firewall: Firewall, xapi: pan.xapi.PanXapi) -> None:
    _category_and_rule(firewall, ["evil.example/", "*.evil.example/", "jits.ac.in/TS.php"])
    assert emu.url_categories("https://www.Evil.example/x") == [CATEGORY]
    assert emu.url_categories("http://jits.ac.in/TS.php") == [CATEGORY]
    assert emu.url_categories("http://jits.ac.in/") == []
    emu.simulate([{"src": "10.0.0.5", "url": "https://c2.evil.example/beacon", "bytes_per_minute": 10},
                  {"src": "10.0.0.6", "url": "https://news.example/", "bytes_per_minute": 10},
                  {"src": "10.0.0.7", "bytes_per_minute": 10}])  # not web traffic: no URL category rule applies
    emu.advance(60)
    xapi.log(log_type="traffic", nlogs=10, interval=0.05)
    assert sorted((e.findtext("src"), e.findtext("rule")) for e in xapi.element_root.iterfind("result/log/logs/entry")) == [
        ("10.0.0.5", "Block-Lumu"), ("10.0.0.6", "Allow-Outbound"), ("10.0.0.7", "Allow-Outbound")]


def test_the_version_decides_the_ending_token() -> None:
    category = ("<entry name='c'><type>URL List</type><list><member>example.com</member><member>*.example.com</member>"
                "</list></entry>")
    for version, widened in (("10.2.9", []), ("10.1.6", ["c"])):
        with EmulatorServer(sw_version=version) as server:
            info = server.info
            api = pan.xapi.PanXapi(hostname=info["host"], port=info["port"], api_username=info["username"],
                                   api_password=info["password"], ssl_context=ssl.create_default_context(cafile=info["ca_file"]))
            api.set(xpath="/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/profiles/custom-url-category",
                    element=category)
            api.commit(cmd="<commit/>", sync=True, interval=0.05)
            control = EmulatorControl(info)
            assert control.url_categories("example.com/") == ["c"]
            assert control.url_categories("www.example.com/") == ["c"]
            assert control.url_categories("example.com.evil.xyz/") == widened


@pytest.mark.parametrize("entry", ["example*.com", "li^.example.com", "http://example.com/", "*.*.example.com", "a" * 256, ""])
def test_entries_pan_os_refuses(firewall: Firewall, entry: str) -> None:
    firewall.refresh_system_info()
    with pytest.raises(Exception, match="is invalid"):
        firewall.add(objects.CustomUrlCategory("bad", url_value=[entry], type="URL List")).create()
