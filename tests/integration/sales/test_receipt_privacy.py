"""The public receipt behind its link: the shopper's number masked only, and the points balance as
it was right after that sale, not today's."""
from __future__ import annotations

import uuid

from chalicelib.core.outbox import OutboxItem

from .test_store_sales import _ref


def _sale_for(api, cashier, shopper_id, sku):
    return api.post("/sales", {"items": [{"sku": sku, "qty": 1}], "shopper_id": shopper_id, "payment_method": "QRIS"},
                    auth=cashier, headers={"Idempotency-Key": str(uuid.uuid4())}).json


def test_the_receipt_shows_a_masked_phone_and_the_balance_after_that_sale(api, demo, payments):
    cashier = api.login_as(demo, "cashier")
    shopper = api.post("/shoppers", {"phone": "0812 3456 7890", "name": "Wulan", "consent": True}, auth=cashier,
                       headers={"Idempotency-Key": str(uuid.uuid4())}).json
    first = _sale_for(api, cashier, shopper["shopper_id"], "BERAS-5")  # Rp78.000: 7 points
    payments.pay(_ref(first))
    payments.wait_idle()
    first = api.post(f"/sales/{first['order_id']}/status", auth=cashier).json
    second = _sale_for(api, cashier, shopper["shopper_id"], "BERAS-5")
    payments.pay(_ref(second))
    payments.wait_idle()
    second = api.post(f"/sales/{second['order_id']}/status", auth=cashier).json
    assert first["status"] == second["status"] == "COMPLETED" and first["points_earned"] == 7

    receipt = api.get(f"/receipts/{first['receipt_token']}")
    assert receipt.status == 200
    assert receipt.json["shopper_phone_masked"] == "0812-****-7890"
    assert "+6281234567890" not in receipt.body.decode() and "3456" not in receipt.body.decode()
    assert receipt.json["points_earned"] == 7 and receipt.json["points_balance"] == 7  # not today's 14
    assert api.get(f"/receipts/{second['receipt_token']}").json["points_balance"] == 14
    # The message sent with the second sale states the balance after it, too.
    message = OutboxItem.get(f"msg-receipt#{second['order_id']}")
    assert int(message.payload["params"]["balance"]) == 14
