"""Statement imports: the S3 notification for new objects under ``statements/``, and a schedule
that finishes imports whose worker died.

Registered as a plain Lambda (``lambda_function``), not ``on_s3_event``: Chalice cannot package S3
events for CloudFormation/CDK, so infra/cdk wires the bucket notification to this function itself.
The local stack's event pump calls the same function with an identically shaped event.
"""
from __future__ import annotations

from chalice import Blueprint, Rate

from ..core.lazy import lazy

importer = lazy(".importer", __package__)

bp = Blueprint(__name__)


@bp.lambda_function(name="import_statement")
def import_statement(event, context):
    return importer.handle_s3_event(event)


@bp.schedule(Rate(5, unit=Rate.MINUTES), name="resume_statement_imports")
def resume_statement_imports(event):
    return {"resumed": importer.resume_stalled()}
