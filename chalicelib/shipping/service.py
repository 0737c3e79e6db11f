"""Shipping use cases, published in one place for routes, events and other areas.

The area's work is split by concept; this module only gathers it:

- :mod:`.settings` - the store's shipping setup (admin), secrets, the courier adapter;
- :mod:`.booking` - creating a sale's shipment and booking the courier (the ``shipment.request``
  outbox handler), staff retry, "book it by hand" and cancelling before pickup;
- :mod:`.rates` - "Cek ongkir" for CS, and the check a book order's courier gets at booking;
- :mod:`.news` - applying news to a shipment in one unit of work, never backwards;
- :mod:`.tracking` - Biteship webhooks (through the shared inbox) and the AWB poller;
- :mod:`.scan_in` - AWBs typed or scanned by staff;
- :mod:`.labels` - label printing batches and reprints;
- :mod:`.views` - one shipment, the filtered list, finding one by order number or AWB.

Importing this module registers the outbox handler (``schema.OUTBOX_HANDLER_MODULES`` names it).
"""
from __future__ import annotations

from .booking import DEFAULT_ITEM_WEIGHT_G, book, cancel, ensure_shipment, request_shipment, retry, switch_to_manual
from .labels import LABEL_BATCH_MAX, label_data, label_size, print_unprinted, reprint_label
from .news import DEFAULT_TRACKING_URL, FIRST_POLL_S, News, apply_news
from .rates import courier_quote, quote
from .scan_in import MAX_SCAN_ROWS, scan_awbs
from .settings import (
    COURIER_TIMEOUT_S,
    LOCAL_STAGES,
    MANUAL,
    PROVIDER,
    new_webhook_secret,
    provider_for,
    settings_view,
    shipping_settings,
    update_settings,
    webhook_url,
)
from .tracking import EVENT_KEEP_SECONDS, MAX_POLL_S, handle_webhook, poll_missing_awbs
from .views import find_shipment, get, list_shipments, shipment_view

__all__ = [
    "COURIER_TIMEOUT_S", "DEFAULT_ITEM_WEIGHT_G", "DEFAULT_TRACKING_URL", "EVENT_KEEP_SECONDS", "FIRST_POLL_S",
    "LABEL_BATCH_MAX", "LOCAL_STAGES", "MANUAL", "MAX_POLL_S", "MAX_SCAN_ROWS", "PROVIDER", "News", "apply_news",
    "book", "cancel", "courier_quote", "ensure_shipment", "find_shipment", "get", "handle_webhook", "label_data",
    "label_size", "quote",
    "list_shipments", "new_webhook_secret", "poll_missing_awbs", "print_unprinted", "provider_for",
    "reprint_label", "request_shipment", "retry", "scan_awbs", "settings_view", "shipment_view",
    "shipping_settings", "switch_to_manual", "update_settings", "webhook_url",
]
