"""Plain lists: lines with comments (Spamhaus DROP), JSON lines (DROP v4 JSON), CSV (Feodo) over HTTPS."""

from __future__ import annotations

import functools
import http.server
import threading
from typing import Any, Dict, Iterator

import pytest

from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._indicators import (
    IP,
    NETWORK,
    FeedError,
    FeedResult,
)
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._lists import ListSource
from ansible_collections.tagwarden.panos.plugins.module_utils._feeds._select import feed_client, select_source
from ansible_collections.tagwarden.panos.plugins.module_utils._http._client import HttpsError
from double_server.tls import make_certificates
from tests.unit.plugins.module_utils._feeds.test_lists import pairs

DROP_TXT = """; Spamhaus DROP List 2026/12/01 - (c) 2026 The Spamhaus Project SLU
; Last-Modified: Tue, 01 Dec 2026 10:00:00 GMT
1.10.16.0/20 ; SBL256894
2.56.192.0/22 ; SBL459831

999.1.1.0/24 ; SBL000001
198.51.100.7\t12
"""
DROP_JSON = """{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}
{"cidr":"2.56.192.0/22","sblid":"SBL459831","rir":"ripencc"}
{"cidr":"2.56.192.1/22","sblid":"SBL1","rir":"ripencc"}
not json
{"sblid":"SBL2"}
{"type":"metadata","timestamp":1764583200,"size":2,"records":2,"copyright":"(c) 2026 The Spamhaus Project SLU"}
"""
FEODO_CSV = """################################################################
# abuse.ch Feodo Tracker Botnet C2 IP Blocklist (CSV)           #
# Last updated: 2026-12-01 09:14:07 UTC                         #
################################################################
#
# "first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"
"2026-01-17 07:44:46","67.213.75.205","443","online","2026-11-30","Dridex"
"2026-02-02 10:11:12","198.51.100.0/24","8080","offline","2026-11-01","QakBot"
"2026-03-03 01:02:03","203.0.113.44","447","online","2026-11-29","TrickBot"
# Number of entries: 3
# end
"""


@pytest.fixture(scope="module")
def list_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    """Serves the lists above from a directory over HTTPS with a private CA."""
    directory = tmp_path_factory.mktemp("lists")
    for name, text in (("drop.txt", DROP_TXT), ("drop_v4.json", DROP_JSON), ("ipblocklist.csv", FEODO_CSV)):
        (directory / name).write_text(text)
    (directory / "portal.html").write_text("<html><body>login</body></html>")
    tls = make_certificates(directory / "tls")
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.socket = tls.server_context().wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"url": "https://127.0.0.1:%d/" % server.server_address[1], "ca_file": str(tls.ca_file),
               "directory": directory}
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # pylint: disable=redefined-builtin
        """Quiet in tests."""

    def do_GET(self) -> None:  # pylint: disable=invalid-name
        if self.path == "/moved-to-http":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/drop.txt")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()


def fetch(server: Dict[str, Any], name: str, **options: Any) -> FeedResult:
    source = select_source("list", {"url": server["url"] + name, **options})
    return source.fetch(feed_client(source, ca_path=server["ca_file"]))


def test_spamhaus_drop_text_over_https(list_server: Dict[str, Any]) -> None:  # pylint: disable=redefined-outer-name
    result = fetch(list_server, "drop.txt")
    assert pairs(result) == [(NETWORK, "1.10.16.0/20"), (NETWORK, "2.56.192.0/22"), (IP, "198.51.100.7")]
    assert result.indicators[0].source == "https://127.0.0.1:%s/drop.txt line 3" % list_server["url"].split(":")[2][:-1]
    assert [(r.value, r.source.rsplit(" ", 2)[1:]) for r in result.rejected] == [("999.1.1.0/24", ["line", "6"])]
    assert "not a valid IPv4 address" in result.rejected[0].message
    assert result.cursor is None


def test_spamhaus_drop_json_lines(list_server: Dict[str, Any]) -> None:  # pylint: disable=redefined-outer-name
    result = fetch(list_server, "drop_v4.json", format="jsonl")
    assert pairs(result) == [(NETWORK, "1.10.16.0/20"), (NETWORK, "2.56.192.0/22")]
    messages = [r.message for r in result.rejected]
    assert len(messages) == 3
    assert "has host bits set" in messages[0]
    assert "line 4 is not a JSON object" in messages[1]
    assert "line 5 has no string 'cidr': set field" in messages[2]


def test_feodo_csv_with_a_commented_header(list_server: Dict[str, Any]) -> None:  # pylint: disable=redefined-outer-name
    result = fetch(list_server, "ipblocklist.csv", format="csv", column="dst_ip", kinds=["ip"])
    assert pairs(result) == [(IP, "67.213.75.205"), (IP, "203.0.113.44")]
    assert [r.value for r in result.rejected] == ["198.51.100.0/24"]
    assert "is a network, where only IP addresses fit" in result.rejected[0].message


def test_a_csv_without_the_column_is_one_error(list_server: Dict[str, Any]) -> None:  # pylint: disable=redefined-outer-name
    with pytest.raises(FeedError, match="ipblocklist.csv has no column 'ip_address' .its header has first_seen_utc, "
                                        "dst_ip, dst_port, c2_status, last_online, malware.: set column"):
        fetch(list_server, "ipblocklist.csv", format="csv", column="ip_address")
    with pytest.raises(FeedError, match=r"ioc.csv has no column 'dst_ip' \(its header has a, b\)"):
        ListSource({"path": "/x/ioc.csv", "format": "csv", "column": "dst_ip"}).parse("a,b\n1,2\n")
    with pytest.raises(FeedError, match="ioc.csv has no header row naming the column 'dst_ip'"):
        ListSource({"path": "/x/ioc.csv", "format": "csv", "column": "dst_ip"}).parse("# nothing\n")


def test_an_html_page_is_not_a_list_of_indicators(list_server: Dict[str, Any]) -> None:  # pylint: disable=redefined-outer-name
    result = fetch(list_server, "portal.html")
    assert not result.indicators and result.rejected  # every line is named, none is taken


def test_a_missing_list_is_a_404(list_server: Dict[str, Any]) -> None:  # pylint: disable=redefined-outer-name
    with pytest.raises(HttpsError, match="HTTP 404 to GET https://127.0.0.1:[0-9]+/nothing.txt"):
        fetch(list_server, "nothing.txt")


def test_a_redirect_to_plain_http_is_not_followed(list_server: Dict[str, Any]) -> None:  # pylint: disable=redefined-outer-name
    with pytest.raises(HttpsError, match="answered HTTP 302 to GET https://127.0.0.1:[0-9]+/moved-to-http"):
        fetch(list_server, "moved-to-http")


def test_the_server_certificate_is_verified(list_server: Dict[str, Any]) -> None:  # pylint: disable=redefined-outer-name
    source = select_source("list", {"url": list_server["url"] + "drop.txt"})
    with pytest.raises(HttpsError, match="cannot verify the TLS certificate"):
        source.fetch(feed_client(source))
