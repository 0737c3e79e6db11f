"""The AWS a bench measures against: a serialised moto server on loopback with every table and the
files bucket created from the models, in the bench's own child interpreter (the environment is set
before any chalicelib import reads it)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def clean_env() -> dict:
    """This environment without AWS_* and SAMBUNG_*: a child interpreter or a local stack started with
    it sets its own (moto's endpoint, the bench stage) and never reaches a real account."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SAMBUNG_"))}


def run_child(module: str, *args: str) -> dict:
    """Run ``python -m module *args`` in a fresh interpreter with :func:`clean_env`; the measurement
    is the JSON on its last line of output."""
    out = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=clean_env(), capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def start():
    """Start moto, point this interpreter at it, create the tables and the bucket; returns the gate."""
    from infra.local.moto_gate import MotoGate

    gate = MotoGate(port=0).start()
    os.environ.update({
        "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_SESSION_TOKEN": "bench",
        "AWS_DEFAULT_REGION": "ap-southeast-3", "AWS_REGION": "ap-southeast-3", "AWS_ENDPOINT_URL": gate.url,
        "SAMBUNG_STAGE": "bench", "SAMBUNG_TOKEN_SECRET": "bench-secret-0123456789abcdef0123456789",
        "POWERTOOLS_METRICS_DISABLED": "true", "POWERTOOLS_LOG_LEVEL": "ERROR",
    })
    from chalicelib.core.db import create_tables
    from chalicelib.core.settings import get_settings
    from chalicelib.core.storage import s3
    from chalicelib.schema import all_tables

    create_tables(all_tables())
    s = get_settings()
    s3().create_bucket(Bucket=s.bucket, CreateBucketConfiguration={"LocationConstraint": s.region})
    return gate
