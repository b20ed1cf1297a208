"""Pytest fixtures (a pytest plugin: ``pytest_plugins = ["aws_double.pytest_plugin"]``).

One moto server per session (per xdist worker), started when a test first asks for it, reset for each test.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from .server import MotoServer, reset


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The endpoint URL of this session's moto server (its resources are whatever earlier tests left)."""
    with MotoServer() as aws:
        yield aws.endpoint


@pytest.fixture
def aws_endpoint(moto_endpoint: str) -> str:  # pylint: disable=redefined-outer-name
    """The session's moto server with every resource forgotten."""
    reset(moto_endpoint)
    return moto_endpoint
