"""Address labels: "Cetak semua label yang belum dicetak" in batches, and one label again on request."""
from __future__ import annotations

from collections.abc import Iterable

from ..core import uow as units
from ..core.clock import get_clock
from ..core.errors import Conflict
from ..core.ids import new_id
from ..core.web import Caller
from . import repo
from .repo import ShipmentRecord, own_shipment
from .views import get

LABEL_BATCH_MAX = 100  # one click renders at most this many labels, well inside the API's time limit


def print_unprinted(caller: Caller, size: str | None) -> dict:
    """"Cetak semua label yang belum dicetak": one PDF, one print job, each label printed once.

    Each queued label is claimed with a conditional write (its print batch must still be empty),
    so of two clicks at the same time each label goes to exactly one of them; only claimed labels
    are rendered, from the state the claim returned. If rendering or submitting fails, the claims
    are undone and the labels stay queued.
    """
    from ..staff.service import get_store

    size = size or label_size(caller.store_id)
    batch_id = new_id()
    now = get_clock().now_s()
    claimed: list[tuple[ShipmentRecord, str | None]] = []
    for rec in repo.labels_to_print(caller.store_id, LABEL_BATCH_MAX):
        reason = rec.reprint_reason
        took, _ = units.attempt(lambda uow: repo.claim_label(uow, rec, batch_id, now))
        if took:
            claimed.append((rec, reason))
    if not claimed:
        raise Conflict("Tidak ada label yang belum dicetak.", code="no_unprinted_labels")
    recs = sorted((rec for rec, _ in claimed), key=lambda r: (r.created_at, r.shipment_id))
    try:
        job = _print_labels(get_store(caller.store_id), recs, size, reference=f"labels#{batch_id}",
                            title=f"{len(recs)} label pengiriman")
    except Exception:
        _release_labels(claimed, batch_id)
        raise
    return {"batch_id": batch_id, "size": size, "printed": len(recs), "job_id": job.get("job_id"),
            "remaining": repo.count_labels_to_print(caller.store_id),
            "labels": [{"shipment_id": r.shipment_id, "order_no": r.order_no, "awb": r.awb} for r in recs]}


def _release_labels(claimed: Iterable[tuple[ShipmentRecord, str | None]], batch_id: str) -> None:
    for rec, reason in claimed:
        units.attempt(lambda uow: repo.release_label(uow, rec, batch_id, reason))


def reprint_label(caller: Caller, shipment_id: str, size: str | None) -> dict:
    """Print one shipment's label again now, whatever its state."""
    from ..staff.service import get_store

    rec = own_shipment(caller.store_id, shipment_id)
    size = size or label_size(caller.store_id)
    batch_id = new_id()
    job = _print_labels(get_store(caller.store_id), [rec], size, reference=f"label-reprint#{batch_id}",
                        title=f"Label {rec.order_no} (cetak ulang)")
    # Conditional on what was rendered: if an AWB arrived meanwhile, the label stays queued.
    units.attempt(lambda uow: repo.mark_label_reprinted(uow, rec, batch_id, get_clock().now_s()))
    return {"batch_id": batch_id, "size": size, "job_id": job.get("job_id"), "shipment": get(caller, shipment_id)}


def label_size(store_id: str) -> str:
    """The size the store's label printer takes: label stock is 100x150; a receipt printer that
    prints labels (a common setup) takes its roll width. 100x150 when the store has no station yet."""
    from ..printing import model as printing_model
    from ..printing import service as printing

    stations = printing.list_stations(store_id)
    routed = stations["routes"].get("label")
    if routed is None:
        return "100x150"
    station = next(s for s in stations["stations"] if s["station_id"] == routed["station_id"])
    profile = printing_model.profile_table(station["profiles"]).get(routed["profile"])
    if profile is None or profile["language"] != "escpos":
        return "100x150"
    return str(printing_model.roll_width_mm(profile))


def _print_labels(store, recs: list[ShipmentRecord], size: str, *, reference: str, title: str) -> dict:
    from ..documents import render_labels
    from ..printing import service as printing

    pdf = render_labels([label_data(rec, store) for rec in recs], size=size)
    return printing.submit_pdf(store.store_id, role="label", kind="label", pdf=pdf, reference=reference, title=title)


def label_data(rec: ShipmentRecord, store):
    """The label of a shipment: NON-COD for an order paid before it ships, "COD Rp…" with what the
    courier collects for a cash-on-delivery order."""
    from ..documents import LabelData, Party

    sender, recipient = rec.sender or {}, rec.recipient
    contents = ", ".join(f"{item['quantity']}x {item['name']}" for item in rec.items)
    return LabelData(
        order_number=rec.order_no,
        sender=Party(sender.get("contact_name") or store.name, sender.get("contact_phone") or "",
                     sender.get("address") or store.address),
        recipient=Party(recipient.get("contact_name") or "-", recipient.get("contact_phone") or "",
                        recipient.get("address") or "-"),
        courier=(rec.courier_company or "Kurir").upper(), service=(rec.courier_type or "").upper(),
        weight_grams=int(rec.weight_g), awb=rec.awb, contents=contents, cod_amount=int(rec.cod_amount or 0),
        note="MODE UJI: bukan kiriman sungguhan." if rec.test_mode else rec.note,
    )
