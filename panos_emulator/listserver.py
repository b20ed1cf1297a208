"""An HTTPS web server for External Dynamic List sources in tests and the demo: serves a directory, optional
basic auth, can be taken down and brought back on the same port (the firewall then keeps its last good copy).

``python -m panos_emulator.listserver -- CMD ARGS`` runs CMD with one (see :func:`main`)."""

from __future__ import annotations

import base64
import functools
import http.server
import sys
import threading
from pathlib import Path
from typing import Any

from double_server.tls import TlsFiles, make_certificates


class _Handler(http.server.SimpleHTTPRequestHandler):
    server: "_Server"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.server.requests.append(self.path)
        expected = self.server.credentials
        if expected is not None and self.headers.get("Authorization") != expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="edl"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        del format, args


class _Server(http.server.ThreadingHTTPServer):
    requests: list[str]
    credentials: str | None


class ListServer:
    """``with ListServer(directory, state_dir) as web: web.url, web.tls.ca_file, web.stop(), web.start()``."""

    def __init__(self, directory: Path, state_dir: Path, username: str | None = None, password: str | None = None) -> None:
        self.directory = directory
        self.tls: TlsFiles = make_certificates(state_dir)
        self.credentials = None if username is None else "Basic " + base64.b64encode(
            f"{username}:{password or ''}".encode()).decode()
        self.requests: list[str] = []
        self.port = 0
        self._server: _Server | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> None:
        handler = functools.partial(_Handler, directory=str(self.directory))
        server = _Server(("127.0.0.1", self.port), handler)
        server.requests, server.credentials = self.requests, self.credentials
        server.socket = self.tls.server_context().wrap_socket(server.socket, server_side=True)
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "ListServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str]) -> int:
    """``python -m panos_emulator.listserver -- CMD ARGS``: a list server on a fresh directory (basic auth
    ``edl-reader`` and a random password) while CMD runs with EDL_BASE_URL, EDL_DIRECTORY, EDL_CA_PATH,
    EDL_USERNAME and EDL_PASSWORD set; its exit code becomes ours."""
    import os  # pylint: disable=import-outside-toplevel
    import secrets  # pylint: disable=import-outside-toplevel
    import subprocess  # pylint: disable=import-outside-toplevel
    import tempfile  # pylint: disable=import-outside-toplevel

    from double_server.serving import split_command  # pylint: disable=import-outside-toplevel

    _options, command = split_command(argv)
    if not command:
        sys.stderr.write("usage: python -m panos_emulator.listserver -- CMD [ARGS...]\n")
        return 2
    password = secrets.token_urlsafe(12)
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory) / "www"
        root.mkdir()
        with ListServer(root, Path(directory) / "tls", "edl-reader", password) as web:
            env = {**os.environ, "EDL_BASE_URL": web.url, "EDL_DIRECTORY": str(root),
                   "EDL_CA_PATH": str(web.tls.ca_file), "EDL_USERNAME": "edl-reader", "EDL_PASSWORD": password}
            return subprocess.call(command, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
