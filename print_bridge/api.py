"""Client for the cloud's print API (JSON over HTTPS, stdlib urllib only).

Endpoints (base URL like ``https://host/api``):

* ``POST /devices/pair`` ``{"code", "kind": "print_station", "name"}`` -> device credential.
* ``GET /print/station`` -> station id, custom profiles, profile per role.
* ``POST /print/jobs/claim`` ``{"roles", "lease_seconds"}`` -> ``{"job": {...} | null}``.
* ``POST /print/jobs/{job_id}/ack`` ``{"status": "printed"}`` or ``{"status": "failed",
  "reason"}``; 409 when the lease was lost.
* ``POST /print/jobs/{job_id}/release`` ``{"reason"}``: give a leased job back unprinted, so it
  is offered again now rather than when the lease runs out.

Everything after pairing sends ``Authorization: Device <token>``. The PDF itself comes from a
short-lived presigned URL fetched with a plain GET and no credentials. Only the addresses
:mod:`.addresses` allows are ever opened: the API over HTTPS (http on loopback only), PDFs from the
API's origin or presigned S3 URLs; redirects are held to the same rules, and no ``file:``, ``ftp:``
or ``data:`` handler is installed at all.

Errors are sorted by what the agent should do: :class:`ApiUnreachable` (network, timeouts,
5xx, 429: back off and retry), :class:`LeaseLost` (409 on ack: someone else owns the job now),
:class:`ApiError` (any other 4xx: a real refusal, with the server's error code and message).
"""
from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote, urljoin

from . import __version__
from .addresses import AddressRefused, check_api_url, check_pdf_url, same_origin, shown
from .encoders.options import MAX_COPIES

USER_AGENT = f"sambung-print-bridge/{__version__}"


class ApiUnreachable(Exception):
    """The cloud could not be reached or is failing; retry later."""


class ApiError(Exception):
    """The cloud refused the request (4xx)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class LeaseLost(ApiError):
    """The job's lease expired and another claim took it (409 on ack)."""


class DownloadError(Exception):
    """The job's PDF could not be fetched. ``permanent`` when retrying cannot help."""

    def __init__(self, message: str, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class JobFormatError(ValueError):
    """The claimed job lacks fields the bridge needs; ``job_id`` when at least that is known,
    so the agent can fail the job instead of being offered it again and again."""

    def __init__(self, message: str, job_id: str | None = None) -> None:
        super().__init__(message)
        self.job_id = job_id


@dataclass(frozen=True)
class Job:
    job_id: str
    role: str
    kind: str
    copies: int
    cut: bool
    drawer_kick: bool
    profile: str | None
    pdf_url: str
    lease_until: Any = None
    expires_at: Any = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Job":
        job_id = data.get("job_id") if isinstance(data.get("job_id"), str) else None
        missing = [k for k in ("job_id", "role", "pdf_url") if not isinstance(data.get(k), str) or not data.get(k)]
        if missing:
            raise JobFormatError(f"job is missing {', '.join(missing)}", job_id)
        copies = data.get("copies", 1)
        if not isinstance(copies, int) or isinstance(copies, bool) or not 1 <= copies <= MAX_COPIES:
            raise JobFormatError(f"copies must be 1..{MAX_COPIES}, not {copies!r}", job_id)
        return cls(
            job_id=data["job_id"],
            role=data["role"],
            kind=str(data.get("kind") or "receipt"),
            copies=copies,
            cut=bool(data.get("cut", True)),
            drawer_kick=bool(data.get("drawer_kick", False)),
            profile=data.get("profile") or None,
            pdf_url=data["pdf_url"],
            lease_until=data.get("lease_until"),
            expires_at=data.get("expires_at"),
        )


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an address ``check`` accepts (it raises :class:`AddressRefused`)."""

    def __init__(self, check: Callable[[str], Any]) -> None:
        self.check = check

    def http_error_302(self, req, fp, code, msg, headers):  # noqa: ANN001 - urllib's signature
        # Checked before urllib's own scheme check, whose refusal would look like a passing HTTP error.
        location = headers.get("location") or headers.get("uri")
        if location:
            self.check(urljoin(req.full_url, location))
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _opener(check: Callable[[str], Any]) -> urllib.request.OpenerDirector:
    """HTTP(S) only, with redirects checked like the first address."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.UnknownHandler(), urllib.request.HTTPHandler(),
                    urllib.request.HTTPSHandler(), urllib.request.HTTPDefaultErrorHandler(),
                    _CheckedRedirects(check), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 15.0) -> None:
        """Raises :class:`AddressRefused` for an address the bridge must not send its token to."""
        self.base_url = check_api_url(base_url.rstrip("/"))
        self.token = token
        self.timeout = timeout
        # The token goes along on a redirect (urllib keeps the headers), so the API may only redirect to itself.
        self._api = _opener(self._same_origin)
        self._pdf = _opener(lambda url: check_pdf_url(url, self.base_url))

    def _same_origin(self, url: str) -> None:
        if not same_origin(url, self.base_url):
            raise AddressRefused(f"the API redirected to {shown(url)!r}, another origin; not following")

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None, auth: bool = True) -> Any:
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if auth:
            if not self.token:
                raise ApiError(401, "not_paired", "this bridge is not paired; run `pair CODE` first")
            headers["Authorization"] = f"Device {self.token}"
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with self._api.open(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise _http_error(exc) from None
        except AddressRefused as exc:
            raise ApiError(502, "redirect_refused", str(exc)) from None
        except (urllib.error.URLError, OSError, socket.timeout) as exc:
            raise ApiUnreachable(f"{method} {path}: {getattr(exc, 'reason', exc)}") from exc
        try:
            return json.loads(raw.decode("utf-8")) if raw else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            # A captive portal or proxy page instead of our API: treat as not reachable yet.
            raise ApiUnreachable(f"{method} {path}: response is not JSON") from None

    def pair(self, code: str, name: str) -> dict[str, Any]:
        result = self._request(
            "POST", "/devices/pair", {"code": code, "kind": "print_station", "name": name}, auth=False
        )
        if not isinstance(result, dict) or not result.get("device_token"):
            raise ApiError(502, "bad_response", "pairing answer has no device_token")
        return result

    def station(self) -> dict[str, Any]:
        result = self._request("GET", "/print/station")
        if not isinstance(result, dict):
            raise ApiError(502, "bad_response", "station answer is not an object")
        return result

    def claim(self, roles: list[str], lease_seconds: int) -> Job | None:
        """The next job for one of ``roles``, leased to us, or None when nothing is waiting.

        Raises :class:`JobFormatError` (with ``job_id`` attached when known) for a job the
        bridge cannot understand, so the caller can fail it instead of looping on it.
        """
        result = self._request("POST", "/print/jobs/claim", {"roles": roles, "lease_seconds": lease_seconds})
        job = result.get("job") if isinstance(result, dict) else None
        if job is None:
            return None
        if not isinstance(job, dict):
            raise JobFormatError("job is not an object")
        return Job.from_dict(job)

    def ack(self, job_id: str, status: str, reason: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"status": status}
        if reason:
            body["reason"] = reason[:500]
        try:
            return self._request("POST", f"/print/jobs/{quote(job_id, safe='')}/ack", body) or {}
        except ApiError as exc:
            if exc.status == 409:
                raise LeaseLost(exc.status, exc.code, exc.message) from None
            raise

    def release(self, job_id: str, reason: str) -> None:
        self._request("POST", f"/print/jobs/{quote(job_id, safe='')}/release", {"reason": reason[:500]})

    def fetch_pdf(self, url: str, max_bytes: int) -> bytes:
        """GET the presigned PDF URL, without our credentials (the URL is its own). An address the
        bridge may not fetch from is a permanent :class:`DownloadError`: the job fails with why."""
        try:
            check_pdf_url(url, self.base_url)
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
            with self._pdf.open(request, timeout=self.timeout) as response:
                body = response.read(max_bytes + 1)
        except AddressRefused as exc:
            raise DownloadError(str(exc), permanent=True) from None
        except urllib.error.HTTPError as exc:
            # 404: the object is gone for good. 403 is what S3 says for an expired signature:
            # the next claim brings a fresh URL, so that one is worth retrying.
            raise DownloadError(f"PDF download failed: HTTP {exc.code}", permanent=exc.code in (404, 410)) from None
        except (urllib.error.URLError, OSError, socket.timeout) as exc:
            raise DownloadError(f"PDF download failed: {getattr(exc, 'reason', exc)}", permanent=False) from exc
        if len(body) > max_bytes:
            raise DownloadError(f"PDF is larger than {max_bytes // 1_000_000} MB", permanent=True)
        return body


def _http_error(exc: urllib.error.HTTPError) -> Exception:
    if exc.code >= 500 or exc.code == 429:
        return ApiUnreachable(f"HTTP {exc.code} from {exc.url}")
    code, message = "http_error", exc.reason or ""
    try:
        payload = json.loads(exc.read().decode("utf-8"))
        error = payload.get("error") if isinstance(payload, dict) else None
        if isinstance(error, dict):
            code = str(error.get("code") or code)
            message = str(error.get("message") or message)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        pass
    return ApiError(exc.code, code, str(message))
