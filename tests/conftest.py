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


CLOCK_START = 1_795_392_000  # 2026-11-23T00:00:00Z = 07:00 WIB: where the clock fixture starts


@pytest.fixture(scope="session")
def moto_state(moto_server):
    """The session's moto, with every table and the files bucket created once (``.empty``) and
    seeded states made on first use (see :mod:`tests.moto_state`)."""
    import app  # noqa: F401 - registers every area's tables
    import urllib.request

    from chalicelib.core.db import create_tables
    from chalicelib.core.settings import get_settings
    from chalicelib.core.storage import s3
    from chalicelib.schema import all_tables
    from tests.moto_state import MotoState

    urllib.request.urlopen(urllib.request.Request(f"{moto_server.url}/moto-api/reset", method="POST")).read()
    create_tables(all_tables())
    s = get_settings()
    s3().create_bucket(Bucket=s.bucket, CreateBucketConfiguration={"LocationConstraint": s.region})
    state = MotoState(moto_server)
    state.empty = state.capture()
    return state


@pytest.fixture
def aws(moto_state):
    """Fresh tables and bucket for each test: an in-memory copy of the empty ones made at session start."""
    moto_state.restore(moto_state.empty)
    yield moto_state.gate


@pytest.fixture
def seeded(aws, moto_state, request):
    """``seeded(name, make)``: the state ``make()`` leaves in moto, made once per session and restored
    for every test (milliseconds instead of seconds); returns a copy of what ``make()`` returned.

    A test that uses the ``clock`` fixture gets a seed made at the clock's start (``CLOCK_START``),
    so pairing codes, sessions and dates in the seed are valid on its FixedClock; other tests get
    one made on the wall clock. Ask for it before anything writes (fixtures that write depend on
    the seeded fixture): restoring would drop earlier writes, and it fails loudly if there are any.
    """
    at = CLOCK_START if "clock" in request.fixturenames else None
    return lambda name, make: moto_state.seeded(name, make, at=at)


@pytest.fixture
def clock():
    from chalicelib.core.clock import FixedClock, set_clock

    fixed = FixedClock(CLOCK_START)
    previous = set_clock(fixed)
    yield fixed
    set_clock(previous)


@pytest.fixture
def demo(seeded):
    """The local stack's demo merchant (staff with PINs, products, devices)."""
    from tests import seeds

    return seeded(*seeds.demo())


@pytest.fixture
def api(aws):
    from tests.helpers import ApiClient

    with ApiClient() as client:
        yield client
