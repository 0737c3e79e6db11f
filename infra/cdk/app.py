"""CDK v2 app: ``cdk synth`` builds the Sambung stack offline (no AWS credentials needed)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# Table names and the files bucket come from the same settings the Lambda reads.
os.environ.setdefault("SAMBUNG_STAGE", "prod")
os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-3")
os.environ.setdefault("SAMBUNG_TOKEN_SECRET", "synth-only-placeholder-never-deployed")

import aws_cdk as cdk  # noqa: E402

from infra.cdk.stack import SambungStack  # noqa: E402

app = cdk.App()
SambungStack(app, "SambungStack", description="Sambung O2O checkout: API, tables, files, kiosk")
app.synth()
