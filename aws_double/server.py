"""moto in server mode (``python -m moto.server``) in a subprocess on loopback, started and stopped here.

Real boto3 clients talk to it through ``endpoint_url`` or the environment of :meth:`MotoServer.environment`.
No pytest: ``python -m aws_double.run`` (make demo) and the test fixtures both use this.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from typing import Any, Mapping

REGION = "eu-west-1"
# moto accepts any credentials; these only have to look like keys (and never be real ones).
CREDENTIALS = {"access_key": "AKIAMOTOTESTKEY00001", "secret_key": "moto-secret-not-real/abc+def"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop(process: "subprocess.Popen[Any]", timeout: float = 10.0) -> None:
    """Terminate a server process; kill it if it does not stop in time."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def reset(endpoint: str) -> None:
    """Forget every resource (moto's own reset call)."""
    request = urllib.request.Request(endpoint + "/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10):
        pass


def isolated(base: Mapping[str, str]) -> dict[str, str]:
    """``base`` without the user's AWS settings: no ``AWS_*`` variable, empty config files, no instance metadata.

    So a profile, a session token or a per-service endpoint never sends a call to AWS, and moto
    (which runs botocore itself) never fails on a profile it cannot find.
    """
    kept = {name: value for name, value in base.items() if not name.startswith("AWS_")}
    return {**kept, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true"}


def wait_until_answering(endpoint: str, timeout: float = 30.0, process: "subprocess.Popen[Any] | None" = None) -> None:
    """Return once the moto server at ``endpoint`` answers; RuntimeError after ``timeout`` or if ``process`` exits."""
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError("moto server exited with %s" % process.returncode)
        try:
            # The dashboard: data.json would wait for the backends' lock while one loads (warm()).
            with urllib.request.urlopen(endpoint + "/moto-api/", timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("moto server did not answer on %s within %ss" % (endpoint, timeout)) from None
            time.sleep(0.1)


class MotoServer:
    """``with MotoServer() as aws:`` starts moto on 127.0.0.1 and waits until it answers; ``aws.endpoint``."""

    def __init__(self, port: int = 0, region: str = REGION, timeout: float = 30.0) -> None:
        self.port = port or free_port()
        self.region = region
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return "http://127.0.0.1:%d" % self.port

    @property
    def info(self) -> dict[str, Any]:
        return {"endpoint_url": self.endpoint, "region": self.region, **CREDENTIALS}

    def environment(self, base: Mapping[str, str]) -> dict[str, str]:
        """``base`` (an environment) made to reach this double and nothing else, as boto3 reads it."""
        return {**isolated(base), "AWS_ENDPOINT_URL": self.endpoint, "AWS_REGION": self.region,
                "AWS_DEFAULT_REGION": self.region, "AWS_ACCESS_KEY_ID": CREDENTIALS["access_key"],
                "AWS_SECRET_ACCESS_KEY": CREDENTIALS["secret_key"], "AWS_DOUBLE_INFO": json.dumps(self.info)}

    def launch(self) -> "MotoServer":
        """Start the server process; it answers a few seconds later (:meth:`wait`)."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=isolated(os.environ),
        )
        return self

    def wait(self) -> "MotoServer":
        try:
            wait_until_answering(self.endpoint, self.timeout, self.process)
        except RuntimeError:
            self.stop()
            raise
        return self

    def start(self) -> "MotoServer":
        return self.launch().wait()

    def warm(self, wait: bool = False) -> threading.Thread:
        """Load moto's EC2 backend of the region in a background thread: the first EC2 call takes seconds, once.

        With ``wait``, the thread first waits for the server to answer (after :meth:`launch`).

        A plain DescribeVpcs request (moto reads the service and region from the credential scope and
        checks no signature), so no boto3 session and nothing of the user's AWS settings is involved.
        """
        scope = "%s/20260101/%s/ec2/aws4_request" % (CREDENTIALS["access_key"], self.region)
        request = urllib.request.Request(
            self.endpoint + "/", data=b"Action=DescribeVpcs&Version=2016-11-15", method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Authorization": "AWS4-HMAC-SHA256 Credential=%s, SignedHeaders=host, Signature=0" % scope})

        def describe() -> None:
            try:
                if wait:
                    wait_until_answering(self.endpoint, self.timeout, self.process)
                with urllib.request.urlopen(request, timeout=self.timeout):
                    pass
            except (OSError, RuntimeError):
                pass  # the server is gone (the command ended first) or never came up: the command will say so
        thread = threading.Thread(target=describe, name="warm-ec2", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def __enter__(self) -> "MotoServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
