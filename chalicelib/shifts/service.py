"""Shift use cases: open, cash in/out, close (with an admin's PIN over the allowance), the closing
report kept in S3 and printed through the outbox.

Every write is conditional on the state read: opening creates the two open-shift pointers only if
absent; a cash movement checks the shift's version; closing checks the version and the number of
sales and refunds counted so far, so a sale completing (or a refund paid out) at the same moment
makes the close fail cleanly ("periksa lagi") instead of closing on stale totals.
"""
from __future__ import annotations

from ..core import outbox, storage
from ..core import uow as units
from ..core.clock import get_clock, local_day
from ..core.errors import Conflict, Forbidden, NotFound
from ..core.ids import new_id, short_code
from ..core.observability import logger
from ..core.web import ADMIN, Caller
from ..staff import service as staff_service
from . import model, repo
from .repo import OpenShiftRecord, ShiftRecord

PRINT_KIND = "print.shift_report"
ARCHIVE_WIDTH_MM = 80  # the copy kept in S3; the printed one follows the store's receipt printer


# ---- what other areas ask ----------------------------------------------------------------------

RECENT_SHIFTS = 50  # how far back a sale's shift is looked for (a void is for today's sales anyway)


def sale_shift_closed(store_id: str, staff_id: str | None, device_id: str | None, at: int) -> bool:
    """Whether a sale rung up at ``at`` by this person on this device was counted on a shift that has
    been closed since (its drawer counted): a void is for a sale of the shift still open. A store
    that does not open shifts has none to close, so nothing is refused for it."""
    if not staff_id or not device_id:
        return False
    for rec in repo.recent_shifts(store_id, RECENT_SHIFTS):
        if rec.staff_id == staff_id and rec.device_id == device_id and int(rec.opened_at) <= at and (
                rec.closed_at is None or int(rec.closed_at) >= at):
            return rec.status == model.CLOSED
    return False


# ---- views -----------------------------------------------------------------------------------

def expected_cash(rec: ShiftRecord, counters: dict[str, int]) -> int:
    """What the drawer should hold now: float + cash sales + cash in - cash out - cash refunds."""
    return model.expected_cash(int(rec.opening_float), model.cash_sales(counters), int(rec.cash_in), int(rec.cash_out),
                               model.cash_refunds(counters))


def shift_view(rec: ShiftRecord, counters: dict[str, int], allowance: int) -> dict:
    lines = model.method_lines(counters)
    refunds = model.refund_lines(counters)
    sales_total, refunds_total = sum(line.amount for line in lines), sum(line.amount for line in refunds)
    view = {
        "shift_id": rec.shift_id, "shift_code": rec.shift_code, "status": rec.status, "staff_id": rec.staff_id,
        "staff_name": staff_service.staff_name(rec.store_id, rec.staff_id), "device_id": rec.device_id,
        "opened_at": int(rec.opened_at), "opening_float": int(rec.opening_float),
        "movements": rec.movements, "cash_in": int(rec.cash_in), "cash_out": int(rec.cash_out),
        "sales": {"count": sum(line.count for line in lines), "total": sales_total,
                  "by_method": [{"method": line.method, "issuer": line.issuer, "count": line.count, "amount": line.amount}
                                for line in lines]},
        # Refunds and voids paid out on this shift, by the tender the money went back by; only cash
        # leaves the drawer.
        "refunds": {"count": sum(line.count for line in refunds), "total": refunds_total,
                    "by_tender": [{"method": line.method, "count": line.count, "amount": line.amount} for line in refunds]},
        "net_total": sales_total - refunds_total,
        "cash_sales": model.cash_sales(counters), "cash_refunds": model.cash_refunds(counters),
        "expected_cash": expected_cash(rec, counters), "allowance": allowance,
        "closed_at": rec.closed_at, "closed_by": rec.closed_by, "counted_cash": rec.counted_cash,
        "difference": rec.difference, "note": rec.note, "approved_by": rec.approved_by,
        "approved_by_name": staff_service.staff_name(rec.store_id, rec.approved_by) if rec.approved_by else None,
        "approved_at": rec.approved_at,
    }
    if rec.status == model.CLOSED:
        # The closing froze these; the view shows what was decided, not a recomputation.
        view["expected_cash"], view["allowance"] = int(rec.expected_cash), int(rec.allowance)
    return view


def _allowance(store_id: str) -> int:
    return staff_service.store_settings(store_id).shift_difference_allowance


def _load(caller: Caller, shift_id: str) -> tuple[ShiftRecord, dict[str, int]]:
    """The shift if the caller may see it: its cashier, or an admin of the store."""
    found = repo.get_shift(caller.store_id, shift_id)
    if found is None or (caller.role != ADMIN and found[0].staff_id != caller.staff_id):
        raise NotFound("Shift tidak ditemukan.", code="shift_not_found")
    return found


def _require_person(caller: Caller) -> str:
    if not caller.staff_id:
        raise Forbidden("Masuk dengan PIN untuk membuka atau menutup kasir.", code="login_required")
    return caller.staff_id


def get_shift(caller: Caller, shift_id: str) -> dict:
    rec, counters = _load(caller, shift_id)
    return shift_view(rec, counters, _allowance(caller.store_id))


def current(caller: Caller) -> dict:
    """The caller's open shift, or ``{"shift": null}``."""
    pointer = repo.open_pointer(caller.store_id, repo.staff_holder(_require_person(caller)))
    if pointer is None:
        return {"shift": None}
    return {"shift": get_shift(caller, pointer.shift_id)}


def list_shifts(caller: Caller, limit: int) -> list[dict]:
    """Newest first. Admins see every shift of the store; a cashier their own (among the store's
    latest ``limit``, one Query)."""
    rows = repo.recent_shifts(caller.store_id, limit)
    if caller.role != ADMIN:
        rows = [r for r in rows if r.staff_id == caller.staff_id]
    return [{"shift_id": r.shift_id, "shift_code": r.shift_code, "status": r.status, "staff_id": r.staff_id,
             "staff_name": staff_service.staff_name(r.store_id, r.staff_id), "opened_at": int(r.opened_at),
             "closed_at": r.closed_at, "sales_total": r.sales_total, "refunds_total": r.refunds_total,
             "expected_cash": r.expected_cash,
             "counted_cash": r.counted_cash, "difference": r.difference, "approved_by": r.approved_by} for r in rows]


# ---- open and cash movements -----------------------------------------------------------------

def open_shift(caller: Caller, opening_float: int) -> dict:
    """Buka kasir on the caller's device. One open shift per cashier and per device (drawer)."""
    staff_id = _require_person(caller)
    settings = staff_service.store_settings(caller.store_id)
    now = get_clock().now_s()
    day = local_day(now, settings.timezone)
    rec = ShiftRecord(store_id=caller.store_id, shift_id=new_id(), shift_code=f"{day[8:10]}{day[5:7]}-{short_code(4)}",
                      merchant_id=caller.merchant_id, staff_id=staff_id, device_id=caller.device_id, status=model.OPEN,
                      opened_at=now, opening_float=opening_float, movements=[], cash_in=0, cash_out=0, version=0,
                      sales_count=0)
    pointers = [OpenShiftRecord(store_id=caller.store_id, holder=holder, shift_id=rec.shift_id, staff_id=staff_id,
                                device_id=caller.device_id, opened_at=now)
                for holder in (repo.staff_holder(staff_id), repo.device_holder(caller.device_id))]
    opened, _ = units.attempt(lambda uow: repo.add_shift(uow, rec, pointers))
    if not opened:
        mine = repo.open_pointer(caller.store_id, repo.staff_holder(staff_id))
        if mine is not None:
            raise Conflict("Anda masih punya shift yang belum ditutup.", code="shift_already_open",
                           details={"shift_id": mine.shift_id})
        raise Conflict("Perangkat ini masih dipakai shift kasir lain. Tutup shift itu dulu.",
                       code="device_shift_open")
    return shift_view(rec, {}, settings.shift_difference_allowance)


def _require_open(rec: ShiftRecord) -> None:
    if rec.status != model.OPEN:
        raise Conflict("Shift ini sudah ditutup.", code="shift_closed")


def cash_movement(caller: Caller, shift_id: str, direction: str, amount: int, reason: str) -> dict:
    """Tunai masuk / keluar. Cash out never takes more than the drawer should hold."""
    direction, reason = model.validate_direction(direction), model.validate_reason(reason)
    busy = Conflict("Shift sedang diubah di perangkat lain. Coba lagi.", code="shift_busy")

    def work(uow) -> None:
        rec, counters = _load(caller, shift_id)
        _require_open(rec)
        drawer = expected_cash(rec, counters)
        if direction == model.OUT and amount > drawer:
            raise Conflict("Kas keluar melebihi uang yang seharusnya ada di laci.", code="cash_out_exceeds_drawer",
                           details={"drawer": drawer})
        now = get_clock().now_s()
        movement = {"at": now, "amount": amount if direction == model.IN else -amount, "reason": reason,
                    "by": caller.staff_id or caller.device_id}
        repo.add_movement(uow, rec, movement, cash_in=direction == model.IN, amount=amount)

    try:
        units.run(work, lost_retries=2)  # another movement landed first: read again
    except units.ConditionLost:
        raise busy from None
    return get_shift(caller, shift_id)


# ---- closing ---------------------------------------------------------------------------------

def verify_approver(store_id: str, staff_id: str, pin: str, device_id: str):
    """An admin's PIN checked like a sign-in on the caller's device (same hashing, same lockout),
    without a session."""
    try:
        admin = staff_service.verify_pin(store_id, staff_id, pin, roles=(ADMIN,), device_id=device_id)
    except Forbidden:
        raise Forbidden("Persetujuan hanya dengan PIN admin toko ini.", code="approver_not_admin") from None
    if admin is None:
        # 403, not 401: the cashier's own session is fine and must not be signed out.
        raise Forbidden("PIN admin salah.", code="approval_pin_wrong")
    return admin


def close_shift(caller: Caller, shift_id: str, counted_cash: int, note: str | None,
                approver_staff_id: str | None = None, approver_pin: str | None = None) -> dict:
    """Tutup kasir: the counted cash against the expected, the selisih, a note; over the store's
    allowance an admin's PIN approves it. The report is kept and sent to the receipt printer."""
    _require_person(caller)
    note = model.validate_note(note)
    rec, counters = _load(caller, shift_id)
    _require_open(rec)
    allowance = _allowance(caller.store_id)
    expected = expected_cash(rec, counters)  # cash refunds paid out of this drawer are out of it
    difference = counted_cash - expected
    approver = None
    if model.needs_approval(difference, allowance):
        if not approver_staff_id or not approver_pin:
            raise Conflict("Selisih melebihi batas toko. Minta admin memasukkan PIN untuk menyetujui.",
                           code="approval_required",
                           details={"expected_cash": expected, "difference": difference, "allowance": allowance})
        approver = verify_approver(caller.store_id, approver_staff_id, approver_pin, caller.device_id)
    now = get_clock().now_s()
    sales_total = sum(line.amount for line in model.method_lines(counters))
    refunds_total = sum(line.amount for line in model.refund_lines(counters))
    effect_id = f"shift-report#{shift_id}"
    changed = Conflict("Ada transaksi atau kas baru di shift ini. Periksa lagi totalnya, lalu tutup.",
                       code="shift_changed")

    def writes(uow) -> None:
        repo.close(uow, rec, now=now, closed_by=caller.staff_id, counted_cash=counted_cash, expected_cash=expected,
                   difference=difference, allowance=allowance, sales_total=sales_total, refunds_total=refunds_total,
                   note=note,
                   approved_by=approver.staff_id if approver is not None else None, lost=changed)
        uow.outbox(effect_id, PRINT_KIND, rec.store_id, {"shift_id": shift_id})

    units.commit(writes)
    closed, frozen = repo.get_shift(caller.store_id, shift_id)
    try:
        kept_pdf(closed, frozen)
    except Exception:  # noqa: BLE001 - the shift is closed; the download renders the copy again
        logger.warning("shift report not archived at closing", extra={"shift_id": shift_id}, exc_info=True)
    outbox.process_one(effect_id)  # print now; the outbox worker retries if the printer path fails
    return shift_view(closed, frozen, allowance)


# ---- the closing report ----------------------------------------------------------------------

def report_data(rec: ShiftRecord, counters: dict[str, int]):
    from ..documents import CashMovement, MethodTotal
    from ..documents.shift_report import ShiftCloseData

    store = staff_service.get_store(rec.store_id)
    return ShiftCloseData(
        merchant_name=staff_service.merchant_name(rec.merchant_id), store_name=store.name,
        cashier_name=staff_service.staff_name(rec.store_id, rec.staff_id) or rec.staff_id,
        opened_at=rec.opened_at, closed_at=rec.closed_at, opening_float=int(rec.opening_float),
        sales=[MethodTotal(line.method, line.amount, line.count, line.issuer) for line in model.method_lines(counters)],
        refunds=[MethodTotal(line.method, line.amount, line.count) for line in model.refund_lines(counters)],
        counted_cash=int(rec.counted_cash),
        cash_movements=[CashMovement(m["at"], int(m["amount"]), m["reason"]) for m in rec.movements],
        note=rec.note, approved_by=staff_service.staff_name(rec.store_id, rec.approved_by) if rec.approved_by else None,
        approved_at=rec.approved_at, shift_code=rec.shift_code,
        tz=staff_service.store_settings(rec.store_id).timezone)


def render_pdf(rec: ShiftRecord, counters: dict[str, int], width_mm: int) -> bytes:
    from ..documents import render_shift_report

    return render_shift_report(report_data(rec, counters), width_mm=width_mm)


def kept_pdf(rec: ShiftRecord, counters: dict[str, int]) -> bytes:
    """The archived closing report: rendered once into S3; a closed shift never changes, so a
    copy lost between the closing and the upload is rendered again identically."""
    if rec.pdf_key:
        return storage.get(rec.pdf_key)
    pdf = render_pdf(rec, counters, ARCHIVE_WIDTH_MM)
    key = f"shift-reports/{rec.store_id}/{rec.shift_id}.pdf"
    storage.put(key, pdf, "application/pdf")
    units.commit(lambda uow: repo.report_kept(uow, rec, key))
    return pdf


def closed_pdf(caller: Caller, shift_id: str) -> tuple[ShiftRecord, bytes]:
    rec, counters = _load(caller, shift_id)
    if rec.status != model.CLOSED:
        raise Conflict("Laporan tersedia setelah shift ditutup.", code="shift_not_closed")
    return rec, kept_pdf(rec, counters)


@outbox.handler(PRINT_KIND)
def print_shift_report(item) -> dict:
    """Send the closing report to the store's receipt printer (idempotent on the effect id)."""
    from ..printing import service as printing

    rec, counters = repo.get_shift(item.store_id, item.payload["shift_id"])
    width = printing.receipt_width_mm(rec.store_id)
    pdf = kept_pdf(rec, counters) if width == ARCHIVE_WIDTH_MM else render_pdf(rec, counters, width)
    job = printing.submit_pdf(rec.store_id, role="receipt", kind="report", pdf=pdf, reference=item.effect_id,
                              title=f"Tutup kasir {rec.shift_code}")
    return {"job_id": job["job_id"]}


def reprint(caller: Caller, shift_id: str) -> dict:
    rec, _ = _load(caller, shift_id)
    if rec.status != model.CLOSED:
        raise Conflict("Laporan tersedia setelah shift ditutup.", code="shift_not_closed")
    effect_id = f"shift-report-reprint#{shift_id}#{new_id()}"
    outbox.put(effect_id, PRINT_KIND, caller.store_id, {"shift_id": shift_id, "requested_by": caller.staff_id})
    return {"shift_id": shift_id, "print": outbox.process_one(effect_id)}
