"""Courier simulator: the Biteship API subset Sambung uses, served on loopback.

Our Biteship adapter works against it unchanged (point its ``base_url`` at :attr:`CourierSimulator.url`).

Biteship endpoints (same paths, auth and JSON shapes as Biteship):

- ``POST /v1/draft_orders`` validates the flat create body with Biteship's documented error codes,
  refuses a reused ``reference_id`` (code 42211015) and stores a ``ready`` draft;
- ``GET /v1/draft_orders?reference_id=…`` lists drafts (``{"drafts": [...]}``), ``GET /v1/draft_orders/:id``;
- ``POST /v1/draft_orders/:id/confirm`` books the order: charges the balance, gives an AWB at once
  or after a delay, and marks the draft confirmed with its ``order_id``;
- ``GET /v1/orders/:id``; ``POST /v1/orders/:id/cancel`` until the courier has picked the parcel up
  (the price goes back to the balance);
- ``POST /v1/rates/couriers``: the services of the asked couriers (:data:`COURIER_SERVICES`) for the
  parcel's weight, priced per started kilogram, dearer between regions (the postal codes' first
  digit), each saying whether it collects cash on delivery (``available_for_cash_on_delivery``).
  A draft is priced the same way, so the courier charges what it quoted. A draft asking for cash
  on delivery (``destination_cash_on_delivery``) on a service without it is refused, and an order
  with it carries ``destination.cash_on_delivery`` with the amount and the collection fee.

Webhooks in Biteship's flat shape (``order.waybill_id`` when an AWB is issued, ``order.status`` on
every status change) go to ``webhook_url`` with the shared secret in ``webhook_header``; a delivery
that does not get a 2xx is retried after each of ``webhook_retry_delays``.

Error injection (all via ``POST /sim/config``, or the constructor):

- ``balance``: each booking deducts its price; too little -> 402 with Biteship's balance wording.
  Biteship documents no code for this, so none is sent;
- a wrong API key -> 401 with code 40000001 (Biteship's "authentication failed");
- ``slow_ms``: create requests (draft and confirm) take effect at once but answer only after this
  delay, so a client times out on a booking that exists;
- ``fail_next``: the next confirm fails with ``invalid_api_key``, ``insufficient_balance``,
  ``no_courier`` or ``server_error`` without booking anything;
- ``awb_delay_s``: seconds until the AWB is issued (0 = in the create response). A single order can
  override it with ``[sim:awb_delay=2.5]`` in its ``order_note``.

Control: ``GET /sim/`` (a page with buttons), ``GET /sim/orders``, ``POST /sim/config`` (the settings
above, ``price_per_kg``, ``cod_fee_percent`` and ``webhook_url``),
``POST /sim/orders/{id}/advance`` (next status on the happy path), ``POST /sim/orders/{id}/status``
with ``{"status": "delivered"}``.

Run alone: ``python -m infra.local.courier_sim --port 8766 --webhook-url http://127.0.0.1:8000/api/callbacks/biteship``.
"""
from __future__ import annotations

import argparse
import heapq
import html
import json
import logging
import math
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from chalicelib.shipping.providers.biteship import DEFAULT_WEBHOOK_HEADER, REFERENCE_TAKEN_CODE

log = logging.getLogger(__name__)

BITESHIP_STATUSES = (
    "confirmed", "scheduled", "allocated", "picking_up", "picked", "cancelled", "on_hold", "dropping_off",
    "return_in_transit", "returned", "rejected", "disposed", "courier_not_found", "delivered",
)
# "Advance" walks the ordinary journey; a held parcel resumes, a return completes.
_NEXT_STATUS = {
    "confirmed": "allocated",
    "scheduled": "allocated",
    "allocated": "picking_up",
    "picking_up": "picked",
    "picked": "dropping_off",
    "dropping_off": "delivered",
    "on_hold": "dropping_off",
    "return_in_transit": "returned",
}
FAILURES = ("invalid_api_key", "insufficient_balance", "no_courier", "server_error")
_CANCELLABLE = ("confirmed", "scheduled", "allocated", "picking_up")
# Courier code -> (name, services: (code, name, price factor, duration in days, collects COD)).
COURIER_SERVICES: dict[str, tuple[str, tuple[tuple[str, str, float, str, bool], ...]]] = {
    "jne": ("JNE", (("reg", "Reguler", 1.0, "2 - 3", True), ("yes", "Yakin Esok Sampai", 1.8, "1 - 1", False),
                    ("oke", "Ongkos Kirim Ekonomis", 0.8, "3 - 6", False))),
    "jnt": ("J&T", (("ez", "EZ", 1.0, "2 - 3", True),)),
    "sicepat": ("SiCepat", (("reg", "Reguler", 0.95, "1 - 2", True), ("best", "Besok Sampai Tujuan", 1.6, "1 - 1", False))),
    "anteraja": ("AnterAja", (("reg", "Reguler", 0.9, "2 - 4", True), ("next_day", "Next Day", 1.7, "1 - 1", False))),
    "pos": ("POS Indonesia", (("kilat_khusus", "Pos Kilat Khusus", 0.85, "2 - 4", False),)),
}
INTER_REGION_FACTOR = 1.5  # postal codes in another region (first digit) cost this much more per kilogram
_AWB_DELAY_NOTE = re.compile(r"\[sim:awb_delay=(\d+(?:\.\d+)?)\]")
# Biteship's documented codes for a create body missing a required field.
_REQUIRED_FIELDS = (
    ("origin_contact_name", 40002014, "Please make sure origin contact name is filled"),
    ("origin_contact_phone", 40002015, "Please make sure origin contact phone is filled"),
    ("origin_address", 40002016, "Please make sure origin address is filled"),
    ("destination_contact_name", 40002017, "Please make sure destination contact name is filled"),
    ("destination_contact_phone", 40002018, "Please make sure destination contact phone is filled"),
    ("destination_address", 40002019, "Please make sure destination address is filled"),
)


class _ApiError(Exception):
    """An error answer in Biteship's shape: ``{"success": false, "error": ..., "code": ...}``."""

    def __init__(self, status: int, error: str, code: int | None = None):
        super().__init__(error)
        self.status = status
        self.body: dict[str, Any] = {"success": False, "error": error}
        if code is not None:
            self.body["code"] = code


class _Scheduler:
    """One background thread running callables at due times (AWB issuing, webhook deliveries and retries)."""

    def __init__(self) -> None:
        self._queue: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = 0
        self._cv = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="courier-sim-scheduler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def call_later(self, delay_s: float, fn: Callable[[], None]) -> None:
        with self._cv:
            self._seq += 1
            heapq.heappush(self._queue, (time.monotonic() + max(0.0, delay_s), self._seq, fn))
            self._cv.notify()

    def stop(self) -> None:
        with self._cv:
            self._stopped = True
            self._cv.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._stopped and (not self._queue or self._queue[0][0] > time.monotonic()):
                    self._cv.wait(timeout=self._queue[0][0] - time.monotonic() if self._queue else None)
                if self._stopped:
                    return
                _, _, fn = heapq.heappop(self._queue)
            try:
                fn()
            except Exception:  # a simulator bug must not stop later deliveries
                log.exception("courier simulator task failed")


class CourierSimulator:
    """A Biteship stand-in on ``host:port`` (port 0 picks a free one); see the module docstring."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        api_key: str = "biteship_test.sim",
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        webhook_header: str = DEFAULT_WEBHOOK_HEADER,
        balance: int = 1_000_000,
        price_per_kg: int = 9_000,
        awb_delay_s: float = 0.0,
        slow_ms: int = 0,
        webhook_retry_delays: tuple[float, ...] = (0.5, 2.0, 5.0),
    ):
        self.api_key = api_key
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.webhook_header = webhook_header
        self.webhook_retry_delays = webhook_retry_delays
        self.config: dict[str, Any] = {
            "balance": balance,
            "price_per_kg": price_per_kg,
            "awb_delay_s": awb_delay_s,
            "slow_ms": slow_ms,
            "fail_next": None,
            "cod_fee_percent": 4,  # what the courier keeps of the cash it collects
        }
        self._drafts: dict[str, dict[str, Any]] = {}
        self._orders: dict[str, dict[str, Any]] = {}
        self._deliveries: list[dict[str, Any]] = []
        self._lock = threading.RLock()
        self._scheduler = _Scheduler()
        self._server = _Server((host, port), _Handler, self)
        # A short poll interval keeps stop() quick (shutdown waits for the loop's next poll).
        self._server_thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                               name="courier-sim-http", daemon=True)
        self._webhook_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self._server.server_address[0]}:{self.port}"

    def start(self) -> CourierSimulator:
        self._scheduler.start()
        self._server_thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._scheduler.stop()

    def __enter__(self) -> CourierSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- Biteship API ----------------------------------------------------------------------------

    def check_auth(self, authorization: str | None) -> None:
        # Biteship documents the raw key and its help centre shows "Bearer <key>": accept both.
        key = (authorization or "").strip()
        if key.lower().startswith("bearer "):
            key = key[7:].strip()
        if not secrets.compare_digest(key.encode(), self.api_key.encode()):
            raise _ApiError(401, "Authentication failed", 40000001)

    def create_draft(self, body: dict[str, Any]) -> dict[str, Any]:
        for name, code, message in _REQUIRED_FIELDS:
            if not str(body.get(name) or "").strip():
                raise _ApiError(400, message, code)
        for end, code in (("origin", 40002011), ("destination", 40002010)):
            if not any(body.get(f"{end}_{key}") for key in ("postal_code", "area_id", "coordinate")):
                raise _ApiError(400, f"Either {end} needs to have postal code or coordinate", code)
            postal = body.get(f"{end}_postal_code")
            if postal is not None and not (str(postal).isdigit() and 10000 <= int(postal) <= 99999):
                # Indonesian postal codes run 10110-99xxx; anything else is unknown to couriers.
                raise _ApiError(400, "Failed due to invalid or missing postal code.", 40002020)
        items = _items(body)
        cod = body.get("destination_cash_on_delivery")
        service = _service(body.get("courier_company"), body.get("courier_type"))
        if cod is not None:
            if not _positive_int(cod):
                raise _ApiError(400, "destination_cash_on_delivery must be a whole amount of rupiah")
            if service is None or not service[4]:
                raise _ApiError(400, "Cash on delivery is not available for this courier service", 40002009)
        reference = body.get("reference_id")
        with self._lock:
            if reference and any(d["reference_id"] == reference for d in self._drafts.values()):
                raise _ApiError(422, "Reference ID taken", REFERENCE_TAKEN_CODE)
            has_courier = bool(body.get("courier_company") and body.get("courier_type"))
            weight_g = sum(i["weight"] * i.get("quantity", 1) for i in items)
            draft = {
                "object": "draft_order",
                "id": str(uuid.uuid4()),
                "order_id": None,
                "origin": _end(body, "origin"),
                "destination": _end(body, "destination"),
                "courier": {
                    "company": body.get("courier_company"),
                    "type": body.get("courier_type"),
                    "tracking_id": None,
                    "waybill_id": None,
                    "insurance": {"amount": body.get("courier_insurance") or 0, "amount_currency": "IDR"},
                },
                "delivery": {"type": body.get("delivery_type") or "now"},
                "items": items,
                "currency": "IDR",
                "price": self._price(weight_g, service, body.get("origin_postal_code"),
                                     body.get("destination_postal_code")),
                "status": "ready" if has_courier else "placed",
                "reference_id": reference,
                "note": body.get("order_note"),
            }
            if cod is not None:
                draft["destination"]["cash_on_delivery"] = {
                    "id": secrets.token_hex(12), "amount": cod, "amount_currency": "IDR",
                    "fee": math.ceil(cod * int(self.config["cod_fee_percent"]) / 100), "fee_currency": "IDR",
                    "note": None, "type": body.get("destination_cash_on_delivery_type") or "7_days"}
            self._drafts[draft["id"]] = draft
            return dict(draft)

    def rates(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /v1/rates/couriers``: each asked courier's services, priced for the parcel."""
        couriers = body.get("couriers")
        if not isinstance(couriers, str) or not couriers.strip():
            raise _ApiError(400, "Please make sure couriers is filled")
        for end, code in (("origin", 40002011), ("destination", 40002010)):
            located = body.get(f"{end}_postal_code") or body.get(f"{end}_area_id") or (
                body.get(f"{end}_latitude") is not None and body.get(f"{end}_longitude") is not None)
            if not located:
                raise _ApiError(400, f"Either {end} needs to have postal code or coordinate", code)
            postal = body.get(f"{end}_postal_code")
            if postal is not None and not (str(postal).isdigit() and 10000 <= int(postal) <= 99999):
                raise _ApiError(400, "Failed due to invalid or missing postal code.", 40002020)
        items = _items(body)
        weight_g = sum(i["weight"] * i.get("quantity", 1) for i in items)
        value = sum(int(i.get("value") or 0) * i.get("quantity", 1) for i in items)
        origin, destination = body.get("origin_postal_code"), body.get("destination_postal_code")
        pricing = []
        with self._lock:
            for courier in dict.fromkeys(c.strip().lower() for c in couriers.split(",")):
                name, services = COURIER_SERVICES.get(courier, (None, ()))
                for service in services:
                    code, service_name, _, days, cod = service
                    price = self._price(weight_g, service, origin, destination)
                    pricing.append({
                        "available_collection_method": ["pickup"], "available_for_cash_on_delivery": cod,
                        "available_for_proof_of_delivery": False, "available_for_instant_waybill_id": True,
                        "available_for_insurance": True, "company": courier, "courier_name": name,
                        "courier_code": courier, "courier_service_name": service_name, "courier_service_code": code,
                        "currency": "IDR", "description": f"Estimasi tiba {days} hari", "duration": f"{days} days",
                        "shipment_duration_range": days, "shipment_duration_unit": "days",
                        "service_type": "standard", "shipping_type": "parcel", "price": price, "type": code,
                        "cash_on_delivery_fee": math.ceil(value * int(self.config["cod_fee_percent"]) / 100)
                        if cod else None,
                    })
        return {"object": "courier_pricing", "message": "Success to retrieve courier pricing", "code": 20001003,
                "origin": {"postal_code": origin, "country_code": "ID"},
                "destination": {"postal_code": destination, "country_code": "ID"},
                "pricing": sorted(pricing, key=lambda p: p["price"])}

    def _price(self, weight_g: int, service: tuple | None, origin: object, destination: object) -> int:
        """Per started kilogram; a known service at its own factor, dearer between regions."""
        per_kg = float(self.config["price_per_kg"]) * (service[2] if service else 1.0)
        if str(origin or "")[:1] and str(destination or "")[:1] and str(origin)[:1] != str(destination)[:1]:
            per_kg *= INTER_REGION_FACTOR
        return max(1, math.ceil(weight_g / 1000)) * int(round(per_kg / 100) * 100)

    def cancel_order(self, order_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            order = self._orders.get(order_id)
            if order is None:
                raise _ApiError(404, "Order not found")
            if order["status"] not in _CANCELLABLE:
                raise _ApiError(400, f"Order can't be cancelled, current status is {order['status']}")
            order["status"] = "cancelled"
            order["cancellation_reason"] = body.get("cancellation_reason")
            self.config["balance"] += order["price"]
            payload = _webhook_payload("order.status", order)
            answer = {"id": order_id, "object": "order", "status": "cancelled",
                      "cancellation_reason_code": body.get("cancellation_reason_code"),
                      "cancellation_reason": body.get("cancellation_reason")}
        self._queue_webhook(payload)
        return answer

    def find_drafts(self, reference: str | None) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(d) for d in self._drafts.values() if reference is None or d["reference_id"] == reference]

    def get_draft(self, draft_id: str) -> dict[str, Any]:
        with self._lock:
            draft = self._drafts.get(draft_id)
            if draft is None:
                raise _ApiError(404, "Draft order not found")
            return dict(draft)

    def confirm_draft(self, draft_id: str) -> dict[str, Any]:
        with self._lock:
            draft = self._drafts.get(draft_id)
            if draft is None:
                raise _ApiError(404, "Draft order not found")
            if draft["status"] != "ready":
                raise _ApiError(400, f"Draft order can't be confirmed, current status is {draft['status']}")
            failure, self.config["fail_next"] = self.config["fail_next"], None
            if failure == "invalid_api_key":
                raise _ApiError(401, "Authentication failed", 40000001)
            if failure == "no_courier":
                raise _ApiError(400, "No courier available", 40002021)
            if failure == "server_error":
                raise _ApiError(500, "Internal server error")
            if failure == "insufficient_balance" or draft["price"] > self.config["balance"]:
                raise _ApiError(402, "Your balance is not enough to create this order. Please top up your balance.")
            self.config["balance"] -= draft["price"]
            order = self._book(draft)
            return json.loads(json.dumps(order))

    def get_order(self, order_id: str) -> dict[str, Any]:
        with self._lock:
            order = self._orders.get(order_id)
            if order is None:
                raise _ApiError(404, "Order not found")
            return json.loads(json.dumps(order))

    def _book(self, draft: dict[str, Any]) -> dict[str, Any]:
        delay = float(self.config["awb_delay_s"])
        match = _AWB_DELAY_NOTE.search(draft.get("note") or "")
        if match:
            delay = float(match.group(1))
        order_id = secrets.token_hex(12)  # Biteship order ids are 24 hex characters
        courier = dict(draft["courier"], tracking_id=secrets.token_hex(12),
                       waybill_id=None if delay > 0 else _new_awb(draft["courier"]["company"]),
                       name=None, phone=None, driver_name=None, driver_phone=None, driver_photo_url=None,
                       driver_plate_number=None, link=None, routing_code=None)
        order = {
            "object": "order",
            "id": order_id,
            "draft_order_id": draft["id"],
            "origin": draft["origin"],
            "destination": draft["destination"],
            "courier": courier,
            "delivery": dict(draft["delivery"], datetime=datetime.now(timezone.utc).isoformat(timespec="seconds")),
            "reference_id": draft["reference_id"],
            "items": draft["items"],
            "currency": "IDR",
            "price": draft["price"],
            "note": draft["note"],
            "status": "confirmed",
        }
        self._orders[order_id] = order
        draft.update(status="confirmed", order_id=order_id)
        if delay > 0:
            self._scheduler.call_later(delay, lambda: self._issue_awb(order_id))
        return order

    def _issue_awb(self, order_id: str) -> None:
        with self._lock:
            order = self._orders[order_id]
            if order["courier"]["waybill_id"]:
                return
            order["courier"]["waybill_id"] = _new_awb(order["courier"]["company"])
            payload = _webhook_payload("order.waybill_id", order)
        self._queue_webhook(payload)

    # --- control ---------------------------------------------------------------------------------

    def list_orders(self) -> dict[str, Any]:
        with self._lock:
            return {
                "orders": [json.loads(json.dumps(o)) for o in self._orders.values()],
                "drafts": len(self._drafts),
                "config": dict(self.config),
                "webhook_deliveries": list(self._deliveries[-50:]),
            }

    def configure(self, changes: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            for name, value in changes.items():
                if name == "webhook_url":
                    self.webhook_url = value or None
                    continue
                if name not in self.config:
                    raise _ApiError(400, f"Unknown setting {name!r}")
                if name == "fail_next" and value not in (None, *FAILURES):
                    raise _ApiError(400, f"fail_next must be one of {', '.join(FAILURES)}")
                if name in ("balance", "price_per_kg", "slow_ms", "cod_fee_percent") and (
                        isinstance(value, bool) or not isinstance(value, int)):
                    raise _ApiError(400, f"{name} must be an integer")
                if name == "awb_delay_s" and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
                    raise _ApiError(400, "awb_delay_s must be a number >= 0")
                self.config[name] = value
            return dict(self.config)

    def advance(self, order_id: str) -> dict[str, Any]:
        with self._lock:
            status = self.get_order(order_id)["status"]
            if status not in _NEXT_STATUS:
                raise _ApiError(409, f"Order is already {status}")
            return self.set_status(order_id, _NEXT_STATUS[status])

    def set_status(self, order_id: str, status: object) -> dict[str, Any]:
        if status not in BITESHIP_STATUSES:
            raise _ApiError(400, f"status must be one of {', '.join(BITESHIP_STATUSES)}")
        with self._lock:
            order = self._orders.get(order_id)
            if order is None:
                raise _ApiError(404, "Order not found")
            order["status"] = status
            payload = _webhook_payload("order.status", order)
            snapshot = json.loads(json.dumps(order))
        self._queue_webhook(payload)
        return snapshot

    # --- webhooks --------------------------------------------------------------------------------

    def _queue_webhook(self, payload: dict[str, Any]) -> None:
        if self.webhook_url:
            self._scheduler.call_later(0, lambda: self._deliver(payload, 0))

    def _deliver(self, payload: dict[str, Any], attempt: int) -> None:
        if not self.webhook_url:
            return
        headers = {"Content-Type": "application/json", "User-Agent": "courier-sim"}
        if self.webhook_secret:
            headers[self.webhook_header] = self.webhook_secret
        req = urllib.request.Request(self.webhook_url, data=json.dumps(payload).encode(), headers=headers,
                                     method="POST")
        try:
            with self._webhook_opener.open(req, timeout=5) as resp:
                outcome: int | str = resp.status
        except urllib.error.HTTPError as exc:
            outcome = exc.code
        except (urllib.error.URLError, OSError) as exc:
            outcome = exc.__class__.__name__
        with self._lock:
            self._deliveries.append({"event": payload["event"], "order_id": payload["order_id"],
                                     "attempt": attempt + 1, "outcome": outcome})
        if not (isinstance(outcome, int) and 200 <= outcome < 300) and attempt < len(self.webhook_retry_delays):
            self._scheduler.call_later(self.webhook_retry_delays[attempt], lambda: self._deliver(payload, attempt + 1))


def _end(body: dict[str, Any], prefix: str) -> dict[str, Any]:
    """One end of a flat create body in the nested shape Biteship's order objects use."""
    end = {key: body.get(f"{prefix}_{key}") for key in
           ("contact_name", "contact_phone", "contact_email", "address", "note", "postal_code", "area_id")}
    end["coordinate"] = body.get(f"{prefix}_coordinate") or {"latitude": None, "longitude": None}
    if prefix == "destination":
        end["cash_on_delivery"] = {"amount": body.get("destination_cash_on_delivery"), "amount_currency": "IDR"}
    return end


def _items(body: dict[str, Any]) -> list[dict[str, Any]]:
    items = body.get("items")
    if not isinstance(items, list) or not items:
        raise _ApiError(400, "Items is required")
    for item in items:
        if not (isinstance(item, dict) and item.get("name") and _positive_int(item.get("weight"))
                and _positive_int(item.get("quantity", 1))):
            raise _ApiError(400, "Each item needs a name, a weight in grams and a quantity")
    return items


def _service(company: object, service: object) -> tuple[str, str, float, str, bool] | None:
    """The simulator's service for a courier and service code, or None when it has no such service."""
    if not isinstance(company, str) or not isinstance(service, str):
        return None
    _, services = COURIER_SERVICES.get(company.strip().lower(), (None, ()))
    return next((s for s in services if s[0] == service.strip().lower()), None)


def _positive_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _new_awb(company: str | None) -> str:
    prefix = re.sub(r"[^A-Z]", "", (company or "SIM").upper())[:3] or "SIM"
    return prefix + "".join(secrets.choice("0123456789") for _ in range(12))


def _webhook_payload(event: str, order: dict[str, Any]) -> dict[str, Any]:
    """Biteship's flat webhook body, as independent integrations read it."""
    courier = order["courier"]
    payload = {
        "event": event,
        "order_id": order["id"],
        "courier_tracking_id": courier["tracking_id"],
        "courier_waybill_id": courier["waybill_id"],
        "courier_company": courier["company"],
        "courier_type": courier["type"],
    }
    if event == "order.status":
        payload.update({
            "courier_driver_name": courier["driver_name"],
            "courier_driver_phone": courier["driver_phone"],
            "courier_driver_photo_url": courier["driver_photo_url"],
            "courier_driver_plate_number": courier["driver_plate_number"],
            "courier_link": courier["link"],
            "order_price": order["price"],
            "status": order["status"],
        })
    return payload


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for a request sleeping in slow mode

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], sim: CourierSimulator):
        super().__init__(address, handler)
        self.sim = sim


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    _ORDER = re.compile(r"^/v1/orders/([^/]+)$")
    _DRAFT = re.compile(r"^/v1/draft_orders/([^/]+)$")
    _CONFIRM = re.compile(r"^/v1/draft_orders/([^/]+)/confirm$")
    _CANCEL = re.compile(r"^/v1/orders/([^/]+)/cancel$")
    _SIM_ORDER = re.compile(r"^/sim/orders/([^/]+)/(advance|status)$")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def log_message(self, format: str, *args: object) -> None:
        log.debug("courier-sim %s", format % args)

    def _dispatch(self, method: str) -> None:
        sim = self.server.sim
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        delay_ms = 0
        try:
            if path.startswith("/v1/"):
                sim.check_auth(self.headers.get("Authorization"))
            body = self._read_json()
            if method == "GET" and path == "/sim":
                self._send(200, _page(sim.list_orders()).encode(), "text/html; charset=utf-8")
                return
            if method == "GET" and path == "/sim/orders":
                result: Any = sim.list_orders()
            elif method == "POST" and path == "/sim/config":
                result = sim.configure(body)
            elif method == "POST" and (m := self._SIM_ORDER.match(path)):
                result = sim.advance(m[1]) if m[2] == "advance" else sim.set_status(m[1], body.get("status"))
            elif method == "POST" and path == "/v1/draft_orders":
                result = {"success": True, **sim.create_draft(body)}
                delay_ms = sim.config["slow_ms"]
            elif method == "GET" and path == "/v1/draft_orders":
                reference = parse_qs(parts.query).get("reference_id", [None])[0]
                result = {"success": True, "drafts": sim.find_drafts(reference)}
            elif method == "GET" and (m := self._DRAFT.match(path)):
                result = {"success": True, **sim.get_draft(m[1])}
            elif method == "POST" and (m := self._CONFIRM.match(path)):
                result = {"success": True, "message": "Order successfully created", **sim.confirm_draft(m[1])}
                delay_ms = sim.config["slow_ms"]
            elif method == "GET" and (m := self._ORDER.match(path)):
                result = {"success": True, "message": "Order retrieved successfully", **sim.get_order(m[1])}
            elif method == "POST" and (m := self._CANCEL.match(path)):
                result = {"success": True, "message": "Order successfully cancelled", **sim.cancel_order(m[1], body)}
            elif method == "POST" and path == "/v1/rates/couriers":
                result = {"success": True, **sim.rates(body)}
            else:
                raise _ApiError(404, "Not found")
        except _ApiError as exc:
            self._send(exc.status, json.dumps(exc.body).encode(), "application/json")
            return
        except Exception:  # answer like a server would, instead of dropping the connection
            log.exception("courier simulator failed on %s %s", method, self.path)
            self._send(500, json.dumps({"success": False, "error": "Internal server error"}).encode(),
                       "application/json")
            return
        if delay_ms:
            time.sleep(delay_ms / 1000)  # the effect already happened; only the answer is late
        self._send(200, json.dumps(result).encode(), "application/json")

    def _read_json(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise _ApiError(400, "Invalid JSON body") from None
        if not isinstance(body, dict):
            raise _ApiError(400, "Invalid JSON body")
        return body

    def _send(self, status: int, data: bytes, content_type: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (slow mode); the booking stands, as it would at Biteship


def _page(state: dict[str, Any]) -> str:
    rows = []
    for order in state["orders"]:
        oid = html.escape(order["id"])
        buttons = "".join(
            f'<button onclick="post(\'/sim/orders/{oid}/status\', {{status: \'{s}\'}})">{s}</button>'
            for s in ("delivered", "cancelled", "on_hold", "returned")
        )
        rows.append(
            "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in (
                order["id"], order["reference_id"], f"{order['courier']['company']}/{order['courier']['type']}",
                order["courier"]["waybill_id"] or "(menunggu resi)", order["status"], order["price"],
                (order["destination"].get("cash_on_delivery") or {}).get("amount") or "-",
            )) + f'<td><button onclick="post(\'/sim/orders/{oid}/advance\', {{}})">maju &rarr;</button>{buttons}</td></tr>'
        )
    config = html.escape(json.dumps(state["config"]))
    return f"""<!doctype html><html lang="id"><meta charset="utf-8"><title>Simulator kurir (Biteship)</title>
<style>body{{font:14px system-ui;margin:1.5em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 8px}}</style>
<h1>Simulator kurir (Biteship)</h1>
<p>Pengaturan: <code>{config}</code> &middot; draft: {state['drafts']}</p>
<p><label>Saldo <input id="balance" type="number" value="{state['config']['balance']}"></label>
<button onclick="post('/sim/config', {{balance: Number(document.getElementById('balance').value)}})">simpan</button></p>
<table><tr><th>order id</th><th>referensi</th><th>kurir</th><th>resi</th><th>status</th><th>ongkir</th><th>COD</th><th></th></tr>
{''.join(rows) or '<tr><td colspan="8">belum ada pesanan</td></tr>'}</table>
<script>
async function post(url, body) {{
  const r = await fetch(url, {{method: 'POST', headers: {{'Content-Type': 'application/json'}}, body: JSON.stringify(body)}});
  if (!r.ok) alert((await r.json()).error);
  location.reload();
}}
</script></html>"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--api-key", default="biteship_test.sim")
    parser.add_argument("--webhook-url")
    parser.add_argument("--webhook-secret")
    parser.add_argument("--webhook-header", default=DEFAULT_WEBHOOK_HEADER)
    parser.add_argument("--balance", type=int, default=1_000_000)
    parser.add_argument("--awb-delay", type=float, default=0.0, help="seconds until an AWB is issued")
    parser.add_argument("--slow-ms", type=int, default=0, help="answer create requests this late")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    sim = CourierSimulator(args.host, args.port, api_key=args.api_key, webhook_url=args.webhook_url,
                           webhook_secret=args.webhook_secret, webhook_header=args.webhook_header,
                           balance=args.balance, awb_delay_s=args.awb_delay, slow_ms=args.slow_ms)
    sim.start()
    print(f"courier simulator on {sim.url} (page: {sim.url}/sim/), API key {args.api_key}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
