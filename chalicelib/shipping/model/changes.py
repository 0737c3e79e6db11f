"""How a shipment changes when news arrives (from the courier or from staff), never backwards."""
from __future__ import annotations

from dataclasses import dataclass

from .status import ShipmentStatus, advance

AWB_ISSUED = "Resi sudah terbit; label lama tertulis Menunggu resi."
AWB_CHANGED = "Nomor resi berubah; label lama memuat resi yang salah."


@dataclass(frozen=True)
class ShipmentChange:
    """What to store after news about a shipment (from the courier or from staff).

    ``status``/``awb`` are the new values, None to keep the current one. ``reprint_reason`` is set
    when a label already printed no longer matches; ``notify`` when the customer should now get the
    AWB; ``leaves_label_queue`` when the journey ended, so its label is no longer worth printing.
    """

    status: ShipmentStatus | None = None
    awb: str | None = None
    reprint_reason: str | None = None
    notify: bool = False
    leaves_label_queue: bool = False


def plan_change(current: ShipmentStatus, current_awb: str | None, *, label_printed: bool,
                status: ShipmentStatus | None = None, awb: str | None = None) -> ShipmentChange:
    """Decide what news changes, never moving backwards.

    - the status follows :func:`advance`;
    - an AWB is recorded when there is none yet (even after the journey ended: a late
      ``order.waybill_id`` still belongs in the record), and replaced only while the journey runs;
    - an AWB means the courier confirmed: Biteship's ``confirmed`` is "AWB generated", so a shipment
      still ``requested`` becomes ``confirmed`` with it;
    - a new AWB on a printed label asks for a reprint, and tells the customer, unless the journey
      has already ended.
    """
    new_status = advance(current, status) if status is not None else None
    new_awb = None
    if awb is not None and awb != current_awb and (current_awb is None or not current.terminal):
        new_awb = awb
    if new_awb is not None and (new_status or current) == ShipmentStatus.REQUESTED:
        new_status = ShipmentStatus.CONFIRMED
    final = new_status or current
    running = not final.terminal
    reprint = None
    if new_awb is not None and label_printed and running:
        reprint = AWB_ISSUED if current_awb is None else AWB_CHANGED
    return ShipmentChange(
        status=new_status, awb=new_awb, reprint_reason=reprint, notify=new_awb is not None and running,
        leaves_label_queue=new_status is not None and new_status.terminal,
    )
