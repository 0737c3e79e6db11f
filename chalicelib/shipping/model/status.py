"""Where a parcel is: our status names, their order along the journey, and how news moves them.

Our status names are Biteship's (the aggregator we integrate first) plus ``requested``, the state
before the courier has confirmed anything. Biteship spells statuses in snake_case in the Order API
and in camelCase in the Tracking API; :func:`parse_status` reads both.
"""
from __future__ import annotations

import re
from enum import StrEnum


class ShipmentStatus(StrEnum):
    """Where a parcel is. Values are stored as-is, so never rename one."""

    REQUESTED = "requested"  # ours: asked the courier, no confirmation yet
    CONFIRMED = "confirmed"
    SCHEDULED = "scheduled"
    ALLOCATED = "allocated"
    PICKING_UP = "picking_up"
    PICKED = "picked"
    DROPPING_OFF = "dropping_off"
    ON_HOLD = "on_hold"
    RETURN_IN_TRANSIT = "return_in_transit"
    DELIVERED = "delivered"
    RETURNED = "returned"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    COURIER_NOT_FOUND = "courier_not_found"
    DISPOSED = "disposed"

    @property
    def rank(self) -> int:
        """Progress along the journey; a shipment only ever moves to a higher (or, in transit, equal) rank."""
        return _RANK[self]

    @property
    def terminal(self) -> bool:
        """Nothing follows: delivered, returned, or the shipment ended without delivery."""
        return self.rank == _TERMINAL_RANK

    @property
    def cancellable(self) -> bool:
        """Biteship lets an order be cancelled only until the courier has picked the parcel up."""
        return self in _CANCELLABLE


_TERMINAL_RANK = 100
_RANK: dict[ShipmentStatus, int] = {
    ShipmentStatus.REQUESTED: 0,
    ShipmentStatus.CONFIRMED: 10,
    ShipmentStatus.SCHEDULED: 15,
    ShipmentStatus.ALLOCATED: 20,
    ShipmentStatus.PICKING_UP: 30,
    ShipmentStatus.PICKED: 40,
    # A parcel in the last mile can be held at a hub and released again, in either order, so
    # these two share a rank and may replace each other.
    ShipmentStatus.DROPPING_OFF: 50,
    ShipmentStatus.ON_HOLD: 50,
    ShipmentStatus.RETURN_IN_TRANSIT: 60,
    ShipmentStatus.DELIVERED: _TERMINAL_RANK,
    ShipmentStatus.RETURNED: _TERMINAL_RANK,
    ShipmentStatus.CANCELLED: _TERMINAL_RANK,
    ShipmentStatus.REJECTED: _TERMINAL_RANK,
    ShipmentStatus.COURIER_NOT_FOUND: _TERMINAL_RANK,
    ShipmentStatus.DISPOSED: _TERMINAL_RANK,
}
_CANCELLABLE = frozenset({
    ShipmentStatus.REQUESTED,
    ShipmentStatus.CONFIRMED,
    ShipmentStatus.SCHEDULED,
    ShipmentStatus.ALLOCATED,
    ShipmentStatus.PICKING_UP,
})

STATUS_LABELS: dict[ShipmentStatus, str] = {
    ShipmentStatus.REQUESTED: "Menunggu kurir",
    ShipmentStatus.CONFIRMED: "Dikonfirmasi",
    ShipmentStatus.SCHEDULED: "Dijadwalkan",
    ShipmentStatus.ALLOCATED: "Kurir ditugaskan",
    ShipmentStatus.PICKING_UP: "Kurir menuju toko",
    ShipmentStatus.PICKED: "Sudah dijemput",
    ShipmentStatus.DROPPING_OFF: "Dalam pengantaran",
    ShipmentStatus.ON_HOLD: "Tertahan",
    ShipmentStatus.RETURN_IN_TRANSIT: "Dalam perjalanan retur",
    ShipmentStatus.DELIVERED: "Terkirim",
    ShipmentStatus.RETURNED: "Diretur",
    ShipmentStatus.CANCELLED: "Dibatalkan",
    ShipmentStatus.REJECTED: "Ditolak",
    ShipmentStatus.COURIER_NOT_FOUND: "Kurir tidak ditemukan",
    ShipmentStatus.DISPOSED: "Dimusnahkan",
}

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z])(?=[A-Z])")


def parse_status(value: object) -> ShipmentStatus | None:
    """A courier's status string -> ours: ``picking_up``, ``pickingUp`` and ``PICKING_UP`` all read the same.

    Returns None for anything unknown, so a status Biteship adds later is kept in ``raw`` and
    ignored instead of failing the whole callback.
    """
    if not isinstance(value, str):
        return None
    key = _CAMEL_BOUNDARY.sub("_", value.strip()).lower().replace("-", "_").replace(" ", "_")
    try:
        return ShipmentStatus(key)
    except ValueError:
        return None


def advance(current: ShipmentStatus, incoming: ShipmentStatus) -> ShipmentStatus | None:
    """The status to store after ``incoming`` arrives, or None to keep ``current``.

    Callbacks arrive late, twice and out of order, and carry no reliable sequence number, so the
    journey's order decides: a shipment never moves back (``picked`` after ``dropping_off`` is
    stale), a terminal status is final, and any terminal status ends a journey in progress.
    """
    if incoming == current or current.terminal:
        return None
    if incoming.terminal or incoming.rank >= current.rank:
        return incoming
    return None
