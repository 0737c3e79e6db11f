"""Which addresses the bridge talks to: the cloud's API over HTTPS, and PDFs from that API's own
origin or from presigned S3 URLs. Nothing else, however a job or a redirect names it.

The device token travels to the API on every call, so the API must be HTTPS; plain ``http://`` is
for loopback only (the local stack and tests). A job's ``pdf_url`` comes from the cloud, and a
bridge that fetched any URL it was handed would read local files (``file://``), FTP, or machines on
the shop's LAN for whoever could put a job in the queue. S3 hosts are those of presigned GETs, as
``chalicelib.core.storage`` makes them: ``s3.amazonaws.com``, ``s3.<region>.amazonaws.com`` (path
style) or ``<bucket>.s3[.<region>].amazonaws.com`` (virtual-hosted), always with a signature. A
loopback S3 (moto, in the local stack) counts only while the API itself is on loopback.
"""
from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qs, urlsplit

_S3_HOST = re.compile(r"^(?:[a-z0-9][a-z0-9.-]*\.)?s3(?:\.[a-z0-9-]+)?\.amazonaws\.com$")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class AddressRefused(ValueError):
    """An address the bridge will not use; the message says which and why (never the query string,
    which for a presigned URL is a credential)."""


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):  # RFC 6761: always the machine itself
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    try:
        port = parts.port or _DEFAULT_PORTS.get(scheme, 0)
    except ValueError:  # a port that is not a number
        port = -1
    return scheme, host, port


def shown(url: str) -> str:
    """Scheme, host and path for messages and logs: the query of a presigned URL is its signature."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}" if parts.netloc else url.split("?", 1)[0][:80]


def same_origin(url: str, other: str) -> bool:
    return _origin(url) == _origin(other)


def check_api_url(url: str) -> str:
    """``url`` when it is a usable API address, else :class:`AddressRefused`."""
    parts = urlsplit(url)
    scheme, host, port = _origin(url)
    if scheme not in ("https", "http") or not host or port < 0:
        raise AddressRefused(f"API address {shown(url)!r} is not an http(s) URL like https://kasir.example.id/api")
    if parts.username is not None or parts.password is not None:
        raise AddressRefused("API address must not carry a user name or password")
    if scheme == "http" and not is_loopback(host):
        raise AddressRefused(
            f"API address {shown(url)!r} is plain http: the device token would cross the network unencrypted; "
            "use https:// (http:// is only for 127.0.0.1 or localhost)")
    return url


def check_pdf_url(url: str, api_url: str) -> str:
    """``url`` when the bridge may fetch a job's PDF from it, else :class:`AddressRefused`."""
    parts = urlsplit(url)
    scheme, host, port = _origin(url)
    if parts.username is not None or parts.password is not None:
        raise AddressRefused(f"refused PDF address {shown(url)!r}: it carries a user name or password")
    if scheme in ("http", "https") and host and port > 0:
        if same_origin(url, api_url):
            return url
        signed = "X-Amz-Signature" in parse_qs(parts.query)
        if signed and scheme == "https" and _S3_HOST.match(host):
            return url
        if signed and is_loopback(host) and is_loopback(_origin(api_url)[1]):
            return url  # the local stack's S3 (moto) beside a local API
    raise AddressRefused(
        f"refused PDF address {shown(url)!r}: the bridge fetches PDFs only from the API's own origin "
        "or from presigned S3 URLs over https")
