"""Stock history (Riwayat stok) names what each movement came from as people know it (the order or
drop order number, with the id a link needs) and who moved it by name, read in one batch."""
from __future__ import annotations

import uuid

from chalicelib.inventory import service as inventory


def _key():
    return {"Idempotency-Key": str(uuid.uuid4())}


def test_each_movement_shows_its_document_number_and_who_by_name_in_one_batch_read(api, shop, clock, monkeypatch):
    admin, cs, wh = api.login_as(shop, "admin"), api.login_as(shop, "cs"), api.login_as(shop, "warehouse")
    store = shop["store_id"]
    clock.advance(seconds=1)  # after the opening stock: the ledger lists by the second
    drop = api.post("/inventory/drop-orders", {"items": [{"sku": "KOPI-250", "qty": 4}]}, auth=cs, headers=_key()).json
    api.post(f"/inventory/drop-orders/{drop['drop_id']}/handover", {"items": [{"sku": "KOPI-250", "qty": 3}]}, auth=wh)
    clock.advance(seconds=1)
    inventory.take_sold_goods(store_id=store, order_id="o_sale1", actor="u_sari", lines=[("KOPI-250", 2)],
                              order_no="0812-RC4NY")
    clock.advance(seconds=1)
    inventory.return_goods(store_id=store, reference="r_ref1", actor="u_dewi", lines=[("KOPI-250", 1)],
                           location="SHOP", order_no="0812-RC4NY")
    clock.advance(seconds=1)
    api.post("/inventory/adjustments", {"location": "WAREHOUSE", "reason": "receive", "note": "PO-17",
                                        "items": [{"sku": "KOPI-250", "delta": 6}]}, auth=admin, headers=_key())
    clock.advance(seconds=1)
    inventory.take_sold_goods(store_id=store, order_id="o_late", actor="system", lines=[("KOPI-250", 1)])

    from chalicelib.staff import service as staff

    reads = []
    real = staff.find_many
    monkeypatch.setattr(staff, "find_many", lambda keys, **kw: reads.append(keys) or real(keys, **kw))
    r = api.get("/inventory/ledger?sku=kopi-250", auth=wh)
    assert r.status == 200, r
    assert len(reads) == 1, "every name on the page in one BatchGetItem"
    rows = [(e["location"], e["delta"], e["reason"], e["document"], e["actor"], e["actor_name"]) for e in r.json["entries"]]
    adjustment = rows[1][3]["id"]
    assert adjustment.startswith("adj#")
    assert rows[:4] == [
        ("SHOP", -1, "sale", {"kind": "sale", "number": None, "id": "o_late"}, "system", None),
        ("WAREHOUSE", 6, "receive", {"kind": "adjustment", "number": None, "id": adjustment}, "u_admin", "Rina Admin"),
        ("SHOP", 1, "refund", {"kind": "refund", "number": "0812-RC4NY", "id": "r_ref1"}, "u_dewi", "Dewi CS"),
        ("SHOP", -2, "sale", {"kind": "sale", "number": "0812-RC4NY", "id": "o_sale1"}, "u_sari", "Sari Kasir"),
    ]
    handed = {"kind": "drop_order", "number": drop["drop_no"], "id": drop["drop_id"]}
    assert sorted(rows[4:6]) == [("CS", 3, "drop_order", handed, "u_agus", "Agus Gudang"),
                                 ("WAREHOUSE", -3, "drop_order", handed, "u_agus", "Agus Gudang")]
    assert sorted(rows[6:]) == [("CS", 10, "seed", None, "seed", None), ("SHOP", 20, "seed", None, "seed", None),
                                ("WAREHOUSE", 50, "seed", None, "seed", None)]


def test_names_come_from_this_store_only(shop, second_store):
    from chalicelib.staff import service as staff

    assert staff.names(shop["store_id"], ["u_agus", "u_citra", "system", None, "u_agus"]) == {"u_agus": "Agus Gudang"}
    assert staff.names("s_other", ["u_agus", "u_citra"]) == {"u_citra": "Citra CS"}
    assert staff.names(shop["store_id"], []) == {}
