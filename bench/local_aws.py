"""The AWS a bench measures against: a serialised moto server on loopback with every table and the
files bucket created from the models, in the bench's own child interpreter (the environment is set
before any chalicelib import reads it)."""
from __future__ import annotations

import os


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
