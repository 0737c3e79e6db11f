"""Real sales for the reports and shifts: QRIS paid through the gateway simulator (which calls our
callback route over HTTP) and cash at the counter, on a clock the tests move across midnight."""
from __future__ import annotations

import uuid

import pytest

from tests.integration.sales.conftest import payments  # noqa: F401 - the gateway simulator fixture

PRODUCTS = 4  # the demo's first four: KOPI-250 18.000, TEH-350 8.000, AIR-600 4.000, ROTI-COK 15.500


@pytest.fixture
def demo(seeded):
    """The demo merchant with fewer products, restored from the session's snapshot for every test."""
    from tests import seeds

    return seeded(*seeds.demo(PRODUCTS))


@pytest.fixture
def printer(aws):
    """``printer()``: the jobs the real printing service queued, with their PDFs read back from S3."""
    from chalicelib.core import storage
    from chalicelib.printing.repo import PrintJobRecord

    def jobs() -> list[dict]:
        return [{"role": j.role, "kind": j.kind, "reference": j.reference, "title": j.title, "pdf": storage.get(j.pdf_key)}
                for j in PrintJobRecord.scan()]

    return jobs


class Till:
    """A cashier's tablet: sign in, ring up sales, pay them by QRIS or cash."""

    def __init__(self, api, sim, demo, staff_id: str, device_token: str | None = None):
        self.api, self.sim = api, sim
        person = next(s for s in demo["staff"] if s["staff_id"] == staff_id)
        self.staff_id = staff_id
        self.auth = api.login(device_token or demo["backoffice_device_token"], staff_id, person["pin"])

    def post(self, path, body=None, **kw):
        return self.api.post(path, body, auth=self.auth, headers={"Idempotency-Key": str(uuid.uuid4())}, **kw)

    def sale(self, items, method="QRIS", shopper_id=None) -> dict:
        body = {"items": items, "payment_method": method}
        if shopper_id:
            body["shopper_id"] = shopper_id
        r = self.post("/sales", body)
        assert r.status == 201, r
        return r.json

    def qris(self, items, issuer="gopay", shopper_id=None) -> dict:
        order = self.sale(items, "QRIS", shopper_id)
        self.sim.pay(f"{order['order_id']}-{order['attempt']}", issuer=issuer)
        self.sim.wait_idle()
        done = self.api.post(f"/sales/{order['order_id']}/status", auth=self.auth).json
        assert done["status"] == "COMPLETED", done
        return done

    def cash(self, items, received=None, shopper_id=None) -> dict:
        order = self.sale(items, "CASH", shopper_id)
        r = self.post(f"/sales/{order['order_id']}/cash", {"amount_received": received or order["total"]})
        assert r.status == 200 and r.json["status"] == "COMPLETED", r
        return r.json


@pytest.fixture
def till_for(api, payments, demo, clock):  # noqa: F811 - pytest injects the imported fixture
    """``till_for("u_sari")``: a cashier signed in now (sign in after moving the clock: sessions last 12 h)."""
    return lambda staff_id, device_token=None: Till(api, payments, demo, staff_id, device_token)


@pytest.fixture
def admin(api, demo):
    return api.login_as(demo, "admin")
