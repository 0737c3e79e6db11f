"""The one outbox effect that requests a sold book order's shipment: written by the book orders area
in the sale's transaction (a book order ships when ``BookOrder.needs_shipping``), delivered here."""
from __future__ import annotations

from ...book_orders.model import SHIPMENT_REQUEST  # noqa: F401 - the outbox kind shipping handles
from ...book_orders.model import shipment_request_effect_id as request_effect_id  # noqa: F401
