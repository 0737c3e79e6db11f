"""``GET /health``: version and whether DynamoDB and S3 answer."""
from __future__ import annotations

import time

from chalice import Response

from .settings import get_settings
from .web import Api

bp = Api(__name__)


def _check(fn) -> dict:
    start = time.perf_counter()
    try:
        fn()
        return {"ok": True, "ms": round((time.perf_counter() - start) * 1000, 1)}
    except Exception as exc:  # noqa: BLE001 - report, never raise, from a health check
        return {"ok": False, "error": exc.__class__.__name__}


@bp.endpoint("/health", ["GET"], public=True)
def health(_):
    from .idempotency import IdempotencyRecord  # a core table: core answers for DynamoDB without any area
    from .storage import s3

    s = get_settings()
    deps = {
        "dynamodb": _check(lambda: IdempotencyRecord.describe_table()),
        "s3": _check(lambda: s3().head_bucket(Bucket=s.bucket)),
    }
    ok = all(d["ok"] for d in deps.values())
    body = {"status": "ok" if ok else "degraded", "version": s.version, "stage": s.stage, "dependencies": deps}
    import json

    return Response(body=json.dumps(body), status_code=200 if ok else 503,
                    headers={"Content-Type": "application/json", "Cache-Control": "no-store"})
