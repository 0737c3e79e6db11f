"""Security headers on every page and API answer, defined once.

Three places send them, all from here: this module's HTTP middleware on the API's answers (in
Lambda, and behind the local front), the local front (``infra/local/gateway.py``) on every page it
serves, and the CDK stack's CloudFront response headers policy on both behind the distribution.

The policy allows no inline script or style (the PWA loads every script and stylesheet from its
own files), no framing, no plugins, no ``<base>``, and network calls only to the origin itself and
to the S3 endpoint that presigned statement uploads go to.
"""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

HSTS_MAX_AGE_SECONDS = 2 * 365 * 24 * 3600
HSTS = f"max-age={HSTS_MAX_AGE_SECONDS}; includeSubDomains"
# Receipt and activation links carry tokens; no other site needs to know which page sent a visitor.
REFERRER_POLICY = "no-referrer"


def storage_origin(region: str, endpoint_url: str | None) -> str:
    """The origin the browser posts presigned uploads to: the local endpoint (moto) when there is
    one, else S3's regional endpoint, path-style as ``core.storage`` signs them."""
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        return f"{parts.scheme}://{parts.netloc}"
    return "https://s3.amazonaws.com" if region == "us-east-1" else f"https://s3.{region}.amazonaws.com"


def content_security_policy(storage: str) -> str:
    return "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        f"connect-src 'self' {storage}",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def security_headers(storage: str, *, https: bool) -> dict[str, str]:
    """The headers for one answer; HSTS only on answers served over HTTPS (browsers ignore it on
    plain HTTP, and the local stack is plain HTTP on loopback)."""
    headers = {
        "Content-Security-Policy": content_security_policy(storage),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": REFERRER_POLICY,
    }
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


@lru_cache(maxsize=2)
def headers_for_this_deployment(https: bool) -> dict[str, str]:
    from .settings import get_settings

    settings = get_settings()
    return security_headers(storage_origin(settings.region, settings.endpoint_url), https=https)


def add_missing(headers: dict, extra: dict[str, str]) -> None:
    """Add ``extra`` to ``headers`` unless a header of that name (in any case) is already there."""
    present = {name.lower() for name in headers}
    for name, value in extra.items():
        if name.lower() not in present:
            headers[name] = value


def add_security_headers(event, get_response):
    """HTTP middleware: every API answer leaves with the security headers. API Gateway tells the
    function the viewer's scheme in ``X-Forwarded-Proto`` (always ``https`` there)."""
    response = get_response(event)
    https = (event.headers.get("x-forwarded-proto") or "").lower() == "https"
    add_missing(response.headers, headers_for_this_deployment(https))
    return response
