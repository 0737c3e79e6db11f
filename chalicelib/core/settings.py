"""Settings from the environment. Read once per process; tests and the local stack set env first."""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

VERSION = "0.1.0"
LOCAL_STAGES = ("test", "local", "bench")  # stages that never hold real money or real secrets


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    endpoint_url: str | None  # moto server locally; None in AWS
    table_prefix: str
    bucket: str
    token_secret: str
    public_base_url: str  # where shoppers open links (receipts, activation)
    version: str = VERSION

    def table_name(self, name: str) -> str:
        return f"{self.table_prefix}-{name}"


def _secret(name: str, default: str | None = None) -> str:
    """A secret from the environment, or from SSM Parameter Store when ``<NAME>_PARAM`` names one.

    In AWS the CDK stack passes the parameter name; locally the value itself is in the env.
    """
    param = os.environ.get(f"{name}_PARAM")
    if param:
        from aws_lambda_powertools.utilities.parameters import get_parameter

        return get_parameter(param, decrypt=True)
    value = os.environ.get(name, default)
    if value is None:
        raise RuntimeError(f"missing setting {name}")
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    stage = os.environ.get("SAMBUNG_STAGE", "dev")
    return Settings(
        stage=stage,
        region=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "ap-southeast-3",
        endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None,
        table_prefix=os.environ.get("SAMBUNG_TABLE_PREFIX", f"sambung-{stage}"),
        bucket=os.environ.get("SAMBUNG_BUCKET", f"sambung-{stage}-files"),
        # Master keys (see core.keys): only the local stages may run on the public default.
        token_secret=_secret("SAMBUNG_TOKEN_SECRET", "dev-only-secret-change-me-0123456789abcdef" if stage in LOCAL_STAGES else None),
        public_base_url=os.environ.get("SAMBUNG_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
    )
