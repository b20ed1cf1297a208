"""What every HTTPS test double here shares: a TLS server, its lifecycle, the signal loop of
``python -m``, and the JSON control-plane call. The PAN-OS and the Lumu emulators both serve this way."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import ssl
import sys
import tempfile
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any

from .tls import TlsFiles, make_certificates


class TlsServer(ThreadingHTTPServer):
    """A threading HTTPS server; ``emulator`` is the double whose state the handlers use."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], emulator: Any,
                 context: ssl.SSLContext) -> None:
        self.emulator = emulator
        self.context = context
        super().__init__(address, handler)

    def get_request(self) -> tuple[socket.socket, Any]:
        # The TLS handshake happens in the request's own thread, so a stalled client blocks nobody.
        sock, address = self.socket.accept()
        # Replies go out whole (send_body); without Nagle a reply never waits on the client's delayed ACK.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that drop connections or refuse the certificate are not the emulator's problem.
        if not isinstance(sys.exc_info()[1], (OSError, EOFError)):
            super().handle_error(request, client_address)


class QuietHandler(BaseHTTPRequestHandler):
    """A quiet HTTP/1.1 handler that hands GET and POST to ``dispatch(method)``."""

    server: TlsServer
    protocol_version = "HTTP/1.1"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # pylint: disable=redefined-builtin
        """Quiet: the emulators run inside test sessions."""

    def do_GET(self) -> None:  # pylint: disable=invalid-name
        self.dispatch("GET")

    def do_POST(self) -> None:  # pylint: disable=invalid-name
        self.dispatch("POST")

    def dispatch(self, method: str) -> None:
        raise NotImplementedError

    def send_body(self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None) -> None:
        """The status line, headers and body in one write: a reply written in pieces waits on the client's
        delayed ACK (about 40 ms) before its second piece, on every request of a kept-alive connection."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self._headers_buffer.append(b"\r\n")  # end_headers() without its flush
        self._headers_buffer.append(body)
        self.flush_headers()


class ServedEmulator:
    """Start / stop / context manager for a double served by :class:`TlsServer` with a CA of its own.

    Subclasses set ``handler`` (their request handler class) and ``thread_name``.
    """

    handler: type[BaseHTTPRequestHandler]
    thread_name = "emulator"

    def __init__(self, host: str, port: int, state_dir: str | None, prefix: str) -> None:
        self.host = host
        self.port = port
        self._own_dir = state_dir is None
        self.state_dir = Path(state_dir) if state_dir else Path(tempfile.mkdtemp(prefix=prefix))
        self.stopping = threading.Event()
        self.tls: TlsFiles | None = None
        self.httpd: TlsServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Any:
        self.tls = make_certificates(self.state_dir, self.host)
        self.httpd = TlsServer((self.host, self.port), self.handler, self, self.tls.server_context())
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name=self.thread_name, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._own_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"https://{self.host}:{self.port}"

    @property
    def ca_file(self) -> str | None:
        return str(self.tls.ca_file) if self.tls else None


def serve_until_signalled(server: Any) -> int:
    """Start ``server``, print its ``info`` as one JSON line, and serve until SIGTERM or SIGINT."""

    def stop(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        server.stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.start()
    sys.stdout.write(json.dumps(server.info) + "\n")
    sys.stdout.flush()
    server.stopping.wait()
    server.stop()
    return 0


def split_command(argv: list[str]) -> tuple[list[str], list[str]]:
    """``OPTIONS -- CMD ARGS`` of a ``run`` wrapper: (options, command); without ``--`` all is the command."""
    if "--" not in argv:
        return [], argv
    split = argv.index("--")
    return argv[:split], argv[split + 1:]


def json_call(url: str, method: str, body: dict[str, Any] | None, context: ssl.SSLContext, timeout: float) -> Any:
    """One control-plane request: JSON in, JSON out, verified against the double's CA."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, context=context, timeout=timeout) as reply:
        return json.loads(reply.read())
