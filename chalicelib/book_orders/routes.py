"""Book orders (CS) and paying one at the kiosk (cashier)."""
from __future__ import annotations

from chalice import Response

from ..core.clock import get_clock
from ..core.errors import ValidationError
from ..core.lazy import lazy
from ..core.money import require_rupiah
from ..core.phone import normalize_phone
from ..core.web import CASHIER, CS, Api, F, once, parse_body, query_param
from ..staff.model import validate_name
from . import model

service = lazy(".service", __package__)

bp = Api(__name__)


def _short(limit: int, label: str):
    def check(value: str) -> str | None:
        value = " ".join(value.split())
        if len(value) > limit:
            raise ValidationError(f"{label} maksimal {limit} karakter.", code="too_long")
        return value or None
    return check


_CREATE = {
    "items": F(list),
    "customer_name": F(str, check=lambda v: validate_name(v, "Nama pelanggan", 80)),
    "phone": F(str, check=normalize_phone),
    # delivery: "courier" (address with its postal code) or "pickup" (ambil di toko: no address);
    # left out by older clients, then read from the fee and courier as before
    "delivery": F(str, required=False, nullable=True),
    "address": F(str, required=False, nullable=True),
    "postal_code": F(str, required=False, nullable=True, check=lambda v: model.require_postal_code(v) if v.strip() else None),
    "shipping_fee": F(int, check=lambda v: require_rupiah(v, "Ongkir", maximum=model.MAX_SHIPPING_FEE)),
    "channel": F(str, check=lambda v: model.validate_channel(v)),
    "courier": F(str, required=False, nullable=True, check=_short(40, "Kurir")),
    # the courier and service picked from "Cek ongkir" (Biteship codes)
    "courier_company": F(str, required=False, nullable=True, check=_short(40, "Kurir")),
    "courier_type": F(str, required=False, nullable=True, check=_short(40, "Layanan kurir")),
    "cod": F(bool, required=False),
    "note": F(str, required=False, nullable=True, check=_short(200, "Catatan")),
    "account_no": F(str, required=False, nullable=True),
}


@bp.endpoint("/book-orders", ["POST"], roles=[CS])
def create(caller):
    req = bp.current_request
    body = parse_body(req, _CREATE)
    return once(req, caller, "book-order", body, lambda: service.create(caller, **body))


@bp.endpoint("/book-orders", ["GET"], roles=[CS, CASHIER])
def list_book_orders(caller):
    """``?status=open`` (default): still holding goods; ``?day=YYYY-MM-DD``: every book order of a day;
    ``?q=``: search every state (expired and cancelled too) by order number, phone or name."""
    req = bp.current_request
    day = query_param(req, "day")
    if day:
        return {"day": day, "book_orders": service.list_day(caller, day)}
    q = query_param(req, "q")
    if q is not None:
        return {"q": q, "book_orders": service.search(caller, q)}
    # ``now`` lets the page count down on the server's clock, whatever the tablet's clock says.
    return {"book_orders": service.list_open(caller), "now": get_clock().now_s()}


@bp.endpoint("/book-orders/customer", ["GET"], roles=[CS])
def customer(caller):
    """``?phone=`` as typed: the shopper with that phone and the name and address last used here."""
    return service.customer(caller, query_param(bp.current_request, "phone"))


@bp.endpoint("/book-orders/{order_id}", ["GET"], roles=[CS, CASHIER])
def get(caller, order_id):
    return service.get(caller, order_id)


@bp.endpoint("/book-orders/{order_id}/cancel", ["POST"], roles=[CS])
def cancel(caller, order_id):
    return service.cancel_booking(caller, order_id)


@bp.endpoint("/book-orders/{order_id}/slip.pdf", ["GET"], roles=[CS])
def slip(caller, order_id):
    order_no, pdf = service.own_slip_pdf(caller, order_id)
    return Response(body=pdf, status_code=200, headers={"Content-Type": "application/pdf",
                                                        "Content-Disposition": f'inline; filename="slip-{order_no}.pdf"'})


@bp.endpoint("/sales/{order_id}/book-order/pay-qris", ["POST"], roles=[CASHIER, CS])
def pay_qris(caller, order_id):
    return service.pay_at_store_qris(caller, order_id)
