"""Domain errors and their HTTP mapping.

Services raise these; the API layer turns them into
``{"error": {"code": ..., "message": ...}}`` with the matching status. Messages are written
for the person using the app (Bahasa Indonesia by default), codes are stable for programs.
"""
from __future__ import annotations


class SambungError(Exception):
    """Base for errors that a client caused or may act on."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}
        self.headers: dict[str, str] = {}  # extra HTTP headers of the answer (e.g. Retry-After)

    def to_body(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return {"error": body}


class ValidationError(SambungError):
    status = 400
    code = "invalid_input"


class Unauthorized(SambungError):
    status = 401
    code = "unauthorized"


class Forbidden(SambungError):
    status = 403
    code = "forbidden"


class NotFound(SambungError):
    status = 404
    code = "not_found"


class Conflict(SambungError):
    status = 409
    code = "conflict"


class Gone(SambungError):
    status = 410
    code = "gone"


class Unprocessable(SambungError):
    status = 422
    code = "unprocessable"


class Locked(SambungError):
    status = 423
    code = "locked"


class TooManyRequests(SambungError):
    """Too many tries in a while: the answer says when to try again (``Retry-After``, seconds)."""

    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None, details: dict | None = None):
        super().__init__(message, code=code, details=dict(details or {}, retry_after=max(1, int(retry_after))))
        self.headers = {"Retry-After": str(max(1, int(retry_after)))}


class UpstreamError(SambungError):
    """An outside system (gateway, courier, messaging) failed or answered badly."""

    status = 502
    code = "upstream_error"
