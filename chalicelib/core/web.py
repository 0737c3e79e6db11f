"""The thin HTTP layer every area uses.

``Api`` is a Chalice Blueprint whose ``endpoint`` decorator makes each route declare who may call
it (``roles=`` or ``public=True``), refuses oversized (413) or absurdly nested bodies before
anything else, authenticates the caller, parses and validates the JSON body (text fields bounded),
and turns domain errors into ``{"error": {"code", "message"}}`` with the right status. Unexpected
errors become a 500 with a correlation id and no stack trace.
"""
from __future__ import annotations

import functools
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from chalice import Blueprint, Chalice, Response

from .errors import SambungError, Unauthorized, Forbidden, ValidationError
from .ids import new_id
from .observability import logger

# Input limits for every request body: no client of ours sends more than a few kilobytes (statement
# files go straight to S3 with a presigned POST, never through the API), and API Gateway's own limit
# (10 MB) would let one request fill a Lambda's memory and DynamoDB items with junk.
MAX_BODY_BYTES = 256 * 1024
MAX_JSON_DEPTH = 32  # our deepest body is 3 levels; Python's json gives up (RecursionError) near 1000
MAX_TEXT = 1000  # the longest text field unless a field says otherwise (F(max_len=...))

CASHIER, CS, WAREHOUSE, ADMIN = "cashier", "cs", "warehouse", "admin"
SUPERVISOR = "supervisor"  # a cashier who may also approve refunds and voids with their PIN
ROLES = (CASHIER, SUPERVISOR, CS, WAREHOUSE, ADMIN)
ALL_STAFF = ROLES
# A role may do everything the roles it includes may (admin may do everything).
INCLUDES = {SUPERVISOR: frozenset({CASHIER})}
DEVICE = "device"  # a paired kiosk or print station acting without a person


@dataclass(frozen=True)
class Caller:
    """Who is calling: always bound to one merchant and one store."""

    merchant_id: str
    store_id: str
    role: str
    device_id: str
    staff_id: str | None = None
    session_id: str | None = None
    staff_name: str | None = None
    device_kind: str | None = None


# The staff area installs the function that turns an Authorization header into a Caller.
_authenticator: Callable[[str], Caller] | None = None


def set_authenticator(fn: Callable[[str], Caller]) -> None:
    global _authenticator
    _authenticator = fn


# Chalice answers some requests itself before a view runs (wrong Content-Type, a binary answer without
# a matching Accept), in its own shape {"Code", "Message"}; clients get ours instead.
_CHALICE_ERRORS = {
    "UnsupportedMediaType": ("unsupported_media_type", "Kirim body sebagai JSON (Content-Type: application/json)."),
    "BadRequestError": ("bad_request", "Permintaan tidak valid."),
    "MethodNotAllowedError": ("method_not_allowed", "Metode HTTP ini tidak didukung untuk alamat ini."),
    "NotFoundError": ("not_found", "Alamat API tidak dikenal."),
}


def normalize_chalice_errors(event, get_response):
    """HTTP middleware: rewrite Chalice's own error bodies into ``{"error": {"code", "message"}}``."""
    response = get_response(event)
    if response.status_code < 400 or not isinstance(response.body, dict) or "Code" not in response.body:
        return response
    code, message = _CHALICE_ERRORS.get(response.body["Code"], ("bad_request", "Permintaan tidak valid."))
    if response.body["Code"] == "BadRequestError" and "Accept" in str(response.body.get("Message", "")):
        code, message = "accept_required", "Kirim header Accept yang sesuai (misalnya application/pdf)."
    return Response(body=json.dumps({"error": {"code": code, "message": message}}), status_code=response.status_code,
                    headers={"Content-Type": "application/json"})


class PayloadTooLarge(SambungError):
    status = 413
    code = "payload_too_large"


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\[\s\S])*+(?:"|\\?\Z)')
_NOT_BRACKET = re.compile(rb'[^\[\]{}]+')
_OPENING = frozenset(b"[{")


def json_depth(raw: bytes, stop_above: int = MAX_JSON_DEPTH) -> int:
    """How deeply the arrays and objects of a JSON text nest (brackets inside strings do not count),
    stopping as soon as it is more than ``stop_above``. Linear: every string goes in one step, and an
    unterminated one runs to the end instead of being tried again from each quote inside it."""
    brackets = _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b"", raw))
    depth = deepest = 0
    for c in brackets:
        if c in _OPENING:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_above:
                    break
        else:
            depth -= 1
    return deepest


def check_body(raw: bytes | None) -> None:
    """The body guard every route passes before anything else: size first, then nesting, so no
    view (nor a callback that reads its raw body) ever parses an oversized or absurdly deep body."""
    if not raw:
        return
    if isinstance(raw, str):
        raw = raw.encode()
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"Body permintaan terlalu besar (maks. {MAX_BODY_BYTES // 1024} KiB).",
                              details={"max_bytes": MAX_BODY_BYTES})
    if json_depth(raw) > MAX_JSON_DEPTH:
        raise ValidationError(f"JSON terlalu bersarang (maks. {MAX_JSON_DEPTH} tingkat).", code="json_too_deep")


def error_response(exc: SambungError) -> Response:
    headers = {"Content-Type": "application/json", **getattr(exc, "headers", {})}
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="sambung"'
    return Response(body=json.dumps(exc.to_body(), ensure_ascii=False), status_code=exc.status, headers=headers)


def _json(value: Any, status: int = 200, headers: dict | None = None) -> Response:
    h = {"Content-Type": "application/json", "Cache-Control": "no-store"}
    h.update(headers or {})
    return Response(body=json.dumps(value, ensure_ascii=False), status_code=status, headers=h)


@dataclass
class Created:
    """Return this from a view for a 201."""

    body: Any
    headers: dict = field(default_factory=dict)


class Api(Blueprint):
    """A Blueprint whose routes all go through :meth:`endpoint`."""

    def endpoint(self, path: str, methods: Iterable[str] = ("GET",), *, roles: Iterable[str] = (),
                 public: bool = False, devices: bool = False, content_types: list[str] | None = None,
                 limit=None):
        """Register a view. The view receives ``caller`` (a :class:`Caller`, or None when public)
        followed by the URL parameters.

        ``roles``: staff roles allowed (admin is always allowed); ``devices``: a paired device's own
        credential (no person) is accepted too; ``public``: no credential (callbacks, shopper links).
        ``limit``: a :class:`~.ratelimit.Limit` per caller address (public endpoints), 429 over it.
        """
        roles = frozenset(roles)
        if not public and not roles and not devices:
            raise ValueError(f"{path}: every route declares its roles or public=True")

        def decorator(fn):
            @functools.wraps(fn)
            def view(**params):
                request = self.current_request
                try:
                    check_body(request.raw_body)
                    caller = None
                    if limit is not None:
                        from .ratelimit import client_address, hit

                        hit(limit, client_address(request))
                    if not public:
                        caller = authenticate(request, roles, devices)
                    result = fn(caller, **params)
                except SambungError as exc:
                    return error_response(exc)
                except Exception:  # noqa: BLE001 - the client gets an id, never a stack trace
                    correlation_id = new_id()
                    logger.exception("unhandled error", extra={"correlation_id": correlation_id, "path": path})
                    return _json({"error": {"code": "internal", "correlation_id": correlation_id,
                                            "message": "Terjadi kesalahan di server. Sebutkan kode ini ke dukungan: "
                                                       + correlation_id}}, 500)
                if isinstance(result, Response):
                    return result
                if isinstance(result, Created):
                    return _json(result.body, 201, result.headers)
                return _json(result)

            kwargs = {"methods": list(methods)}
            if content_types:
                kwargs["content_types"] = content_types
            self.route(path, **kwargs)(view)
            return fn

        return decorator


def authenticate(request, roles: frozenset, devices: bool) -> Caller:
    header = (request.headers or {}).get("authorization") or ""
    if not header:
        raise Unauthorized("Silakan masuk terlebih dahulu.", code="login_required")
    if _authenticator is None:
        raise Unauthorized("Autentikasi belum dikonfigurasi.", code="login_required")
    caller = _authenticator(header)
    if caller.role == DEVICE:
        if not devices:
            raise Unauthorized("Silakan masuk dengan PIN.", code="login_required")
        return caller
    if caller.role != ADMIN and caller.role not in roles and not (INCLUDES.get(caller.role, frozenset()) & roles):
        raise Forbidden("Peran Anda tidak diizinkan untuk tindakan ini.", code="role_not_allowed")
    return caller


# ---- request parsing -------------------------------------------------------------------------

_TYPES = {str: "teks", int: "bilangan bulat", bool: "ya/tidak", list: "daftar", dict: "objek"}


@dataclass(frozen=True)
class F:
    """One body field: its type, whether required, and an optional check. Text is at most
    ``max_len`` characters (``MAX_TEXT`` unless the field says otherwise)."""

    type: type | tuple
    required: bool = True
    check: Callable[[Any], Any] | None = None
    nullable: bool = False
    max_len: int | None = None


def parse_body(request, fields: dict[str, F], *, allow_empty: bool = False) -> dict:
    """Parse a JSON object body strictly: malformed JSON, wrong types, unknown or missing fields
    are refused with one clear message; ``check`` may normalise a value or raise ValidationError."""
    raw = request.raw_body
    if not raw:
        if allow_empty:
            return {}
        raise ValidationError("Body permintaan kosong; kirim JSON.", code="invalid_json")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("Body permintaan bukan JSON yang valid.", code="invalid_json") from None
    except RecursionError:  # the route's body guard refuses these first; a body given another way
        raise ValidationError(f"JSON terlalu bersarang (maks. {MAX_JSON_DEPTH} tingkat).", code="json_too_deep") from None
    return validate_fields(data, fields)


def _shown(name: str, limit: int = 40) -> str:
    """Something the client sent, short enough to repeat in an error message."""
    return name if len(name) <= limit else name[:limit] + "…"


def validate_fields(data: Any, fields: dict[str, F], where: str = "") -> dict:
    if not isinstance(data, dict):
        raise ValidationError(f"{where or 'Body'} harus berupa objek JSON.", code="invalid_json")
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValidationError(f"Kolom tidak dikenal: {', '.join(where + _shown(u) for u in unknown[:5])}.",
                              code="unknown_field")
    out = {}
    for name, spec in fields.items():
        if name not in data:
            if spec.required:
                raise ValidationError(f"Kolom {where}{name} wajib diisi.", code="missing_field")
            continue
        value = data[name]
        if value is None:
            if spec.nullable or not spec.required:
                out[name] = None
                continue
            raise ValidationError(f"Kolom {where}{name} wajib diisi.", code="missing_field")
        types = spec.type if isinstance(spec.type, tuple) else (spec.type,)
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        if not ok:
            if float in (type(value),) and int in types:
                raise ValidationError(f"Kolom {where}{name} harus bilangan bulat (tanpa pecahan).", code="invalid_type")
            names = " atau ".join(_TYPES.get(t, t.__name__) for t in types)
            raise ValidationError(f"Kolom {where}{name} harus berupa {names}.", code="invalid_type")
        limit = spec.max_len or MAX_TEXT
        if isinstance(value, str) and len(value) > limit:
            raise ValidationError(f"Kolom {where}{name} maksimal {limit} karakter.", code="too_long",
                                  details={"field": where + name, "max_len": limit})
        out[name] = spec.check(value) if spec.check else value
    return out


def query_param(request, name: str, default: str | None = None) -> str | None:
    return (request.query_params or {}).get(name, default)


def int_param(request, name: str, default: int, minimum: int = 1, maximum: int = 200) -> int:
    raw = query_param(request, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError(f"Parameter {name} harus angka.", code="invalid_query") from None
    if not minimum <= value <= maximum:
        raise ValidationError(f"Parameter {name} harus antara {minimum} dan {maximum}.", code="invalid_query")
    return value


def idempotency_key(request) -> str:
    key = (request.headers or {}).get("idempotency-key", "").strip()
    if not key or len(key) > 128:
        raise ValidationError("Header Idempotency-Key wajib diisi (maks. 128 karakter).", code="idempotency_key_required")
    return key


def once(request, caller: Caller, scope: str, payload, fn: Callable[[], Any], status: int = 201, *,
         forget: frozenset[str] = frozenset()) -> Response:
    """Run a create at most once per ``Idempotency-Key`` of this caller's store; a retry gets the first
    answer (``forget``: error codes that give the key back instead, see ``idempotency.run_once``)."""
    from .idempotency import run_once  # the table model loads only for routes that create things

    key = idempotency_key(request)
    code, body = run_once(f"{caller.merchant_id}#{caller.store_id}#{scope}", key, payload, lambda: (status, fn()),
                          forget=forget)
    return _json(body, code)


class App(Chalice):
    """Chalice with the current request and Lambda context kept per thread.

    Lambda runs one request per process, but the local stack serves many at once from one process;
    Chalice keeps ``current_request`` on the app object, so without this two requests could swap.
    """

    _local = threading.local()

    @property
    def current_request(self):
        return getattr(self._local, "request", None)

    @current_request.setter
    def current_request(self, value):
        self._local.request = value

    @property
    def lambda_context(self):
        return getattr(self._local, "context", None)

    @lambda_context.setter
    def lambda_context(self, value):
        self._local.context = value
