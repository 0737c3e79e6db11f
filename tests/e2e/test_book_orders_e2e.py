"""A book order over real HTTP against the running local stack, released by the TTL path.

The stack's TTL emulator is asked to run one pass as if its clock were past the hold's TTL
(``POST /local/ttl?ahead=``): it deletes the hold and feeds the stream handler an AWS-shaped REMOVE
record, exactly as its two-second feed does once the time really comes.
"""
import uuid

from tests.e2e.webclient import Http

TTL_AFTER_BOOKING = 120 * 60 + 15 * 60 + 3600 + 5  # default deadline + grace + TTL margin, and a little


def _cs_desk(http, auth, sku):
    status, body, _ = http.get(f"/api/inventory/stock?q={sku}", auth=auth)
    assert status == 200, body
    return body["products"][0]["cs_desk"]


def test_book_order_over_http_then_released_by_the_ttl_stream(stack):
    http, state = Http(stack.url), stack.state
    cs = http.login_as(state, "cs")
    product = state["products"][5]
    before = _cs_desk(http, cs, product["sku"])
    status, order, _ = http.post("/api/book-orders", {
        "items": [{"barcode": product["barcode"], "qty": 2}], "customer_name": "Rizky Pratama", "phone": "0813-1111-2222",
        "address": "Jl. Kenanga 12, Depok 16411", "shipping_fee": 9_000, "channel": "tiktok"}, auth=cs,
        headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, order
    assert order["status"] == "BOOKED" and order["total"] == 2 * product["price"] + 9_000 + order["unique_code"]
    assert 1 <= order["unique_code"] <= 999 and order["customer"]["phone"] == "+6281311112222"
    assert _cs_desk(http, cs, product["sku"])["reserved"] == before["reserved"] + 2
    status, listed, _ = http.get("/api/book-orders", auth=cs)
    assert order["order_id"] in [o["order_id"] for o in listed["book_orders"]]

    status, report, _ = http.post(f"/local/ttl?ahead={TTL_AFTER_BOOKING}")
    assert status == 200 and report["deleted"] >= 1 and report["failed"] == 0, report

    status, after, _ = http.get(f"/api/book-orders/{order['order_id']}", auth=cs)
    assert status == 200 and after["status"] == "EXPIRED" and after["hold"] is None, after
    assert _cs_desk(http, cs, product["sku"]) == before
    status, listed, _ = http.get("/api/book-orders", auth=cs)
    assert order["order_id"] not in [o["order_id"] for o in listed["book_orders"]]
