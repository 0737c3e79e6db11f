"""Biteship (courier aggregator) adapter: book couriers, read orders, verify webhooks.

Auth: the raw API key in the ``Authorization`` header, as Biteship's own curl example sends it
(``biteship_test.…`` / ``biteship_live.…``, one key per store).

Booking exactly once. Biteship's documented Order API (``POST /v1/orders``, ``GET /v1/orders/:id``,
update, cancel) has no idempotency key and no search by ``reference_id``, so a create whose answer
is lost cannot be looked up there. Its documented Draft Order API can: a draft costs nothing and
ships nothing, ``GET /v1/draft_orders/:id`` shows the ``order_id`` once the draft is confirmed, and
``POST /v1/draft_orders/:id/confirm`` only confirms a draft that is still ``ready``. Community
integrations further show that a second draft with the same ``reference_id`` is refused with code
42211015 and that ``GET /v1/draft_orders?reference_id=…`` lists drafts (third-party evidence, not in
Biteship's docs). So :meth:`BiteshipProvider.create_order` books in two steps, keyed by our sale id:

1. create the draft with ``reference_id`` = sale id; if the answer is lost, or the reference is
   already taken (an earlier attempt, maybe by another process), find that draft by reference;
2. confirm it; if the answer is lost or the confirm is refused, read the draft: an ``order_id``
   there is the order an earlier confirm created. Only a draft that is still unconfirmed is
   confirmed again.

Webhooks. Biteship's help centre lists "webhook security and verification" without public detail;
community handlers read it as a header name and a secret value, both set by the merchant in the
dashboard, that every callback carries (no body signature). We ask merchants to use
:data:`DEFAULT_WEBHOOK_HEADER` and a secret we generate, and compare it in constant time. Saving
the webhook URL is seen to send an empty-body POST (community code); it is answered without
verification because it changes nothing. Callbacks come in a flat shape (``courier_waybill_id``,
most integrations) or with a nested ``courier`` object (an SDK fixture); both are read.
"""
from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from ...core.errors import Unauthorized, UpstreamError, ValidationError
from ...core.http import HttpResponse, HttpTimeout, request
from ...core.phone import display_phone
from ..model import (
    COURIER_CODE,
    CourierEvent,
    CourierEventKind,
    CourierRate,
    RatesRequest,
    ShipmentInfo,
    ShipmentRequest,
    ShipmentStatus,
    ShippingAddress,
    canonical_awb,
    parse_status,
)
from . import (
    CourierAuthFailed,
    CourierError,
    CourierInsufficientBalance,
    CourierInvalidAddress,
    CourierOrderNotFound,
    CourierRateLimited,
    CourierRequestRejected,
    CourierServiceUnavailable,
    CourierTimeout,
    CourierUnavailable,
)

BASE_URL = "https://api.biteship.com"
PROVIDER = "Biteship"
DEFAULT_WEBHOOK_HEADER = "X-Sambung-Webhook-Secret"

REFERENCE_TAKEN_CODE = 42211015
# Biteship's documented error codes (authentication page and the Order API error table).
_AUTH_CODES = frozenset({40000001, 40101001, 40101002, 40101003, 40301001, 40301002, 40002001, 40002002, 40002003})
_ADDRESS_CODES = frozenset({40002010, 40002011, 40002012, 40002020})
_SERVICE_CODES = frozenset({40002007, 40002009, 40002021})
# One retry per step: enough to ride out a lost answer, short enough for a request/response call.
_ATTEMPTS = 2
# Errors raised before any answer arrived: the request may or may not have taken effect.
_UNCERTAIN = (CourierTimeout, CourierUnavailable)

_EVENT_KINDS = {
    "order.status": CourierEventKind.STATUS,
    "order.waybill_id": CourierEventKind.WAYBILL,
    "order.price": CourierEventKind.PRICE,
}


class BiteshipProvider:
    """One store's Biteship account. Every call is a real HTTPS request through :func:`core.http.request`."""

    name = "biteship"

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = BASE_URL,
        timeout_s: float = 10.0,
        webhook_secret: str | None = None,
        webhook_header: str = DEFAULT_WEBHOOK_HEADER,
    ):
        if not api_key or not api_key.strip():
            raise ValidationError("API key Biteship belum diatur di Pengaturan Pengiriman.", code="courier_not_configured")
        self._api_key = api_key.strip()
        self._base_url = base_url.rstrip("/")
        self._timeout_s = timeout_s
        self._webhook_secret = webhook_secret
        self._webhook_header = webhook_header

    # --- public interface ----------------------------------------------------------------------

    def create_order(self, req: ShipmentRequest) -> ShipmentInfo:
        """Book a courier for our sale ``req.reference``; a repeated call returns the same order.

        Raises :class:`CourierTimeout` (or :class:`CourierUnavailable`) when Biteship stays silent
        through the retries: the booking may exist. Calling again with the same request is safe;
        checking :meth:`find_by_reference` first also holds should Biteship ever stop refusing a
        reused draft reference (that refusal is known from community code, not from its docs).
        """
        draft = self._ensure_draft(req)
        order_id = _text(draft.get("order_id"))
        if order_id:
            return self.get_order(order_id)
        draft_id = _text(draft.get("id"))
        if not draft_id:
            raise CourierUnavailable(PROVIDER, reason="jawaban tidak dapat dibaca")
        return self._confirm(draft_id)

    def get_order(self, provider_order_id: str) -> ShipmentInfo:
        resp = self._send("GET", f"/v1/orders/{quote(provider_order_id, safe='')}")
        return _order_info(self._ok_body(resp))

    def find_by_reference(self, reference: str) -> ShipmentInfo | None:
        """The order booked for our sale id; None when there is none (a draft alone books nothing)."""
        draft = self._find_draft(reference)
        order_id = _text(draft.get("order_id")) if draft else None
        return self.get_order(order_id) if order_id else None

    def parse_webhook(self, headers: Mapping[str, str], body: bytes | str | None) -> CourierEvent | None:
        return parse_webhook(headers, body, secret=self._webhook_secret, header=self._webhook_header)

    def rates(self, req: RatesRequest) -> list[CourierRate]:
        """``POST /v1/rates/couriers``: every service the couriers offer for the parcel, cheapest first.

        A read, so a call left unanswered is simply asked again once. An empty list means no courier
        serves that postal code with that parcel.
        """
        payload = rates_payload(req)
        for _ in range(_ATTEMPTS):
            try:
                resp = self._send("POST", "/v1/rates/couriers", json_body=payload)
            except _UNCERTAIN:
                continue
            return parse_rates(self._ok_body(resp))
        raise CourierUnavailable(PROVIDER, reason="cek ongkir tidak dijawab")

    def cancel_order(self, provider_order_id: str, reason: str) -> ShipmentInfo:
        """``POST /v1/orders/:id/cancel`` (allowed until the courier picks the parcel up), then the
        order as Biteship has it now. An unanswered cancel is checked by reading the order."""
        path = f"/v1/orders/{quote(provider_order_id, safe='')}/cancel"
        try:
            resp = self._send("POST", path, json_body={"cancellation_reason_code": "others",
                                                      "cancellation_reason": reason})
        except _UNCERTAIN:
            info = self.get_order(provider_order_id)
            if info.status is ShipmentStatus.CANCELLED:
                return info
            raise
        if 200 <= resp.status < 300:
            return self.get_order(provider_order_id)
        raise self._error(resp)

    # --- booking steps --------------------------------------------------------------------------

    def _ensure_draft(self, req: ShipmentRequest) -> dict[str, Any]:
        payload = draft_payload(req)
        for _ in range(_ATTEMPTS):
            try:
                resp = self._send("POST", "/v1/draft_orders", json_body=payload)
            except _UNCERTAIN:
                # The draft may exist although its answer was lost: look before creating another.
                found = self._find_draft(req.reference)
                if found is not None:
                    return found
                continue
            body = _as_dict(resp.json())
            if 200 <= resp.status < 300 and _text(body.get("id")):
                return body
            if _code(body) == REFERENCE_TAKEN_CODE:
                # An earlier attempt, possibly another process, created it: resume that draft.
                found = self._find_draft(req.reference)
                if found is not None:
                    return found
                raise CourierRequestRejected(
                    PROVIDER, reason="nomor referensi sudah dipakai, tetapi draft-nya tidak ditemukan",
                    details=_error_details(resp, body),
                )
            raise self._error(resp)
        raise CourierTimeout(PROVIDER)

    def _confirm(self, draft_id: str) -> ShipmentInfo:
        path = f"/v1/draft_orders/{quote(draft_id, safe='')}/confirm"
        for _ in range(_ATTEMPTS):
            try:
                resp = self._send("POST", path, json_body={})
            except _UNCERTAIN:
                order_id = self._draft_order_id(draft_id)
                if order_id:
                    return self.get_order(order_id)
                continue
            body = _as_dict(resp.json())
            if 200 <= resp.status < 300 and _text(body.get("id")):
                return _order_info(body)
            if resp.status not in (401, 402, 403):
                # A refusal ("not ready") or a server error can hide an earlier confirm that worked.
                order_id = self._draft_order_id(draft_id)
                if order_id:
                    return self.get_order(order_id)
            raise self._error(resp)
        raise CourierTimeout(PROVIDER)

    def _find_draft(self, reference: str) -> dict[str, Any] | None:
        body = self._ok_body(self._send("GET", "/v1/draft_orders", query={"reference_id": reference}))
        drafts = body.get("drafts")
        if not isinstance(drafts, list):
            raise CourierUnavailable(PROVIDER, reason="jawaban tidak dapat dibaca")
        # Filter here too: we must never adopt another sale's draft, whatever the server filtered.
        matches = [d for d in drafts if isinstance(d, dict) and d.get("reference_id") == reference]
        matches.sort(key=lambda d: not d.get("order_id"))
        return matches[0] if matches else None

    def _draft_order_id(self, draft_id: str) -> str | None:
        body = self._ok_body(self._send("GET", f"/v1/draft_orders/{quote(draft_id, safe='')}"))
        return _text(body.get("order_id"))

    # --- HTTP -----------------------------------------------------------------------------------

    def _send(self, method: str, path: str, *, json_body: dict | None = None,
              query: dict[str, str] | None = None) -> HttpResponse:
        url = self._base_url + path + (f"?{urlencode(query)}" if query else "")
        try:
            return request(method, url, json_body=json_body, headers={"Authorization": self._api_key},
                           timeout=self._timeout_s, system=PROVIDER)
        except HttpTimeout:
            raise CourierTimeout(PROVIDER) from None
        except UpstreamError:
            raise CourierUnavailable(PROVIDER) from None

    def _ok_body(self, resp: HttpResponse) -> dict[str, Any]:
        body = resp.json()
        if 200 <= resp.status < 300 and isinstance(body, dict):
            return body
        raise self._error(resp)

    def _error(self, resp: HttpResponse) -> CourierError:
        """Biteship's answer ``{"success": false, "error": "...", "code": 4000xxxx}`` -> a merchant-facing error."""
        body = _as_dict(resp.json())
        code = _code(body)
        message = _text(body.get("error")) or _text(body.get("message")) or ""
        lowered = message.lower()
        details = _error_details(resp, body)
        if resp.status in (401, 403) or code in _AUTH_CODES:
            return CourierAuthFailed(PROVIDER, details=details)
        # Biteship documents 402 as "request failed" and no code for a low balance; match the wording too.
        if resp.status == 402 or "balance" in lowered or "saldo" in lowered:
            return CourierInsufficientBalance(PROVIDER, details=details)
        if code in _ADDRESS_CODES or any(word in lowered for word in ("postal", "area_id", "coordinate")):
            return CourierInvalidAddress(PROVIDER, details=details)
        if code in _SERVICE_CODES or "not available" in lowered or "no courier" in lowered:
            return CourierServiceUnavailable(PROVIDER, details=details)
        if resp.status == 404:
            return CourierOrderNotFound(PROVIDER, details=details)
        if resp.status == 429:
            return CourierRateLimited(PROVIDER, details=details)
        if resp.status >= 500 or 200 <= resp.status < 300:
            reason = None if resp.status >= 500 else "jawaban tidak dapat dibaca"
            return CourierUnavailable(PROVIDER, reason=reason, details=details)
        return CourierRequestRejected(PROVIDER, reason=message or None, details=details)


# --- payloads ---------------------------------------------------------------------------------------

def draft_payload(req: ShipmentRequest) -> dict[str, Any]:
    """Our request as Biteship's flat create body (the same fields serve orders and draft orders)."""
    payload: dict[str, Any] = {}
    payload.update(_address_fields("origin", req.origin))
    payload.update(_address_fields("destination", req.destination))
    payload.update({
        "courier_company": req.courier_company,
        "courier_type": req.courier_type,
        "delivery_type": "now",
        "reference_id": req.reference,
        "items": [
            {"name": item.name, "value": item.value, "quantity": item.quantity, "weight": item.weight_g}
            for item in req.items
        ],
    })
    if req.cod_amount is not None:
        payload["destination_cash_on_delivery"] = req.cod_amount
    if req.insurance_amount is not None:
        payload["courier_insurance"] = req.insurance_amount
    if req.note:
        payload["order_note"] = req.note
    return payload


def rates_payload(req: RatesRequest) -> dict[str, Any]:
    """Our rates request as Biteship's body: the origin as the store's setup locates it (postal code,
    area or map point), the destination by postal code, the couriers to ask, the items in grams."""
    origin = req.origin
    payload: dict[str, Any] = {"destination_postal_code": int(req.destination_postal_code),
                               "couriers": ",".join(req.couriers),
                               "items": [{"name": item.name, "value": item.value, "quantity": item.quantity,
                                          "weight": item.weight_g} for item in req.items]}
    if origin.postal_code:
        payload["origin_postal_code"] = int(origin.postal_code)
    if origin.area_id:
        payload["origin_area_id"] = origin.area_id
    if origin.coordinate:
        payload["origin_latitude"] = origin.coordinate.latitude
        payload["origin_longitude"] = origin.coordinate.longitude
    return payload


def parse_rates(body: dict[str, Any]) -> list[CourierRate]:
    """Biteship's ``pricing`` list -> our rates, cheapest first. A service without a code or a
    readable whole-rupiah price is left out rather than guessed."""
    pricing = body.get("pricing")
    if not isinstance(pricing, list):
        raise CourierUnavailable(PROVIDER, reason="jawaban cek ongkir tidak dapat dibaca")
    rates: list[CourierRate] = []
    for entry in pricing:
        if not isinstance(entry, dict):
            continue
        company = (_text(entry.get("courier_code")) or _text(entry.get("company")) or "").lower()
        service = (_text(entry.get("courier_service_code")) or _text(entry.get("type")) or "").lower()
        price = _rupiah(entry.get("price"))
        if not COURIER_CODE.match(company) or not COURIER_CODE.match(service) or price is None or price < 0:
            continue
        rates.append(CourierRate(
            company=company, service=service, courier_name=_text(entry.get("courier_name")) or company.upper(),
            service_name=_text(entry.get("courier_service_name")) or service.upper(), price=price,
            duration=_text(entry.get("duration")), cod=entry.get("available_for_cash_on_delivery") is True,
            cod_fee=_rupiah(entry.get("cash_on_delivery_fee"))))
    return sorted(rates, key=lambda r: (r.price, r.label))


def _address_fields(prefix: str, address: ShippingAddress) -> dict[str, Any]:
    fields: dict[str, Any] = {
        f"{prefix}_contact_name": address.contact_name,
        # Biteship's examples and couriers' labels use the local form 0812..., not E.164.
        f"{prefix}_contact_phone": display_phone(address.contact_phone).replace("-", ""),
        f"{prefix}_address": address.address,
    }
    if address.contact_email:
        fields[f"{prefix}_contact_email"] = address.contact_email
    if address.note:
        fields[f"{prefix}_note"] = address.note
    if address.postal_code:
        fields[f"{prefix}_postal_code"] = int(address.postal_code)  # documented as a number
    if address.area_id:
        fields[f"{prefix}_area_id"] = address.area_id
    if address.coordinate:
        fields[f"{prefix}_coordinate"] = {
            "latitude": address.coordinate.latitude,
            "longitude": address.coordinate.longitude,
        }
    return fields


def _order_info(body: dict[str, Any]) -> ShipmentInfo:
    """An order object (create, confirm or get response) -> :class:`ShipmentInfo`.

    Lenient on purpose: once an order exists we must keep its id, even if a cosmetic field is odd.
    """
    order_id = _text(body.get("id"))
    if not order_id:
        raise CourierUnavailable(PROVIDER, reason="jawaban tidak dapat dibaca")
    courier = _as_dict(body.get("courier"))
    return ShipmentInfo(
        provider_order_id=order_id,
        status=parse_status(body.get("status")),
        courier_company=_text(courier.get("company")),
        courier_type=_text(courier.get("type")),
        price=_rupiah(body.get("price")),
        awb=canonical_awb(courier.get("waybill_id")),
        tracking_id=_text(courier.get("tracking_id")),
        tracking_url=_text(courier.get("link")),
        reference=_text(body.get("reference_id")),
        raw=body,
    )


# --- webhooks ---------------------------------------------------------------------------------------

def webhook_payload(body: bytes | str | None) -> dict | None:
    """The JSON object of a Biteship callback body; None for the empty installation check. Raises
    :class:`ValidationError` on a body that is not a JSON object."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else (body or "")
    if not text.strip():
        return None
    try:
        payload = json.loads(text)
    except ValueError:
        raise ValidationError("Isi webhook Biteship bukan JSON yang valid.", code="courier_webhook_invalid") from None
    if not isinstance(payload, dict):
        raise ValidationError("Isi webhook Biteship tidak dikenali.", code="courier_webhook_invalid")
    return payload


def parse_webhook(
    headers: Mapping[str, str],
    body: bytes | str | None,
    *,
    secret: str | None,
    header: str = DEFAULT_WEBHOOK_HEADER,
) -> CourierEvent | None:
    """Verify and read one Biteship callback.

    Returns None when there is nothing to do: the empty-body installation check, or an event type
    we do not use; the route should answer 200 to both so Biteship does not retry. Raises
    :class:`Unauthorized` on a missing or wrong secret and :class:`ValidationError` on a body we
    cannot read. Accepts the flat payload (``courier_waybill_id``, ``courier_company``, ...) and the
    nested one (``courier.waybill_id``), and both status spellings.
    """
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else (body or "")
    if not text.strip():
        return None
    _verify_secret(headers, secret, header)
    payload = webhook_payload(text)
    event = payload.get("event")
    kind = _EVENT_KINDS.get(event) if isinstance(event, str) else None
    if kind is None:
        return None
    courier = _as_dict(payload.get("courier"))
    order_id = _text(payload.get("order_id")) or _text(payload.get("id"))
    if not order_id:
        raise ValidationError("Webhook Biteship tanpa order_id.", code="courier_webhook_invalid")
    status_text = _text(payload.get("status"))
    status = parse_status(status_text)
    awb = canonical_awb(_first(payload.get("courier_waybill_id"), courier.get("waybill_id"), payload.get("waybill_id")))
    price = _rupiah(_first(payload.get("price"), payload.get("order_price"), courier.get("price")))
    key_parts = [order_id, event, status.value if status else (status_text or ""), awb or "",
                 "" if price is None else str(price)]
    return CourierEvent(
        event_key="biteship:" + "|".join(key_parts),
        kind=kind,
        provider_order_id=order_id,
        reference=_text(payload.get("reference_id")),
        status=status,
        awb=awb,
        courier=_text(_first(payload.get("courier_company"), courier.get("company"))),
        price=price,
        raw=payload,
    )


def _verify_secret(headers: Mapping[str, str], secret: str | None, header: str) -> None:
    if not secret:
        # Fail closed: an unconfigured store must not accept status changes from anyone.
        raise Unauthorized("Rahasia webhook Biteship belum diatur di Pengaturan Pengiriman.",
                           code="courier_webhook_unauthorized")
    wanted = header.lower()
    given = next((value for name, value in headers.items() if name.lower() == wanted), None)
    if given is None or not hmac.compare_digest(given.strip().encode("utf-8"), secret.encode("utf-8")):
        raise Unauthorized("Webhook Biteship ditolak: rahasia tidak cocok.", code="courier_webhook_unauthorized")


# --- small readers -----------------------------------------------------------------------------------

def _as_dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _first(*values: object) -> object:
    return next((value for value in values if value is not None), None)


def _text(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def _code(body: dict[str, Any]) -> int | None:
    code = body.get("code")
    if isinstance(code, str) and code.isdigit():
        return int(code)
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def _rupiah(value: object) -> int | None:
    """Biteship sends IDR as JSON numbers; keep whole rupiah, refuse anything else rather than guess."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _error_details(resp: HttpResponse, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "http_status": resp.status,
        "provider_code": _code(body),
        "provider_message": _text(body.get("error")) or _text(body.get("message")),
    }
