"""One small JSON-over-HTTP client for every outside system (gateways, couriers, messaging).

Uses urllib3 (already in the Lambda runtime through botocore): explicit timeouts, no retries
hidden from the caller, and errors that say which system failed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from .errors import UpstreamError

_pool = None


def _pool_manager():
    global _pool
    if _pool is None:
        import urllib3

        _pool = urllib3.PoolManager(retries=False)
    return _pool


@dataclass
class HttpResponse:
    status: int
    body: bytes
    headers: dict

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8")) if self.body else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None


class HttpTimeout(UpstreamError):
    code = "upstream_timeout"


def request(
    method: str,
    url: str,
    *,
    json_body=None,
    headers: dict | None = None,
    timeout: float = 10.0,
    system: str = "upstream",
    data: bytes | None = None,
) -> HttpResponse:
    """Send one request. Raises :class:`HttpTimeout` on timeouts, :class:`UpstreamError` when unreachable.

    HTTP error statuses are returned, not raised: each adapter knows what its system's 4xx mean.
    """
    import urllib3

    hdrs = {"Accept": "application/json"}
    if headers:
        hdrs.update(headers)
    body = data
    if json_body is not None:
        body = json.dumps(json_body, separators=(",", ":")).encode("utf-8")
        hdrs.setdefault("Content-Type", "application/json")
    try:
        r = _pool_manager().request(
            method, url, body=body, headers=hdrs,
            timeout=urllib3.Timeout(connect=min(timeout, 5.0), read=timeout),
            redirect=False,
        )
    except (urllib3.exceptions.TimeoutError, urllib3.exceptions.ReadTimeoutError):
        raise HttpTimeout(f"{system} tidak menjawab tepat waktu.") from None
    except urllib3.exceptions.HTTPError as exc:
        raise UpstreamError(f"{system} tidak dapat dihubungi: {exc.__class__.__name__}.") from None
    return HttpResponse(status=r.status, body=r.data, headers=dict(r.headers))
