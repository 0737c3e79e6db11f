"""Drop orders: CS asks the warehouse for goods, the warehouse hands them over (WAREHOUSE -> CS),
all of them or fewer when it has fewer, and goods that come back are scanned in (CS -> WAREHOUSE),
which closes or cancels the drop. A drop order whose goods were sold closes with nothing returned
("Semua terjual"); see ``model`` for the lifecycle.

Each step is one unit of work of the drop order's conditional status change, the stock moves and
their ledger entries (and a fact for the day's report), so a double tap or two warehouse tablets
cannot move the goods twice.
"""
from __future__ import annotations

from ..core import uow as units
from ..core.clock import get_clock
from ..core.errors import Conflict, NotFound, ValidationError
from ..core.ids import new_id, short_code
from ..core.web import Caller
from ..staff import service as staff
from . import model, repo
from .facts import DropOrderMoved
from .repo import DropOrderRecord
from .service import resolve_product


def _views(store_id: str, drops: list[DropOrderRecord], warehouse: dict[str, int] | None = None) -> list[dict]:
    """Drop orders as shown: each line requested and handed over (``handed`` once handed), the
    people by name (one batch read for all of them) and, with ``warehouse``, what the warehouse has
    free of each line now."""
    who = staff.names(store_id, [p for d in drops for p in (d.requested_by, d.handed_by, d.closed_by)])
    return [_view(d, who, warehouse) for d in drops]


def _view(d: DropOrderRecord, who: dict[str, str] | None = None, warehouse: dict[str, int] | None = None) -> dict:
    if who is None:
        who = staff.names(d.store_id, [d.requested_by, d.handed_by, d.closed_by])
    handed_over = d.handed_at is not None
    lines = []
    for line in d.lines:
        view = {**line, "handed": int(line.get("handed", line["qty"])) if handed_over else None}
        if warehouse is not None:
            view["warehouse_available"] = warehouse.get(line["sku"], 0)
        lines.append(view)
    handed = sum(line["handed"] or 0 for line in lines)
    requested = sum(int(line["qty"]) for line in d.lines)
    return {"drop_id": d.drop_id, "drop_no": d.drop_no, "status": d.status,
            "status_label": model.DROP_LABELS.get(d.status, d.status), "lines": lines, "note": d.note,
            "requested_qty": requested, "handed_qty": handed if handed_over else None,
            "short": handed_over and handed < requested,
            "requested_by": d.requested_by, "requested_by_name": who.get(d.requested_by),
            "requested_at": int(d.requested_at), "handed_by": d.handed_by, "handed_by_name": who.get(d.handed_by),
            "handed_at": d.handed_at, "returned": d.returned, "closed_by": d.closed_by,
            "closed_by_name": who.get(d.closed_by), "closed_at": d.closed_at, "close_reason": d.close_reason,
            "close_reason_label": model.CLOSE_LABELS.get(d.close_reason) if d.close_reason else None,
            "close_note": d.close_note}


def _own(caller: Caller, drop_id: str) -> DropOrderRecord:
    d = repo.get_drop_order(drop_id)
    if d is None or d.store_id != caller.store_id:
        raise NotFound("Drop order tidak ditemukan.", code="drop_order_not_found")
    return d


def _scanned(caller: Caller, items: list, where: str) -> dict[str, tuple]:
    """``[{"sku"|"barcode", "qty"}]`` -> ``{sku: (product, qty)}``, repeated scans added up."""
    if not isinstance(items, list) or not items:
        raise ValidationError(f"{where}: isi minimal satu barang.", code="empty_items")
    out: dict[str, tuple] = {}
    for i, line in enumerate(items, 1):
        if not isinstance(line, dict) or set(line) - {"sku", "barcode", "qty"}:
            raise ValidationError(f"Baris {i} tidak valid.", code="invalid_item")
        qty = model.validate_qty(line.get("qty"), f"Baris {i}: jumlah", maximum=model.MAX_DROP_QTY)
        product = resolve_product(caller.merchant_id, line, f"Baris {i}")
        prev = out.get(product.sku, (product, 0))[1]
        out[product.sku] = (product, prev + qty)
    if len(out) > model.MAX_LINES:
        raise ValidationError(f"Maksimal {model.MAX_LINES} jenis barang per drop order.", code="too_many_items")
    return out


def request(caller: Caller, items: list, note: str | None) -> dict:
    """CS asks the warehouse for goods."""
    wanted = _scanned(caller, items, "Drop order")
    now = get_clock().now_s()
    d = DropOrderRecord(drop_id=new_id(), store_id=caller.store_id, drop_no=f"D-{short_code(5)}",
                        status=model.DROP_REQUESTED, store_status=f"{caller.store_id}#{model.DROP_REQUESTED}",
                        lines=[{"sku": p.sku, "name": p.name, "barcode": p.barcode, "qty": q} for p, q in wanted.values()],
                        note=(note or "").strip()[:200] or None, requested_by=caller.staff_id or caller.device_id,
                        requested_at=now)
    moved = DropOrderMoved(store_id=d.store_id, event="created", qty=sum(q for _, q in wanted.values()), at=now)

    def writes(uow: units.UnitOfWork) -> None:
        repo.add_drop_order(uow, d)
        uow.fact(moved)

    units.commit(writes)
    return _view(d)


def list_by_status(caller: Caller, status: str, limit: int) -> list[dict]:
    model.validate_drop_status(status)
    # The queue is served oldest first: the warehouse works through requests in order.
    newest_first = status != model.DROP_REQUESTED
    found = repo.drop_orders(caller.store_id, status, oldest_first=not newest_first, limit=limit)
    # The queue shows what the warehouse has of each line: it hands over fewer when it has fewer.
    warehouse = (repo.available_at(caller.store_id, model.WAREHOUSE, [line["sku"] for d in found for line in d.lines])
                 if status == model.DROP_REQUESTED and found else None)
    return _views(caller.store_id, found, warehouse)


def get(caller: Caller, drop_id: str) -> dict:
    return _view(_own(caller, drop_id))


def hand_over(caller: Caller, drop_id: str, items: list | None = None) -> dict:
    """The warehouse gives the goods to CS: WAREHOUSE -> CS, never below what is available in the
    warehouse. ``items`` ``[{"sku", "qty"}]`` hands over fewer than requested (the warehouse has
    fewer): only what is handed over moves, and the drop order keeps both numbers. The rest is not
    owed: CS asks again with a new drop order when it is still needed. All lines move or none."""
    d = _own(caller, drop_id)
    if d.status == model.DROP_HANDED_OVER:
        return _view(d)  # a repeated tap
    if d.status != model.DROP_REQUESTED:
        raise Conflict(f"Drop order berstatus {model.DROP_LABELS[d.status]}; tidak bisa diserahkan.",
                       code="invalid_transition")
    handed = model.handover_quantities(d.lines, items)
    lines = [{**line, "handed": handed[line["sku"]]} for line in d.lines]
    actor = caller.staff_id or caller.device_id
    now = get_clock().now_s()

    def writes(uow: units.UnitOfWork) -> None:
        repo.hand_over_drop(uow, d, lines, actor=actor, now=now)
        for sku, qty in handed.items():
            if qty:
                _move(uow, d, sku, qty, model.WAREHOUSE, model.CS_DESK, "drop_order", actor)
        uow.fact(DropOrderMoved(store_id=d.store_id, event="handed", qty=sum(handed.values()), at=now))

    done, _ = units.attempt(writes)
    d.refresh(consistent_read=True)  # a transaction does not update the local copy
    if not done:
        # Someone moved the drop order first, or a warehouse line is short: its status tells which.
        if d.status == model.DROP_HANDED_OVER:
            return _view(d)
        if d.status != model.DROP_REQUESTED:
            raise Conflict(f"Drop order berstatus {model.DROP_LABELS[d.status]}.", code="invalid_transition")
        short = _shortages(d, handed, model.WAREHOUSE, "diminta" if items is None else "diserahkan")
        raise Conflict(f"Stok gudang tidak cukup untuk drop order ini: {short}. Serahkan sebanyak yang ada di gudang.",
                       code="insufficient_stock")
    return _view(d)


def _move(uow: units.UnitOfWork, d: DropOrderRecord, sku: str, qty: int, src: str, dst: str, reason: str,
          actor: str) -> None:
    for location, delta in ((src, -qty), (dst, qty)):
        repo.move_on_hand(uow, d.store_id, sku, location, delta, reason=reason, reference=d.drop_id, actor=actor,
                          entry_id=f"{reason}#{d.drop_id}#{sku}#{location}", reference_no=d.drop_no)


def _shortages(d: DropOrderRecord, handed: dict[str, int], location: str, wanted: str) -> str:
    have = repo.available_at(d.store_id, location, handed)
    short = [f"{sku} (ada {have.get(sku, 0)}, {wanted} {qty})" for sku, qty in handed.items()
             if have.get(sku, 0) < qty]
    return ", ".join(short) or "stok baru saja berubah"


def cancel(caller: Caller, drop_id: str) -> dict:
    """A request nobody needs any more: no goods have moved."""
    d = _own(caller, drop_id)
    if d.status == model.DROP_CANCELLED:
        return _view(d)
    if d.status != model.DROP_REQUESTED:
        raise Conflict("Barang sudah diserahkan; kembalikan dengan scan retur.", code="invalid_transition")
    now = get_clock().now_s()

    def writes(uow: units.UnitOfWork) -> None:
        repo.cancel_drop(uow, d, actor=caller.staff_id or caller.device_id, now=now)
        uow.fact(DropOrderMoved(store_id=d.store_id, event="cancelled", at=now))

    units.attempt(writes)  # lost: someone moved it first; the status read below says what it is now
    d.refresh(consistent_read=True)
    if d.status != model.DROP_CANCELLED:
        raise Conflict(f"Drop order berstatus {model.DROP_LABELS[d.status]}.", code="invalid_transition")
    return _view(d)


def return_goods(caller: Caller, drop_id: str, items: list) -> dict:
    """Goods scanned back into the warehouse (CS -> WAREHOUSE). Everything handed over back cancels
    the drop order; part of it closes it (the rest stayed with CS). Only goods not booked for a
    customer can leave the CS desk."""
    d = _own(caller, drop_id)
    if d.status != model.DROP_HANDED_OVER:
        raise Conflict(f"Drop order berstatus {model.DROP_LABELS[d.status]}; tidak ada barang untuk dikembalikan.",
                       code="invalid_transition")
    scanned = _scanned(caller, items, "Retur")
    returned = {sku: qty for sku, (_, qty) in scanned.items()}
    outcome = model.return_outcome(model.handed_of(d.lines), returned)
    actor = caller.staff_id or caller.device_id
    now = get_clock().now_s()

    def writes(uow: units.UnitOfWork) -> None:
        repo.close_drop_with_return(uow, d, outcome, returned, actor=actor, now=now)
        for sku, qty in returned.items():
            _move(uow, d, sku, qty, model.CS_DESK, model.WAREHOUSE, "drop_return", actor)
        uow.fact(DropOrderMoved(store_id=d.store_id, event="returned", qty=sum(returned.values()), at=now))

    done, _ = units.attempt(writes)
    d.refresh(consistent_read=True)
    if not done:
        # Someone closed the drop order first, or booked goods cannot leave the CS desk.
        if d.status != model.DROP_HANDED_OVER:
            raise Conflict(f"Drop order sudah {model.DROP_LABELS[d.status].lower()}.", code="invalid_transition")
        raise Conflict("Sebagian barang di Meja CS sedang dipesan pelanggan, jadi tidak bisa dikembalikan: "
                       + _shortages_for(d, returned) + ".", code="insufficient_stock")
    return _view(d)


def _shortages_for(d: DropOrderRecord, returned: dict[str, int]) -> str:
    have = repo.available_at(d.store_id, model.CS_DESK, returned)
    short = [f"{sku} (bebas {have.get(sku, 0)}, dikembalikan {qty})" for sku, qty in returned.items()
             if have.get(sku, 0) < qty]
    return ", ".join(short) or "stok baru saja berubah"


def close_unreturned(caller: Caller, drop_id: str, *, keep_rest: bool = False, note: str | None = None) -> dict:
    """Close a handed-over drop order with nothing scanned back: no stock moves (what was handed
    over is on the CS desk's books, sold goods left it with their sale).

    "Semua terjual": allowed when the CS desk has sold, net of refunds put back, at least as many of
    every line since the hand-over (the desk's goods are one pool, so this is what the ledger can
    prove). Otherwise the person says why the rest stays at the CS desk (``keep_rest`` with a
    ``note``, kept on the drop order): goods that are really gone are a stock count for an admin.
    """
    d = _own(caller, drop_id)
    reason = model.CLOSE_KEPT if keep_rest else model.CLOSE_SOLD
    if d.status == model.DROP_CLOSED and d.close_reason == reason and not d.returned:
        return _view(d)  # a repeated tap
    if d.status != model.DROP_HANDED_OVER:
        raise Conflict(f"Drop order berstatus {model.DROP_LABELS[d.status]}; tidak bisa ditutup.",
                       code="invalid_transition")
    note = (note or "").strip()[:200] or None
    if keep_rest and (note is None or len(note) < 3):
        raise ValidationError("Tulis alasan sisa barang tetap di Meja CS (mis. disimpan untuk pesanan besok).",
                              code="reason_required")
    if not keep_rest:
        handed = model.handed_of(d.lines)
        since = int(d.handed_at)
        sold = {sku: model.sold_since(repo.ledger_since(d.store_id, sku, model.CS_DESK, since)) for sku in handed}
        left = model.unsold(handed, sold)
        if left:
            raise Conflict("Belum semua terjual sejak diserahkan: " + ", ".join(
                f"{sku} terjual {max(0, s)} dari {h}" for sku, (h, s) in sorted(left.items()))
                + ". Scan retur sisanya, atau tutup dengan alasan bila sisanya tetap di Meja CS.",
                code="not_all_sold", details={"unsold": [{"sku": sku, "handed": h, "sold": max(0, s)}
                                                         for sku, (h, s) in sorted(left.items())]})
    actor = caller.staff_id or caller.device_id
    now = get_clock().now_s()
    units.attempt(lambda uow: repo.close_drop_unreturned(uow, d, reason, note, actor=actor, now=now))
    d.refresh(consistent_read=True)  # lost: someone closed or returned it first; its status says so
    if d.status != model.DROP_CLOSED or d.close_reason != reason:
        raise Conflict(f"Drop order sudah {model.DROP_LABELS[d.status].lower()}.", code="invalid_transition")
    return _view(d)
