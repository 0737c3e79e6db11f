"""Gateway callbacks. Public (the gateway calls them), verified inside before anything changes."""
from __future__ import annotations

from ..core.lazy import lazy
from ..core.web import Api
service = lazy(".service", __package__)

bp = Api(__name__)


def _callback(provider: str):
    req = bp.current_request
    headers = {k.lower(): v for k, v in (req.headers or {}).items()}
    return service.handle_callback(provider, headers, req.raw_body or b"")


@bp.endpoint("/callbacks/midtrans", ["POST"], public=True)
def midtrans(_):
    return _callback("midtrans")


@bp.endpoint("/callbacks/xendit", ["POST"], public=True)
def xendit(_):
    return _callback("xendit")
