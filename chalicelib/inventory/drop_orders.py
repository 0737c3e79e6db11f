"""Drop orders: CS asks the warehouse for goods, the warehouse hands them over (WAREHOUSE -> CS),
and goods that come back are scanned in (CS -> WAREHOUSE), which closes or cancels the drop.

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
from . import model, repo
from .facts import DropOrderMoved
from .repo import DropOrderRecord
from .service import resolve_product


def _view(d: DropOrderRecord) -> dict:
    return {"drop_id": d.drop_id, "drop_no": d.drop_no, "status": d.status,
            "status_label": model.DROP_LABELS.get(d.status, d.status), "lines": d.lines, "note": d.note,
            "requested_by": d.requested_by, "requested_at": int(d.requested_at), "handed_by": d.handed_by,
            "handed_at": d.handed_at, "returned": d.returned, "closed_by": d.closed_by, "closed_at": d.closed_at}


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
        qty = model.validate_qty(line.get("qty"), f"Baris {i}: jumlah", maximum=9_999)
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
    return [_view(d) for d in found]


def get(caller: Caller, drop_id: str) -> dict:
    return _view(_own(caller, drop_id))


def hand_over(caller: Caller, drop_id: str) -> dict:
    """The warehouse gives the goods to CS: WAREHOUSE -> CS for every line, never below what is
    available in the warehouse. All lines move or none."""
    d = _own(caller, drop_id)
    if d.status == model.DROP_HANDED_OVER:
        return _view(d)  # a repeated tap
    if d.status != model.DROP_REQUESTED:
        raise Conflict(f"Drop order berstatus {model.DROP_LABELS[d.status]}; tidak bisa diserahkan.",
                       code="invalid_transition")
    actor = caller.staff_id or caller.device_id
    now = get_clock().now_s()

    def writes(uow: units.UnitOfWork) -> None:
        repo.hand_over_drop(uow, d, actor=actor, now=now)
        for line in d.lines:
            _move(uow, d, line["sku"], int(line["qty"]), model.WAREHOUSE, model.CS_DESK, "drop_order", actor)
        uow.fact(DropOrderMoved(store_id=d.store_id, event="handed", qty=sum(int(x["qty"]) for x in d.lines), at=now))

    done, _ = units.attempt(writes)
    d.refresh(consistent_read=True)  # a transaction does not update the local copy
    if not done:
        # Someone moved the drop order first, or a warehouse line is short: its status tells which.
        if d.status == model.DROP_HANDED_OVER:
            return _view(d)
        if d.status != model.DROP_REQUESTED:
            raise Conflict(f"Drop order berstatus {model.DROP_LABELS[d.status]}.", code="invalid_transition")
        raise Conflict("Stok gudang tidak cukup untuk drop order ini: " + _shortages(d, model.WAREHOUSE) + ".",
                       code="insufficient_stock")
    return _view(d)


def _move(uow: units.UnitOfWork, d: DropOrderRecord, sku: str, qty: int, src: str, dst: str, reason: str,
          actor: str) -> None:
    for location, delta in ((src, -qty), (dst, qty)):
        repo.move_on_hand(uow, d.store_id, sku, location, delta, reason=reason, reference=d.drop_id, actor=actor,
                          entry_id=f"{reason}#{d.drop_id}#{sku}#{location}")


def _shortages(d: DropOrderRecord, location: str) -> str:
    have = repo.available_at(d.store_id, location, [line["sku"] for line in d.lines])
    short = [f"{line['sku']} (ada {have.get(line['sku'], 0)}, diminta {line['qty']})" for line in d.lines
             if have.get(line["sku"], 0) < int(line["qty"])]
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
    """Goods scanned back into the warehouse (CS -> WAREHOUSE). Everything back cancels the drop
    order; part of it closes it (the rest stayed with CS). Only goods not booked for a customer
    can leave the CS desk."""
    d = _own(caller, drop_id)
    if d.status != model.DROP_HANDED_OVER:
        raise Conflict(f"Drop order berstatus {model.DROP_LABELS[d.status]}; tidak ada barang untuk dikembalikan.",
                       code="invalid_transition")
    scanned = _scanned(caller, items, "Retur")
    returned = {sku: qty for sku, (_, qty) in scanned.items()}
    outcome = model.return_outcome({line["sku"]: int(line["qty"]) for line in d.lines}, returned)
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
