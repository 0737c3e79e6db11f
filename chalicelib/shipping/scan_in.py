"""AWB scan-in: staff who booked the courier by hand type or scan the AWBs of many shipments."""
from __future__ import annotations

import re

from ..core.errors import Conflict, SambungError, ValidationError
from ..core.web import Caller
from . import model
from .model import ShipmentStatus
from .news import News, apply_news
from .settings import MANUAL
from .views import find_shipment

MAX_SCAN_ROWS = 200
# An order number as the slip and label print it, and their Code128 carries it: ``0812-RC4NY``
# (ddmm, a dash, five letters or digits). The dash is optional here: a scanner set to send only
# letters and digits drops it, and people typing it in often leave it out.
_ORDER_NO = re.compile(r"^(\d{4})-?([0-9A-Z]{5})$")


def scan_awbs(caller: Caller, rows: list) -> dict:
    """Manual AWBs for many shipments in one go; each row gets its own result, in order.

    A row names the shipment by ``order_no`` (as printed on the slip and label, and carried by
    their barcodes; see :func:`order_no_as_scanned`) or ``shipment_id``. The AWB is normalised
    (trimmed, upper-cased); one already used in this store, or one of its order numbers, is refused.
    """
    if not rows:
        raise ValidationError("Isi minimal satu baris resi.", code="empty_batch")
    if len(rows) > MAX_SCAN_ROWS:
        raise ValidationError(f"Maksimal {MAX_SCAN_ROWS} resi sekali kirim.", code="too_many_rows")
    results = []
    for index, row in enumerate(rows):
        ref = {k: row.get(k) for k in ("order_no", "shipment_id")} if isinstance(row, dict) else {}
        try:
            results.append({"row": index, "ok": True, **ref, **_scan_one(caller, row)})
        except SambungError as exc:
            results.append({"row": index, "ok": False, **ref, "code": exc.code, "message": exc.message})
    saved = sum(1 for r in results if r["ok"])
    return {"results": results, "saved": saved, "refused": len(results) - saved}


def _scan_one(caller: Caller, row: object) -> dict:
    from ..core.web import F, validate_fields

    data = validate_fields(row, {"order_no": F(str, required=False), "shipment_id": F(str, required=False),
                                 "awb": F(str), "replace": F(bool, required=False)}, "rows[].")
    awb = model.normalize_awb(data["awb"])
    order_no = data.get("order_no")
    rec = find_shipment(caller, order_no_as_scanned(order_no) if order_no else None, data.get("shipment_id"))
    if rec.mode != MANUAL:
        raise Conflict("Resi kiriman ini dibuat otomatis oleh Biteship. Ubah kiriman ke manual dulu bila kurirnya "
                       "dipesan sendiri.", code="awb_from_courier")
    _refuse_order_number_as_awb(caller, awb)
    result = {"shipment_id": rec.shipment_id, "order_no": rec.order_no, "awb": awb}
    if rec.awb == awb:
        return {**result, "outcome": "unchanged", "status": rec.status}
    if rec.awb and not data.get("replace"):
        raise Conflict(f"Kiriman ini sudah punya resi {rec.awb}. Centang ganti resi bila memang salah.",
                       code="awb_already_set", details={"awb": rec.awb})
    if rec.awb and ShipmentStatus(rec.status).terminal:
        raise Conflict("Kiriman sudah selesai; resinya tidak bisa diganti.", code="shipment_ended")
    updated, _ = apply_news(rec.shipment_id, News(awb=awb, awb_source="staff"))
    return {**result, "outcome": "saved", "status": updated.status}


def order_no_as_scanned(raw: str) -> str:
    """An order number as a scanner or a person typed it -> as printed: no spaces, upper case (a
    scanner types lower case while Caps Lock is on), the dash put back. Anything else loses its
    spaces, is upper-cased and is looked up as it is."""
    text = re.sub(r"\s", "", raw).upper()
    found = _ORDER_NO.match(text)
    return f"{found.group(1)}-{found.group(2)}" if found else text


def _refuse_order_number_as_awb(caller: Caller, awb: str) -> None:
    """Slips and labels carry the order number as a barcode, so scanning two of them in a row puts
    an order number where the AWB goes. Saved, it would be texted to the customer as their resi."""
    from ..sales import service as sales

    as_order_no = order_no_as_scanned(awb)
    if _ORDER_NO.match(as_order_no) and sales.order_by_number(caller.store_id, as_order_no) is not None:
        raise ValidationError(f"{as_order_no} adalah nomor pesanan, bukan nomor resi. Scan nomor resi dari kurir.",
                              code="awb_is_order_no", details={"order_no": as_order_no})
