"""Shared fixtures for the print bridge tests: fixture PDFs, a loopback fake printer, a cloud peer."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from infra.local.fake_printer import FakePrinter
from tests.bridge.cloud_peer import CloudPeer

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def receipt_pdf() -> bytes:
    return (FIXTURES / "receipt_80.pdf").read_bytes()


@pytest.fixture(scope="session")
def label_pdf() -> bytes:
    return (FIXTURES / "label_100x150.pdf").read_bytes()


@pytest.fixture
def printer(tmp_path: Path) -> Iterator[FakePrinter]:
    with FakePrinter(out_dir=tmp_path / "prints") as fake:
        yield fake


@pytest.fixture
def cloud() -> Iterator[CloudPeer]:
    peer = CloudPeer().start()
    yield peer
    peer.stop()
