"""Bank reconciliation over real HTTP on the running local stack: a book order is created, its
exact amount arrives in a KlikBCA statement uploaded to S3 with a presigned POST, the event pump
delivers the S3 notification to the import Lambda, and CS confirms the match and makes the sale."""
import uuid
from datetime import datetime, timedelta, timezone

from tests.e2e.webclient import Http
from tests.integration.reconciliation.conftest import STATEMENTS, post_form
from tests.helpers import wait_until

WIB = timezone(timedelta(hours=7))


def _wait(fn, timeout=30.0):
    return wait_until(fn, timeout=timeout, step=0.3)


def statement_with(account: str, amount: int, payer: str) -> bytes:
    """Today's KlikBCA export (from the sample file's preamble and header) with one credit of ``amount``."""
    template = (STATEMENTS / "bca_individual_id.csv").read_text().splitlines()
    head = [line.replace("0123456789", account) for line in template[:5]]  # account, name, currency, blank, header
    today = datetime.now(WIB)
    opening, closing = 2_500_000, 2_500_000 + amount
    row = (f"'{today:%d/%m/%Y},TRSF E-BANKING CR {today:%d%m}/FTSCY/WS95031       {amount}.00"
           f"                    {payer},'0000,{amount}.00,CR,{closing}.00")
    footer = [f"Saldo Awal,=,{opening}.00", f"Kredit,=,{amount}.00", "Debet,=,0.00", f"Saldo Akhir,=,{closing}.00"]
    return ("\r\n".join(head + [row] + footer) + "\r\n").encode()


def test_a_transfer_on_an_uploaded_statement_pays_the_book_order(stack):
    http = Http(stack.url)
    cs = http.login_as(stack.state, "cs")
    product = stack.state["products"][0]
    status, order, _ = http.post("/api/book-orders", {
        "items": [{"sku": product["sku"], "qty": 1}], "customer_name": "Rina Wati", "phone": "0812-5555-0101",
        "address": "Jl. Kenanga No. 3, Bandung 40115", "shipping_fee": 12_000, "channel": "whatsapp"},
        auth=cs, headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201 and order["status"] == "BOOKED", order
    account = order["bank_account"]["account_no"]

    status, upload, _ = http.post("/api/reconciliation/uploads", {"filename": "mutasi-hari-ini.csv"}, auth=cs,
                                  headers={"Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, upload
    content = statement_with(account, order["total"], "RINA WATI")
    assert post_form(upload["upload"]["url"], upload["upload"]["fields"], "mutasi-hari-ini.csv", content) == 204

    def imported():
        _, body, _ = http.get("/api/reconciliation/statements", auth=cs)
        mine = [s for s in body["statements"] if s["object_key"] == upload["key"]]
        return mine[0] if mine and mine[0]["status"] != "PROCESSING" else None

    statement = _wait(imported)
    assert statement["status"] == "IMPORTED", statement
    assert statement["counts"]["rows"] == 1 and statement["counts"]["auto_matched"] == 1

    _, proposed, _ = http.get("/api/reconciliation/review?queue=proposed", auth=cs)
    (line,) = [l for l in proposed["lines"] if l["statement_id"] == statement["statement_id"]]
    assert line["allocations"][0]["order_id"] == order["order_id"] and line["amount"] == order["total"]
    status, confirmed, _ = http.post(f"/api/reconciliation/lines/{line['line_id']}/confirm", auth=cs)
    assert status == 200 and confirmed["status"] == "MATCHED"
    _, paid, _ = http.get(f"/api/book-orders/{order['order_id']}", auth=cs)
    assert paid["status"] == "PAID"

    status, sale, _ = http.post(f"/api/reconciliation/orders/{order['order_id']}/sale", auth=cs)
    assert status == 200 and sale["status"] == "COMPLETED"
