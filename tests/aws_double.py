"""The AWS double for the tests (one implementation: the aws_double package), and moto's fixture helper.

`moto_server()` yields the endpoint of a moto server on loopback for a test session.
"""

import contextlib
from typing import Iterator

from aws_double.events import cloudtrail_record, eventbridge, instances_record, log_file
from aws_double.server import CREDENTIALS, REGION, MotoServer, free_port, reset, stop
from aws_double.world import AwsWorld, client, tcp

__all__ = ["CREDENTIALS", "REGION", "AwsWorld", "client", "cloudtrail_record", "eventbridge", "free_port",
           "instances_record", "log_file", "moto_server", "reset", "stop", "tcp"]


@contextlib.contextmanager
def moto_server(timeout: float = 30.0) -> Iterator[str]:
    """Yield the endpoint URL of a moto server running in a subprocess on 127.0.0.1."""
    with MotoServer(timeout=timeout) as aws:
        yield aws.endpoint
