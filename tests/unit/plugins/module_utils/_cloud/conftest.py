"""The AWS double for the cloud tests: one moto server per test process, reset before each test."""

from typing import Iterator

import pytest

from tests.aws_double import moto_server, reset


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def aws_endpoint(moto_endpoint: str) -> str:
    reset(moto_endpoint)
    return moto_endpoint
