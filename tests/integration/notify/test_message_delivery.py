"""Delivering queued messages through the outbox: dev file, WhatsApp Cloud API and Zenziva over loopback,
retries with backoff, channel fallback, parking, and no second send for a redelivered effect."""
from __future__ import annotations

import json

from chalice import Chalice
from chalice.test import Client

from chalicelib.core import outbox
from chalicelib.core import uow as units
from chalicelib.core.outbox import OutboxItem
from chalicelib.notify import templates
from chalicelib.notify.repo import SentMessageRecord
from chalicelib.notify.routes import dev_blueprints, dev_bp
from chalicelib.notify.service import queue_message
from chalicelib.staff.repo import StoreRecord

PARAMS = {"name": "Budi", "store": "Toko Demo", "order_no": "2311-K7M2Q", "amount": "Rp150.000",
          "receipt_url": "http://127.0.0.1:8000/receipt.html#abc", "points": 15, "balance": 15}
GRAPH_OK = (200, {"messaging_product": "whatsapp", "contacts": [{"input": "6281234567890", "wa_id": "6281234567890"}],
                  "messages": [{"id": "wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABEYEjk"}]})


def _queue(store_id: str, effect_id: str = "msg-receipt#o1", params: dict = PARAMS) -> None:
    units.commit(lambda uow: queue_message(uow, effect_id=effect_id, store_id=store_id, to_e164="+6281234567890",
                                           template=templates.RECEIPT_LINK, params=params))


def _configure(store_id: str, messaging: dict) -> None:
    rec = StoreRecord.get(store_id)
    rec.update(actions=[StoreRecord.settings.set(dict(rec.settings, messaging=messaging))])


def _redeliver(effect_id: str) -> None:
    """As if the worker crashed after sending but before marking the item done."""
    OutboxItem(effect_id=effect_id).update(actions=[OutboxItem.status.set("PENDING"), OutboxItem.pending_shard.set("P"),
                                                    OutboxItem.due_at.set(0)])


def test_dev_provider_writes_a_file_the_dev_page_reads(store, monkeypatch, tmp_path):
    monkeypatch.setenv("SAMBUNG_MESSAGES_PROVIDER", "dev")
    monkeypatch.setenv("SAMBUNG_MESSAGES_FILE", str(tmp_path / "messages.jsonl"))
    _queue(store, "msg-receipt#o1")
    _queue(store, "msg-receipt#o2", dict(PARAMS, order_no="2311-ZZZZZ"))
    assert outbox.process_due() == {"DONE": 2, "PENDING": 0, "FAILED": 0}
    lines = [json.loads(x) for x in (tmp_path / "messages.jsonl").read_text().splitlines()]
    assert [m["to_display"] for m in lines] == ["0812-3456-7890"] * 2
    assert "Struk digital Anda: http://127.0.0.1:8000/receipt.html#abc" in lines[0]["text"]
    assert OutboxItem.get("msg-receipt#o1").result["provider_message_id"] == lines[0]["id"]

    _redeliver("msg-receipt#o1")
    assert outbox.process_due()["DONE"] == 1
    assert len((tmp_path / "messages.jsonl").read_text().splitlines()) == 2, "a redelivered effect is not sent again"

    app = Chalice("dev-messages-test")
    app.register_blueprint(dev_bp)
    with Client(app) as client:
        listed = json.loads(client.http.get("/dev/messages?limit=10").body)["messages"]
    assert [m["params"][2] for m in listed] == ["2311-ZZZZZ", "2311-K7M2Q"], "newest first"


def test_dev_listing_exists_only_in_development_with_the_dev_provider(monkeypatch):
    monkeypatch.setenv("SAMBUNG_MESSAGES_PROVIDER", "dev")
    assert dev_blueprints() == (dev_bp,)
    monkeypatch.setenv("SAMBUNG_STAGE", "prod")
    assert dev_blueprints() == ()
    monkeypatch.setenv("SAMBUNG_STAGE", "local")
    monkeypatch.setenv("SAMBUNG_MESSAGES_PROVIDER", "whatsapp")
    assert dev_blueprints() == ()


def test_whatsapp_failures_are_retried_with_backoff_then_delivered_once(store, stub, clock, monkeypatch):
    monkeypatch.setenv("SAMBUNG_WHATSAPP_API_URL", stub.url + "/v23.0")
    monkeypatch.setenv("SAMBUNG_WHATSAPP_TOKEN", "EAAG-test-token")
    _configure(store, {"provider": "whatsapp", "whatsapp": {"phone_number_id": "109876543210"}})
    stub.script("/v23.0/", (500, {"error": {"message": "(#131000) Something went wrong", "type": "OAuthException",
                                            "code": 131000, "fbtrace_id": "A1"}}),
                (429, {"error": {"message": "(#130429) Rate limit hit", "code": 130429, "fbtrace_id": "A2"}}), GRAPH_OK)
    _queue(store)

    assert outbox.process_due()["PENDING"] == 1
    item = OutboxItem.get("msg-receipt#o1")
    assert item.status == "PENDING" and "kode 131000" in item.last_error
    assert outbox.process_due() == {"DONE": 0, "PENDING": 0, "FAILED": 0}, "nothing is retried before its backoff"
    clock.advance(seconds=15)
    outbox.process_due()
    assert "membatasi" in OutboxItem.get("msg-receipt#o1").last_error
    clock.advance(seconds=30)
    assert outbox.process_due()["DONE"] == 1
    assert OutboxItem.get("msg-receipt#o1").result["provider_message_id"] == "wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABEYEjk"
    assert SentMessageRecord.get("msg-receipt#o1").provider == "whatsapp"

    sent = stub.sent_to("/v23.0/")
    assert len(sent) == 3
    last = sent[-1]
    assert last["path"] == "/v23.0/109876543210/messages"
    assert last["headers"]["Authorization"] == "Bearer EAAG-test-token"
    assert last["body"]["to"] == "6281234567890" and last["body"]["type"] == "template"
    assert last["body"]["template"]["name"] == "sambung_struk_digital"
    assert last["body"]["template"]["language"] == {"code": "id"}
    assert [p["text"] for p in last["body"]["template"]["components"][0]["parameters"]] == \
        ["Budi", "Toko Demo", "2311-K7M2Q", "Rp150.000", "http://127.0.0.1:8000/receipt.html#abc", "15", "15"]

    _redeliver("msg-receipt#o1")
    outbox.process_due()
    assert len(stub.sent_to("/v23.0/")) == 3, "the recorded send is not repeated"


def test_a_number_not_on_whatsapp_gets_an_sms(store, stub, monkeypatch):
    monkeypatch.setenv("SAMBUNG_WHATSAPP_API_URL", stub.url + "/v23.0")
    monkeypatch.setenv("SAMBUNG_WHATSAPP_TOKEN", "EAAG-test-token")
    monkeypatch.setenv("SAMBUNG_ZENZIVA_API_URL", stub.url + "/reguler/api/sendsms/")
    monkeypatch.setenv("SAMBUNG_ZENZIVA_PASSKEY", "pass-123")
    _configure(store, {"provider": "whatsapp", "fallback": "sms", "whatsapp": {"phone_number_id": "109876543210"},
                       "sms": {"userkey": "user-abc"}})
    stub.script("/v23.0/", (400, {"error": {"message": "(#131026) Message undeliverable", "code": 131026,
                                            "error_data": {"details": "Message undeliverable"}, "fbtrace_id": "A3"}}))
    stub.script("/reguler/", (200, {"messageId": "8812", "to": "081234567890", "status": "1", "text": "Success"}))
    _queue(store)
    assert outbox.process_due()["DONE"] == 1
    assert OutboxItem.get("msg-receipt#o1").result["provider"] == "sms"
    form = stub.sent_to("/reguler/")[0]["body"]
    assert form == {"userkey": "user-abc", "passkey": "pass-123", "to": "081234567890",
                    "message": templates.render(templates.RECEIPT_LINK, PARAMS, sms=True)}


def test_refusals_and_missing_configuration_are_kept_retried_and_finally_parked(store, stub, clock, monkeypatch):
    _queue(store, "msg-receipt#unconfigured")
    assert outbox.process_due()["PENDING"] == 1
    assert "belum dikonfigurasi" in OutboxItem.get("msg-receipt#unconfigured").last_error

    monkeypatch.setenv("SAMBUNG_ZENZIVA_API_URL", stub.url + "/reguler/api/sendsms/")
    monkeypatch.setenv("SAMBUNG_ZENZIVA_USERKEY", "user-abc")
    monkeypatch.setenv("SAMBUNG_ZENZIVA_PASSKEY", "pass-123")
    _configure(store, {"provider": "sms"})
    stub.script("/reguler/", (200, {"messageId": "", "to": "081234567890", "status": "0", "text": "Saldo tidak mencukupi"}))
    for _ in range(outbox.MAX_ATTEMPTS):
        clock.advance(hours=1)
        outbox.process_due()
    item = OutboxItem.get("msg-receipt#unconfigured")
    assert item.status == "FAILED" and item.last_error == "Zenziva SMS menolak pesan: Saldo tidak mencukupi"
    assert outbox.retry_failed("msg-receipt#unconfigured", store), "staff can put it back in the queue"
    stub.script("/reguler/", (200, {"messageId": "9001", "to": "081234567890", "status": "1", "text": "Success"}))
    assert outbox.process_due()["DONE"] == 1
