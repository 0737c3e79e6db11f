"""Shared fixtures. The environment is set before any chalicelib import so table names and the
AWS endpoint (a serialised moto server on loopback) are fixed for the whole session."""
from __future__ import annotations

import os
import socket

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_MOTO_PORT = _free_port()
os.environ.update({
    "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "ap-southeast-3", "AWS_REGION": "ap-southeast-3",
    "AWS_ENDPOINT_URL": f"http://127.0.0.1:{_MOTO_PORT}",
    "SAMBUNG_STAGE": "test", "SAMBUNG_TOKEN_SECRET": "test-secret-not-for-production-0123456789",
    "SAMBUNG_PUBLIC_URL": "http://127.0.0.1:8000",
    "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "WARNING",
})


@pytest.fixture(scope="session")
def moto_server():
    from infra.local.moto_gate import MotoGate

    gate = MotoGate(port=_MOTO_PORT).start()
    yield gate
    gate.stop()


@pytest.fixture
def aws(moto_server):
    """Fresh tables and bucket for each test, created from the models."""
    import app  # noqa: F401 - registers every area's tables
    import urllib.request

    from chalicelib.core.db import create_tables
    from chalicelib.schema import all_tables
    from chalicelib.core.settings import get_settings
    from chalicelib.core.storage import s3

    urllib.request.urlopen(urllib.request.Request(f"{moto_server.url}/moto-api/reset", method="POST")).read()
    create_tables(all_tables())
    s = get_settings()
    s3().create_bucket(Bucket=s.bucket, CreateBucketConfiguration={"LocationConstraint": s.region})
    yield moto_server


@pytest.fixture
def clock():
    from chalicelib.core.clock import FixedClock, set_clock

    fixed = FixedClock(1_795_392_000)  # 2026-11-23T00:00:00Z = 07:00 WIB
    previous = set_clock(fixed)
    yield fixed
    set_clock(previous)


@pytest.fixture
def demo(aws):
    """The local stack's demo merchant (staff with PINs, products, devices)."""
    from infra.local import seed

    return seed.seed()


@pytest.fixture
def api(aws):
    from tests.helpers import ApiClient

    with ApiClient() as client:
        yield client
