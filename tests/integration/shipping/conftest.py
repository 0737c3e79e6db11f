"""Shipping fixtures: the demo shop (trimmed to four products) on the test clock, a real HTTP front
of the app, and the courier simulator booking through our Biteship adapter and calling our webhook
back over HTTP, as in the local stack."""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from tests.helpers import wait_until  # noqa: F401 - the suites import it from here

KEY = "biteship_test.shipping-tests"
SECRET = "webhook-secret-shipping-tests-0123"
ORIGIN = {"contact_name": "Toko Demo", "contact_phone": "+6281311112222",
          "address": "Jl. Kemang Raya No. 8, Jakarta Selatan", "postal_code": "12730"}
_keys = itertools.count(1)


def idem() -> dict:
    return {"Idempotency-Key": f"ship-{next(_keys)}"}


@pytest.fixture
def shop(seeded, clock):
    """The demo shop with four products (KOPI-250, TEH-350, AIR-600, ROTI-COK), restored from the
    session's snapshot for every test."""
    from tests import seeds

    return seeded(*seeds.demo(4))


def set_shipping(store_id: str, shipping: dict) -> None:
    from chalicelib.staff.repo import StoreRecord

    store = StoreRecord.get(store_id)
    store.update(actions=[StoreRecord.settings.set(dict(store.settings, shipping=shipping))])


@dataclass
class Courier:
    sim: object
    front_url: str

    def orders(self) -> list[dict]:
        return self.sim.list_orders()["orders"]

    def drafts(self) -> int:
        return self.sim.list_orders()["drafts"]


@pytest.fixture
def courier(shop):
    """The demo store integrated with Biteship (test mode), pointing at the simulator."""
    import app
    from infra.local.courier_sim import CourierSimulator
    from infra.local.gateway import LocalGatewayServer

    front = LocalGatewayServer(app.app, port=0).start()
    sim = CourierSimulator(api_key=KEY, webhook_url=f"{front.url}/api/callbacks/biteship", webhook_secret=SECRET,
                           webhook_retry_delays=(0.2, 0.5)).start()
    set_shipping(shop["store_id"], {"provider": "biteship", "test_mode": True, "base_url": sim.url, "api_key": KEY,
                                    "webhook_secret": SECRET, "origin": ORIGIN, "courier_company": "jne",
                                    "courier_type": "reg"})
    yield Courier(sim, front.url)
    sim.stop()
    front.stop()


def caller(shop: dict, role: str):
    from chalicelib.core.web import Caller

    person = next(s for s in shop["staff"] if s["role"] == role)
    return Caller(merchant_id=shop["merchant_id"], store_id=shop["store_id"], role=role, device_id="d_test",
                  staff_id=person["staff_id"], staff_name=person["name"])


def paid_book_order(shop: dict, items=None, **overrides) -> str:
    """A book order booked at the CS desk, paid by bank transfer and so completed into a sale.

    Returns the sale (order) id, which is also the shipment id.
    """
    from chalicelib.book_orders import service as book_orders
    from chalicelib.sales import model
    from chalicelib.sales.completion import Payment, apply_payment

    body = {"items": items or [{"sku": "KOPI-250", "qty": 2}], "customer_name": "Wulan Sari",
            "phone": "+6281234567890", "address": "Jl. Melati No. 5, Bandung 40115", "shipping_fee": 12_000,
            "channel": "whatsapp", "courier": "JNE REG"}
    body.update(overrides)
    order = book_orders.create(caller(shop, "cs"), **body)
    outcome = apply_payment(Payment(order["order_id"], attempt=None, method=model.BANK_TRANSFER,
                                    amount=order["amount_to_transfer"], source="statement"))
    assert outcome == "paid", outcome
    return order["order_id"]


def completed_sale(shop: dict, *, courier: str | None = "JNE REG", address: str = "Jl. Mawar No. 9, Bandung 40115",
                   items: list | None = None) -> str:
    """A paid book order written directly and completed: the same completion as a real one, without
    the booking's hold, kode unik and slip (whose cost the suites need not pay in every test)."""
    from chalicelib.core.clock import get_clock, local_day
    from chalicelib.core.ids import new_id, short_code
    from chalicelib.sales import model
    from chalicelib.sales.completion import complete
    from chalicelib.sales.repo import OrderRecord

    now = get_clock().now_s()
    lines = items or [{"sku": "TEH-350", "name": "Teh Melati Dingin 350 ml", "qty": 1, "unit_price": 8_000,
                       "line_total": 8_000, "barcode": None}]
    subtotal = sum(line["line_total"] for line in lines)
    order_id = new_id()
    OrderRecord(order_id=order_id, order_no=f"2311-{short_code(5)}", kind=model.BOOK_ORDER, status=model.PAID,
                merchant_id=shop["merchant_id"], store_id=shop["store_id"],
                store_day=f"{shop['store_id']}#{local_day(now)}", created_at=now, created_by="u_dewi", items=lines,
                subtotal=subtotal, shipping_fee=10_000, total=subtotal + 10_000, paid_amount=subtotal + 10_000,
                paid_at=now, payment_method=model.BANK_TRANSFER,
                customer={"name": "Budi Santoso", "phone": "+6281298765432", "address": address, "channel": "whatsapp"},
                booking={"courier": courier}).save()
    assert complete(order_id, actor="u_dewi")
    return order_id


def ship(order_id: str) -> str | None:
    """Run the shipment effect now (in AWS the outbox stream does, locally the event pump)."""
    from chalicelib.core import outbox
    from chalicelib.shipping.model import request_effect_id

    return outbox.process_one(request_effect_id(order_id))


def awb_messages(shipment_id: str | None = None) -> list:
    from chalicelib.core.outbox import OutboxItem

    prefix = "msg-awb#" + (f"{shipment_id}#" if shipment_id else "")
    return [i for i in OutboxItem.scan() if i.kind == "message" and i.effect_id.startswith(prefix)]


def label_jobs(store_id: str) -> list:
    """Every label print job of the store (in no particular order: jobs made at one test-clock instant tie)."""
    from chalicelib.printing.repo import PrintJobRecord

    return [j for j in PrintJobRecord.by_store.query(store_id) if j.kind == "label"]


def job_pdf(job_id: str) -> bytes:
    """The PDF of one print job, from S3, as the print bridge fetches it."""
    from chalicelib.core import storage
    from chalicelib.printing.repo import PrintJobRecord

    return storage.get(PrintJobRecord.get(job_id).pdf_key)


def read_label_pages(pdf: bytes) -> list[dict]:
    """Each page at 203 dpi (a thermal head): its text and the Code128 barcodes zxing-cpp decodes."""
    import pypdfium2 as pdfium
    import zxingcpp

    doc = pdfium.PdfDocument(pdf)
    pages = []
    for page in doc:
        text = page.get_textpage().get_text_range()
        image = page.render(scale=203 / 72).to_pil().convert("L")
        codes = [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.Code128]
        width_mm = page.get_width() / 72 * 25.4
        pages.append({"text": text, "code128": codes, "width_mm": round(width_mm)})
    return pages
