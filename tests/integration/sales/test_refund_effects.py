"""What a refund that is done leaves behind, through the API: the shopper's points taken back (a debt
shown as owed), one message with the refund receipt's link however often the outbox delivers, the
refund receipt printed once on the store's printer, the public refund receipt (masked), and every
reprint of a receipt marked "SALINAN ke-N" with who asked."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pypdfium2 as pdfium
import pytest

from chalicelib.core import outbox, storage
from chalicelib.core.outbox import OutboxItem
from chalicelib.notify.repo import SentMessageRecord
from chalicelib.notify.providers.dev import read_messages
from chalicelib.printing import repo as print_repo
from chalicelib.shoppers.repo import ShopperRecord
from chalicelib.shoppers.service import balance

from .test_store_sales import _sale

PHONE = "0812 3456 7890"


@pytest.fixture
def messages(tmp_path, monkeypatch):
    """Messages go to a file of this test (the dev channel), one JSON line per send."""
    path = tmp_path / "messages.jsonl"
    monkeypatch.setenv("SAMBUNG_MESSAGES_PROVIDER", "dev")
    monkeypatch.setenv("SAMBUNG_MESSAGES_FILE", str(path))
    return path


def _idem() -> dict:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _shopper(api, auth) -> dict:
    r = api.post("/shoppers", {"phone": PHONE, "name": "Wulan Sari", "consent": True}, auth=auth, headers=_idem())
    assert r.status in (200, 201), r
    return r.json


def _cash_sale(api, auth, items, shopper_id=None) -> dict:
    order = api.post("/sales", {"items": items, "payment_method": "CASH", "shopper_id": shopper_id}, auth=auth,
                     headers=_idem()).json
    r = api.post(f"/sales/{order['order_id']}/cash", {"amount_received": order["total"]}, auth=auth, headers=_idem())
    assert r.json["status"] == "COMPLETED", r
    return r.json


def _refund(api, auth, order_id, body) -> dict:
    r = api.post(f"/sales/{order_id}/refunds", body, auth=auth, headers=_idem())
    assert r.status == 201 and r.json["status"] == "DONE", r
    return r.json


def _pdf_text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    return " ".join(" ".join(doc[i].get_textpage().get_text_range().split()) for i in range(len(doc)))


def _pdf(api, token: str):
    return api.get(f"/receipts/{token}/pdf", headers={"Accept": "application/pdf"})


def _jobs(store_id: str, kind: str) -> list:
    return [j for j in print_repo.newest_jobs(store_id, 100) if j.kind == kind]


def _job_text(job) -> str:
    return _pdf_text(storage.get(job.pdf_key))


def test_a_cash_refund_takes_points_back_tells_the_shopper_once_and_prints_its_receipt_once(
        api, demo, messages, tmp_path):
    import app
    from infra.local.fake_printer import FakePrinter
    from infra.local.gateway import LocalGatewayServer
    from tests.bridge.test_agent import make_agent, tcp

    cashier, admin = api.login_as(demo, "cashier"), api.login_as(demo, "admin")
    shopper = _shopper(api, cashier)
    sale = _cash_sale(api, cashier, [{"sku": "KOPI-250", "qty": 3}], shopper["shopper_id"])  # Rp54.000: 5 points
    assert sale["points_earned"] == 5
    station = api.post("/devices/pair", {"code": demo["pairing_codes"]["print_station"], "name": "PC Kasir",
                                         "kind": "print_station"})
    assert station.status == 201, station
    outbox.process_due()  # the sale's stock, receipt print and messages

    front = LocalGatewayServer(app.app, port=0).start()
    try:
        with FakePrinter(out_dir=tmp_path / "prints") as printer:
            agent = make_agent(tmp_path, front.url + "/api", station.json["device_token"],
                               {"receipt": (tcp(printer), "escpos-80")})
            assert agent.run(once=True) == 0
            assert len(printer.wait_for_jobs(1)) == 1, "the sale's receipt"

            refund = _refund(api, admin, sale["order_id"], {
                "lines": [{"sku": "KOPI-250", "quantity": 2, "restock": False}], "reason": "barang_rusak",
                "note": "Kemasan bocor"})
            assert (refund["amount"], refund["points_taken"], refund["tender"]) == (36_000, 3, "CASH")
            assert balance(demo["merchant_id"], shopper["shopper_id"]) == 2

            for _ in range(2):
                outbox.process_due()
            # The worker and a redelivery of the same items (a lost acknowledgement, a second worker).
            for effect_id in (f"refund-print#{refund['refund_id']}", f"msg-refund#{refund['refund_id']}"):
                item = OutboxItem.get(effect_id)
                assert item.status == "DONE", (effect_id, item.last_error)
                outbox.handler_for(item.kind)(item)

            assert agent.run(once=True) == 0
            jobs = printer.wait_for_jobs(2)
            with pytest.raises(TimeoutError):
                printer.wait_for_jobs(3, timeout=0.5)
            assert jobs[1].drawer_kicks, "a cash refund opens the drawer: the money goes out of it"
    finally:
        front.stop()

    [job] = _jobs(demo["store_id"], "refund_receipt")
    assert job.status == "PRINTED" and job.title == f"Pengembalian {refund['refund_no']}"
    text = _job_text(job)
    for expected in ("PENGEMBALIAN atas struk " + sale["order_no"], f"No. Pengembalian {refund['refund_no']}",
                     "Kopi Susu Gula Aren 250 ml", "2 x Rp18.000 Rp36.000", "TOTAL DIKEMBALIKAN Rp36.000",
                     "Dikembalikan via Tunai", "Alasan Barang rusak/cacat", "Catatan: Kemasan bocor",
                     "Diproses oleh Rina Admin", "Member 0812-****-7890", "Poin ditarik kembali -3", "Sisa poin 2"):
        assert expected in text, expected
    assert "SALINAN" not in text and "Disetujui" not in text, "the first print; an admin needs no approver"

    sent = [m for m in read_messages(messages) if m["template"] == "sambung_pengembalian_dana"]
    assert len(sent) == 1, "one message however often the outbox delivers"
    assert SentMessageRecord.get(f"msg-refund#{refund['refund_id']}").provider == "dev"
    text = sent[0]["text"]
    assert f"pengembalian dana {refund['refund_no']} atas pesanan {sale['order_no']}" in text
    assert "Rp36.000" in text and "ditarik kembali: 3; total poin Anda sekarang 2." in text
    assert f"/receipt.html#{refund['receipt_token']}" in text and sent[0]["to"] == "+6281234567890"


def test_points_taken_back_beyond_the_balance_show_as_owed_everywhere(api, demo, messages):
    cashier, admin = api.login_as(demo, "cashier"), api.login_as(demo, "admin")
    shopper = _shopper(api, cashier)
    sale = _cash_sale(api, cashier, [{"sku": "BERAS-5", "qty": 2}], shopper["shopper_id"])  # Rp156.000: 15 points
    # The shopper used 12 of them (online) before bringing the rice back.
    ShopperRecord(merchant_id=demo["merchant_id"], shopper_id=shopper["shopper_id"]).update(
        actions=[ShopperRecord.points_balance.add(-12)])
    refund = _refund(api, admin, sale["order_id"], {"reason": "pelanggan_batal"})  # everything: 15 points back
    assert refund["points_taken"] == 15
    assert balance(demo["merchant_id"], shopper["shopper_id"]) == -12

    found = api.get(f"/shoppers/{shopper['shopper_id']}", auth=cashier).json
    assert (found["points_balance"], found["points_owed"]) == (-12, 12)
    history = api.get(f"/shoppers/{shopper['shopper_id']}/points", auth=cashier).json
    assert history["points_owed"] == 12
    assert [(e["kind"], e["points"], e["balance_after"], e["owed_after"]) for e in history["entries"]] == [
        ("refund", -15, -12, 12), ("earn", 15, 15, 0)]

    public = api.get(f"/receipts/{refund['receipt_token']}").json
    assert (public["points_taken"], public["points_balance"], public["points_owed"]) == (15, -12, 12)
    text = _pdf_text(_pdf(api, refund["receipt_token"]).body)
    assert "Poin ditarik kembali -15" in text and "Poin terutang 12" in text and "-12" not in text
    outbox.process_due()
    [sent] = [m for m in read_messages(messages) if m["template"] == "sambung_pengembalian_dana"]
    assert "total poin Anda sekarang -12 (terutang 12 poin)." in sent["text"]


def test_the_public_refund_receipt_is_masked_and_the_sale_lists_its_refunds(api, demo):
    cashier, admin = api.login_as(demo, "cashier"), api.login_as(demo, "admin")
    shopper = _shopper(api, cashier)
    sale = _cash_sale(api, cashier, [{"sku": "KOPI-250", "qty": 2}, {"sku": "TEH-350", "qty": 1}],
                      shopper["shopper_id"])
    refund = _refund(api, admin, sale["order_id"], {"lines": [{"sku": "TEH-350", "quantity": 1, "restock": True}],
                                                    "reason": "salah_input"})

    r = api.get(f"/receipts/{refund['receipt_token']}")
    assert r.status == 200
    body = r.body.decode()
    view = r.json
    assert (view["document"], view["kind"], view["title"]) == ("refund", "REFUND", "PENGEMBALIAN")
    assert (view["refund_number"], view["order_number"], view["amount"], view["tender"]) == (
        refund["refund_no"], sale["order_no"], refund["amount"], "CASH")
    assert [(line["name"], line["qty"], line["amount"]) for line in view["lines"]] == [
        ("Teh Melati Dingin 350 ml", 1, refund["amount"])]
    assert view["shopper_phone_masked"] == "0812-****-7890" and "shopper_phone" not in view
    assert "+6281234567890" not in body and "3456" not in body, "the link may be forwarded: the number stays masked"
    assert view["processed_by"] == "Rina Admin" and view["reason"] == "Salah input"
    assert view["sale_receipt_token"] == sale["receipt_token"] and "copy" not in view
    pdf = _pdf(api, refund["receipt_token"])
    assert pdf.status == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert f"PENGEMBALIAN atas struk {sale['order_no']}" in _pdf_text(pdf.body)

    sale_view = api.get(f"/receipts/{sale['receipt_token']}").json
    assert (sale_view["document"], sale_view["status"], sale_view["refunded"]) == ("sale", "COMPLETED", refund["amount"])
    assert [(x["refund_number"], x["amount"], x["receipt_token"]) for x in sale_view["refunds"]] == [
        (refund["refund_no"], refund["amount"], refund["receipt_token"])]
    assert sale_view["total"] == sale["total"], "the sale's own figures never change"
    text = _pdf_text(_pdf(api, sale["receipt_token"]).body)
    assert "Pengembalian atas struk ini" in text and refund["refund_no"] in text


def test_a_void_receipt_says_pembatalan_and_the_sale_says_it_was_voided(api, demo):
    cashier = api.login_as(demo, "cashier")
    sale = _cash_sale(api, cashier, [{"sku": "KOPI-250", "qty": 1}])
    r = api.post(f"/sales/{sale['order_id']}/void", {"reason": "salah_input", "approval": {"staff_id": "u_admin",
                                                                                          "pin": "135790"}},
                 auth=cashier, headers=_idem())
    assert r.status == 201, r
    view = api.get(f"/receipts/{r.json['receipt_token']}").json
    assert (view["document"], view["kind"], view["void"], view["approved_by"], view["processed_by"]) == (
        "refund", "VOID", True, "Rina Admin", "Sari Kasir")
    assert view["shopper_phone_masked"] is None and view["points_taken"] is None
    outbox.process_due()
    [job] = _jobs(demo["store_id"], "refund_receipt")
    text = _job_text(job)
    assert f"PEMBATALAN (VOID) atas struk {sale['order_no']}" in text and "Disetujui oleh Rina Admin" in text
    sale_view = api.get(f"/receipts/{sale['receipt_token']}").json
    assert sale_view["status"] == "VOIDED" and sale_view["voided"] is True
    assert "DIBATALKAN (VOID)" in _pdf_text(_pdf(api, sale["receipt_token"]).body)


def test_reprints_are_numbered_salinan_with_the_time_and_who_asked(api, demo):
    cashier, admin = api.login_as(demo, "cashier"), api.login_as(demo, "admin")
    sale = _cash_sale(api, cashier, [{"sku": "KOPI-250", "qty": 2}])
    outbox.process_due()
    [first] = _jobs(demo["store_id"], "receipt")
    assert "SALINAN" not in _job_text(first) and first.drawer_kick, "the first print is the original"

    one = api.post(f"/sales/{sale['order_id']}/reprint", auth=cashier)
    two = api.post(f"/sales/{sale['order_id']}/reprint", auth=admin)
    assert (one.status, one.json["copy"], one.json["print"]) == (200, 1, "DONE"), one
    assert (two.json["copy"], two.json["print"]) == (2, "DONE")
    copies = {j.title: j for j in _jobs(demo["store_id"], "receipt") if j.job_id != first.job_id}
    assert set(copies) == {f"Struk {sale['order_no']} (SALINAN ke-1)", f"Struk {sale['order_no']} (SALINAN ke-2)"}
    first_copy = _job_text(copies[f"Struk {sale['order_no']} (SALINAN ke-1)"])
    second_copy = _job_text(copies[f"Struk {sale['order_no']} (SALINAN ke-2)"])
    assert "SALINAN ke-1" in first_copy and "Oleh Sari Kasir" in first_copy and "Dicetak ulang" in first_copy
    assert "SALINAN ke-2" in second_copy and "Oleh Rina Admin" in second_copy
    assert f"No. Order {sale['order_no']}" in second_copy
    assert not any(j.drawer_kick for j in copies.values()), "a copy never opens the drawer"

    # Reprints asked at the same instant each get their own number.
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: api.post(f"/sales/{sale['order_id']}/reprint", auth=cashier), range(4)))
    assert sorted(a.json["copy"] for a in answers) == [3, 4, 5, 6], answers

    refund = _refund(api, admin, sale["order_id"], {"lines": [{"sku": "KOPI-250", "quantity": 1, "restock": False}],
                                                    "reason": "barang_rusak"})
    outbox.process_due()
    path = f"/sales/{sale['order_id']}/refunds/{refund['refund_id']}/reprint"
    r = api.post(path, auth=cashier)
    assert (r.status, r.json["copy"], r.json["refund_id"]) == (200, 1, refund["refund_id"]), r
    assert api.post(path, auth=cashier).json["copy"] == 2, "a refund receipt's copies are its own"
    refund_jobs = {j.title: j for j in _jobs(demo["store_id"], "refund_receipt")}
    text = _job_text(refund_jobs[f"Pengembalian {refund['refund_no']} (SALINAN ke-1)"])
    assert "SALINAN ke-1" in text and "Oleh Sari Kasir" in text and "PENGEMBALIAN atas struk" in text
    assert "SALINAN" not in _job_text(refund_jobs[f"Pengembalian {refund['refund_no']}"])
    assert api.post(f"/sales/{sale['order_id']}/reprint", auth=cashier).json["copy"] == 7, "the sale's count goes on"
    # The sale's reprint now lists the refund under it.
    assert refund["refund_no"] in _job_text(
        {j.title: j for j in _jobs(demo["store_id"], "receipt")}[f"Struk {sale['order_no']} (SALINAN ke-7)"])

    assert api.post(f"/sales/{sale['order_id']}/refunds/nope/reprint", auth=cashier).status == 404
    assert api.post("/sales/nope/reprint", auth=cashier).status == 404


def test_a_qris_refund_done_by_the_gateway_has_the_same_effects_once(api, demo, payments, messages):
    from chalicelib.sales import refunds
    from chalicelib.sales.repo import RefundRecord

    from .test_store_sales import _ref

    cashier, admin = api.login_as(demo, "cashier"), api.login_as(demo, "admin")
    shopper = _shopper(api, cashier)
    order = api.post("/sales", {"items": [{"sku": "BERAS-5", "qty": 1}], "shopper_id": shopper["shopper_id"],
                                "payment_method": "QRIS"}, auth=cashier, headers=_idem()).json  # Rp78.000
    payments.pay(_ref(order), issuer="gopay")
    payments.wait_idle()
    sale = api.get(f"/sales/{order['order_id']}", auth=cashier).json
    assert sale["status"] == "COMPLETED" and sale["points_earned"] == 7, sale
    payments.set_refund_mode("pending", ref=_ref(order))
    r = api.post(f"/sales/{order['order_id']}/refunds", {"reason": "pelanggan_batal"}, auth=admin, headers=_idem())
    assert r.json["status"] == "PENDING", r
    refund_id = r.json["refund_id"]
    assert balance(demo["merchant_id"], shopper["shopper_id"]) == 7, "nothing moves before the gateway confirms"
    payments.complete_refund(refund_id)
    payments.wait_idle()
    assert refunds.confirm_notification(order["order_id"], refund_id) == "noop", "a repeated notification"
    assert balance(demo["merchant_id"], shopper["shopper_id"]) == 0
    outbox.process_due()
    outbox.process_due()
    token = RefundRecord.get(order["order_id"], refund_id).receipt_token
    view = api.get(f"/receipts/{token}").json
    assert (view["tender"], view["tender_issuer"], view["points_taken"], view["points_balance"]) == ("QRIS", "gopay", 7, 0)
    assert view["tender_reference"], "the gateway's refund id"
    [job] = _jobs(demo["store_id"], "refund_receipt")
    assert "Dikembalikan via QRIS - gopay" in _job_text(job) and not job.drawer_kick, "no cash leaves the drawer"
    assert len([m for m in read_messages(messages) if m["template"] == "sambung_pengembalian_dana"]) == 1
