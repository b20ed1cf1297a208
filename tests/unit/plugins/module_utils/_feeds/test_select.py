"""One selector for every source; the client it makes masks the source's secrets and names its key option."""

from __future__ import annotations

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import FeedOptionError
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._select import SOURCES, feed_client, select_source


def test_every_source_is_selectable_by_name() -> None:
    assert sorted(SOURCES) == ["list", "lumu", "taxii"]
    assert select_source("list", {"path": "/tmp/x"}).name == "list"


def test_an_unknown_source_lists_the_known_ones() -> None:
    with pytest.raises(FeedOptionError, match="source=misp is unknown: use one of list, lumu, taxii"):
        select_source("misp", {})


def test_the_client_masks_the_sources_secrets() -> None:
    lumu = select_source("lumu", {"company_key": "K3Y-value"})
    client = feed_client(lumu)
    assert client.scrubber.scrub("https://x/api?key=K3Y-value") == "https://x/api?key=********"
    assert client.auth_option == "company_key" and client.peer == "the lumu feed"
    taxii = select_source("taxii", {"collection_url": "https://t.example/api1/collections/c/", "username": "u",
                                    "password": "pw-123"})
    assert taxii.secrets() == ["pw-123", "Basic dTpwdy0xMjM="]
    assert feed_client(taxii).scrubber.scrub("Authorization: Basic dTpwdy0xMjM=") == "Authorization: ********"
